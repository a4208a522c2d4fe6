using NfCerts.Hal;

namespace NfCerts.Core.Wifi
{
    /// <summary>One stored network: what <see cref="WifiConfig"/> persists. Plain data.</summary>
    public sealed class WifiNetwork
    {
        /// <summary>Unique name of this configuration (1-16 characters); the stable way to find a network.</summary>
        public string ConfigName = "";
        /// <summary>SSID, 1-32 bytes of UTF-8; empty until set.</summary>
        public string Ssid = "";
        /// <summary>Security type.</summary>
        public WifiSecurity Security = WifiSecurity.Open;
        /// <summary>WPA2-PSK passphrase; empty for other types.</summary>
        public string Psk = "";
        /// <summary>Certificate store ID of the client certificate (EAP-TLS).</summary>
        public string ClientCertId = "";
        /// <summary>Certificate store ID of the root CA that signs the RADIUS server's chain (EAP-TLS).</summary>
        public string RootCaId = "";
        /// <summary>EAP identity (EAP-TLS), up to 254 characters.</summary>
        public string ClientIdentity = "";
        /// <summary>If not empty, the server certificate must carry this DNS name.</summary>
        public string ServerDomain = "";
        /// <summary>Whether the device may connect to it.</summary>
        public bool Enabled;

        /// <summary>A field-by-field copy.</summary>
        public WifiNetwork Clone()
        {
            var n = new WifiNetwork();
            n.ConfigName = ConfigName;
            n.Ssid = Ssid;
            n.Security = Security;
            n.Psk = Psk;
            n.ClientCertId = ClientCertId;
            n.RootCaId = RootCaId;
            n.ClientIdentity = ClientIdentity;
            n.ServerDomain = ServerDomain;
            n.Enabled = Enabled;
            return n;
        }
    }

    /// <summary>What happened the last time the device tried a network.</summary>
    public sealed class WifiDiagnostics
    {
        /// <summary>The connection error.</summary>
        public WifiNetworkError Error;
        /// <summary>The certificate error, if the failure was about a certificate.</summary>
        public WifiCertError CertError;
        /// <summary>Depth of the offending certificate in its chain (0 = leaf), or -1.</summary>
        public int CertDepth = -1;
        /// <summary>Subject of the offending certificate (RFC 4514), or empty.</summary>
        public string CertSubject = "";
        /// <summary>Radio-level reason.</summary>
        public WifiFailureReason Reason;
        /// <summary>A human-readable detail (never secret).</summary>
        public string Detail = "";
        /// <summary>Wall-clock time of the attempt (meaningful only if <see cref="ClockSynchronized"/>).</summary>
        public System.DateTime AttemptUtc;
        /// <summary>Whether the wall clock was synchronised at the attempt.</summary>
        public bool ClockSynchronized;
        /// <summary>Uptime at the attempt.</summary>
        public System.TimeSpan AttemptUptime;
        /// <summary>False until the network has been tried once.</summary>
        public bool Attempted;
    }
}
