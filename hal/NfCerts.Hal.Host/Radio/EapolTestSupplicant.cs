using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// The device side of a real EAP-TLS authentication against a RADIUS server, run by <c>eapol_test</c> (Debian package
    /// <c>eapoltest</c>) with a connect request's client certificate, key and trusted roots.
    /// </summary>
    /// <remarks>
    /// <para>Each authentication writes the certificate, the key (PKCS#8 PEM), the roots (concatenated PEM) and the
    /// supplicant configuration into a fresh private directory (0700, files created 0600) and removes it afterwards,
    /// whatever the outcome. The key bytes are cleared from memory once written.</para>
    /// <para>eapol_test judges certificate validity on its wall clock: the real system time, or <see cref="Time"/>'s when
    /// that is set (a virtual clock has no effect by itself).</para>
    /// <para>The outcome is classified by <see cref="EapolTestOutput.Classify"/>. eapol_test's output is never copied
    /// into a result or an exception (it contains session keys); only file paths may appear in details.</para>
    /// </remarks>
    public sealed class EapolTestSupplicant
    {
        /// <summary>Creates a supplicant for the RADIUS server at <paramref name="serverAddress"/> (an IP address) and <paramref name="port"/>.</summary>
        public EapolTestSupplicant(string serverAddress, int port, string secret)
        {
            ArgumentException.ThrowIfNullOrEmpty(serverAddress);
            ArgumentException.ThrowIfNullOrEmpty(secret);
            ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
            ServerAddress = serverAddress;
            Port = port;
            Secret = secret;
        }

        /// <summary>The RADIUS server's IP address.</summary>
        public string ServerAddress { get; }

        /// <summary>The RADIUS server's UDP port.</summary>
        public int Port { get; }

        /// <summary>The RADIUS shared secret.</summary>
        internal string Secret { get; }

        /// <summary>The eapol_test executable; found on PATH (and in /usr/sbin, /sbin) when not set.</summary>
        public string? ExecutablePath { get; set; }

        /// <summary>Where the private directories are created; the system temp directory when null.</summary>
        public string? TempRoot { get; set; }

        /// <summary>The faked wall clock eapol_test runs on (libfaketime); the real time when null.</summary>
        public FaketimeClock? Time { get; set; }

        /// <summary>
        /// Raised after the credential files are written and before eapol_test starts, with the private directory's path
        /// (for audits and tests: the files exist only during the call).
        /// </summary>
        public event Action<string>? CredentialsStaged;

        /// <summary>The full path of <paramref name="name"/> on PATH, /usr/sbin or /sbin, or null.</summary>
        public static string? FindExecutable(string name)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            var path = Environment.GetEnvironmentVariable("PATH") ?? "";
            foreach (var dir in (path + Path.PathSeparator + "/usr/sbin" + Path.PathSeparator + "/sbin").Split(Path.PathSeparator))
            {
                if (dir.Length == 0)
                {
                    continue;
                }
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
            return null;
        }

        /// <summary>Runs one EAP-TLS authentication with <paramref name="request"/>'s material. Failures are results, never exceptions.</summary>
        public WifiConnectResult Authenticate(WifiConnectRequest request)
        {
            ArgumentNullException.ThrowIfNull(request);
            var invalid = EapCredentials.CheckEapTlsRequest(request);
            if (invalid != null)
            {
                return invalid;
            }
            var exe = ExecutablePath ?? FindExecutable("eapol_test");
            if (exe == null)
            {
                return new WifiConnectResult(WifiFailureReason.RadioError, -1, null, "eapol_test not found (install the Debian package eapoltest)");
            }
            try
            {
                using var dir = PrivateDirectory.Create(TempRoot, "nfcerts-eap-");
                string configPath;
                try
                {
                    configPath = Stage(dir, request);
                }
                catch (EapCredentialException e)
                {
                    return new WifiConnectResult(WifiFailureReason.InvalidRequest, -1, null, e.Message);
                }
                CredentialsStaged?.Invoke(dir.FullPath);
                return Run(exe, configPath, request.Timeout);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is Win32Exception)
            {
                return new WifiConnectResult(WifiFailureReason.RadioError, -1, null, "cannot run eapol_test: " + e.GetType().Name + ": " + e.Message);
            }
        }

        private static string Stage(PrivateDirectory dir, WifiConnectRequest request)
        {
            using var roots = new DisposableCollection(EapCredentials.LoadRoots(request.TrustedRoots!));
            using var client = EapCredentials.LoadClientCertificate(request.ClientCertificate!, request.ClientKey!);
            using var intermediates = new DisposableCollection(EapCredentials.LoadIntermediates(request.ClientCertificate!));
            var caPath = dir.WriteFile("ca.pem", EapCredentials.CertificatesPem(roots.Items));
            // wpa_supplicant reads client_cert as a chain file (leaf first) and sends every certificate in it.
            var chain = new List<X509Certificate2> { client };
            chain.AddRange(intermediates.Items);
            var certPath = dir.WriteFile("client.pem", EapCredentials.CertificatesPem(chain));
            var key = EapCredentials.ExportPrivateKeyPem(client);
            string keyPath;
            try
            {
                keyPath = dir.WriteFile("client.key", key);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
            var conf = new StringBuilder();
            conf.Append("network={\n");
            conf.Append("\tkey_mgmt=WPA-EAP\n");
            conf.Append("\teap=TLS\n");
            if (!string.IsNullOrEmpty(request.EapIdentity))
            {
                // Hex form: no quoting problems whatever the identity contains.
                conf.Append("\tidentity=").Append(Hex(request.EapIdentity)).Append('\n');
            }
            conf.Append("\tca_cert=").Append(Quote(caPath)).Append('\n');
            conf.Append("\tclient_cert=").Append(Quote(certPath)).Append('\n');
            conf.Append("\tprivate_key=").Append(Quote(keyPath)).Append('\n');
            if (!string.IsNullOrEmpty(request.ServerDomain))
            {
                conf.Append("\tdomain_suffix_match=").Append(Hex(request.ServerDomain)).Append('\n');
            }
            conf.Append(request.CheckServerCertificateTime ? "\tphase1=\"tls_disable_tlsv1_3=0\"\n" : "\tphase1=\"tls_disable_tlsv1_3=0 tls_disable_time_checks=1\"\n");
            conf.Append("\teapol_flags=0\n");
            conf.Append("}\n");
            return dir.WriteFile("supplicant.conf", Encoding.UTF8.GetBytes(conf.ToString()));
        }

        private WifiConnectResult Run(string exe, string configPath, TimeSpan timeout)
        {
            int seconds = (int)Math.Max(1, Math.Ceiling(timeout.TotalSeconds));
            var psi = new ProcessStartInfo(exe)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = false,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add("-c" + configPath);
            psi.ArgumentList.Add("-a" + ServerAddress);
            psi.ArgumentList.Add("-p" + Port);
            psi.ArgumentList.Add("-s" + Secret);
            psi.ArgumentList.Add("-t" + seconds);
            Time?.ApplyTo(psi);
            using var process = Process.Start(psi) ?? throw new IOException("eapol_test did not start");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            // eapol_test ends by itself after -t seconds; the margin covers a slow machine before it is killed.
            if (!process.WaitForExit(TimeSpan.FromSeconds(seconds + 10)))
            {
                try
                {
                    process.Kill();
                }
                catch (InvalidOperationException)
                {
                    // It exited meanwhile.
                }
                process.WaitForExit();
                return new WifiConnectResult(WifiFailureReason.Timeout, -1, null, "eapol_test did not finish and was stopped");
            }
            process.WaitForExit();
            Task.WaitAll(stdout, stderr);
            return EapolTestOutput.Classify(process.ExitCode, stdout.Result);
        }

        private static string Hex(string value)
        {
            return Convert.ToHexString(Encoding.UTF8.GetBytes(value)).ToLowerInvariant();
        }

        private static string Quote(string path)
        {
            if (path.IndexOfAny(new[] { '"', '\n', '\r' }) >= 0)
            {
                throw new IOException("the temporary path " + path + " cannot be written in a supplicant configuration");
            }
            return "\"" + path + "\"";
        }

        private sealed class DisposableCollection : IDisposable
        {
            public DisposableCollection(X509Certificate2Collection items)
            {
                Items = items;
            }

            public X509Certificate2Collection Items { get; }

            public void Dispose()
            {
                foreach (var c in Items)
                {
                    c.Dispose();
                }
            }
        }
    }
}
