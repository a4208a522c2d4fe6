using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// Real EAP-TLS over RADIUS on 127.0.0.1: a private <see cref="FreeRadiusServer"/> is the access point's
    /// authentication server and <c>eapol_test</c> (<see cref="EapolTestSupplicant"/>) the device. Outcomes are classified
    /// from eapol_test's output; when the server rejected the client certificate, its log supplies the reason and, where
    /// it names one, the offending certificate.
    /// </summary>
    /// <remarks>
    /// <para>Both programs judge certificate validity on their wall clock. Made with the constructor, that is the real
    /// system time: the <c>utcNow</c> given to <see cref="Authenticate"/> is ignored (<see cref="UsesSuppliedTime"/> is
    /// false), so tests use certificates valid now, and certificates that expired in real time for the expired case. Made
    /// by <see cref="AtSuppliedTime"/>, both run on a <see cref="FaketimeClock"/> (libfaketime) set to <c>utcNow</c> before
    /// every authentication, so both judge validity at the caller's time (a simulated world's); authentications are then
    /// serialised, since the server has one clock.</para>
    /// <para>Changing the server certificate restarts FreeRADIUS (it does not reload TLS credentials on SIGHUP); stopping
    /// the server makes authentications end in <see cref="WifiFailureReason.Timeout"/> after the request's timeout
    /// (rounded up to whole seconds, eapol_test's unit).</para>
    /// </remarks>
    public sealed class FreeRadiusAuthenticator : IEapAuthenticator
    {
        private static readonly Regex LoginIncorrect = new Regex(@"\) Login incorrect \((?<why>.*)\): \[", RegexOptions.CultureInvariant);
        private static readonly Regex OpenSslSays = new Regex(@"OpenSSL says error \d+ : (?<reason>.+)$", RegexOptions.CultureInvariant);
        private static readonly Regex CertSubject = new Regex(@"TLS-(?<client>Client-)?Cert-Subject := ""(?<subject>.*)""", RegexOptions.CultureInvariant);

        private readonly FreeRadiusServer _server;
        private readonly object _clockGate = new object();

        /// <summary>Starts a FreeRADIUS server with these credentials (see <see cref="FreeRadiusServer.StartNew"/>) and
        /// authenticates against it; both sides judge validity at the real system time.</summary>
        /// <exception cref="InvalidOperationException">freeradius or eapol_test is not installed, or the server did not start.</exception>
        public FreeRadiusAuthenticator(X509Certificate2 serverCertificate, X509Certificate2Collection? intermediates,
            X509Certificate2Collection clientCAs, string maxTlsVersion = "1.3")
            : this(serverCertificate, intermediates, clientCAs, maxTlsVersion, null)
        {
        }

        private FreeRadiusAuthenticator(X509Certificate2 serverCertificate, X509Certificate2Collection? intermediates,
            X509Certificate2Collection clientCAs, string maxTlsVersion, DateTime? fakedUtc)
        {
            if (EapolTestSupplicant.FindExecutable("eapol_test") == null)
            {
                throw new InvalidOperationException("eapol_test is not installed: run 'apt-get install -y freeradius eapoltest' (Debian packages freeradius and eapoltest)");
            }
            _server = FreeRadiusServer.StartNew(serverCertificate, intermediates, clientCAs, maxTlsVersion, fakedUtc: fakedUtc);
        }

        /// <summary>
        /// Starts a FreeRADIUS server whose wall clock, and eapol_test's, is the <c>utcNow</c> of each authentication (it
        /// starts at <paramref name="utcNow"/>): certificate validity is judged at the caller's time on both sides
        /// (<see cref="UsesSuppliedTime"/> is true). Needs libfaketime (Debian package faketime).
        /// </summary>
        /// <exception cref="InvalidOperationException">freeradius, eapol_test or libfaketime is not installed, or the server did not start.</exception>
        public static FreeRadiusAuthenticator AtSuppliedTime(X509Certificate2 serverCertificate, X509Certificate2Collection? intermediates,
            X509Certificate2Collection clientCAs, DateTime utcNow, string maxTlsVersion = "1.3")
        {
            return new FreeRadiusAuthenticator(serverCertificate, intermediates, clientCAs, maxTlsVersion, utcNow);
        }

        /// <inheritdoc/>
        public string Name { get { return "FreeRADIUS"; } }

        /// <inheritdoc/>
        public bool UsesSuppliedTime { get { return _server.Time != null; } }

        /// <summary>The server process behind this authenticator.</summary>
        public FreeRadiusServer Server { get { return _server; } }

        /// <summary>Where the supplicant's private directories are created; the system temp directory when null.</summary>
        public string? TempRoot { get; set; }

        /// <summary>Raised with the supplicant's private directory once the credential files are written (see <see cref="EapolTestSupplicant.CredentialsStaged"/>).</summary>
        public event Action<string>? CredentialsStaged;

        /// <inheritdoc/>
        public X509Certificate2 ServerCertificate { get { return _server.ServerCertificate; } }

        /// <inheritdoc/>
        public bool IsServerRunning { get { return _server.IsRunning; } }

        /// <inheritdoc/>
        public void ChangeServerCertificate(X509Certificate2 certificate, X509Certificate2Collection? intermediates = null)
        {
            _server.ChangeServerCertificate(certificate, intermediates);
        }

        /// <inheritdoc/>
        public void StopServer()
        {
            _server.Stop();
        }

        /// <inheritdoc/>
        public void StartServer()
        {
            _server.Start();
        }

        /// <summary>Runs eapol_test against the server; validity is judged at <paramref name="utcNow"/> when
        /// <see cref="UsesSuppliedTime"/>, else at the real time (<paramref name="utcNow"/> is ignored).</summary>
        public WifiConnectResult Authenticate(WifiConnectRequest request, DateTime utcNow)
        {
            ArgumentNullException.ThrowIfNull(request);
            FaketimeClock? time = _server.Time;
            if (time == null)
            {
                return Run(request);
            }
            lock (_clockGate)
            {
                time.Set(utcNow);
                return Run(request);
            }
        }

        private WifiConnectResult Run(WifiConnectRequest request)
        {
            // A stopped server's port is closed: the device keeps aiming at it and hears nothing, as it would.
            var supplicant = new EapolTestSupplicant(FreeRadiusServer.Address, _server.Port, _server.Secret) { TempRoot = TempRoot, Time = _server.Time };
            var staged = CredentialsStaged;
            if (staged != null)
            {
                supplicant.CredentialsStaged += staged;
            }
            long mark = _server.LogPosition;
            var result = supplicant.Authenticate(request);
            if (result.Reason != WifiFailureReason.ClientCertificateRejected)
            {
                return result;
            }
            // radiusd has answered, so its log lines for this request are written or on their way through the pipe; on a
            // loaded machine the reader may take seconds to deliver them (the wait ends as soon as they are here).
            var lines = _server.FindLoginResult(mark, request.EapIdentity, TimeSpan.FromSeconds(15));
            return lines == null ? result : ExplainRejection(lines, result);
        }

        /// <summary>Stops the server and removes its files.</summary>
        public void Dispose()
        {
            _server.Dispose();
        }

        /// <summary>Adds the server's reason, and the certificate it names, to a client certificate rejection.</summary>
        internal static WifiConnectResult ExplainRejection(List<string> requestLines, WifiConnectResult result)
        {
            string? reason = null;
            int depth = -1;
            string? subject = null;
            string? lastSubject = null;
            int lastDepth = -1;
            foreach (var line in requestLines)
            {
                var s = CertSubject.Match(line);
                if (s.Success)
                {
                    lastSubject = DistinguishedNames.FromOpenSslOneLine(s.Groups["subject"].Value);
                    lastDepth = s.Groups["client"].Success ? 0 : 1;
                    continue;
                }
                var o = OpenSslSays.Match(line);
                if (o.Success && reason == null)
                {
                    reason = o.Groups["reason"].Value.Trim();
                    depth = lastDepth;
                    subject = lastSubject;
                    continue;
                }
                var l = LoginIncorrect.Match(line);
                if (l.Success && reason == null)
                {
                    reason = l.Groups["why"].Value;
                }
            }
            if (reason == null)
            {
                return result;
            }
            var where = subject != null ? " (depth " + depth + ", " + subject + ")" : "";
            return new WifiConnectResult(WifiFailureReason.ClientCertificateRejected, subject != null ? depth : -1, subject,
                "the server rejected the client certificate: " + reason + where);
        }
    }
}
