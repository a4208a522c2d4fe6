using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using NfCerts.Core.Provisioning;
using NfCerts.Emulators.Dps;
using NfCerts.Emulators.Pki;
using NfCerts.Hal.Host;
using NfCerts.Hal.Host.Mqtt;
using NfCerts.Tests.Cli;
using Xunit;

namespace NfCerts.Tests.DpsOps
{
    /// <summary><c>nfcerts dps serve</c> as the real program: it prints what devices and operators need, provisions a device
    /// enrolled with the CLI, stops on SIGTERM, and a restart on the same --dir keeps the ID scope, the key, the enrollments
    /// and the registrations.</summary>
    public sealed class DpsServeTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "nfcerts-dpsserve-" + Guid.NewGuid().ToString("N"));

        private sealed record Served(Process Process, Dictionary<string, string> Exports, string IdScope, int Port, Task<string> Stderr);

        private Served Start()
        {
            var psi = new ProcessStartInfo(Nfcerts.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in new[] { "dps", "serve", "--dir", _dir, "--port", "0", "--api-port", "0", "--hub-port", "0", "--hub-api-port", "0" })
            {
                psi.ArgumentList.Add(a);
            }
            var p = Process.Start(psi)!;
            Task<string> stderr = p.StandardError.ReadToEndAsync();
            var exports = new Dictionary<string, string>();
            string? scope = null, endpoint = null;
            var reading = Task.Run(() =>
            {
                string? line;
                while ((line = p.StandardOutput.ReadLine()) != null && !line.StartsWith("Ctrl+C", StringComparison.Ordinal))
                {
                    Assert.DoesNotContain("PRIVATE KEY", line);
                    if (line.StartsWith("export ", StringComparison.Ordinal))
                    {
                        int eq = line.IndexOf('=');
                        exports[line.Substring(7, eq - 7)] = line.Substring(eq + 1).Trim('\'');
                    }
                    scope ??= Field(line, "id scope:");
                    endpoint ??= Field(line, "global endpoint:");
                }
            });
            if (!reading.Wait(TimeSpan.FromSeconds(120)) || scope == null || endpoint == null || !exports.ContainsKey("NFCERTS_DPS"))
            {
                p.Kill(true);
                throw new InvalidOperationException("dps serve did not print what it serves: " + stderr.Result);
            }
            Assert.StartsWith("localhost:", endpoint);
            return new Served(p, exports, scope, int.Parse(endpoint.Split(' ')[0].Substring(10)), stderr);
        }

        private static string? Field(string line, string name)
            => line.TrimStart().StartsWith(name, StringComparison.Ordinal) ? line.TrimStart().Substring(name.Length).Trim() : null;

        private static void Stop(Served s)
        {
            using (var kill = Process.Start("kill", new[] { "-TERM", s.Process.Id.ToString() }))
            {
                kill.WaitForExit();
            }
            Assert.True(s.Process.WaitForExit(60_000), "dps serve did not stop on SIGTERM");
            Assert.Equal(0, s.Process.ExitCode);
            s.Process.Dispose();
        }

        private static (int Code, string Out, string Err) Dps(Served s, params string[] args)
            => Nfcerts.Run(["dps", .. args, "--connection-string", s.Exports["NFCERTS_DPS"], "--dps-ca", s.Exports["NFCERTS_DPS_CA"]]);

        private static DpsResult Register(Served s, DevCredential identity, DevCredential issuing)
        {
            using var mqtt = new MqttNetTransport();
            using var clock = new SystemClock();
            var client = new DpsClient(mqtt, clock, span => Thread.Sleep(span),
                new DpsClientOptions { ReplyTimeout = TimeSpan.FromSeconds(30), TotalTimeout = TimeSpan.FromMinutes(2) });
            var root = X509Certificate2.CreateFromPem(File.ReadAllText(s.Exports["NFCERTS_DPS_CA"]));
            return client.Register("localhost", s.Port, s.IdScope, identity.Der.Concat(issuing.Der).ToArray(),
                identity.Certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKey(), new[] { root.RawData });
        }

        [Fact]
        public Task Serve_provisions_a_device_enrolled_from_the_command_line_stops_on_SIGTERM_and_a_restart_keeps_everything() =>
            // On the thread pool: the test runner's own threads may all be busy with other tests on a loaded machine.
            Task.Run(Scenario);

        private void Scenario()
        {
            DateTimeOffset from = DateTimeOffset.UtcNow.AddDays(-1), to = DateTimeOffset.UtcNow.AddDays(30);
            DevCredential root = DevPki.Root("CN=Serve EST Root", from, to);
            DevCredential issuing = DevPki.Intermediate(root, "CN=Serve EST Issuing", from, to);
            Directory.CreateDirectory(_dir);
            string caFile = Path.Combine(_dir, "est-root.pem");
            File.WriteAllText(caFile, root.Pem);

            Served first = Start();
            try
            {
                Assert.Contains("SharedAccessKeyName=provisioningserviceowner", first.Exports["NFCERTS_DPS"]);
                Assert.Equal(Path.Combine(_dir, "pki", "dps-root.crt"), first.Exports["NFCERTS_DPS_CA"]);
                Assert.True(first.Exports.ContainsKey("NFCERTS_HUB"));
                Assert.Equal(0, Dps(first, "enrollment", "add", "serve-group", "--ca", caFile).Code);
                DpsResult r = Register(first, DevPki.Client(issuing, "CN=serve-dev-1", from, to), issuing);
                Assert.Equal(DpsOutcome.Assigned, r.Outcome);
                Assert.Equal("localhost", r.AssignedHub);
                var regs = Dps(first, "registrations", "--json");
                Assert.Equal(0, regs.Code);
                Assert.Equal("assigned", (string?)Assert.Single(JsonNode.Parse(regs.Out)!.AsArray())!["status"]);
                var hub = Nfcerts.Run("hub", "devices", "--json", "--hub", first.Exports["NFCERTS_HUB"], "--hub-ca", first.Exports["NFCERTS_HUB_CA"]);
                Assert.Equal("serve-dev-1", (string?)Assert.Single(JsonNode.Parse(hub.Out)!.AsArray())!["deviceId"]);
            }
            finally
            {
                Stop(first);
            }

            Served second = Start();
            try
            {
                Assert.Equal(first.IdScope, second.IdScope);
                string key = first.Exports["NFCERTS_DPS"].Substring(first.Exports["NFCERTS_DPS"].IndexOf("SharedAccessKey=", StringComparison.Ordinal));
                Assert.EndsWith(key, second.Exports["NFCERTS_DPS"]);
                var ls = Dps(second, "enrollment", "ls", "--json");
                Assert.Equal(0, ls.Code);
                Assert.Equal("serve-group", (string?)Assert.Single(JsonNode.Parse(ls.Out)!["enrollmentGroups"]!.AsArray())!["enrollmentGroupId"]);
                var show = Dps(second, "registrations", "show", "serve-dev-1");
                Assert.Equal(0, show.Code);
                Assert.Equal("assigned", (string?)JsonNode.Parse(show.Out)!["status"]);
                Assert.Equal(DpsOutcome.Assigned, Register(second, DevPki.Client(issuing, "CN=serve-dev-2", from, to), issuing).Outcome);
            }
            finally
            {
                Stop(second);
            }
            Assert.DoesNotContain("PRIVATE KEY", first.Stderr.Result + second.Stderr.Result);
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_dir, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
