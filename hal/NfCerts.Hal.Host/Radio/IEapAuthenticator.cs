using System;
using System.Security.Cryptography.X509Certificates;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// The authentication server behind a WPA2-Enterprise access point: it runs one EAP-TLS exchange between the device
    /// side (the request's client certificate and key, trusting only the request's roots) and its RADIUS server side.
    /// </summary>
    /// <remarks>
    /// <para>Implementations: <see cref="TlsEapAuthenticator"/> (a real TLS handshake in process, validity judged at the
    /// time passed in) and <see cref="FreeRadiusAuthenticator"/> (FreeRADIUS and eapol_test, validity judged at the real
    /// system time).</para>
    /// <para>Outcomes: <see cref="WifiFailureReason.None"/>; <see cref="WifiFailureReason.ServerCertificateNotTrusted"/> with
    /// the depth (0 = leaf) and RFC 2253 subject of the offending server certificate;
    /// <see cref="WifiFailureReason.ClientCertificateRejected"/> with the server's reason in the detail when it is known;
    /// <see cref="WifiFailureReason.Timeout"/> when the server does not answer within the request's timeout;
    /// <see cref="WifiFailureReason.InvalidRequest"/> for unusable certificates or keys;
    /// <see cref="WifiFailureReason.AuthenticationFailed"/> for anything else. Failures are results, never exceptions.
    /// Details never contain key material.</para>
    /// <para>All members are thread-safe. Changing the certificate or stopping the server does not affect an
    /// authentication already under way.</para>
    /// </remarks>
    public interface IEapAuthenticator : IDisposable
    {
        /// <summary>A short name for reports ("in-process TLS", "FreeRADIUS").</summary>
        string Name { get; }

        /// <summary>True when certificate validity is judged at the <c>utcNow</c> passed to <see cref="Authenticate"/>, false when at the real system time.</summary>
        bool UsesSuppliedTime { get; }

        /// <summary>The RADIUS server's current certificate (with its private key).</summary>
        X509Certificate2 ServerCertificate { get; }

        /// <summary>True while the server answers.</summary>
        bool IsServerRunning { get; }

        /// <summary>Runs one EAP-TLS authentication for <paramref name="request"/>, judging validity at <paramref name="utcNow"/> where the implementation can.</summary>
        WifiConnectResult Authenticate(WifiConnectRequest request, DateTime utcNow);

        /// <summary>Replaces the server's certificate (it must carry its private key) and the intermediates sent with it. Later authentications use it.</summary>
        void ChangeServerCertificate(X509Certificate2 certificate, X509Certificate2Collection? intermediates = null);

        /// <summary>Stops answering: authentications then end in <see cref="WifiFailureReason.Timeout"/>. Idempotent.</summary>
        void StopServer();

        /// <summary>Answers again after <see cref="StopServer"/>. Idempotent.</summary>
        void StartServer();
    }
}
