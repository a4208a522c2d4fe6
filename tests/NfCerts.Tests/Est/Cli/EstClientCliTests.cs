using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using NfCerts.Cli;
using NfCerts.Emulators.Est;
using NfCerts.Emulators.Pki;
using NfCerts.Tests.Cli;
using NfCerts.Tests.Est.Server;
using NfCerts.Tests.X509;
using Xunit;

namespace NfCerts.Tests.Est.Cli
{
    /// <summary><c>nfcerts est enroll|reenroll|serverkeygen</c> against the EST server over real HTTPS, checked with openssl.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public sealed class EstClientCliTests
    {
        [Fact]
        public async Task Enroll_with_basic_writes_a_certificate_and_a_0600_key_that_openssl_pairs()
        {
            await using var est = await EstServerFixture.StartAsync();
            using var cli = new EstClientCli(est);

            cli.EnrollBasic("device", "--out-chain", cli.Path("chain.pem"));

            Assert.Contains("subject=CN = device-001", OpenSsl.Ok(null, "x509", "-in", cli.Path("device.pem"), "-noout", "-subject"));
            Assert.Equal(EstClientCli.CertificatePublicKey(cli.Path("device.pem")), EstClientCli.KeyPublicKey(cli.Path("device.key")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.Path("device.key")));
            Assert.Equal("", File.ReadAllText(cli.Path("chain.pem")));
            Assert.Single(EstIssuedLog.Read(est.Directory), e => e.AuthenticatedBy == "basic:" + EstServerFixture.User);

            // What the client sent is a PKCS#10 request openssl verifies, for the subject asked.
            File.WriteAllBytes(cli.Path("sent.csr"), est.Server.ReceivedRequests[^1]);
            OpenSsl.Result verify = OpenSsl.Run(null, "req", "-inform", "DER", "-in", cli.Path("sent.csr"), "-noout", "-verify", "-subject");
            Assert.True(verify.ExitCode == 0, verify.Stderr);
            Assert.Contains("CN = device-001", verify.Stdout);
        }

        [Fact]
        public async Task Enroll_with_a_bootstrap_certificate_takes_its_subject_and_needs_no_password()
        {
            await using var est = await EstServerFixture.StartAsync();
            using var cli = new EstClientCli(est);

            var (code, json, err) = cli.Run("enroll", "--cert", cli.Path("bootstrap.pem"), "--key", cli.Path("bootstrap.key"),
                "--out-cert", cli.Path("device.pem"), "--out-key", cli.Path("device.key"), "--key-type", "rsa-2048", "--json");

            Assert.True(code == 0, err);
            JsonElement result = JsonDocument.Parse(json).RootElement;
            Assert.Equal("CN=device-001", result.GetProperty("subject").GetString());
            Assert.Equal("simpleenroll", result.GetProperty("operation").GetString());
            Assert.StartsWith("RSA", result.GetProperty("key").GetString());
            Assert.Contains("rsaEncryption", OpenSsl.Ok(null, "x509", "-in", cli.Path("device.pem"), "-noout", "-text"));
            Assert.Equal(EstClientCli.CertificatePublicKey(cli.Path("device.pem")), EstClientCli.KeyPublicKey(cli.Path("device.key")));
            Assert.StartsWith("cert:", EstIssuedLog.Read(est.Directory).Single().AuthenticatedBy);
        }

        [Fact]
        public async Task Reenroll_keeps_the_public_key_with_keep_key_and_changes_it_by_default()
        {
            await using var est = await EstServerFixture.StartAsync();
            using var cli = new EstClientCli(est);
            cli.EnrollBasic("first");
            string firstKey = EstClientCli.CertificatePublicKey(cli.Path("first.pem"));

            var (kept, _, keptErr) = cli.Run("reenroll", "--cert", cli.Path("first.pem"), "--key", cli.Path("first.key"), "--keep-key",
                "--out-cert", cli.Path("kept.pem"));
            Assert.True(kept == 0, keptErr);
            Assert.Equal(firstKey, EstClientCli.CertificatePublicKey(cli.Path("kept.pem")));
            Assert.NotEqual(OpenSsl.Ok(null, "x509", "-in", cli.Path("first.pem"), "-noout", "-serial"),
                OpenSsl.Ok(null, "x509", "-in", cli.Path("kept.pem"), "-noout", "-serial"));

            var (rotated, _, rotatedErr) = cli.Run("reenroll", "--cert", cli.Path("kept.pem"), "--key", cli.Path("first.key"),
                "--out-cert", cli.Path("rotated.pem"), "--out-key", cli.Path("rotated.key"));
            Assert.True(rotated == 0, rotatedErr);
            string rotatedKey = EstClientCli.CertificatePublicKey(cli.Path("rotated.pem"));
            Assert.NotEqual(firstKey, rotatedKey);
            Assert.Equal(rotatedKey, EstClientCli.KeyPublicKey(cli.Path("rotated.key")));
            Assert.Equal(new[] { "simpleenroll", "simplereenroll", "simplereenroll" }, EstIssuedLog.Read(est.Directory).Select(e => e.Operation));
        }

        [Fact]
        public async Task Reenroll_without_a_new_key_file_is_a_usage_error_and_writes_nothing()
        {
            await using var est = await EstServerFixture.StartAsync();
            using var cli = new EstClientCli(est);
            cli.EnrollBasic("first");

            var (code, _, err) = cli.Run("reenroll", "--cert", cli.Path("first.pem"), "--key", cli.Path("first.key"), "--out-cert", cli.Path("new.pem"));

            Assert.Equal(2, code);
            Assert.Contains("--out-key", err);
            Assert.DoesNotContain("new.pem", cli.Files());
        }

        [Fact]
        public async Task Serverkeygen_writes_the_server_made_key_0600_and_it_matches_the_certificate()
        {
            await using var est = await EstServerFixture.StartAsync();
            using var cli = new EstClientCli(est);

            var (code, output, err) = cli.Run("serverkeygen", "--user", EstServerFixture.User, "--password", EstServerFixture.Password,
                "--subject", "CN=device-002", "--out-cert", cli.Path("d.pem"), "--out-key", cli.Path("d.key"));

            Assert.True(code == 0, err);
            Assert.Contains("generated by the server", output);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.Path("d.key")));
            Assert.Equal(EstClientCli.CertificatePublicKey(cli.Path("d.pem")), EstClientCli.KeyPublicKey(cli.Path("d.key")));
            Assert.Equal("serverkeygen", EstIssuedLog.Read(est.Directory).Single().Operation);
        }

        [Fact]
        public async Task Enroll_writes_certificate_and_chain_into_a_store_image_that_store_commands_read_back()
        {
            await using var est = await EstServerFixture.StartAsync((dir, ca) => new EstServerOptions
            {
                Directory = dir,
                User = EstServerFixture.User,
                Password = EstServerFixture.Password,
                Intermediate = true,
            });
            using var cli = new EstClientCli(est);
            string image = cli.Path("device.img");
            Assert.Equal(0, Nfcerts.Run("store", "init", image).Code);

            var (code, json, err) = cli.Run("enroll", "--user", EstServerFixture.User, "--password", EstServerFixture.Password,
                "--subject", "CN=device-001", "--store", image, "--id", "ClientCert2", "--json");

            Assert.True(code == 0, err);
            Assert.Equal(1, JsonDocument.Parse(json).RootElement.GetProperty("intermediates").GetInt32());
            var (lsCode, ls, _) = Nfcerts.Run("store", "ls", image, "--json");
            Assert.Equal(0, lsCode);
            JsonElement entry = JsonDocument.Parse(ls).RootElement.EnumerateArray().Single();
            Assert.Equal("ClientCert2", entry.GetProperty("id").GetString());
            Assert.Equal("client", entry.GetProperty("type").GetString());
            Assert.Equal("CN=device-001", entry.GetProperty("subject").GetString());
            var (_, show, _) = Nfcerts.Run("store", "show", image, "ClientCert2", "--json");
            Assert.Equal(JsonDocument.Parse(json).RootElement.GetProperty("sha256").GetString(), JsonDocument.Parse(show).RootElement.GetProperty("sha256").GetString());
            using (var s = StoreCommands.Open(image, false))
            {
                Assert.Equal(2, s.Store.GetCertificateChainCount("ClientCert2"));
            }
        }

        [Fact]
        public async Task A_deferred_enrollment_exits_3_without_files_and_wait_retries_it_to_the_end()
        {
            await using var est = await EstServerFixture.StartAsync();
            using var cli = new EstClientCli(est);
            est.Server.Controls.DeferNext(1, retryAfterSeconds: 7);

            var (code, json, err) = cli.Run("enroll", "--user", EstServerFixture.User, "--password", EstServerFixture.Password,
                "--subject", "CN=device-001", "--out-cert", cli.Path("d.pem"), "--out-key", cli.Path("d.key"), "--json");

            Assert.Equal(EstClientCommands.DeferredExitCode, code);
            Assert.Contains("202", err);
            Assert.Contains("retry after 7 s", err);
            Assert.Equal(7, JsonDocument.Parse(json).RootElement.GetProperty("retryAfterSeconds").GetInt32());
            Assert.DoesNotContain("d.pem", cli.Files());

            est.Server.Controls.DeferNext(1, retryAfterSeconds: 1);
            var (waited, _, waitedErr) = cli.Run("enroll", "--user", EstServerFixture.User, "--password", EstServerFixture.Password,
                "--subject", "CN=device-001", "--out-cert", cli.Path("d.pem"), "--out-key", cli.Path("d.key"), "--wait", "5m");
            Assert.True(waited == 0, waitedErr);
            Assert.Contains("retrying in 1 s", waitedErr);
            Assert.True(File.Exists(cli.Path("d.pem")));
        }

        [Fact]
        public async Task A_server_the_trust_anchor_does_not_vouch_for_is_refused_clearly_and_nothing_is_written()
        {
            await using var est = await EstServerFixture.StartAsync();
            using var cli = new EstClientCli(est);
            DevCredential other = DevPki.Root("CN=Someone Else's CA", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            File.WriteAllText(cli.Path("other.pem"), other.Pem);
            string image = cli.Path("device.img");
            Assert.Equal(0, Nfcerts.Run("store", "init", image).Code);
            byte[] before = File.ReadAllBytes(image);

            var (code, _, err) = Nfcerts.Run("est", "enroll", "--server", cli.Server, "--trust", cli.Path("other.pem"),
                "--user", EstServerFixture.User, "--password", EstServerFixture.Password, "--subject", "CN=device-001",
                "--out-cert", cli.Path("d.pem"), "--out-key", cli.Path("d.key"), "--store", image, "--id", "ClientCert1");

            Assert.Equal(1, code);
            Assert.Contains("does not chain to --trust " + cli.Path("other.pem"), err);
            Assert.Contains("nothing was written", err);
            Assert.DoesNotContain("d.pem", cli.Files());
            Assert.DoesNotContain("d.key", cli.Files());
            Assert.Equal(before, File.ReadAllBytes(image));
            Assert.Equal(0, est.Server.RequestCount("simpleenroll"));
        }

        [Fact]
        public async Task Without_trust_anchors_the_client_refuses_to_talk_to_the_server()
        {
            await using var est = await EstServerFixture.StartAsync();
            var (code, _, err) = Nfcerts.Run("est", "enroll", "--server", "https://127.0.0.1:" + est.Server.Port, "--user", "estuser",
                "--password", "estpwd", "--subject", "CN=d", "--out-cert", "unused.pem", "--out-key", "unused.key");
            Assert.Equal(2, code);
            Assert.Contains("--trust", err);
            Assert.Equal(0, est.Server.RequestCount("cacerts"));
        }

        [Fact]
        public async Task The_basic_password_never_appears_in_output_or_errors()
        {
            const string secret = "Tr0ub4dor-s3cret-9";
            await using var est = await EstServerFixture.StartAsync((dir, ca) => new EstServerOptions { Directory = dir, User = "estuser", Password = secret });
            using var cli = new EstClientCli(est);
            string basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("estuser:" + secret));
            est.Server.Controls.DeferNext(1, retryAfterSeconds: 1);
            var runs = new[]
            {
                cli.Run("enroll", "--user", "estuser", "--password", secret, "--subject", "CN=d", "--out-cert", cli.Path("a.pem"), "--out-key", cli.Path("a.key")),
                cli.Run("enroll", "--user", "estuser", "--password", secret, "--subject", "CN=d", "--out-cert", cli.Path("a.pem"), "--out-key", cli.Path("a.key"), "--json"),
                cli.Run("enroll", "--user", "estuser", "--password", secret + "x", "--subject", "CN=d", "--out-cert", cli.Path("b.pem"), "--out-key", cli.Path("b.key")),
                cli.Run("serverkeygen", "--user", "estuser", "--password", secret, "--subject", "CN=d", "--out-cert", cli.Path("c.pem"), "--out-key", cli.Path("c.key")),
                cli.Run("csrattrs", "--user", "estuser", "--password", secret, "--json"),
            };
            Assert.Equal(new[] { EstClientCommands.DeferredExitCode, 0, 1, 0, 0 }, runs.Select(r => r.Code));
            foreach (var (_, o, e) in runs)
            {
                Assert.DoesNotContain(secret, o + e);
                Assert.DoesNotContain(basic, o + e);
            }
        }

        [Fact]
        public async Task The_password_can_come_from_the_environment_of_the_real_program()
        {
            await using var est = await EstServerFixture.StartAsync();
            using var cli = new EstClientCli(est);
            var (code, output, err) = Nfcerts.Process(Nfcerts.Executable,
                new[] { "est", "enroll", "--server", cli.Server, "--trust", cli.Trust, "--user", EstServerFixture.User, "--subject", "CN=device-003",
                    "--out-cert", cli.Path("d.pem"), "--out-key", cli.Path("d.key") },
                psi => psi.Environment[EstClientCommands.PasswordEnvironment] = EstServerFixture.Password);
            Assert.True(code == 0, err);
            Assert.Contains("enrolled CN=device-003", output);
            Assert.DoesNotContain(EstServerFixture.Password, output + err);
        }

        [Fact]
        public async Task An_expired_current_certificate_is_refused_for_reenroll_before_any_request()
        {
            await using var est = await EstServerFixture.StartAsync();
            using var cli = new EstClientCli(est);
            DevCredential expired = DevPki.Client(est.BootstrapCa, "CN=device-001", DateTimeOffset.UtcNow.AddDays(-3), DateTimeOffset.UtcNow.AddDays(-1));
            File.WriteAllText(cli.Path("old.pem"), expired.Pem);
            File.WriteAllText(cli.Path("old.key"), expired.KeyPem);

            var (code, _, err) = cli.Run("reenroll", "--cert", cli.Path("old.pem"), "--key", cli.Path("old.key"), "--out-cert", cli.Path("n.pem"), "--out-key", cli.Path("n.key"));

            Assert.Equal(1, code);
            Assert.Contains("not valid now", err);
            Assert.Contains("est enroll", err);
            Assert.Equal(0, est.Server.RequestCount("cacerts"));
        }
    }
}
