using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using NfCerts.Emulators.Est;
using NfCerts.Tests.X509;
using Xunit;

namespace NfCerts.Tests.Est.Server
{
    /// <summary>/cacerts, /simpleenroll and /simplereenroll over real HTTPS, with the answers checked by openssl.</summary>
    public sealed class EstServerEnrollTests
    {
        [Fact]
        public async Task Cacerts_is_a_base64_certs_only_pkcs7_of_the_root_with_exact_type_and_length()
        {
            await using var est = await EstServerFixture.StartAsync();
            using HttpClient http = est.Client();
            using HttpResponseMessage r = await http.GetAsync(est.Uri("cacerts"));
            byte[] body = await r.Content.ReadAsByteArrayAsync();

            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("application/pkcs7-mime", r.Content.Headers.GetValues("Content-Type").Single());
            Assert.Equal(body.Length, r.Content.Headers.ContentLength);
            Assert.False(r.Headers.TransferEncodingChunked ?? false);
            Assert.False(r.Content.Headers.Contains("Content-Transfer-Encoding"));
            string printed = OpenSsl.Ok(Convert.FromBase64String(Encoding.ASCII.GetString(body)), "pkcs7", "-inform", "DER", "-print_certs", "-noout");
            Assert.Contains("subject=O = nf.Certs, CN = nf.Certs EST Root CA", printed);
            Assert.Equal(est.Server.Ca.Root.Thumbprint, EstServerFixture.Certificates(body).Single().Thumbprint);
        }

        [Fact]
        public async Task An_enrollment_without_credentials_gets_401_with_a_basic_challenge_and_nothing_is_issued()
        {
            await using var est = await EstServerFixture.StartAsync();
            using HttpClient http = est.Client();
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out _)));

            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Equal("Basic realm=\"estrealm\"", r.Headers.WwwAuthenticate.Single().ToString());
            Assert.NotNull(r.Content.Headers.ContentLength);
            Assert.Empty(est.Server.Log.ReadAll());
        }

        [Fact]
        public async Task Wrong_basic_credentials_get_401()
        {
            await using var est = await EstServerFixture.StartAsync();
            using HttpClient http = est.Client();
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("estuser:wrong")));
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out _)));
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Basic_enrollment_answers_the_certificate_for_the_requested_key_and_subject(bool rsa)
        {
            await using var est = await EstServerFixture.StartAsync();
            using HttpClient http = est.Client(basic: true);
            byte[] csr = EstServerFixture.Csr("CN=device-001", out AsymmetricAlgorithm key, rsa);
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(csr));
            byte[] body = await r.Content.ReadAsByteArrayAsync();

            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("application/pkcs7-mime; smime-type=certs-only", r.Content.Headers.GetValues("Content-Type").Single());
            Assert.Equal(body.Length, r.Content.Headers.ContentLength);
            string printed = OpenSsl.Ok(Convert.FromBase64String(Encoding.ASCII.GetString(body)), "pkcs7", "-inform", "DER", "-print_certs", "-noout");
            Assert.Contains("subject=CN = device-001", printed);
            Assert.Contains("issuer=O = nf.Certs, CN = nf.Certs EST Root CA", printed);
            X509Certificate2 leaf = EstServerFixture.Certificates(body).Single();
            Assert.Equal(key.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
            Assert.True(Chains(leaf, est.Server.Ca.Root));
            EstIssuedRecord logged = est.Server.Log.ReadAll().Single();
            Assert.Equal(leaf.SerialNumber, logged.Serial);
            Assert.Equal("CN=device-001", logged.Subject);
            Assert.Equal(rsa ? "RSA 2048" : "ECDSA P-256", logged.KeyType);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo())), logged.SpkiSha256);
            Assert.Equal("basic:estuser", logged.AuthenticatedBy);
        }

        [Fact]
        public async Task A_csr_made_by_openssl_enrolls_and_what_the_server_received_verifies_with_openssl_req()
        {
            await using var est = await EstServerFixture.StartAsync();
            using var dir = new OpenSsl.TempDir();
            OpenSsl.Ok(null, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", dir.File("k.pem"),
                "-subj", "/CN=openssl-device", "-outform", "DER", "-out", dir.File("req.der"));
            byte[] csr = System.IO.File.ReadAllBytes(dir.File("req.der"));
            using HttpClient http = est.Client(basic: true);
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(csr));

            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            byte[] received = est.Server.ReceivedRequests.Single();
            Assert.Equal(csr, received);
            OpenSsl.Result verify = OpenSsl.Run(received, "req", "-inform", "DER", "-verify", "-noout");
            Assert.Equal(0, verify.ExitCode);
            Assert.Contains("verify OK", verify.Stdout + verify.Stderr, StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public async Task Enrollment_with_a_bootstrap_certificate_needs_no_password()
        {
            await using var est = await EstServerFixture.StartAsync();
            using HttpClient http = est.Client(est.Bootstrap.Certificate);
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out _)));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("cert:CN=device-001", est.Server.Log.ReadAll().Single().AuthenticatedBy);
        }

        [Fact]
        public async Task A_client_certificate_from_an_unknown_ca_does_not_authenticate()
        {
            await using var est = await EstServerFixture.StartAsync();
            DateTimeOffset now = DateTimeOffset.UtcNow;
            var stranger = NfCerts.Emulators.Pki.DevPki.Client(NfCerts.Emulators.Pki.DevPki.Root("CN=Stranger", now.AddDays(-1), now.AddYears(1)),
                "CN=device-001", now.AddDays(-1), now.AddYears(1));
            using HttpClient http = est.Client(stranger.Certificate);
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out _)));
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }

        [Fact]
        public async Task Reenrollment_with_the_current_certificate_renews_it()
        {
            await using var est = await EstServerFixture.StartAsync();
            X509Certificate2 current = await EnrollAsync(est, "CN=device-001");
            using HttpClient http = est.Client(current);
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simplereenroll"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out AsymmetricAlgorithm key)));
            byte[] body = await r.Content.ReadAsByteArrayAsync();

            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("application/pkcs7-mime; smime-type=certs-only", r.Content.Headers.GetValues("Content-Type").Single());
            X509Certificate2 renewed = EstServerFixture.Certificates(body).Single();
            Assert.Equal("CN=device-001", renewed.Subject);
            Assert.NotEqual(current.SerialNumber, renewed.SerialNumber);
            Assert.Equal(key.ExportSubjectPublicKeyInfo(), renewed.PublicKey.ExportSubjectPublicKeyInfo());
            Assert.Equal("simplereenroll", est.Server.Log.ReadAll().Last().Operation);
        }

        [Fact]
        public async Task Reenrollment_without_a_client_certificate_is_refused_even_with_the_password()
        {
            await using var est = await EstServerFixture.StartAsync();
            using HttpClient http = est.Client(basic: true);
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simplereenroll"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out _)));
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Empty(est.Server.Log.ReadAll());
        }

        [Fact]
        public async Task Reenrollment_with_a_bootstrap_certificate_is_refused()
        {
            await using var est = await EstServerFixture.StartAsync();
            using HttpClient http = est.Client(est.Bootstrap.Certificate);
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simplereenroll"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out _)));
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }

        [Fact]
        public async Task Reenrollment_for_another_subject_is_refused()
        {
            await using var est = await EstServerFixture.StartAsync();
            X509Certificate2 current = await EnrollAsync(est, "CN=device-001");
            using HttpClient http = est.Client(current);
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simplereenroll"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-002", out _)));
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Contains("CN=device-001", await r.Content.ReadAsStringAsync());
            Assert.Single(est.Server.Log.ReadAll());
        }

        [Fact]
        public async Task Reenrollment_that_adds_a_subject_alt_name_is_refused()
        {
            await using var est = await EstServerFixture.StartAsync();
            X509Certificate2 current = await EnrollAsync(est, "CN=device-001");
            using HttpClient http = est.Client(current);
            byte[] csr = EstServerFixture.Csr("CN=device-001", out _, edit: req =>
            {
                var san = new SubjectAlternativeNameBuilder();
                san.AddDnsName("other.example");
                req.CertificateExtensions.Add(san.Build());
            });
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simplereenroll"), EstServerFixture.Body(csr));
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }

        [Fact]
        public async Task Reenrollment_with_an_expired_certificate_is_refused()
        {
            var clock = new ManualClock(DateTimeOffset.UtcNow);
            await using var est = await EstServerFixture.StartAsync((dir, ca) => new EstServerOptions
            {
                Directory = dir, User = EstServerFixture.User, Password = EstServerFixture.Password, Clock = clock, Lifetime = TimeSpan.FromMinutes(10),
            });
            X509Certificate2 current = await EnrollAsync(est, "CN=device-001");
            clock.Now += TimeSpan.FromMinutes(11);
            using HttpClient http = est.Client(current);
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simplereenroll"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out _)));
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }

        /// <summary>Enrolls <paramref name="subject"/> with Basic auth; the certificate comes back with its key.</summary>
        internal static async Task<X509Certificate2> EnrollAsync(EstServerFixture est, string subject)
        {
            using HttpClient http = est.Client(basic: true);
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(EstServerFixture.Csr(subject, out AsymmetricAlgorithm key)));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            X509Certificate2 leaf = EstServerFixture.Certificates(await r.Content.ReadAsByteArrayAsync()).Single(c => c.Subject == subject);
            X509Certificate2 withKey = leaf.CopyWithPrivateKey((ECDsa)key);
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
        }

        internal static bool Chains(X509Certificate2 leaf, X509Certificate2 root, params X509Certificate2[] intermediates)
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.CustomTrustStore.Add(root);
            chain.ChainPolicy.ExtraStore.AddRange(intermediates);
            return chain.Build(leaf);
        }
    }

    /// <summary>A clock the test sets.</summary>
    internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
