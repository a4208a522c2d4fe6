using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NfCerts.Hal;
using NfCerts.Hal.Host;

namespace NfCerts.NanoStandIn
{
    /// <summary>
    /// The stock firmware's station (nf-interpreter targets/ESP32/_Network) as System.Device.Wifi's WifiAdapter sees it.
    /// </summary>
    /// <remarks>
    /// <para>What the real one does, and this one too: <c>Network_Interface_Start_Connect</c> copies SSID and password into
    /// the station configuration and calls <c>esp_wifi_connect</c>; <c>NativeConnect</c> then waits (at most 20 s) for
    /// the first of WIFI_EVENT_STA_CONNECTED (result 0: success at association, before DHCP has given an address) or
    /// WIFI_EVENT_STA_DISCONNECTED (its ESP-IDF reason), and maps it: 201 NO_AP_FOUND to NetworkNotAvailable; 2, 15,
    /// 200, 202, 203, 204 to InvalidCredential; anything else to UnspecifiedFailure. A null password faults (open networks
    /// pass ""). After a connect the firmware sets <c>NF_ESP32_IsToConnect</c> whatever the reconnection kind, so it
    /// re-associates by itself after every link loss until <c>Disconnect</c>: the auto-connect the HAL must not fight.</para>
    /// <para>Assumed for security mismatches (the firmware does not set an authmode threshold): an empty password against
    /// a WPA2 network fails the 4-way handshake (15); a password against an open network finds no AP (201) because
    /// ESP-IDF 5 raises the threshold to WPA2 when a password is set.</para>
    /// <para>What System.Net sees (<see cref="NetworkEvents"/>): availability on at association, an address from DHCP
    /// <see cref="DhcpTime"/> later with address changed, and on every disconnection (a failed attempt, a lost link,
    /// esp_wifi_disconnect, including the one <c>Network_Interface_Start_Connect</c> makes before connecting) the
    /// address cleared, then availability off.</para>
    /// </remarks>
    public static class WifiAir
    {
        /// <summary>ESP-IDF reason: no AP found.</summary>
        public const int ReasonNoApFound = 201;
        /// <summary>ESP-IDF reason: 4-way handshake timeout (wrong or missing passphrase).</summary>
        public const int ReasonHandshakeTimeout = 15;
        /// <summary>ESP-IDF reason: the station left (esp_wifi_disconnect during the attempt).</summary>
        public const int ReasonAssocLeave = 8;

        /// <summary>What lwIP reports for an interface without an address.</summary>
        public const string NoAddress = "0.0.0.0";

        private static readonly object Gate = new object();
        private static AccessPoint? _associated;
        private static string _address = NoAddress;
        private static long _link;
        private static string? _configuredSsid;
        private static string _configuredPassword = "";
        private static bool _isToConnect;
        private static long _attempt;

        /// <summary>How long an association takes on this air.</summary>
        public static TimeSpan AssociationTime { get; set; } = TimeSpan.FromMilliseconds(5);

        /// <summary>How long the DHCP server takes to give the station its address after association.</summary>
        public static TimeSpan DhcpTime { get; set; } = TimeSpan.FromMilliseconds(5);

        /// <summary>False for a network whose DHCP server never answers: the station associates but gets no address.</summary>
        public static bool DhcpAnswers { get; set; } = true;

        /// <summary>The station interface's IPv4 address as lwIP holds it (NetworkInterface.IPv4Address).</summary>
        public static string StationAddress
        {
            get
            {
                lock (Gate)
                {
                    return _address;
                }
            }
        }

        /// <summary>Connect calls that reached the station.</summary>
        public static int ConnectCalls { get; private set; }

        /// <summary>Associations the firmware made by itself after a link loss.</summary>
        public static int AutomaticReconnects { get; private set; }

        /// <summary>The SSID the station is associated with, or null.</summary>
        public static string? AssociatedSsid
        {
            get
            {
                lock (Gate)
                {
                    return _associated?.Ssid;
                }
            }
        }

        internal static void Reset()
        {
            lock (Gate)
            {
                _associated = null;
                _address = NoAddress;
                _link++;
                _configuredSsid = null;
                _configuredPassword = "";
                _isToConnect = false;
                _attempt++;
                ConnectCalls = 0;
                AutomaticReconnects = 0;
                AssociationTime = TimeSpan.FromMilliseconds(5);
                DhcpTime = TimeSpan.FromMilliseconds(5);
                DhcpAnswers = true;
                NetworkEvents.Reset();
            }
        }

        internal static void Watch(AccessPoint accessPoint)
        {
            accessPoint.UpChanged += OnUpChanged;
        }

        /// <summary>NativeConnect: returns the ESP-IDF result (0 or a disconnect reason), or -1 when nothing came in 20 s.</summary>
        internal static int Connect(string ssid, string password)
        {
            long attempt;
            lock (Gate)
            {
                ConnectCalls++;
                attempt = ++_attempt;
                Drop(); // esp_wifi_disconnect before esp_wifi_connect
                _configuredSsid = ssid;
                _configuredPassword = password;
                _isToConnect = true;
            }

            lock (Gate)
            {
                // Waits for the association as NativeConnect waits for Event_Wifi_Station; esp_wifi_disconnect ends it early.
                DateTime until = DateTime.UtcNow + AssociationTime;
                while (attempt == _attempt && DateTime.UtcNow < until)
                {
                    Monitor.Wait(Gate, until - DateTime.UtcNow);
                }

                AccessPoint? ap = null;
                int reason = attempt != _attempt ? ReasonAssocLeave : Associate(ssid, password, out ap);
                if (ap != null)
                {
                    Up(ap);
                }
                else
                {
                    NetworkEvents.Post(NetworkEvents.AvailabilityChanged, false, NetworkEvents.StationIndex);
                }

                return reason;
            }
        }

        internal static void Disconnect()
        {
            lock (Gate)
            {
                _attempt++;
                _isToConnect = false;
                Drop();
                Monitor.PulseAll(Gate);
            }
        }

        // Under Gate.
        private static int Associate(string ssid, string password, out AccessPoint? associated)
        {
            associated = null;
            foreach (AccessPoint ap in Board.AccessPoints)
            {
                if (ap.Ssid != ssid || !ap.IsUp)
                {
                    continue;
                }

                if (ap.Security == WifiSecurity.Open)
                {
                    if (password.Length != 0)
                    {
                        continue;
                    }
                }
                else if (ap.Security != WifiSecurity.Wpa2Psk || ap.Psk != password)
                {
                    return ReasonHandshakeTimeout;
                }

                associated = ap;
                return 0;
            }

            return ReasonNoApFound;
        }

        private static void OnUpChanged(object? sender, EventArgs e)
        {
            var ap = (AccessPoint)sender!;
            lock (Gate)
            {
                if (!ap.IsUp && _associated == ap)
                {
                    Drop(); // WIFI_EVENT_STA_DISCONNECTED: the firmware starts reconnecting at once
                }
                else if (ap.IsUp && _associated == null && _isToConnect && _configuredSsid == ap.Ssid &&
                         Associate(_configuredSsid, _configuredPassword, out AccessPoint? back) == 0)
                {
                    Up(back!);
                    AutomaticReconnects++;
                }
            }
        }

        // Under Gate. WIFI_EVENT_STA_CONNECTED, then DHCP's IP_EVENT_STA_GOT_IP.
        private static void Up(AccessPoint ap)
        {
            _associated = ap;
            long link = ++_link;
            NetworkEvents.Post(NetworkEvents.AvailabilityChanged, true, NetworkEvents.StationIndex);
            if (DhcpAnswers)
            {
                Task.Delay(DhcpTime).ContinueWith(_ => GotAddress(link), TaskScheduler.Default);
            }
        }

        private static void GotAddress(long link)
        {
            lock (Gate)
            {
                if (link == _link)
                {
                    _address = "192.168.1.50";
                    NetworkEvents.Post(NetworkEvents.AddressChanged, false, NetworkEvents.StationIndex);
                }
            }
        }

        // Under Gate. WIFI_EVENT_STA_DISCONNECTED of an association: ESP-IDF clears the address, the firmware posts off.
        private static void Drop()
        {
            if (_associated == null)
            {
                return;
            }

            _associated = null;
            _address = NoAddress;
            _link++;
            NetworkEvents.Post(NetworkEvents.AvailabilityChanged, false, NetworkEvents.StationIndex);
        }

        internal static bool IsUsableSsid(string ssid)
        {
            int n = Encoding.UTF8.GetByteCount(ssid);
            return n > 0 && n <= 32;
        }
    }
}
