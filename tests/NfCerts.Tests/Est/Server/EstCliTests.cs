using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading.Tasks;
using NfCerts.Cli;
using NfCerts.Tests.Cli;
using Xunit;

namespace NfCerts.Tests.Est.Server
{
    /// <summary><c>nfcerts est serve</c>, <c>nfcerts est log</c> and <c>nfcerts bench est</c> as a user runs them.</summary>
    public sealed class EstCliTests
    {
        [Fact]
        public async Task Est_log_lists_what_the_server_issued_as_a_table_and_as_json()
        {
            await using var est = await EstServerFixture.StartAsync();
            var cert = await EstServerEnrollTests.EnrollAsync(est, "CN=device-001");

            var (code, table, _) = Nfcerts.Run("est", "log", "--dir", est.Directory);
            Assert.Equal(0, code);
            Assert.Contains("CN=device-001", table);
            Assert.Contains(cert.SerialNumber, table);
            Assert.Contains("ECDSA P-256", table);

            var (jcode, json, _) = Nfcerts.Run("est", "log", "--dir", est.Directory, "--json");
            Assert.Equal(0, jcode);
            JsonElement row = JsonDocument.Parse(json).RootElement.EnumerateArray().Single();
            Assert.Equal(cert.SerialNumber, row.GetProperty("serial").GetString());
            Assert.Equal("simpleenroll", row.GetProperty("operation").GetString());
            Assert.Equal(64, row.GetProperty("spkiSha256").GetString()!.Length);
            Assert.Equal(cert.NotAfter.ToUniversalTime(), row.GetProperty("notAfter").GetDateTimeOffset().UtcDateTime);
        }

        [Fact]
        public void Est_log_of_a_directory_without_a_server_fails_with_a_message()
        {
            using var dir = new NfCerts.Tests.X509.OpenSsl.TempDir();
            var (code, _, err) = Nfcerts.Run("est", "log", "--dir", dir.Path);
            Assert.Equal(1, code);
            Assert.Contains("not an EST server directory", err);
        }

        [Theory]
        [InlineData("--lifetime", "10x")]
        [InlineData("--lifetime", "0m")]
        [InlineData("--user", "estuser")]
        public void Bad_serve_options_are_usage_errors(string option, string value)
        {
            var (code, _, err) = Nfcerts.Run("est", "serve", "--dir", "unused", option, value);
            Assert.Equal(2, code);
            Assert.NotEqual("", err);
        }

        [Theory]
        [InlineData("30s", 30)]
        [InlineData("10m", 600)]
        [InlineData("60min", 3600)]
        [InlineData("2h", 7200)]
        [InlineData("1d", 86400)]
        public void Lifetimes_are_read_in_the_units_people_write(string text, int seconds)
        {
            Assert.True(EstCommands.TryParseDuration(text, out TimeSpan span));
            Assert.Equal(TimeSpan.FromSeconds(seconds), span);
            Assert.False(EstCommands.TryParseDuration("-" + text, out _));
        }

        [Fact]
        public Task Est_serve_prints_where_it_listens_serves_until_terminated_and_keeps_its_directory() =>
            // On the thread pool: the test runner's own two threads may all be busy with other tests on a loaded machine.
            Task.Run(ServeScenarioAsync);

        private static async Task ServeScenarioAsync()
        {
            using var dir = new NfCerts.Tests.X509.OpenSsl.TempDir();
            string estDir = Path.Combine(dir.Path, "est");
            var psi = new ProcessStartInfo(Nfcerts.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in new[] { "est", "serve", "--dir", estDir, "--port", "0", "--user", "estuser", "--password", "estpwd", "--lifetime", "10m" })
            {
                psi.ArgumentList.Add(a);
            }
            using Process p = Process.Start(psi)!;
            try
            {
                Task<string> stderr = p.StandardError.ReadToEndAsync();
                string? url = null;
                string? caFile = null;
                string? line;
                while ((line = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))) != null && !line.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
                {
                    if (line.StartsWith("EST server: ", StringComparison.Ordinal)) url = line.Substring(12).Trim();
                    if (line.StartsWith("CA file:", StringComparison.Ordinal)) caFile = line.Substring(8).Trim().Split("  ")[0];
                    Assert.DoesNotContain("PRIVATE KEY", line);
                }
                Assert.True(line != null, "serve ended early: " + await stderr);
                Assert.StartsWith("https://127.0.0.1:", url);
                Assert.Equal(Path.Combine(estDir, "cacerts.pem"), caFile);

                X509Certificate2 root = X509Certificate2.CreateFromPem(File.ReadAllText(caFile!));
                using var http = new HttpClient(new SocketsHttpHandler
                {
                    SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, c, _, e) => EstServerFixture.TrustsRoot(root, c, e) },
                });
                using HttpResponseMessage r = await http.GetAsync(url + "/cacerts");
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);

                using (Process kill = Process.Start("kill", new[] { "-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) })!)
                {
                    Assert.True(kill.WaitForExit(30_000), "kill did not finish");
                }
                Assert.True(p.WaitForExit(60_000), "serve did not stop on SIGTERM");
                Assert.Equal(0, p.ExitCode);
                Assert.True(File.Exists(Path.Combine(estDir, "config.json")));
            }
            finally
            {
                if (!p.HasExited)
                {
                    p.Kill(true);
                }
            }
        }

        [Fact]
        public void Bench_est_prints_a_figure_per_key_type_and_client_count()
        {
            var (code, json, err) = Nfcerts.Run("bench", "est", "--count", "2", "--clients", "2", "--json");
            Assert.True(code == 0, err);
            JsonElement[] rows = JsonDocument.Parse(json).RootElement.EnumerateArray().ToArray();
            Assert.Equal(new[] { "ECDSA P-256", "ECDSA P-256", "RSA 2048", "RSA 2048" }, rows.Select(r => r.GetProperty("keyType").GetString()));
            Assert.Equal(new[] { 1, 2, 1, 2 }, rows.Select(r => r.GetProperty("clients").GetInt32()));
            Assert.All(rows, r => Assert.True(r.GetProperty("perSecond").GetDouble() > 0));
        }
    }
}
