using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// A private FreeRADIUS 3 server (Debian package <c>freeradius</c>) doing EAP-TLS on 127.0.0.1: it writes its own
    /// minimal configuration, certificates and key into a private directory, runs <c>freeradius -X</c> on a free UDP port
    /// and stops it again. FreeRADIUS does not reload its TLS credentials on SIGHUP, so
    /// <see cref="ChangeServerCertificate"/> restarts it (in well under a second).
    /// </summary>
    /// <remarks>
    /// <para>FreeRADIUS judges certificate validity on its wall clock: the real system time, or, for a server started with a
    /// faked time, <see cref="Time"/>'s (libfaketime, see <see cref="FaketimeClock"/>).</para>
    /// <para>Readiness is the log line "Ready to process requests" (debug mode logs to stdout line by line), never a fixed
    /// sleep. The log is kept in memory (the last few thousand lines) to explain rejections; it is never exposed whole because
    /// it carries session keys. The private key file is created 0600; the directory is removed by <see cref="Dispose"/>.</para>
    /// </remarks>
    public sealed class FreeRadiusServer : IDisposable
    {
        private const int MaxLogLines = 4000;
        private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

        private readonly object _gate = new object();
        private readonly object _logGate = new object();
        private readonly List<string> _log = new List<string>();
        private readonly PrivateDirectory _dir;
        private readonly string _executable;
        private readonly string _maxTls;
        private readonly FaketimeClock? _time;
        private long _logBase;
        private Process? _process;
        private X509Certificate2 _certificate;
        private bool _disposed;

        private FreeRadiusServer(string executable, PrivateDirectory dir, X509Certificate2 certificate, string secret, string maxTls, FaketimeClock? time)
        {
            _executable = executable;
            _time = time;
            _dir = dir;
            _certificate = certificate;
            Secret = secret;
            _maxTls = maxTls;
        }

        /// <summary>The address the server listens on: 127.0.0.1.</summary>
        public static string Address { get { return "127.0.0.1"; } }

        /// <summary>The UDP port it listens on (chosen free at start).</summary>
        public int Port { get; private set; }

        /// <summary>The RADIUS shared secret.</summary>
        public string Secret { get; }

        /// <summary>The private configuration directory.</summary>
        public string ConfigDirectory { get { return _dir.FullPath; } }

        /// <summary>The number of times the server process was started (first start and restarts).</summary>
        public int StartCount { get; private set; }

        /// <summary>How long the last start took until the server was ready.</summary>
        public TimeSpan LastStartDuration { get; private set; }

        /// <summary>The server's wall clock when it runs on a faked time (see <see cref="StartNew"/>), else null (real time).</summary>
        public FaketimeClock? Time { get { return _time; } }

        /// <summary>The current server certificate.</summary>
        public X509Certificate2 ServerCertificate
        {
            get { lock (_gate) { return _certificate; } }
        }

        /// <summary>True while the server process runs.</summary>
        public bool IsRunning
        {
            get { lock (_gate) { return _process != null && !_process.HasExited; } }
        }

        /// <summary>
        /// Writes the configuration and starts the server. <paramref name="serverCertificate"/> must carry an exportable EC
        /// or RSA private key; <paramref name="intermediates"/> are sent with it; client certificates must lead to one of
        /// <paramref name="clientCAs"/>. <paramref name="maxTlsVersion"/> is "1.2" or "1.3". With <paramref name="fakedUtc"/>
        /// the server runs on a faked wall clock (<see cref="Time"/>) that starts at that time.
        /// </summary>
        /// <exception cref="InvalidOperationException">freeradius is not installed, libfaketime is not installed while
        /// <paramref name="fakedUtc"/> is given, or the server did not start (the message says why).</exception>
        public static FreeRadiusServer StartNew(X509Certificate2 serverCertificate, X509Certificate2Collection? intermediates,
            X509Certificate2Collection clientCAs, string maxTlsVersion = "1.3", string? secret = null, string? tempRoot = null,
            DateTime? fakedUtc = null)
        {
            ArgumentNullException.ThrowIfNull(serverCertificate);
            ArgumentNullException.ThrowIfNull(clientCAs);
            if (clientCAs.Count == 0)
            {
                throw new ArgumentException("at least one client CA is needed", nameof(clientCAs));
            }
            if (maxTlsVersion != "1.2" && maxTlsVersion != "1.3")
            {
                throw new ArgumentException("the TLS version is 1.2 or 1.3", nameof(maxTlsVersion));
            }
            var exe = FindFreeRadius()
                ?? throw new InvalidOperationException("freeradius is not installed: run 'apt-get install -y freeradius eapoltest' (Debian packages freeradius and eapoltest)");
            string? faketime = null;
            if (fakedUtc != null)
            {
                faketime = FaketimeClock.FindLibrary()
                    ?? throw new InvalidOperationException("libfaketime is not installed: run 'apt-get install -y faketime' (Debian package faketime)");
            }
            var dir = PrivateDirectory.Create(tempRoot, "nfcerts-radius-");
            var time = faketime == null ? null : new FaketimeClock(faketime, Path.Combine(dir.FullPath, "faketime.rc"));
            var server = new FreeRadiusServer(exe, dir, serverCertificate, secret ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant(), maxTlsVersion, time);
            try
            {
                time?.Set(fakedUtc!.Value);
                Directory.CreateDirectory(Path.Combine(dir.FullPath, "pki"));
                Directory.CreateDirectory(Path.Combine(dir.FullPath, "run"));
                server.WriteFile("pki/ClientCA.crt", EapCredentials.CertificatesPem(clientCAs));
                server.WriteServerCredentials(serverCertificate, intermediates);
                server.Start();
                return server;
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }

        /// <summary>The full path of the freeradius executable, or null when it is not installed.</summary>
        public static string? FindFreeRadius()
        {
            return EapolTestSupplicant.FindExecutable("freeradius");
        }

        /// <summary>A supplicant that authenticates against this server.</summary>
        public EapolTestSupplicant CreateSupplicant()
        {
            return new EapolTestSupplicant(Address, Port, Secret) { Time = _time };
        }

        /// <summary>Starts the server if it is not running, on a newly chosen free port, and waits until it is ready.</summary>
        /// <exception cref="InvalidOperationException">It did not start; the message carries the error lines of its log.</exception>
        public void Start()
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_process != null && !_process.HasExited)
                {
                    return;
                }
                string? failure = null;
                for (int attempt = 0; attempt < 5; attempt++)
                {
                    Port = FreeUdpPort();
                    WriteConfig();
                    failure = StartProcess();
                    if (failure == null)
                    {
                        return;
                    }
                    if (!failure.Contains("Address already in use", StringComparison.Ordinal))
                    {
                        break;
                    }
                }
                throw new InvalidOperationException("freeradius did not start: " + failure);
            }
        }

        /// <summary>Stops the server (kills and reaps the process). Idempotent.</summary>
        public void Stop()
        {
            lock (_gate)
            {
                StopProcess();
            }
        }

        /// <summary>Stops and starts the server (on a new port).</summary>
        public void Restart()
        {
            lock (_gate)
            {
                StopProcess();
                Start();
            }
        }

        /// <summary>Replaces the server certificate and key (and intermediates), restarting the server if it runs.</summary>
        public void ChangeServerCertificate(X509Certificate2 certificate, X509Certificate2Collection? intermediates = null)
        {
            ArgumentNullException.ThrowIfNull(certificate);
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                // FreeRADIUS reads the files only when it starts: write them first, so a key that cannot be exported
                // leaves the running server as it was.
                WriteServerCredentials(certificate, intermediates);
                _certificate = certificate;
                if (_process != null && !_process.HasExited)
                {
                    StopProcess();
                    Start();
                }
            }
        }

        /// <summary>Stops the server and removes its directory.</summary>
        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }
                _disposed = true;
                StopProcess();
                _dir.Dispose();
            }
        }

        /// <summary>The number of log lines received so far; a mark for <see cref="FindLoginResult"/>.</summary>
        internal long LogPosition
        {
            get { lock (_logGate) { return _logBase + _log.Count; } }
        }

        /// <summary>
        /// Waits up to <paramref name="wait"/> for the "Login OK"/"Login incorrect" line of <paramref name="identity"/>
        /// logged after <paramref name="mark"/>, and returns the lines of that request (they name why it was rejected).
        /// </summary>
        internal List<string>? FindLoginResult(long mark, string? identity, TimeSpan wait)
        {
            var deadline = DateTime.UtcNow + wait;
            var tag = "[" + (identity ?? "") + "]";
            lock (_logGate)
            {
                while (true)
                {
                    for (long i = Math.Max(mark, _logBase); i < _logBase + _log.Count; i++)
                    {
                        var line = _log[(int)(i - _logBase)];
                        if ((line.Contains(") Login incorrect", StringComparison.Ordinal) || line.Contains(") Login OK", StringComparison.Ordinal))
                            && line.Contains(tag, StringComparison.Ordinal))
                        {
                            var prefix = line.Substring(0, line.IndexOf(')') + 1);
                            var lines = new List<string>();
                            for (long j = Math.Max(mark, _logBase); j <= i; j++)
                            {
                                var l = _log[(int)(j - _logBase)];
                                if (l.StartsWith(prefix, StringComparison.Ordinal))
                                {
                                    lines.Add(l);
                                }
                            }
                            return lines;
                        }
                    }
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero)
                    {
                        return null;
                    }
                    Monitor.Wait(_logGate, left);
                }
            }
        }

        private void WriteServerCredentials(X509Certificate2 certificate, X509Certificate2Collection? intermediates)
        {
            var chain = new List<X509Certificate2> { certificate };
            if (intermediates != null)
            {
                chain.AddRange(intermediates);
            }
            WriteFile("pki/server.crt", EapCredentials.CertificatesPem(chain));
            var key = EapCredentials.ExportPrivateKeyPem(certificate);
            try
            {
                WriteFile("pki/server.key", key);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }

        private void WriteFile(string relative, byte[] content)
        {
            File.Delete(Path.Combine(_dir.FullPath, relative));
            _dir.WriteFile(relative, content);
        }

        private void WriteConfig()
        {
            WriteFile("radiusd.conf", Encoding.UTF8.GetBytes(FreeRadiusConfig.Render(_dir.FullPath, Port, Secret, _maxTls)));
        }

        private static int FreeUdpPort()
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        /// <summary>Starts the process and waits for readiness; null on success, else the reason.</summary>
        private string? StartProcess()
        {
            var started = Stopwatch.StartNew();
            var psi = new ProcessStartInfo(_executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add("-X");
            psi.ArgumentList.Add("-d");
            psi.ArgumentList.Add(_dir.FullPath);
            _time?.ApplyTo(psi);
            long mark = LogPosition;
            var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
            process.OutputDataReceived += (s, e) => Append(e.Data);
            process.ErrorDataReceived += (s, e) => Append(e.Data);
            process.Exited += (s, e) => { lock (_logGate) { Monitor.PulseAll(_logGate); } };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;
            StartCount++;

            var deadline = DateTime.UtcNow + StartTimeout;
            lock (_logGate)
            {
                while (true)
                {
                    for (long i = Math.Max(mark, _logBase); i < _logBase + _log.Count; i++)
                    {
                        if (_log[(int)(i - _logBase)].StartsWith("Ready to process requests", StringComparison.Ordinal))
                        {
                            LastStartDuration = started.Elapsed;
                            return null;
                        }
                    }
                    if (process.HasExited || DateTime.UtcNow >= deadline)
                    {
                        break;
                    }
                    Monitor.Wait(_logGate, TimeSpan.FromMilliseconds(200));
                }
            }
            bool exited = process.HasExited;
            StopProcess();
            return (exited ? "it exited: " : "it was not ready within " + StartTimeout.TotalSeconds + " s: ") + ErrorLines(mark);
        }

        private string ErrorLines(long mark)
        {
            var sb = new StringBuilder();
            lock (_logGate)
            {
                for (long i = Math.Max(mark, _logBase); i < _logBase + _log.Count; i++)
                {
                    var line = _log[(int)(i - _logBase)];
                    // Start-up errors name files and ports, never their contents.
                    if (line.Contains("rror", StringComparison.Ordinal) || line.Contains("ailed", StringComparison.Ordinal))
                    {
                        sb.Append(line.Trim()).Append(" | ");
                    }
                }
            }
            return sb.Length > 0 ? sb.ToString(0, sb.Length - 3) : "no error in its log";
        }

        private void StopProcess()
        {
            var process = _process;
            _process = null;
            if (process == null)
            {
                return;
            }
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }
            }
            catch (InvalidOperationException)
            {
                // It exited meanwhile.
            }
            process.WaitForExit();
            process.Dispose();
        }

        private void Append(string? line)
        {
            if (line == null)
            {
                return;
            }
            lock (_logGate)
            {
                _log.Add(line);
                if (_log.Count > MaxLogLines)
                {
                    int drop = _log.Count - MaxLogLines / 2;
                    _log.RemoveRange(0, drop);
                    _logBase += drop;
                }
                Monitor.PulseAll(_logGate);
            }
        }
    }
}
