using System;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using NfCerts.Core.Est;
using NfCerts.Core.Renewal;
using NfCerts.Core.X509;
using NfCerts.Emulators.Est;
using NfCerts.Emulators.Pki;
using NfCerts.Tests.Est.Server;
using NfCerts.Tests.Host;
using Xunit;

namespace NfCerts.Tests.Est.Client
{
    /// <summary>The device's EST issuer against the Kestrel EST server on 127.0.0.1: how it authenticates, what key it
    /// uses, and that a wrong answer changes nothing in the store.</summary>
    public sealed class EstIssuerTests
    {
        private static IssueRequest Current(string id = "ClientCert1") => new() { CurrentCertificateId = id };

        [Fact]
        public async Task Basic_credentials_enroll_after_the_servers_401_and_the_certificate_is_the_devices()
        {
            await using var est = await EstServerFixture.StartAsync();
            var device = new ClientDevice(est, bootstrap: false);
            IssuedCredential issued = device.Issuer.Issue(Current());
            var info = CertificateInfo.Parse(issued.Certificate);
            Assert.Equal("CN=device-001", info.Subject.Name);
            Assert.True(device.Vault.KeyMatchesCertificate(issued.Certificate, issued.PrivateKey));
            Assert.Equal(NfCerts.Core.X509.KeyAlgorithm.Ec, info.PublicKeyAlgorithm);
            // The first request went without credentials (401), the second with them: two simpleenroll requests.
            Assert.Equal(2, est.Server.RequestCount("simpleenroll"));
            Assert.StartsWith("basic:", est.Server.Log.ReadAll().Single().AuthenticatedBy);
        }

        [Fact]
        public async Task The_bootstrap_certificate_enrolls_where_Basic_is_off()
        {
            await using var est = await EstServerFixture.StartAsync((dir, ca) => new EstServerOptions
            {
                Directory = dir,
                User = null,
                BootstrapCas = EstServerFixture.Default(dir, ca).BootstrapCas,
            });
            var device = new ClientDevice(est, bootstrap: true, basic: false);
            IssuedCredential issued = device.Issuer.Issue(Current());
            Assert.Equal("CN=device-001", CertificateInfo.Parse(issued.Certificate).Subject.Name);
            Assert.Equal("cert:CN=device-001", est.Server.Log.ReadAll().Single().AuthenticatedBy);
            Assert.Contains("bootstrap", device.Issuer.LastNote);
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task Re_enrollment_uses_the_current_certificate_and_rotates_the_key_only_when_asked(bool rotate)
        {
            await using var est = await EstServerFixture.StartAsync();
            var device = new ClientDevice(est);
            IssuedCredential first = device.Issuer.Issue(Current());
            device.Store.InstallClientCertificate("ClientCert1", first.Certificate, first.PrivateKey, null);
            device.Settings.RotateKey = rotate;

            IssuedCredential second = device.Issuer.Issue(Current());
            Assert.Equal(1, est.Server.RequestCount("simplereenroll"));
            Assert.Equal(rotate, !device.Vault.KeyMatchesCertificate(second.Certificate, first.PrivateKey));
            Assert.True(device.Vault.KeyMatchesCertificate(second.Certificate, second.PrivateKey));
            Assert.StartsWith("cert:CN=device-001", est.Server.Log.ReadAll().Last().AuthenticatedBy);
        }

        [Fact]
        public async Task Server_key_generation_returns_a_key_that_matches_its_certificate()
        {
            await using var est = await EstServerFixture.StartAsync();
            var device = new ClientDevice(est);
            device.Settings.ServerKeyGeneration = true;
            IssuedCredential issued = device.Issuer.Issue(Current());
            Assert.True(device.Vault.KeyMatchesCertificate(issued.Certificate, issued.PrivateKey));
            Assert.Equal(1, est.Server.RequestCount("serverkeygen"));
        }

        [Fact]
        public async Task Csrattrs_are_honoured_the_challenge_password_is_in_the_request_openssl_verifies()
        {
            await using var est = await EstServerFixture.StartAsync((dir, ca) => new EstServerOptions
            {
                Directory = dir,
                User = EstServerFixture.User,
                Password = EstServerFixture.Password,
                BootstrapCas = EstServerFixture.Default(dir, ca).BootstrapCas,
                CsrAttributes = new EstCsrAttributes { RequireChallengePassword = true, ChallengePassword = "s3cret-challenge" },
            });
            var device = new ClientDevice(est);
            device.Settings.ChallengePassword = "s3cret-challenge";
            device.Issuer.Issue(Current());
            byte[] csr = est.Server.ReceivedRequests.Last();
            using var dir = new TempDir();
            string path = dir.Write("sent.csr", csr);
            string text = OpenSsl.Ok("req", "-in", path, "-inform", csr[0] == 0x30 ? "DER" : "PEM", "-verify", "-noout", "-text");
            Assert.Contains("challengePassword", text);
            Assert.Contains("CN = device-001", text);
        }

        [Fact]
        public async Task A_deferred_enrollment_is_retryable_after_the_servers_Retry_After()
        {
            await using var est = await EstServerFixture.StartAsync();
            var device = new ClientDevice(est);
            est.Server.Controls.DeferNext(1, 120);
            EstException e = Assert.Throws<EstException>(() => device.Issuer.Issue(Current()));
            Assert.Equal(EstError.Deferred, e.Error);
            Assert.True(e.Retryable);
            Assert.Equal(TimeSpan.FromSeconds(120), e.RetryAfter);
            // The next attempt is served.
            device.Issuer.Issue(Current());
        }

        [Fact]
        public async Task Service_unavailable_is_retryable_with_the_servers_delay()
        {
            await using var est = await EstServerFixture.StartAsync();
            var device = new ClientDevice(est);
            est.Server.Controls.SetFault(EstFault.ServiceUnavailable, 1, "simpleenroll");
            EstException e = Assert.Throws<EstException>(() => device.Issuer.Issue(Current()));
            Assert.Equal(503, e.Status);
            Assert.True(e.Retryable);
            Assert.True(e.RetryAfter > TimeSpan.Zero);
        }

        [Theory]
        [InlineData(EstFault.WrongSubject, EstError.CertificateRefused)]
        [InlineData(EstFault.WrongKey, EstError.CertificateRefused)]
        [InlineData(EstFault.ForeignCa, EstError.CertificateRefused)]
        [InlineData(EstFault.WrongContentType, EstError.BadContent)]
        [InlineData(EstFault.MalformedBody, EstError.BadContent)]
        [InlineData(EstFault.CutConnection, EstError.ConnectionLost)]
        [InlineData(EstFault.InternalError, EstError.HttpStatus)]
        public async Task A_wrong_answer_is_refused_and_the_store_is_unchanged(EstFault fault, EstError expected)
        {
            await using var est = await EstServerFixture.StartAsync();
            var device = new ClientDevice(est);
            byte[] before = device.Flash.Snapshot();
            est.Server.Controls.SetFault(fault, 1, "simpleenroll");
            EstException e = Assert.Throws<EstException>(() => device.Issuer.Issue(Current()));
            Assert.Equal(expected, e.Error);
            Assert.Equal(before, device.Flash.Snapshot());
        }

        [Fact]
        public async Task An_expired_identity_certificate_falls_back_to_the_bootstrap_certificate()
        {
            await using var est = await EstServerFixture.StartAsync();
            var device = new ClientDevice(est, basic: false);
            DateTimeOffset now = DateTimeOffset.UtcNow;
            DevCredential expired = DevPki.Client(est.BootstrapCa, "CN=device-001", now.AddDays(-10), now.AddDays(-1));
            device.Store.InstallClientCertificate("ClientCert1", expired.Der, ClientDevice.KeyDer(expired), null);
            IssuedCredential issued = device.Issuer.Issue(Current());
            Assert.Equal(0, est.Server.RequestCount("simplereenroll"));
            Assert.Equal(1, est.Server.RequestCount("simpleenroll"));
            Assert.Contains("expired", device.Issuer.LastNote);
            Assert.True(CertificateInfo.Parse(issued.Certificate).NotAfter > now.UtcDateTime);
        }

        [Fact]
        public async Task A_current_certificate_the_server_refuses_falls_back_to_the_bootstrap_certificate()
        {
            await using var est = await EstServerFixture.StartAsync();
            var device = new ClientDevice(est, basic: false);
            DateTimeOffset now = DateTimeOffset.UtcNow;
            DevCredential stranger = DevPki.Root("CN=Stranger CA", now.AddDays(-1), now.AddYears(1));
            DevCredential foreign = DevPki.Client(stranger, "CN=device-001", now.AddDays(-1), now.AddDays(10));
            device.Store.InstallClientCertificate("ClientCert1", foreign.Der, ClientDevice.KeyDer(foreign), null);
            device.Issuer.Issue(Current());
            Assert.Contains("refused", device.Issuer.LastNote);
            Assert.Equal("cert:CN=device-001", est.Server.Log.ReadAll().Single().AuthenticatedBy);
        }

        [Fact]
        public async Task The_cacerts_answer_is_kept_as_trust_anchors_and_written_only_when_it_changes()
        {
            await using var est = await EstServerFixture.StartAsync();
            var device = new ClientDevice(est);
            device.Issuer.Issue(Current());
            byte[][] kept = EstCaStore.Load(device.Store.Log);
            Assert.Contains(kept, c => c.SequenceEqual(est.Server.Ca.Root.RawData));
            int written = device.Store.Log.WrittenBytes;
            device.Issuer.Issue(Current());
            Assert.Equal(written, device.Store.Log.WrittenBytes);

            // The explicit anchor gone, the kept /cacerts answer still authenticates the server.
            device.Store.DeleteCertificate("EstRoot");
            device.Issuer.Issue(Current());
        }
    }
}
