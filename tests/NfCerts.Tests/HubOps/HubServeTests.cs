using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Tests.Cli;
using Xunit;

namespace NfCerts.Tests.HubOps
{
    /// <summary><c>nfcerts hub serve</c> as the real program: it prints its connection string, serves the operator commands,
    /// stops on SIGTERM, and a restart on the same --pki and --state keeps the key, the devices and the twins.</summary>
    public sealed class HubServeTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "nfcerts-serve-" + Guid.NewGuid().ToString("N"));

        private sealed class Served(Process process, string hub, string ca)
        {
            public Process Process { get; } = process;
            public string Hub { get; } = hub;
            public string Ca { get; } = ca;
        }

        private Served Start()
        {
            var psi = new ProcessStartInfo(Nfcerts.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in new[] { "hub", "serve", "--mqtt-port", "0", "--api-port", "0", "--pki", Path.Combine(_dir, "pki"), "--state", Path.Combine(_dir, "state.json") })
            {
                psi.ArgumentList.Add(a);
            }
            var p = Process.Start(psi)!;
            string? hub = null, ca = null;
            var reading = Task.Run(() =>
            {
                string? line;
                while ((line = p.StandardOutput.ReadLine()) != null && !line.StartsWith("Ctrl+C", StringComparison.Ordinal))
                {
                    hub ??= Export(line, "NFCERTS_HUB");
                    ca ??= Export(line, "NFCERTS_HUB_CA");
                }
            });
            if (!reading.Wait(TimeSpan.FromSeconds(120)) || hub == null || ca == null)
            {
                p.Kill(true);
                throw new InvalidOperationException("hub serve did not print its connection string: " + p.StandardError.ReadToEnd());
            }
            return new Served(p, hub, ca);
        }

        private static string? Export(string line, string name)
            => line.StartsWith("export " + name + "='", StringComparison.Ordinal) ? line.Substring(name.Length + 9).TrimEnd('\'') : null;

        private static void Stop(Served s)
        {
            using (var kill = Process.Start("kill", new[] { "-TERM", s.Process.Id.ToString() }))
            {
                kill.WaitForExit();
            }
            Assert.True(s.Process.WaitForExit(60_000), "hub serve did not stop on SIGTERM");
            Assert.Equal(0, s.Process.ExitCode);
            s.Process.Dispose();
        }

        [Fact]
        public void Serve_prints_a_connection_string_the_commands_use_and_a_restart_keeps_key_devices_and_twins()
        {
            Served first = Start();
            try
            {
                Assert.StartsWith("HostName=127.0.0.1:", first.Hub);
                Assert.Equal(0, Nfcerts.Run("hub", "device", "add", "served-1", "--hub", first.Hub, "--hub-ca", first.Ca).Code);
                Assert.Equal(0, Nfcerts.Run("hub", "twin", "set", "served-1", "--desired", "{\"estUrl\":\"https://127.0.0.1:9443/.well-known/est\"}", "--hub", first.Hub, "--hub-ca", first.Ca).Code);
            }
            finally
            {
                Stop(first);
            }

            Served second = Start();
            try
            {
                string key = first.Hub.Substring(first.Hub.IndexOf("SharedAccessKey=", StringComparison.Ordinal));
                Assert.EndsWith(key, second.Hub);
                var twin = Nfcerts.Run("hub", "twin", "get", "served-1", "--hub", second.Hub, "--hub-ca", second.Ca);
                Assert.Equal(0, twin.Code);
                Assert.Equal("https://127.0.0.1:9443/.well-known/est", (string?)JsonNode.Parse(twin.Out)!["properties"]!["desired"]!["estUrl"]);
            }
            finally
            {
                Stop(second);
            }
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
