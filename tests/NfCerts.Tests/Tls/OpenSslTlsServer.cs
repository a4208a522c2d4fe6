using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using NfCerts.Emulators.Pki;
using NfCerts.Tests.Host;

namespace NfCerts.Tests.Tls
{
    /// <summary><c>openssl s_server</c> on 127.0.0.1 requiring a client certificate that chains to one root and aborting
    /// the handshake with an alert otherwise (<c>-Verify</c>, <c>-verify_return_error</c>): the strict server a device
    /// meets in the field. It answers each line reversed (<c>-rev</c>).</summary>
    internal sealed class OpenSslTlsServer : IDisposable
    {
        private readonly TempDir _dir = new();
        private readonly Process _process;

        public OpenSslTlsServer(DevCredential server, DevCredential clientRoot, string protocolFlag)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            string cert = _dir.Write("server.pem", Encoding.ASCII.GetBytes(server.Pem));
            string key = _dir.WriteSecret("server.key", Encoding.ASCII.GetBytes(server.KeyPem));
            string ca = _dir.Write("root.pem", Encoding.ASCII.GetBytes(clientRoot.Pem));
            var start = new ProcessStartInfo("openssl")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (string a in new[] { "s_server", "-accept", "127.0.0.1:" + Port, "-cert", cert, "-key", key, "-CAfile", ca,
                "-Verify", "4", "-verify_return_error", protocolFlag, "-rev", "-naccept", "16" })
            {
                start.ArgumentList.Add(a);
            }
            _process = Process.Start(start) ?? throw new InvalidOperationException("openssl s_server did not start");
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginErrorReadLine();
            var ready = new ManualResetEventSlim();
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data != null && e.Data.Contains("ACCEPT"))
                {
                    ready.Set();
                }
            };
            _process.BeginOutputReadLine();
            if (!ready.Wait(TimeSpan.FromSeconds(60)))
            {
                Dispose();
                throw new TimeoutException("openssl s_server did not start listening within 60 s");
            }
        }

        public int Port { get; }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill();
                    _process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }
            _process.Dispose();
            _dir.Dispose();
        }
    }
}
