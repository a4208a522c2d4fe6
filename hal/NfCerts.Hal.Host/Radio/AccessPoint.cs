using System;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// One access point of a <see cref="SimulatedRadio"/>'s environment: an SSID, a security type, the PSK (WPA2-PSK) or
    /// the authentication server (WPA2-EAP-TLS), and whether it is on the air. Several radios may share one access point.
    /// </summary>
    /// <remarks>Switching <see cref="IsUp"/> off drops every link to it (the radios raise <see cref="IWifiRadio.LinkLost"/>).
    /// Changing the server's certificate (<see cref="IEapAuthenticator.ChangeServerCertificate"/>) keeps existing links, as
    /// a real network does until the next re-authentication.</remarks>
    public sealed class AccessPoint
    {
        private readonly object _gate = new object();
        private bool _isUp = true;
        private long _authentications;

        /// <summary>Creates an access point, up.</summary>
        /// <exception cref="ArgumentException">The SSID is empty or over 32 bytes of UTF-8, a PSK network has no 8-63 character PSK, or an EAP-TLS network has no authenticator.</exception>
        public AccessPoint(string ssid, WifiSecurity security, string? psk = null, IEapAuthenticator? authenticator = null)
        {
            ArgumentNullException.ThrowIfNull(ssid);
            if (!SimulatedRadio.IsValidSsid(ssid))
            {
                throw new ArgumentException("an SSID is 1-32 bytes of UTF-8", nameof(ssid));
            }
            if (security == WifiSecurity.Wpa2Psk && (psk == null || psk.Length < 8 || psk.Length > 63))
            {
                throw new ArgumentException("a WPA2-PSK network needs a passphrase of 8-63 characters", nameof(psk));
            }
            if (security == WifiSecurity.Wpa2EapTls && authenticator == null)
            {
                throw new ArgumentException("an EAP-TLS network needs an authenticator", nameof(authenticator));
            }
            Ssid = ssid;
            Security = security;
            Psk = security == WifiSecurity.Wpa2Psk ? psk : null;
            Authenticator = security == WifiSecurity.Wpa2EapTls ? authenticator : null;
        }

        /// <summary>An open network.</summary>
        public static AccessPoint Open(string ssid)
        {
            return new AccessPoint(ssid, WifiSecurity.Open);
        }

        /// <summary>A WPA2-Personal network.</summary>
        public static AccessPoint Wpa2Psk(string ssid, string psk)
        {
            return new AccessPoint(ssid, WifiSecurity.Wpa2Psk, psk);
        }

        /// <summary>A WPA2-Enterprise network whose RADIUS server is <paramref name="authenticator"/>.</summary>
        public static AccessPoint EapTls(string ssid, IEapAuthenticator authenticator)
        {
            return new AccessPoint(ssid, WifiSecurity.Wpa2EapTls, null, authenticator);
        }

        /// <summary>Raised (outside any lock, on the thread that changed it) when <see cref="IsUp"/> changes.</summary>
        public event EventHandler? UpChanged;

        /// <summary>The network name.</summary>
        public string Ssid { get; }

        /// <summary>The security type.</summary>
        public WifiSecurity Security { get; }

        /// <summary>The WPA2-PSK passphrase, or null.</summary>
        public string? Psk { get; }

        /// <summary>The EAP-TLS authentication server, or null.</summary>
        public IEapAuthenticator? Authenticator { get; }

        /// <summary>The number of EAP-TLS authentications this access point has run for radios.</summary>
        public long AuthenticationCount { get { return System.Threading.Interlocked.Read(ref _authentications); } }

        /// <summary>True while the access point is on the air. Setting it to false drops the links to it.</summary>
        public bool IsUp
        {
            get { lock (_gate) { return _isUp; } }
            set
            {
                lock (_gate)
                {
                    if (_isUp == value)
                    {
                        return;
                    }
                    _isUp = value;
                }
                UpChanged?.Invoke(this, EventArgs.Empty);
            }
        }

        /// <summary>Takes the access point off the air.</summary>
        public void GoDown()
        {
            IsUp = false;
        }

        /// <summary>Puts the access point back on the air.</summary>
        public void ComeBack()
        {
            IsUp = true;
        }

        internal void CountAuthentication()
        {
            System.Threading.Interlocked.Increment(ref _authentications);
        }
    }
}
