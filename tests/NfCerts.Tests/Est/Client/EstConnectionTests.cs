using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using NfCerts.Core.Est;
using NfCerts.Core.Renewal;
using NfCerts.Emulators.Est;
using NfCerts.Hal.Host;
using NfCerts.Tests.Est.Server;
using Xunit;

namespace NfCerts.Tests.Est.Client
{
    /// <summary>How many TLS connections (each a handshake: a second or more of CPU and ~40 KB of heap on an ESP32) the
    /// device's EST client makes against the Kestrel EST server, counted at the server; what it does when the server
    /// closes a kept connection; and that a deferred request is sent again as it was.</summary>
    public sealed class EstConnectionTests
    {
        private static IssueRequest Current() => new() { CurrentCertificateId = "ClientCert1" };

        /// <summary>A device whose ClientCert1 the server issued (enrolled with the bootstrap certificate).</summary>
        internal static ClientDevice Enrolled(EstServerFixture est)
        {
            var device = new ClientDevice(est, basic: false);
            IssuedCredential first = device.Issuer.Issue(Current());
            device.Store.InstallClientCertificate("ClientCert1", first.Certificate, first.PrivateKey, null);
            return device;
        }

        private static EstClient Client(EstServerFixture est)
        {
            var clock = new SystemClock();
            return new EstClient(new HostTlsConnector(clock), clock, EstEndpoint.Parse("https://127.0.0.1:" + est.Server.Port, null),
                new[] { est.Server.Ca.Root.RawData });
        }

        [Fact]
        public async Task A_re_enrollment_makes_one_TLS_connection_for_its_three_requests()
        {
            await using var est = await EstServerFixture.StartAsync();
            ClientDevice device = Enrolled(est);
            int before = est.Server.ConnectionCount;
            device.Issuer.Issue(Current());
            Assert.Equal(1, est.Server.RequestCount("simplereenroll"));
            Assert.Equal(2, est.Server.RequestCount("cacerts"));
            Assert.Equal(2, est.Server.RequestCount("csrattrs"));
            Assert.Equal(1, est.Server.ConnectionCount - before);
        }

        [Fact]
        public async Task A_Basic_enrollment_answers_the_401_on_the_same_connection()
        {
            await using var est = await EstServerFixture.StartAsync();
            var device = new ClientDevice(est, bootstrap: false);
            device.Issuer.Issue(Current());
            // cacerts, csrattrs, simpleenroll (401, body left unread and drained by Kestrel), simpleenroll with Basic.
            Assert.Equal(2, est.Server.RequestCount("simpleenroll"));
            Assert.Equal(1, est.Server.ConnectionCount);
        }

        [Fact]
        public async Task A_server_that_closes_after_each_answer_still_serves_a_connection_per_request()
        {
            await using var est = await EstServerFixture.StartAsync();
            ClientDevice device = Enrolled(est);
            est.Server.Controls.CloseAfterEachResponse = true;
            int before = est.Server.ConnectionCount;
            IssuedCredential issued = device.Issuer.Issue(Current());
            Assert.True(device.Vault.KeyMatchesCertificate(issued.Certificate, issued.PrivateKey));
            Assert.Equal(3, est.Server.ConnectionCount - before);

            var basic = new ClientDevice(est, bootstrap: false);
            before = est.Server.ConnectionCount;
            basic.Issuer.Issue(Current());
            Assert.Equal(4, est.Server.ConnectionCount - before);
        }

        [Fact]
        public async Task A_GET_whose_kept_connection_was_closed_before_the_answer_is_sent_again_once_on_a_new_one()
        {
            await using var est = await EstServerFixture.StartAsync();
            using EstClient client = Client(est);
            client.GetCaCerts();
            est.Server.Controls.SetFault(EstFault.CloseWithoutAnswer, 1, "csrattrs");
            client.GetCsrAttributes();
            Assert.Equal(2, est.Server.RequestCount("csrattrs"));
            Assert.Equal(2, client.Connections);
            Assert.Equal(2, est.Server.ConnectionCount);

            // Twice in a row is not a stale connection: the second failure is reported.
            est.Server.Controls.SetFault(EstFault.CloseWithoutAnswer, 2, "cacerts");
            EstException e = Assert.Throws<EstException>(() => client.GetCaCerts());
            Assert.Equal(EstError.ConnectionLost, e.Error);
            Assert.Equal(3, est.Server.RequestCount("cacerts"));
        }

        [Fact]
        public async Task A_POST_whose_kept_connection_died_after_it_was_sent_is_never_sent_again()
        {
            await using var est = await EstServerFixture.StartAsync();
            ClientDevice device = Enrolled(est);
            int issuedBefore = est.Server.Log.ReadAll().Count;
            est.Server.Controls.SetFault(EstFault.CloseWithoutAnswer, 1, "simplereenroll");
            EstException e = Assert.Throws<EstException>(() => device.Issuer.Issue(Current()));
            Assert.Equal(EstError.ConnectionLost, e.Error);
            Assert.True(e.Retryable);
            // The server had the whole request and may have acted on it: one simplereenroll, not two.
            Assert.Equal(1, est.Server.RequestCount("simplereenroll"));
            Assert.Equal(issuedBefore, est.Server.Log.ReadAll().Count);
        }

        [Fact]
        public async Task A_POST_goes_on_a_kept_connection_only_after_a_second_answer_on_it_and_a_short_pause()
        {
            await using var est = await EstServerFixture.StartAsync();
            using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            byte[] csr = new CertificateRequest("CN=device-001", key, HashAlgorithmName.SHA256).CreateSigningRequest();
            foreach (bool pause in new[] { false, true })
            {
                using EstClient client = Client(est);
                client.User = EstServerFixture.User;
                client.Password = EstServerFixture.Password;
                client.GetCaCerts();
                client.GetCsrAttributes();
                if (pause)
                {
                    client.MaxIdleBeforePost = TimeSpan.Zero;
                }
                client.SimpleEnroll(csr);
                // Without a pause all four on one connection. After one, the POST answered 401 on a second; the POST with
                // Basic on a third, since the second has answered only once.
                Assert.Equal(pause ? 3 : 1, client.Connections);
            }
            Assert.Equal(4, est.Server.ConnectionCount);
        }
    }
}
