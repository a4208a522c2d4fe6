using System;
using System.Formats.Asn1;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using NfCerts.Emulators.Est;
using NfCerts.Tests.X509;
using Xunit;

namespace NfCerts.Tests.Est.Server
{
    /// <summary>The rest of RFC 7030 as a strict client sees it: csrattrs, serverkeygen, labels, an issuing intermediate,
    /// the HTTP framing over TLS 1.2 and 1.3, and the refusals of malformed requests.</summary>
    public sealed class EstServerProtocolTests
    {
        [Fact]
        public async Task Csrattrs_without_attributes_is_204()
        {
            await using var est = await EstServerFixture.StartAsync();
            using HttpClient http = est.Client();
            using HttpResponseMessage r = await http.GetAsync(est.Uri("csrattrs"));
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }

        [Fact]
        public async Task Csrattrs_lists_what_is_asked_and_a_required_challenge_password_is_enforced()
        {
            var attrs = new EstCsrAttributes
            {
                RequireChallengePassword = true,
                ChallengePassword = "otp-1234",
                RequestedExtensions = new[] { "2.5.29.17" },
                Oids = new[] { "1.2.840.10045.2.1" },
            };
            await using var est = await EstServerFixture.StartAsync((dir, ca) => WithBasic(dir, ca, attrs));
            using HttpClient http = est.Client(basic: true);
            using HttpResponseMessage r = await http.GetAsync(est.Uri("csrattrs"));
            byte[] body = await r.Content.ReadAsByteArrayAsync();

            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("application/csrattrs", r.Content.Headers.GetValues("Content-Type").Single());
            string parsed = OpenSsl.Ok(Convert.FromBase64String(Encoding.ASCII.GetString(body)), "asn1parse", "-inform", "DER");
            Assert.Contains("challengePassword", parsed);
            Assert.Contains("id-ecPublicKey", parsed);
            Assert.Contains("Extension Request", parsed);
            Assert.Contains("X509v3 Subject Alternative Name", parsed);

            using HttpResponseMessage missing = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out _)));
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            using HttpResponseMessage wrong = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out _, edit: req => Challenge(req, "guess"))));
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
            using HttpResponseMessage right = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out _, edit: req => Challenge(req, "otp-1234"))));
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        }

        [Fact]
        public async Task Requested_san_and_eku_are_honoured_within_policy()
        {
            await using var est = await EstServerFixture.StartAsync();
            using HttpClient http = est.Client(basic: true);
            byte[] csr = EstServerFixture.Csr("CN=device-001", out _, edit: req =>
            {
                var san = new SubjectAlternativeNameBuilder();
                san.AddDnsName("device-001.example");
                req.CertificateExtensions.Add(san.Build());
                req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.3") }, false));
                req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            });
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(csr));
            X509Certificate2 leaf = EstServerFixture.Certificates(await r.Content.ReadAsByteArrayAsync()).Single();

            Assert.Contains("device-001.example", leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
            Assert.Equal(new[] { "1.3.6.1.5.5.7.3.1" }, leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
            Assert.False(leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        }

        [Fact]
        public async Task Serverkeygen_answers_a_multipart_with_the_key_and_its_certificate_and_logs_no_key()
        {
            await using var est = await EstServerFixture.StartAsync();
            using HttpClient http = est.Client(basic: true);
            using HttpResponseMessage r = await http.PostAsync(est.Uri("serverkeygen"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out AsymmetricAlgorithm csrKey)));
            byte[] body = await r.Content.ReadAsByteArrayAsync();

            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("multipart/mixed", r.Content.Headers.ContentType!.MediaType);
            Assert.Equal(body.Length, r.Content.Headers.ContentLength);
            string boundary = r.Content.Headers.ContentType.Parameters.Single(p => p.Name == "boundary").Value!;
            string[] parts = Encoding.ASCII.GetString(body).Split("--" + boundary);
            Assert.Equal("--\r\n", parts[^1]);
            (string keyType, byte[] keyDer) = Part(parts[1]);
            (string certType, byte[] certsDer) = Part(parts[2]);
            Assert.Equal("application/pkcs8", keyType);
            Assert.Equal("application/pkcs7-mime; smime-type=certs-only", certType);

            using var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(keyDer, out _);
            var cms = new System.Security.Cryptography.Pkcs.SignedCms();
            cms.Decode(certsDer);
            X509Certificate2 leaf = cms.Certificates.Single();
            Assert.Equal("CN=device-001", leaf.Subject);
            Assert.Equal(key.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
            Assert.NotEqual(csrKey.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
            Assert.Contains("subject=CN = device-001", OpenSsl.Ok(certsDer, "pkcs7", "-inform", "DER", "-print_certs", "-noout"));
            string log = File.ReadAllText(est.Server.Log.Path);
            Assert.Contains("serverkeygen", log);
            Assert.DoesNotContain(Convert.ToBase64String(keyDer).Substring(0, 40), log);
            Assert.DoesNotContain("PRIVATE KEY", log);
        }

        [Fact]
        public async Task A_configured_label_is_served_and_an_unknown_one_is_404()
        {
            await using var est = await EstServerFixture.StartAsync((dir, ca) => new EstServerOptions
            {
                Directory = dir, User = EstServerFixture.User, Password = EstServerFixture.Password, Labels = new[] { "devices" },
            });
            using HttpClient http = est.Client(basic: true);
            using HttpResponseMessage ok = await http.PostAsync(est.Uri("simpleenroll", "devices"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out _)));
            using HttpResponseMessage unknown = await http.GetAsync(est.Uri("cacerts", "printers"));
            using HttpResponseMessage nothing = await http.GetAsync(est.Uri("fullcmc"));

            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("devices", est.Server.Log.ReadAll().Single().Label);
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, nothing.StatusCode);
        }

        [Fact]
        public async Task With_an_issuing_intermediate_enrollment_answers_the_leaf_and_the_intermediate()
        {
            await using var est = await EstServerFixture.StartAsync((dir, ca) => new EstServerOptions
            {
                Directory = dir, User = EstServerFixture.User, Password = EstServerFixture.Password, Intermediate = true, Rsa = true,
            });
            using HttpClient http = est.Client(basic: true);
            using HttpResponseMessage cacerts = await http.GetAsync(est.Uri("cacerts"));
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out _)));
            X509Certificate2Collection chain = EstServerFixture.Certificates(await r.Content.ReadAsByteArrayAsync());

            Assert.Equal(2, EstServerFixture.Certificates(await cacerts.Content.ReadAsByteArrayAsync()).Count);
            Assert.Equal(2, chain.Count);
            X509Certificate2 leaf = chain.Single(c => c.Subject == "CN=device-001");
            X509Certificate2 intermediate = chain.Single(c => c.Subject != "CN=device-001");
            Assert.Equal(est.Server.Ca.Issuing.Thumbprint, intermediate.Thumbprint);
            Assert.Equal(intermediate.SubjectName.Name, leaf.IssuerName.Name);
            Assert.True(EstServerEnrollTests.Chains(leaf, est.Server.Ca.Root, intermediate));
            Assert.Equal("RSA 2048", EstIssuedLog.KeyTypeOf(est.Server.Ca.Root.PublicKey));
            Assert.Equal(2, File.ReadAllText(est.Server.CaFile).Split("-----BEGIN CERTIFICATE-----").Length - 1);
        }

        [Theory]
        [InlineData("text/plain", "", HttpStatusCode.UnsupportedMediaType)]
        [InlineData("application/pkcs10", "not base64 !!", HttpStatusCode.BadRequest)]
        [InlineData("application/pkcs10", "aGVsbG8gd29ybGQ=", HttpStatusCode.BadRequest)]
        public async Task Malformed_enrollments_are_refused_with_4xx(string contentType, string body, HttpStatusCode expected)
        {
            await using var est = await EstServerFixture.StartAsync();
            using HttpClient http = est.Client(basic: true);
            var content = new StringContent(body.Length == 0 ? Convert.ToBase64String(EstServerFixture.Csr("CN=d", out _)) : body);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simpleenroll"), content);
            Assert.Equal(expected, r.StatusCode);
            Assert.Empty(est.Server.Log.ReadAll());
        }

        [Fact]
        public async Task A_csr_with_a_broken_signature_is_refused()
        {
            await using var est = await EstServerFixture.StartAsync();
            byte[] csr = EstServerFixture.Csr("CN=device-001", out _);
            csr[^3] ^= 0x01;
            using HttpClient http = est.Client(basic: true);
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(csr));
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            // openssl 3.0 exits 0 here too, but says so.
            OpenSsl.Result judge = OpenSsl.Run(csr, "req", "-inform", "DER", "-verify", "-noout");
            Assert.Contains("verify failure", judge.Stdout + judge.Stderr);
        }

        [Fact]
        public async Task Oversize_bodies_and_wrong_methods_are_refused_before_parsing()
        {
            await using var est = await EstServerFixture.StartAsync();
            using HttpClient http = est.Client(basic: true);
            var big = new ByteArrayContent(new byte[64 * 1024]);
            big.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs10");
            using HttpResponseMessage tooBig = await http.PostAsync(est.Uri("simpleenroll"), big);
            using HttpResponseMessage getEnroll = await http.GetAsync(est.Uri("simpleenroll"));

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, getEnroll.StatusCode);
            Assert.Equal("POST", getEnroll.Content.Headers.Allow.Single());
        }

        [Fact]
        public async Task Base64_is_decoded_whether_or_not_a_content_transfer_encoding_is_sent()
        {
            await using var est = await EstServerFixture.StartAsync();
            using HttpClient http = est.Client(basic: true);
            ByteArrayContent oneLine = EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out _));
            oneLine.Headers.Add("Content-Transfer-Encoding", "base64");
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simpleenroll"), oneLine);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        [Theory]
        [InlineData(SslProtocols.Tls12)]
        [InlineData(SslProtocols.Tls13)]
        public async Task Tls12_and_tls13_are_accepted_and_answers_have_content_length_not_chunks(SslProtocols protocol)
        {
            await using var est = await EstServerFixture.StartAsync();
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, est.Server.Port);
            X509Certificate2 root = est.Server.Ca.Root;
            using var tls = new SslStream(tcp.GetStream(), false, (_, c, _, e) => EstServerFixture.TrustsRoot(root, c, e));
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "127.0.0.1", EnabledSslProtocols = protocol });
            Assert.Equal(protocol, tls.SslProtocol);

            await tls.WriteAsync(Encoding.ASCII.GetBytes("GET /.well-known/est/cacerts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
            var response = new MemoryStream();
            await tls.CopyToAsync(response);
            string text = Encoding.ASCII.GetString(response.ToArray());
            int split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            string head = text.Substring(0, split);
            string body = text.Substring(split + 4);

            Assert.StartsWith("HTTP/1.1 200", head);
            Assert.Contains("\r\nContent-Type: application/pkcs7-mime\r\n", head + "\r\n");
            Assert.Contains("\r\nContent-Length: " + body.Length + "\r\n", head + "\r\n");
            Assert.DoesNotContain("Transfer-Encoding", head);
        }

        [Theory]
        [InlineData("-tls1_2")]
        [InlineData("-tls1_3")]
        public async Task Openssl_s_client_verifies_the_server_over_both_tls_versions(string version)
        {
            await using var est = await EstServerFixture.StartAsync();
            OpenSsl.Result r = await Task.Run(() => OpenSsl.Run(Encoding.ASCII.GetBytes("Q\n"), "s_client", version, "-connect", "127.0.0.1:" + est.Server.Port,
                "-CAfile", est.Server.CaFile, "-verify_ip", "127.0.0.1", "-verify_return_error", "-brief"));
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Contains("Verification: OK", r.Stderr);
            Assert.Contains(version == "-tls1_2" ? "TLSv1.2" : "TLSv1.3", r.Stderr);
        }

        internal static EstServerOptions WithBasic(string dir, NfCerts.Emulators.Pki.DevCredential bootstrapCa, EstCsrAttributes? attributes = null) => new()
        {
            Directory = dir,
            User = EstServerFixture.User,
            Password = EstServerFixture.Password,
            BootstrapCas = new[] { X509CertificateLoader.LoadCertificate(bootstrapCa.Der) },
            CsrAttributes = attributes,
        };

        private static void Challenge(CertificateRequest req, string password)
        {
            var w = new AsnWriter(AsnEncodingRules.DER);
            w.WriteCharacterString(UniversalTagNumber.UTF8String, password);
            req.OtherRequestAttributes.Add(new AsnEncodedData(EstCsrAttributes.ChallengePasswordOid, w.Encode()));
        }

        private static (string ContentType, byte[] Der) Part(string part)
        {
            int split = part.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            string headers = part.Substring(0, split);
            string type = headers.Split("\r\n").Single(h => h.StartsWith("Content-Type:", StringComparison.Ordinal)).Substring(13).Trim();
            return (type, Convert.FromBase64String(part.Substring(split + 4)));
        }
    }
}
