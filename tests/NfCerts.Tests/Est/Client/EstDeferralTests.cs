using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using NfCerts.Core.Est;
using NfCerts.Core.Renewal;
using NfCerts.Emulators.Est;
using NfCerts.Tests.Est.Server;
using Xunit;

namespace NfCerts.Tests.Est.Client
{
    /// <summary>RFC 7030 4.2.3: after a 202 the device sends the same request again, so that the certificate the server
    /// issues at last is for the key the device holds; against the Kestrel EST server, which keeps every CSR it receives.</summary>
    public sealed class EstDeferralTests
    {
        private static IssueRequest Current() => new() { CurrentCertificateId = "ClientCert1" };

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task A_deferred_request_is_sent_again_with_the_same_CSR_and_the_certificate_is_for_its_key(bool rotate)
        {
            await using var est = await EstServerFixture.StartAsync();
            ClientDevice device = EstConnectionTests.Enrolled(est);
            device.Settings.RotateKey = rotate;
            est.Server.Controls.DeferNext(1, 1);
            EstException e = Assert.Throws<EstException>(() => device.Issuer.Issue(Current()));
            Assert.Equal(EstError.Deferred, e.Error);
            Assert.True(device.Issuer.HasPendingRequest);
            byte[] first = est.Server.ReceivedRequests[^1];
            Assert.Equal(first, device.Issuer.PendingRequest);

            IssuedCredential issued = device.Issuer.Issue(Current());
            byte[] second = est.Server.ReceivedRequests[^1];
            Assert.Equal(first, second);
            Assert.Equal(2, est.Server.RequestCount("simplereenroll"));
            // /csrattrs is not asked again for a request already made.
            Assert.Equal(2, est.Server.RequestCount("csrattrs"));
            Assert.False(device.Issuer.HasPendingRequest);
            var pending = CertificateRequest.LoadSigningRequest(first, HashAlgorithmName.SHA256);
            using var cert = X509CertificateLoader.LoadCertificate(issued.Certificate);
            Assert.Equal(pending.PublicKey.ExportSubjectPublicKeyInfo(), cert.PublicKey.ExportSubjectPublicKeyInfo());
            Assert.True(device.Vault.KeyMatchesCertificate(issued.Certificate, issued.PrivateKey));
        }

        [Fact]
        public async Task A_deferred_request_is_dropped_when_the_server_refuses_it_and_the_next_one_is_new()
        {
            await using var est = await EstServerFixture.StartAsync();
            ClientDevice device = EstConnectionTests.Enrolled(est);
            est.Server.Controls.DeferNext(1, 1);
            Assert.Throws<EstException>(() => device.Issuer.Issue(Current()));
            byte[] deferred = est.Server.ReceivedRequests[^1];
            est.Server.Controls.SetFault(EstFault.WrongSubject, 1, "simplereenroll");
            EstException refused = Assert.Throws<EstException>(() => device.Issuer.Issue(Current()));
            Assert.False(refused.Retryable);
            Assert.False(device.Issuer.HasPendingRequest);
            device.Issuer.Issue(Current());
            Assert.NotEqual(deferred, est.Server.ReceivedRequests[^1]);
        }
    }
}
