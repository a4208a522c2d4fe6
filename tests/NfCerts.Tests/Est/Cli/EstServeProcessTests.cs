using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Text.Json;
using System.Threading.Tasks;
using NfCerts.Tests.Cli;
using NfCerts.Tests.Contracts;
using NfCerts.Tests.Est.Server;
using Xunit;

namespace NfCerts.Tests.Est.Cli
{
    /// <summary><c>nfcerts est serve</c> as the real program: a client enrolls against it, SIGTERM stops it with exit code 0
    /// and its port closed, and a restart on the same --dir keeps the CA and the issued log.</summary>
    public sealed class EstServeProcessTests : IDisposable
    {
        private readonly X509.OpenSsl.TempDir _dir = new();

        private sealed class Served(Process process, int port, string caFile, Task<string> stderr)
        {
            public Process Process { get; } = process;
            public int Port { get; } = port;
            public string CaFile { get; } = caFile;
            public Task<string> Stderr { get; } = stderr;
            public static int Requests;
        }

        private Served Start()
        {
            var psi = new ProcessStartInfo(Nfcerts.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in new[] { "est", "serve", "--dir", _dir.File("est"), "--port", "0", "--user", "estuser", "--password", "estpwd", "--lifetime", "10m", "--backdate", "2h" })
            {
                psi.ArgumentList.Add(a);
            }
            Process p = Process.Start(psi)!;
            Task<string> stderr = p.StandardError.ReadToEndAsync();
            string? url = null;
            string? caFile = null;
            var reading = Task.Run(() =>
            {
                string? line;
                while ((line = p.StandardOutput.ReadLine()) != null && !line.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
                {
                    if (line.StartsWith("EST server: ", StringComparison.Ordinal)) url = line.Substring(12).Trim();
                    if (line.StartsWith("CA file:", StringComparison.Ordinal)) caFile = line.Substring(8).Trim().Split("  ")[0];
                }
            });
            // Generous: the machine may be running several builds at once.
            if (!reading.Wait(TimeSpan.FromSeconds(120)) || url == null || caFile == null)
            {
                p.Kill(true);
                throw new InvalidOperationException("est serve did not print where it listens: " + stderr.Result);
            }
            return new Served(p, new Uri(url).Port, caFile, stderr);
        }

        private static void Terminate(Served s)
        {
            using (Process kill = Process.Start("kill", new[] { "-TERM", s.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) })!)
            {
                Assert.True(kill.WaitForExit(60_000), "kill did not finish");
            }
            Assert.True(s.Process.WaitForExit(90_000), "est serve did not stop on SIGTERM: " + (s.Process.HasExited ? "" : "still running"));
            Assert.True(s.Process.ExitCode == 0, "exit code " + s.Process.ExitCode + ": " + s.Stderr.Result);
            // Nothing listens on the port any more.
            Assert.True(RealTime.Eventually(() => !Listening(s.Port)), "port " + s.Port + " is still open after est serve stopped");
        }

        private static bool Listening(int port)
        {
            try
            {
                using var tcp = new TcpClient();
                tcp.Connect("127.0.0.1", port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }

        /// <summary>GET /cacerts over a new TLS connection each time until cancelled or the server is gone (at most 500).</summary>
        private static async Task Load(Served s, CancellationToken stop)
        {
            X509Certificate2 root = X509Certificate2.CreateFromPem(File.ReadAllText(s.CaFile));
            using var http = new HttpClient(new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.Zero,
                SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, c, _, e) => EstServerFixture.TrustsRoot(root, c, e) },
            }) { Timeout = TimeSpan.FromSeconds(30) };
            for (int i = 0; i < 500 && !stop.IsCancellationRequested; i++)
            {
                try
                {
                    using HttpResponseMessage r = await http.GetAsync("https://127.0.0.1:" + s.Port + "/.well-known/est/cacerts", stop);
                    Interlocked.Increment(ref Served.Requests);
                }
                catch (Exception e) when (e is HttpRequestException || e is OperationCanceledException)
                {
                    return;
                }
            }
        }

        private static void Kill(Served? s)
        {
            if (s != null && !s.Process.HasExited)
            {
                s.Process.Kill(true);
                s.Process.WaitForExit(30_000);
            }
            s?.Process.Dispose();
        }

        [Fact]
        public Task Serve_enrolls_stops_on_sigterm_and_a_restart_keeps_the_ca_and_the_log() =>
            // On the thread pool: the test runner's own threads may all be busy with other tests on a loaded machine.
            Task.Run(Scenario);

        private void Scenario()
        {
            Served? first = null;
            Served? second = null;
            try
            {
                first = Start();
                string root = File.ReadAllText(Path.Combine(_dir.File("est"), "ca-root.crt"));
                var (code, json, err) = Nfcerts.Run("est", "enroll", "--server", "https://127.0.0.1:" + first.Port, "--trust", first.CaFile,
                    "--user", "estuser", "--password", "estpwd", "--subject", "CN=served-001", "--out-cert", _dir.File("d.pem"), "--out-key", _dir.File("d.key"), "--json");
                Assert.True(code == 0, err);
                Assert.Equal("CN=served-001", JsonDocument.Parse(json).RootElement.GetProperty("subject").GetString());
                // --backdate 2h: NotBefore two hours before the moment of issue, the lifetime counted from issue.
                using (X509Certificate2 issued = X509Certificate2.CreateFromPem(File.ReadAllText(_dir.File("d.pem"))))
                {
                    TimeSpan before = DateTime.UtcNow - issued.NotBefore.ToUniversalTime();
                    Assert.InRange(before, TimeSpan.FromHours(2) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(2) + TimeSpan.FromMinutes(10));
                    Assert.InRange(issued.NotAfter.ToUniversalTime() - DateTime.UtcNow, TimeSpan.Zero, TimeSpan.FromMinutes(10));
                }
                // SIGTERM while clients keep it busy: it must still stop, cutting what is in flight.
                using (var load = new CancellationTokenSource())
                {
                    Task[] clients = Enumerable.Range(0, 4).Select(_ => Task.Run(() => Load(first, load.Token))).ToArray();
                    var watch = Stopwatch.StartNew();
                    while (Volatile.Read(ref Served.Requests) < 8 && watch.Elapsed < TimeSpan.FromSeconds(120))
                    {
                        Thread.Sleep(50);
                    }
                    Assert.True(Volatile.Read(ref Served.Requests) >= 8, "the load clients got no answers");
                    Terminate(first);
                    load.Cancel();
                    Task.WaitAll(clients, TimeSpan.FromSeconds(60));
                }

                second = Start();
                Assert.Equal(root, File.ReadAllText(Path.Combine(_dir.File("est"), "ca-root.crt")));
                var (logCode, log, _) = Nfcerts.Run("est", "log", "--dir", _dir.File("est"), "--json");
                Assert.Equal(0, logCode);
                Assert.Contains(JsonDocument.Parse(log).RootElement.EnumerateArray(), e => e.GetProperty("subject").GetString() == "CN=served-001");
                // The restarted server still issues under the same CA: the old certificate re-enrolls.
                var (re, _, reErr) = Nfcerts.Run("est", "reenroll", "--server", "https://127.0.0.1:" + second.Port, "--trust", second.CaFile,
                    "--cert", _dir.File("d.pem"), "--key", _dir.File("d.key"), "--keep-key", "--out-cert", _dir.File("d2.pem"));
                Assert.True(re == 0, reErr);
                Terminate(second);
            }
            finally
            {
                Kill(first);
                Kill(second);
            }
        }

        public void Dispose() => _dir.Dispose();
    }
}
