using System;
using System.Device.Wifi;
using System.Net.NetworkInformation;
using System.Text;
using System.Threading;

namespace NfCerts.Hal.Nano
{
    /// <summary>The station of stock nanoFramework firmware, through System.Device.Wifi's <see cref="WifiAdapter"/>,
    /// watched through System.Net's <see cref="NetworkChange"/>: open and WPA2-PSK networks. <see cref="NanoWifiRadio"/>
    /// uses it when the image lacks the interop library.</summary>
    /// <remarks>
    /// <para>Why <see cref="WifiAdapter"/> and not WifiNetworkHelper: the helper may be called once per boot, stores the
    /// network in the firmware's configuration and waits for an address through System.Net; the adapter only joins.
    /// <see cref="WifiAdapter.Connect(string, WifiReconnectionKind, string)"/> blocks the calling thread until the
    /// firmware reports association or a failure (on ESP32 at most 20 s, whatever the caller wants), so it runs on a
    /// worker thread and is given up at the request's timeout: <see cref="WifiAdapter.Disconnect"/> ends the
    /// firmware's wait at once. Open networks pass an empty password (the firmware faults on null).</para>
    /// <para>The link, as the ESP32 firmware reports it (nf-interpreter targets/ESP32/_common/targetHAL_Network.cpp):
    /// <see cref="NetworkChange.NetworkAvailabilityChanged"/> true at association and false at every disconnection,
    /// <see cref="NetworkChange.NetworkAddressChanged"/> when DHCP gives or takes the address; both on the CLR's event
    /// thread, in the order posted, with the interface index as sender. A connect succeeds once availability on has
    /// been delivered after it began, with no off since, and the station's
    /// <see cref="NetworkInterface.IPv4Address"/> is set, all within the request's timeout (association without an
    /// address is <see cref="WifiFailureReason.Timeout"/>). Requiring the event keeps an availability off of the link
    /// the connect replaced, which the firmware posts before the new association's on, from being taken for a loss.</para>
    /// <para>After that, availability off or the address gone raises <see cref="LinkLost"/> once and stops the
    /// firmware's own rejoining (after a connect the ESP32 firmware rejoins by itself after every link loss, whatever
    /// the reconnection kind, until <see cref="WifiAdapter.Disconnect"/>): the station is then idle, as
    /// <see cref="IsConnected"/> says, and the caller chooses the next network. EAP-TLS is
    /// <see cref="WifiFailureReason.NotSupportedByFirmware"/> (the firmware maps WPA2-Enterprise to open).</para>
    /// </remarks>
    internal sealed class StockStation : IWifiRadio, IDisposable
    {
        /// <summary>The detail of <see cref="WifiFailureReason.NotSupportedByFirmware"/> for EAP-TLS networks.</summary>
        public const string EapTlsNeedsInterop =
            "EAP-TLS needs a firmware image built with the nf.Certs ESP32 interop library (firmware/native/esp32); stock nanoFramework joins open and WPA2-PSK networks only.";

        /// <summary>How long a given-up attempt may take to return after the firmware was told to stop.</summary>
        public const int AbandonMilliseconds = 2000;

        /// <summary>How often a connect waiting for its address looks again when no network event came.</summary>
        public const int AddressPollMilliseconds = 500;

        private const string NoAddress = "0.0.0.0";

        private readonly object _connectGate = new object();
        private readonly object _gate = new object();
        private readonly AutoResetEvent _changed = new AutoResetEvent(false);
        private WifiAdapter? _adapter;
        private int _index = -1;
        private bool _linkUp;
        private bool _connected;

        /// <summary>Subscribes to the firmware's network events; <see cref="Dispose"/> unsubscribes.</summary>
        public StockStation()
        {
            NetworkChange.NetworkAvailabilityChanged += OnAvailabilityChanged;
            NetworkChange.NetworkAddressChanged += OnAddressChanged;
        }

        /// <inheritdoc/>
        public event WifiLinkLostHandler? LinkLost;

        /// <inheritdoc/>
        public bool IsConnected
        {
            get
            {
                lock (_gate)
                {
                    return _connected;
                }
            }
        }

        /// <inheritdoc/>
        /// <remarks>The request is not null and its timeout is positive (<see cref="NanoWifiRadio"/> checked).</remarks>
        public WifiConnectResult Connect(WifiConnectRequest request)
        {
            string? refused = Check(request);
            if (refused != null)
            {
                return new WifiConnectResult(WifiFailureReason.InvalidRequest, -1, null, refused);
            }

            if (request.Security == WifiSecurity.Wpa2EapTls)
            {
                return new WifiConnectResult(WifiFailureReason.NotSupportedByFirmware, -1, null, EapTlsNeedsInterop);
            }

            int timeoutMs = (int)(request.Timeout.Ticks / TimeSpan.TicksPerMillisecond);
            lock (_connectGate)
            {
                long deadline = Environment.TickCount64 + timeoutMs;
                WifiAdapter adapter = Adapter();
                lock (_gate)
                {
                    _connected = false;
                    _linkUp = false;
                }

                var attempt = new StockAttempt(adapter, request.Ssid, request.Security == WifiSecurity.Wpa2Psk ? request.Psk! : "");
                if (!attempt.Finished.WaitOne(timeoutMs, false))
                {
                    adapter.Disconnect();
                    attempt.Finished.WaitOne(AbandonMilliseconds, false);
                    return new WifiConnectResult(WifiFailureReason.Timeout, -1, null, "The firmware did not associate before the timeout.");
                }

                if (attempt.Error != null || attempt.Status != WifiConnectionStatus.Success)
                {
                    return Result(attempt);
                }

                return AwaitAddress(adapter, deadline);
            }
        }

        /// <inheritdoc/>
        public void Disconnect()
        {
            WifiAdapter? adapter;
            lock (_gate)
            {
                adapter = _adapter;
                _connected = false;
            }

            if (adapter != null)
            {
                adapter.Disconnect();
            }
        }

        /// <summary>Stops watching the link (unsubscribes from <see cref="NetworkChange"/>); the link is left as it is.</summary>
        public void Dispose()
        {
            NetworkChange.NetworkAvailabilityChanged -= OnAvailabilityChanged;
            NetworkChange.NetworkAddressChanged -= OnAddressChanged;
        }

        // After association: waits for the events and the address, until the request's deadline.
        private WifiConnectResult AwaitAddress(WifiAdapter adapter, long deadline)
        {
            while (true)
            {
                lock (_gate)
                {
                    if (_linkUp && HasAddressLocked())
                    {
                        _connected = true;
                        return new WifiConnectResult(WifiFailureReason.None, -1, null, null);
                    }
                }

                long left = deadline - Environment.TickCount64;
                if (left <= 0)
                {
                    adapter.Disconnect();
                    return new WifiConnectResult(WifiFailureReason.Timeout, -1, null, "Associated, but the station had no IP address from DHCP before the timeout.");
                }

                _changed.WaitOne(left < AddressPollMilliseconds ? (int)left : AddressPollMilliseconds, false);
            }
        }

        private void OnAvailabilityChanged(object sender, NetworkAvailabilityEventArgs e)
        {
            bool lost = false;
            lock (_gate)
            {
                if (!IsStationLocked(sender))
                {
                    return;
                }

                _linkUp = e.IsAvailable;
                if (!e.IsAvailable)
                {
                    lost = TakeLinkLocked();
                }
            }

            Changed(lost);
        }

        private void OnAddressChanged(object sender, EventArgs e)
        {
            bool lost = false;
            lock (_gate)
            {
                if (!IsStationLocked(sender))
                {
                    return;
                }

                if (_connected && !HasAddressLocked())
                {
                    lost = TakeLinkLocked();
                }
            }

            Changed(lost);
        }

        // The firmware passes the interface index, a boxed ushort (NetworkChange.OnNetworkChangeCallback).
        private bool IsStationLocked(object sender)
        {
            return _index >= 0 && sender is ushort && (ushort)sender == _index;
        }

        private bool HasAddressLocked()
        {
            NetworkInterface[] all = NetworkInterface.GetAllNetworkInterfaces();
            if (_index >= all.Length)
            {
                return false;
            }

            string address = all[_index].IPv4Address;
            return address != null && address.Length > 0 && address != NoAddress;
        }

        // A link Connect reported is gone: forget it and stop the firmware rejoining, under _gate so that a Connect
        // starting now cannot be the one stopped. True when there was a link (so LinkLost is raised once).
        private bool TakeLinkLocked()
        {
            if (!_connected)
            {
                return false;
            }

            _connected = false;
            _adapter!.Disconnect();
            return true;
        }

        private void Changed(bool lost)
        {
            _changed.Set();
            WifiLinkLostHandler? handler = LinkLost;
            if (lost && handler != null)
            {
                try
                {
                    handler(this, WifiFailureReason.LinkLost);
                }
                catch (Exception)
                {
                    // A subscriber's failure must not reach the CLR's event thread.
                }
            }
        }

        private WifiAdapter Adapter()
        {
            lock (_gate)
            {
                if (_adapter == null)
                {
                    _adapter = WifiAdapter.FindAllAdapters()[0];
                    _index = _adapter.NetworkInterface;
                }

                return _adapter;
            }
        }

        private static string? Check(WifiConnectRequest request)
        {
            int ssidBytes = request.Ssid == null ? 0 : Encoding.UTF8.GetBytes(request.Ssid).Length;
            if (ssidBytes < 1 || ssidBytes > 32)
            {
                return "An SSID is 1-32 bytes of UTF-8.";
            }

            if (request.Security == WifiSecurity.Wpa2Psk && (request.Psk == null || request.Psk.Length < 8 || request.Psk.Length > 63))
            {
                return "A WPA2-PSK passphrase is 8-63 characters.";
            }

            if (request.Security == WifiSecurity.Wpa2EapTls)
            {
                return null; // its material was checked by NanoWifiRadio
            }

            if (request.Security != WifiSecurity.Open && request.Security != WifiSecurity.Wpa2Psk)
            {
                return "Unknown security type " + ((int)request.Security).ToString() + ".";
            }

            return null;
        }

        private static WifiConnectResult Result(StockAttempt attempt)
        {
            if (attempt.Error != null)
            {
                return new WifiConnectResult(WifiFailureReason.RadioError, -1, null, "The Wi-Fi adapter failed: " + attempt.Error.Message);
            }

            switch (attempt.Status)
            {
                case WifiConnectionStatus.NetworkNotAvailable:
                    return new WifiConnectResult(WifiFailureReason.NetworkNotFound, -1, null, "No access point with the SSID and security answered.");
                case WifiConnectionStatus.InvalidCredential:
                    return new WifiConnectResult(WifiFailureReason.AuthenticationFailed, -1, null, "The access point refused the passphrase (or wants one).");
                case WifiConnectionStatus.AccessRevoked:
                case WifiConnectionStatus.UnsupportedAuthenticationProtocol:
                    return new WifiConnectResult(WifiFailureReason.AuthenticationFailed, -1, null, "The access point refused the station (status " + ((int)attempt.Status).ToString() + ").");
                case WifiConnectionStatus.Timeout:
                    return new WifiConnectResult(WifiFailureReason.Timeout, -1, null, "The firmware gave up after its own 20 s limit.");
                default:
                    return new WifiConnectResult(WifiFailureReason.RadioError, -1, null, "The firmware reported an unspecified failure.");
            }
        }
    }

    /// <summary>One blocking <see cref="WifiAdapter.Connect(string, WifiReconnectionKind, string)"/> on its own thread.</summary>
    internal sealed class StockAttempt
    {
        private readonly WifiAdapter _adapter;
        private readonly string _ssid;
        private readonly string _password;

        internal StockAttempt(WifiAdapter adapter, string ssid, string password)
        {
            _adapter = adapter;
            _ssid = ssid;
            _password = password;
            Finished = new ManualResetEvent(false);
            new Thread(Run).Start();
        }

        /// <summary>Set when the adapter has answered.</summary>
        public ManualResetEvent Finished { get; private set; }

        /// <summary>The adapter's answer, once <see cref="Finished"/> is set.</summary>
        public WifiConnectionStatus Status { get; private set; }

        /// <summary>What the adapter threw, or null.</summary>
        public Exception? Error { get; private set; }

        private void Run()
        {
            try
            {
                Status = _adapter.Connect(_ssid, WifiReconnectionKind.Manual, _password).ConnectionStatus;
            }
            catch (Exception e)
            {
                Error = e;
            }

            Finished.Set();
        }
    }
}
