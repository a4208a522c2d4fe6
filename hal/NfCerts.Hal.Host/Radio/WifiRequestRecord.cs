using System;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// What a <see cref="SimulatedRadio"/> remembers of a connect request: everything except the secrets (the PSK and the
    /// client key are reduced to whether they were given). Arrays are copies.
    /// </summary>
    public sealed class WifiRequestRecord
    {
        internal WifiRequestRecord(WifiConnectRequest request, DateTime time)
        {
            Time = time;
            Ssid = request.Ssid;
            Security = request.Security;
            HasPsk = request.Psk != null;
            EapIdentity = request.EapIdentity;
            ClientCertificate = request.ClientCertificate == null ? null : (byte[])request.ClientCertificate.Clone();
            HasClientKey = request.ClientKey != null && request.ClientKey.Length > 0;
            if (request.TrustedRoots != null)
            {
                TrustedRoots = new byte[request.TrustedRoots.Length][];
                for (int i = 0; i < TrustedRoots.Length; i++)
                {
                    TrustedRoots[i] = request.TrustedRoots[i] == null ? Array.Empty<byte>() : (byte[])request.TrustedRoots[i].Clone();
                }
            }
            ServerDomain = request.ServerDomain;
            Timeout = request.Timeout;
        }

        /// <summary>The radio's clock when the request was made.</summary>
        public DateTime Time { get; }

        /// <summary>The SSID.</summary>
        public string Ssid { get; }

        /// <summary>The security type.</summary>
        public WifiSecurity Security { get; }

        /// <summary>True when a PSK was given (its value is not kept).</summary>
        public bool HasPsk { get; }

        /// <summary>The EAP identity, or null.</summary>
        public string? EapIdentity { get; }

        /// <summary>A copy of the client certificate (DER), or null.</summary>
        public byte[]? ClientCertificate { get; }

        /// <summary>True when a client key was given (its value is not kept).</summary>
        public bool HasClientKey { get; }

        /// <summary>Copies of the trusted roots (DER each), or null.</summary>
        public byte[][]? TrustedRoots { get; }

        /// <summary>The server domain check, or null.</summary>
        public string? ServerDomain { get; }

        /// <summary>The timeout.</summary>
        public TimeSpan Timeout { get; }
    }
}
