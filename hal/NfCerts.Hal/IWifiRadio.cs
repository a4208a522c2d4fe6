using System;

namespace NfCerts.Hal
{
    /// <summary>Security of a Wi-Fi network.</summary>
    public enum WifiSecurity
    {
        /// <summary>No security.</summary>
        Open = 0,
        /// <summary>WPA2-Personal with a pre-shared key.</summary>
        Wpa2Psk = 1,
        /// <summary>WPA2-Enterprise with EAP-TLS: mutual certificate authentication against a RADIUS server.</summary>
        Wpa2EapTls = 2,
    }

    /// <summary>Why a connection attempt failed or a link was lost. Certificate reasons are the ones the renewal flows act on.</summary>
    public enum WifiFailureReason
    {
        /// <summary>No failure.</summary>
        None = 0,
        /// <summary>No access point with the SSID answered.</summary>
        NetworkNotFound = 1,
        /// <summary>Authentication failed for a reason that is not a certificate (wrong PSK, EAP method refused).</summary>
        AuthenticationFailed = 2,
        /// <summary>The server's certificate chain does not lead to the profile's root CA, or is outside its validity.</summary>
        ServerCertificateNotTrusted = 3,
        /// <summary>The server rejected the device's client certificate (expired, unknown issuer, revoked).</summary>
        ClientCertificateRejected = 4,
        /// <summary>No answer in time.</summary>
        Timeout = 5,
        /// <summary>The link dropped after it had been up.</summary>
        LinkLost = 6,
        /// <summary>The radio or driver failed.</summary>
        RadioError = 7,
        /// <summary>The request itself is unusable (a PEM where DER is expected, a missing key for EAP-TLS).</summary>
        InvalidRequest = 8,
        /// <summary>The firmware image cannot join this kind of network (EAP-TLS on stock nanoFramework, which maps
        /// WPA2-Enterprise to open); <see cref="WifiConnectResult.Detail"/> names the firmware that can. Retrying does not help.</summary>
        NotSupportedByFirmware = 9,
    }

    /// <summary>Everything the radio needs to join one network. Certificates and keys are DER.</summary>
    public class WifiConnectRequest
    {
        /// <summary>Network name, 1-32 bytes of UTF-8.</summary>
        public string Ssid = "";
        /// <summary>Security type.</summary>
        public WifiSecurity Security;
        /// <summary>WPA2-PSK passphrase (8-63 chars); null otherwise.</summary>
        public string? Psk;
        /// <summary>EAP identity (outer identity), up to 254 chars.</summary>
        public string? EapIdentity;
        /// <summary>Client certificate chain: the leaf's DER, optionally followed back to back by the DER of its
        /// intermediates (leaf first, each issued by the next), all of which are presented in the EAP-TLS handshake so that
        /// a RADIUS server trusting only the root accepts a leaf issued by an intermediate.</summary>
        public byte[]? ClientCertificate;
        /// <summary>Client private key, DER (PKCS#8, SEC1 or PKCS#1). Goes to the EAP stack only.</summary>
        public byte[]? ClientKey;
        /// <summary>Roots trusted for the RADIUS server's chain, DER each. Never empty for EAP-TLS.</summary>
        // Oblivious on purpose: byte[][]? is annotated with NullableAttribute(byte[]), which nanoFramework's metadata
        // processor encodes, and nanoCLR parses, only since May 2026 (see DeviceAssemblyMetadataTests).
#nullable disable
        public byte[][] TrustedRoots;
#nullable restore
        /// <summary>If set, the server certificate must carry this DNS name (SAN or suffix match); null skips the check.</summary>
        public string? ServerDomain;
        /// <summary>Give up after this long.</summary>
        public TimeSpan Timeout = TimeSpan.FromSeconds(15);
        /// <summary>Check the validity dates of the server's chain. False while the device clock is not synchronised: the
        /// chain's signatures and trust are still checked, the dates cannot be (ESP-IDF <c>esp_eap_client_set_disable_time_check</c>,
        /// wpa_supplicant <c>tls_disable_time_checks</c>). The server always checks the client's dates with its own clock.</summary>
        public bool CheckServerCertificateTime = true;
    }

    /// <summary>The outcome of a connection attempt.</summary>
    public class WifiConnectResult
    {
        /// <summary>Creates a result.</summary>
        public WifiConnectResult(WifiFailureReason reason, int certDepth, string? certSubject, string? detail)
        {
            Reason = reason;
            CertDepth = certDepth;
            CertSubject = certSubject;
            Detail = detail;
        }

        /// <summary>True when the link is up.</summary>
        public bool Success { get { return Reason == WifiFailureReason.None; } }
        /// <summary>Why it failed, or <see cref="WifiFailureReason.None"/>.</summary>
        public WifiFailureReason Reason { get; private set; }
        /// <summary>Depth in the chain of the offending certificate (0 = leaf), or -1.</summary>
        public int CertDepth { get; private set; }
        /// <summary>Subject of the offending certificate (RFC 4514), or null.</summary>
        public string? CertSubject { get; private set; }
        /// <summary>A human-readable detail for diagnostics (never contains key material), or null.</summary>
        public string? Detail { get; private set; }
    }

    /// <summary>Raised when an established link goes down.</summary>
    public delegate void WifiLinkLostHandler(object sender, WifiFailureReason reason);

    /// <summary>The Wi-Fi station: one link at a time.</summary>
    /// <remarks>
    /// <para><see cref="Connect"/> blocks until the link is up (IP address obtained) or the attempt failed, at most
    /// <see cref="WifiConnectRequest.Timeout"/>; it first drops any current link. It reports failures in the result,
    /// never by exception, except <see cref="ArgumentException"/> for a null request.</para>
    /// <para>The radio keeps no profiles: the caller passes the whole security material on every connect, and the
    /// implementation must keep the buffers it hands to the driver alive until the next connect or disconnect.</para>
    /// <para><see cref="LinkLost"/> fires, on an implementation thread, when a link that <see cref="Connect"/> reported
    /// up goes down without <see cref="Disconnect"/> being called.</para>
    /// </remarks>
    public interface IWifiRadio
    {
        /// <summary>Joins the network described by <paramref name="request"/>.</summary>
        WifiConnectResult Connect(WifiConnectRequest request);

        /// <summary>Drops the link, if any. Idempotent; does not raise <see cref="LinkLost"/>.</summary>
        void Disconnect();

        /// <summary>True while a link is up.</summary>
        bool IsConnected { get; }

        /// <summary>Raised when an established link is lost.</summary>
        event WifiLinkLostHandler LinkLost;
    }
}
