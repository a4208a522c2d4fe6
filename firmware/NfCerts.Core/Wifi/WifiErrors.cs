using System;

namespace NfCerts.Core.Wifi
{
    /// <summary>Why a <see cref="WifiConfig"/> call failed. Nothing changed.</summary>
    public enum WifiConfigError
    {
        /// <summary>No network with that ID or config name.</summary>
        NotFound = 1,
        /// <summary>Another network already has that config name.</summary>
        AlreadyExists = 2,
        /// <summary>A value is outside its limits (SSID 1-32 bytes, PSK 8-63 chars, config name 1-16 chars, identity up to 254 chars, an ID of the wrong form).</summary>
        InvalidArgument = 3,
        /// <summary>The device is not connected to any network.</summary>
        NotConnected = 4,
        /// <summary>The configuration could not be written or read; see the inner exception.</summary>
        StorageFailure = 5,
    }

    /// <summary>A Wi-Fi configuration call failed; <see cref="Error"/> says why. Messages never contain a PSK or key.</summary>
    public class WifiConfigException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public WifiConfigException(WifiConfigError error, string message) : base(message)
        {
            Error = error;
        }

        /// <summary>Creates the exception with its cause.</summary>
        public WifiConfigException(WifiConfigError error, string message, Exception inner) : base(message, inner)
        {
            Error = error;
        }

        /// <summary>Why it failed.</summary>
        public WifiConfigError Error { get; private set; }
    }

    /// <summary>The connection error part of <see cref="WifiDiagnostics"/> (the reference platform's error values).</summary>
    public enum WifiNetworkError
    {
        /// <summary>No error.</summary>
        None = 0,
        /// <summary>The connection failed (timeout, radio error, or a certificate problem before the handshake).</summary>
        ConnectionFailed = 1,
        /// <summary>No access point with the SSID answered.</summary>
        NetworkNotFound = 2,
        /// <summary>Authentication failed (wrong PSK, or an EAP-TLS certificate rejected by either side).</summary>
        AuthenticationFailed = 3,
    }

    /// <summary>The certificate error part of <see cref="WifiDiagnostics"/>.</summary>
    public enum WifiCertError
    {
        /// <summary>No certificate error.</summary>
        None = 0,
        /// <summary>The client certificate or root CA the network names is not in the certificate store.</summary>
        CertificateNotFound = 1,
        /// <summary>The RADIUS server's certificate does not chain to the network's root CA.</summary>
        InvalidRootCA = 2,
        /// <summary>The server rejected the device's client certificate.</summary>
        InvalidClientAuth = 3,
    }
}
