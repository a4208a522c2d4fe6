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
        [InlineData("--backdate", "3d")]
        [InlineData("--backdate", "-1h")]
        [InlineData("--backdate", "1x")]
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
        public void Bench_est_prints_a_figure_per_key_type_and_client_count()
        {
            var (code, json, err) = Nfcerts.Run("bench", "est", "--count", "2", "--clients", "2", "--json");
            Assert.True(code == 0, err);
            JsonElement root = JsonDocument.Parse(json).RootElement;
            JsonElement[] rows = root.GetProperty("server").EnumerateArray().ToArray();
            Assert.Equal(new[] { "ECDSA P-256", "ECDSA P-256", "RSA 2048", "RSA 2048" }, rows.Select(r => r.GetProperty("keyType").GetString()));
            Assert.Equal(new[] { 1, 2, 1, 2 }, rows.Select(r => r.GetProperty("clients").GetInt32()));
            Assert.All(rows, r => Assert.True(r.GetProperty("perSecond").GetDouble() > 0));
            // The device's own client re-enrolled (the bench fails otherwise) and its time was measured.
            JsonElement client = root.GetProperty("client");
            Assert.Equal(5, client.GetProperty("reenrollments").GetInt32());
            Assert.True(client.GetProperty("medianMs").GetDouble() > 0);
        }
    }
}
