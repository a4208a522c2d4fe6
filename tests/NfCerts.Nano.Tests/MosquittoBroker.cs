using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NfCerts.Emulators.Pki;
using NfCerts.Tests.Contracts;
using NfCerts.Tests.Host;

namespace NfCerts.Nano.Tests
{
    /// <summary>A real mosquitto broker on 127.0.0.1 (free port), MQTT over TLS 1.2 only, requiring a client certificate that
    /// chains to one root (mosquitto verifies the chain the client sends against <c>cafile</c> alone). With
    /// <c>identityIsUser</c> the certificate's CN is the user name; without it every client is refused (CONNACK 5), as
    /// <c>allow_anonymous false</c> with no other authentication does.</summary>
    internal sealed class MosquittoBroker : IDisposable
    {
        private readonly TempDir _dir = new();
        private readonly StringBuilder _log = new();
        private Process? _process;

        public MosquittoBroker(DevCredential server, DevCredential clientRoot, bool identityIsUser = true)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            string cert = _dir.Write("server.pem", Encoding.ASCII.GetBytes(server.Pem));
            string key = _dir.WriteSecret("server.key", Encoding.ASCII.GetBytes(server.KeyPem));
            string ca = _dir.Write("root.pem", Encoding.ASCII.GetBytes(clientRoot.Pem));
            string config = string.Join("\n",
                // Started as root, mosquitto would drop to user "mosquitto", who cannot read the key in our temporary folder.
                "user " + Environment.UserName,
                "per_listener_settings false",
                "persistence false",
                "log_dest stderr",
                "log_type all",
                "allow_anonymous false",
                "listener " + Port + " 127.0.0.1",
                "cafile " + ca,
                "certfile " + cert,
                "keyfile " + key,
                "require_certificate true",
                "tls_version tlsv1.2",
                identityIsUser ? "use_identity_as_username true" : "") + "\n";
            ConfigPath = _dir.Write("mosquitto.conf", Encoding.ASCII.GetBytes(config));
            Start();
        }

        public int Port { get; }

        public string ConfigPath { get; }

        /// <summary>What mosquitto logged so far (for failure messages).</summary>
        public string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        /// <summary>Kills the broker (connections drop without DISCONNECT).</summary>
        public void Kill()
        {
            Process? p = _process;
            _process = null;
            if (p != null && !p.HasExited)
            {
                p.Kill();
                p.WaitForExit();
            }
            p?.Dispose();
        }

        public void Dispose()
        {
            Kill();
            _dir.Dispose();
        }

        private void Start()
        {
            var info = new ProcessStartInfo("mosquitto") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(ConfigPath);
            _process = Process.Start(info) ?? throw new InvalidOperationException("mosquitto did not start");
            _process.ErrorDataReceived += (_, e) => { if (e.Data != null) { lock (_log) { _log.AppendLine(e.Data); } } };
            _process.OutputDataReceived += (_, e) => { if (e.Data != null) { lock (_log) { _log.AppendLine(e.Data); } } };
            _process.BeginErrorReadLine();
            _process.BeginOutputReadLine();
            if (!RealTime.Eventually(Listening) || _process.HasExited)
            {
                throw new InvalidOperationException("mosquitto is not listening on " + Port + ":\n" + Log);
            }
        }

        private bool Listening()
        {
            if (_process == null || _process.HasExited)
            {
                throw new InvalidOperationException("mosquitto exited:\n" + Log);
            }
            using var tcp = new TcpClient();
            try
            {
                tcp.Connect(IPAddress.Loopback, Port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}
