using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using NfCerts.Tests.Support;
using Xunit;

namespace NfCerts.Tests.Cli
{
    /// <summary>
    /// What scripts and people read: the --json fields, in the order the hand-written CLI printed them (captured from it
    /// before the move to System.CommandLine), and escape codes only on a terminal without NO_COLOR.
    /// </summary>
    public sealed class OutputTests : IDisposable
    {
        private static readonly Issued Ca = TestPki.Root("Output Root");
        private static readonly Issued Client = TestPki.Client(Ca, "device-007");
        private readonly string _dir = Directory.CreateTempSubdirectory("nfcerts-output-").FullName;
        private readonly string _img;
        private readonly string _pem;

        public OutputTests()
        {
            _img = Path.Combine(_dir, "dev.img");
            _pem = Path.Combine(_dir, "c.pem");
            File.WriteAllText(Path.Combine(_dir, "ca.pem"), Ca.Pem);
            File.WriteAllText(_pem, Client.Pem);
            File.WriteAllText(Path.Combine(_dir, "c.key"), Client.Pkcs8Pem);
            foreach (var args in new[]
            {
                new[] { "store", "init", _img },
                new[] { "store", "install-root", _img, "RootCA1", Path.Combine(_dir, "ca.pem") },
                new[] { "store", "install-client", _img, "ClientCert1", _pem, Path.Combine(_dir, "c.key") },
                new[] { "wifi", "add", _img, "--name", "Network1", "--ssid", "corp", "--client-cert", "ClientCert1", "--root-ca", "RootCA1", "--identity", "device-007" },
                new[] { "wifi", "add", _img, "--name", "Home", "--ssid", "home", "--security", "psk", "--psk", "hunter2hunter2" },
            })
            {
                var r = Nfcerts.Run(args);
                Assert.True(r.Code == 0, string.Join(" ", args) + ": " + r.Err);
            }
        }

        public void Dispose() => Directory.Delete(_dir, true);

        private static readonly string[] CertFields = { "subject", "issuer", "notBefore", "notAfter", "serial", "sha1", "sha256" };
        private static readonly string[] NetworkFields =
            { "id", "configName", "ssid", "security", "enabled", "clientCertId", "rootCaId", "identity", "serverDomain", "hasPsk" };

        private static string[] Fields(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();

        private JsonElement Json(params string[] args)
        {
            var (code, stdout, stderr) = Nfcerts.Run(args);
            Assert.True(code == 0, stderr);
            return JsonDocument.Parse(stdout).RootElement.Clone();
        }

        [Fact]
        public void JsonOutputsKeepTheirFields()
        {
            var ls = Json("store", "ls", _img, "--json");
            Assert.Equal(2, ls.GetArrayLength());
            Assert.All(ls.EnumerateArray(), row => Assert.Equal(new[] { "id", "type", "subject", "notAfter" }, Fields(row)));
            Assert.Equal("CN=device-007", ls[0].GetProperty("subject").GetString());

            var show = Json("store", "show", _img, "ClientCert1", "--json");
            Assert.Equal(new[] { "id", "type" }.Concat(CertFields), Fields(show));
            Assert.Equal(CertFields, Fields(Json("cert", "show", _pem, "--json")));

            var stats = Json("store", "stats", _img, "--json");
            Assert.Equal(new[] { "sizeBytes", "sectorBytes", "sectors", "freeSectors", "reserveSectors", "certificates", "capacityBytes",
                "usedBytes", "programmedBytes", "availableBytes", "mountBytesRead", "erasesPerSector" }, Fields(stats));
            Assert.Equal(JsonValueKind.Array, stats.GetProperty("erasesPerSector").ValueKind);
            Assert.Equal(64, stats.GetProperty("erasesPerSector").GetArrayLength());

            var networks = Json("wifi", "ls", _img, "--json");
            Assert.Equal(2, networks.GetArrayLength());
            Assert.All(networks.EnumerateArray(), row => Assert.Equal(NetworkFields, Fields(row)));
            Assert.Equal(NetworkFields, Fields(Json("wifi", "show", _img, "Home", "--json")));
            Assert.True(Json("wifi", "show", _img, "Home", "--json").GetProperty("hasPsk").GetBoolean());
        }

        [Fact]
        public void TablesShowTheRowsAPersonLooksFor()
        {
            var (_, ls, _) = Nfcerts.Run("store", "ls", _img);
            Assert.Contains("NOT AFTER", ls);
            Assert.Contains("pending seal", ls); // a key written by the desktop waits for the device's seal
            Assert.Single(ls.Split('\n'), l => l.Contains("ClientCert1") && l.Contains("client") && l.Contains("CN=device-007"));
            var (_, nets, _) = Nfcerts.Run("wifi", "ls", _img);
            Assert.Single(nets.Split('\n'), l => l.Contains("Home") && l.Contains("psk") && l.Contains("yes") && l.Contains("home"));
            Assert.DoesNotContain("hunter2", nets);
            var (_, stats, _) = Nfcerts.Run("store", "stats", _img);
            Assert.Single(stats.Split('\n'), l => l.Contains("certificates") && l.Contains(" 2 "));
        }

        public static TheoryData<string, bool, bool, string> Terminals() => new()
        {
            // description, stdout is a terminal, escapes expected, NO_COLOR / TERM
            { "redirected", false, false, "" },
            { "terminal, NO_COLOR=1", true, false, "NO_COLOR=1" },
            { "terminal, TERM=dumb", true, false, "TERM=dumb" },
            { "terminal", true, true, "" },
        };

        [Theory]
        [MemberData(nameof(Terminals))]
        public void EscapeCodesOnlyOnATerminalWithoutNoColor(string description, bool isTerminal, bool escapes, string env)
        {
            var vars = env.Length == 0 ? Array.Empty<(string, string)>() : new[] { (env.Split('=')[0], env.Split('=')[1]) };
            var terminal = Nfcerts.TerminalOf(isTerminal, isTerminal, vars);
            foreach (var args in new[] { new[] { "store", "ls", _img }, new[] { "store", "stats", _img }, new[] { "wifi", "ls", _img } })
            {
                var (code, stdout, stderr) = Nfcerts.Run(terminal, args);
                Assert.Equal(0, code);
                Assert.True(stdout.Contains('\u001b') == escapes, description + ", " + string.Join(" ", args) + ": " + stdout);
                Assert.DoesNotContain('\u001b', stderr);
            }
            var json = Nfcerts.Run(terminal, "store", "ls", _img, "--json").Out;
            Assert.DoesNotContain('\u001b', json);
        }

        [Fact]
        public void TheRealProgramWritesNoEscapeCodesIntoAPipe()
        {
            var (code, stdout, stderr) = Nfcerts.Process(Nfcerts.Executable, new[] { "store", "ls", _img }, psi =>
            {
                psi.Environment.Remove("NO_COLOR");
                psi.Environment["TERM"] = "xterm-256color";
            });
            Assert.True(code == 0, stderr);
            Assert.Contains("ClientCert1", stdout);
            Assert.DoesNotContain('\u001b', stdout + stderr);
        }

        /// <summary>
        /// Under a pseudo-terminal (util-linux `script`) the program detects the terminal itself, and NO_COLOR still wins.
        /// Only colour and style codes (SGR, ESC [ ... m) count here: the .NET runtime itself switches a terminal's keypad
        /// mode (ESC [ ? 1 h ESC =) when a program that has one starts, even for `nfcerts --version`.
        /// </summary>
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void TheRealProgramColoursATerminalUnlessNoColorIsSet(bool noColor)
        {
            var command = "'" + Nfcerts.Executable + "' store ls '" + _img + "'";
            var (code, stdout, stderr) = Nfcerts.Process("script", new[] { "-qec", command, "/dev/null" }, psi =>
            {
                psi.Environment.Remove("NO_COLOR");
                if (noColor)
                {
                    psi.Environment["NO_COLOR"] = "1";
                }
                psi.Environment["TERM"] = "xterm-256color";
            });
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains("ClientCert1", stdout);
            Assert.Equal(!noColor, Regex.IsMatch(stdout, "\u001b\\[[0-9;]*m"));
        }
    }
}
