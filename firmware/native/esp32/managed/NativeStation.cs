using System.Runtime.CompilerServices;

namespace NfCerts.Esp32
{
    /// <summary>The Wi-Fi station of the native library (src/nfcerts_station.h): build a profile field by field,
    /// start connecting, then poll. None of these calls blocks.</summary>
    public static class NativeStation
    {
        /// <summary>Profile field: SSID, UTF-8.</summary>
        public const int FieldSsid = 1;
        /// <summary>Profile field: WPA2 passphrase, ASCII.</summary>
        public const int FieldPsk = 2;
        /// <summary>Profile field: EAP identity, UTF-8.</summary>
        public const int FieldIdentity = 3;
        /// <summary>Profile field: one trusted root, DER; set once per root.</summary>
        public const int FieldTrustedRoot = 4;
        /// <summary>Profile field: client certificate, DER.</summary>
        public const int FieldClientCertificate = 5;
        /// <summary>Profile field: client private key, DER.</summary>
        public const int FieldClientKey = 6;
        /// <summary>Profile field: password of an encrypted client key.</summary>
        public const int FieldKeyPassword = 7;
        /// <summary>Profile field: DNS name the RADIUS server's certificate must carry.</summary>
        public const int FieldServerDomain = 8;

        /// <summary>State: no link and no attempt.</summary>
        public const int StateIdle = 0;
        /// <summary>State: an attempt is under way.</summary>
        public const int StateConnecting = 1;
        /// <summary>State: the link is up and has an IP address.</summary>
        public const int StateConnected = 2;

        /// <summary>Index in the <see cref="Poll"/> array: the state.</summary>
        public const int StatusState = 0;
        /// <summary>Index: the attempt's WifiFailureReason value, or -1 while pending.</summary>
        public const int StatusResult = 1;
        /// <summary>Index: the ESP-IDF disconnect reason behind the result or the link loss.</summary>
        public const int StatusEspReason = 2;
        /// <summary>Index: the mbedTLS handshake error the supplicant logged, or 0.</summary>
        public const int StatusTlsError = 3;
        /// <summary>Index: the WifiFailureReason of a link loss not reported before, or 0.</summary>
        public const int StatusLinkLost = 4;
        /// <summary>Length of the <see cref="Poll"/> array.</summary>
        public const int StatusLength = 5;

        /// <summary>Starts a profile of the given WifiSecurity value. Returns a WifiFailureReason value (0 = ok).</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int ProfileBegin(int security);

        /// <summary>Sets one field of the profile (a native copy is taken). Returns a WifiFailureReason value.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int ProfileSet(int field, byte[] value);

        /// <summary>Drops any link and starts connecting with the profile. Returns a WifiFailureReason value; on
        /// RadioError, <paramref name="espError"/>[0] receives ESP-IDF's error code.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int Connect(int[] espError);

        /// <summary>Drops the link or the attempt; not reported as a link loss.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void Disconnect();

        /// <summary>Gives up the attempt: its result becomes Timeout.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void Abort();

        /// <summary>Fills <paramref name="status"/> (<see cref="StatusLength"/> entries) and consumes the link loss.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void Poll(int[] status);
    }
}
