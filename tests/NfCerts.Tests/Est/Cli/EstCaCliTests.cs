using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Tasks;
using NfCerts.Emulators.Est;
using NfCerts.Tests.Cli;
using NfCerts.Tests.Est.Server;
using NfCerts.Tests.X509;
using Xunit;

namespace NfCerts.Tests.Est.Cli
{
    /// <summary><c>nfcerts est cacerts</c> (with explicit anchors and by RFC 7030 4.1.1 bootstrap) and <c>est csrattrs</c>.</summary>
    public sealed class EstCaCliTests
    {
        private static string Sha256Colons(byte[] der) => string.Join(":", SHA256.HashData(der).Select(b => b.ToString("X2")));

        [Fact]
        public async Task Cacerts_writes_pem_that_openssl_reads_with_the_roots_fingerprint()
        {
            await using var est = await EstServerFixture.StartAsync();
            using var cli = new EstClientCli(est);

            var (code, output, err) = cli.Run("cacerts", "--out", cli.Path("ca.pem"));

            Assert.True(code == 0, err);
            string fingerprint = Sha256Colons(est.Server.Ca.Root.RawData);
            Assert.Contains(fingerprint, output);
            Assert.Contains("sha256 Fingerprint=" + fingerprint, OpenSsl.Ok(null, "x509", "-in", cli.Path("ca.pem"), "-noout", "-fingerprint", "-sha256"));
        }

        [Fact]
        public async Task Cacerts_without_out_prints_the_pem_on_stdout_and_the_fingerprints_on_stderr()
        {
            await using var est = await EstServerFixture.StartAsync((dir, ca) => new EstServerOptions { Directory = dir, Intermediate = true });
            using var cli = new EstClientCli(est);

            var (code, pem, err) = cli.Run("cacerts");

            Assert.True(code == 0, err);
            File.WriteAllText(cli.Path("ca.pem"), pem);
            string printed = OpenSsl.Ok(null, "crl2pkcs7", "-nocrl", "-certfile", cli.Path("ca.pem"));
            Assert.Equal(2, OpenSsl.Ok(System.Text.Encoding.ASCII.GetBytes(printed), "pkcs7", "-print_certs", "-noout").Split("subject=").Length - 1);
            Assert.Contains(Sha256Colons(est.Server.Ca.Root.RawData), err);
        }

        [Fact]
        public async Task Bootstrap_fetch_prints_the_fingerprint_and_enroll_needs_it_to_match()
        {
            await using var est = await EstServerFixture.StartAsync();
            using var cli = new EstClientCli(est);
            string fingerprint = Sha256Colons(est.Server.Ca.Root.RawData);

            var (code, _, err) = Nfcerts.Run("est", "cacerts", "--server", cli.Server, "--trust-cacerts-once", "--out", cli.Path("ca.pem"));
            Assert.True(code == 0, err);
            Assert.Contains("RFC 7030 4.1.1", err);
            Assert.Contains(fingerprint, err);
            Assert.Equal(File.ReadAllText(est.Server.CaFile).Trim(), File.ReadAllText(cli.Path("ca.pem")).Trim());

            string[] enroll = { "est", "enroll", "--server", cli.Server, "--trust-cacerts-once", "--user", EstServerFixture.User,
                "--password", EstServerFixture.Password, "--subject", "CN=device-001", "--out-cert", cli.Path("d.pem"), "--out-key", cli.Path("d.key") };
            var (unchecked_, _, uncheckedErr) = Nfcerts.Run(enroll);
            Assert.Equal(2, unchecked_);
            Assert.Contains("--ca-fingerprint", uncheckedErr);

            var (wrong, _, wrongErr) = Nfcerts.Run(enroll.Concat(new[] { "--ca-fingerprint", new string('a', 64) }).ToArray());
            Assert.Equal(1, wrong);
            Assert.Contains("no CA certificate of the server has the SHA-256", wrongErr);
            Assert.DoesNotContain("d.pem", cli.Files());
            Assert.Equal(0, est.Server.RequestCount("simpleenroll"));

            var (right, _, rightErr) = Nfcerts.Run(enroll.Concat(new[] { "--ca-fingerprint", fingerprint.ToLowerInvariant() }).ToArray());
            Assert.True(right == 0, rightErr);
            Assert.True(File.Exists(cli.Path("d.pem")));
        }

        [Fact]
        public async Task A_pinned_fingerprint_vouches_only_for_its_own_certificate_not_for_the_rest_of_the_answer()
        {
            // /cacerts answers the root and the issuing CA; the server's TLS certificate is the root's. Pinning the issuing
            // CA must not let the root (which could as well be a man in the middle's CA beside the genuine one) authenticate
            // the server: only the pinned certificate does, so the bootstrap is refused and no credential is sent.
            await using var est = await EstServerFixture.StartAsync((dir, ca) => new EstServerOptions
            {
                Directory = dir,
                User = EstServerFixture.User,
                Password = EstServerFixture.Password,
                Intermediate = true,
            });
            using var cli = new EstClientCli(est);
            string issuing = Sha256Colons(est.Server.Ca.Issuing.RawData);
            string[] enroll = { "est", "enroll", "--server", cli.Server, "--trust-cacerts-once", "--user", EstServerFixture.User,
                "--password", EstServerFixture.Password, "--subject", "CN=device-001", "--out-cert", cli.Path("d.pem"), "--out-key", cli.Path("d.key") };

            var (code, _, err) = Nfcerts.Run(enroll.Concat(new[] { "--ca-fingerprint", issuing }).ToArray());
            Assert.Equal(1, code);
            Assert.Contains("does not chain to the CA certificate(s) trusted for it", err);
            Assert.DoesNotContain("d.pem", cli.Files());
            Assert.Equal(0, est.Server.RequestCount("simpleenroll"));

            // Pinning the root the server's certificate chains to is accepted, and the whole authenticated answer is kept.
            var (right, _, rightErr) = Nfcerts.Run(enroll.Concat(new[] { "--ca-fingerprint", Sha256Colons(est.Server.Ca.Root.RawData) }).ToArray());
            Assert.True(right == 0, rightErr);
            Assert.True(File.Exists(cli.Path("d.pem")));
        }

        [Fact]
        public async Task Csrattrs_prints_what_the_server_asks_for_decoded()
        {
            await using var est = await EstServerFixture.StartAsync((dir, ca) => new EstServerOptions
            {
                Directory = dir,
                User = EstServerFixture.User,
                Password = EstServerFixture.Password,
                CsrAttributes = new EstCsrAttributes
                {
                    RequireChallengePassword = true,
                    ChallengePassword = EstServerFixture.Password,
                    RequestedExtensions = new[] { "2.5.29.17" },
                    Oids = new[] { "1.2.840.10045.2.1" },
                },
            });
            using var cli = new EstClientCli(est);

            var (code, text, err) = cli.Run("csrattrs");
            Assert.True(code == 0, err);
            Assert.True(text.Contains("challengePassword (1.2.840.113549.1.9.7)", StringComparison.Ordinal), text);
            Assert.True(text.Contains("extensionRequest (1.2.840.113549.1.9.14): ", StringComparison.Ordinal), text);
            Assert.True(text.Contains("Subject Alternative Name (2.5.29.17)", StringComparison.Ordinal), text);
            Assert.True(text.Contains("ecPublicKey (1.2.840.10045.2.1)", StringComparison.Ordinal), text);

            var (jcode, json, _) = cli.Run("csrattrs", "--json");
            Assert.Equal(0, jcode);
            Assert.Contains(JsonDocument.Parse(json).RootElement.EnumerateArray(), a => a.GetProperty("name").GetString() == "challengePassword");

            // enroll honours them: the request carries the challengePassword, and openssl verifies it.
            cli.EnrollBasic("device");
            File.WriteAllBytes(cli.Path("sent.csr"), est.Server.ReceivedRequests[^1]);
            OpenSsl.Result req = OpenSsl.Run(null, "req", "-inform", "DER", "-in", cli.Path("sent.csr"), "-noout", "-verify", "-text");
            Assert.True(req.ExitCode == 0, req.Stderr);
            Assert.Contains("challengePassword", req.Stdout);
        }
    }
}
