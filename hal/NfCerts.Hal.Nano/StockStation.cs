using System;
using System.Device.Wifi;
using System.Text;
using System.Threading;

namespace NfCerts.Hal.Nano
{
    /// <summary>The station of stock nanoFramework firmware, through System.Device.Wifi's <see cref="WifiAdapter"/>:
    /// open and WPA2-PSK networks. <see cref="NanoWifiRadio"/> uses it when the image lacks the interop library.</summary>
    /// <remarks>
    /// <para>Why <see cref="WifiAdapter"/> and not WifiNetworkHelper: the helper may be called once per boot, stores the
    /// network in the firmware's configuration and waits for an address through System.Net; the adapter only joins.
    /// <see cref="WifiAdapter.Connect(string, WifiReconnectionKind, string)"/> blocks the calling thread until the
    /// firmware reports association or a failure (on ESP32 at most 20 s, whatever the caller wants), so it runs on a
    /// worker thread and is given up at the request's timeout: <see cref="WifiAdapter.Disconnect"/> ends the
    /// firmware's wait at once. Open networks pass an empty password (the firmware faults on null).</para>
    /// <para>What the stock station cannot do, and how it shows: EAP-TLS is
    /// <see cref="WifiFailureReason.NotSupportedByFirmware"/> (the firmware maps WPA2-Enterprise to open); success is
    /// reported at association, when DHCP may still be assigning the address; a link that drops later is not seen, so
    /// <see cref="LinkLost"/> never fires and <see cref="IsConnected"/> stays true until the next connect or
    /// disconnect (watching the link needs System.Net's NetworkChange). After a connect the ESP32 firmware rejoins by
    /// itself after every link loss, whatever the reconnection kind, until <see cref="Disconnect"/>.</para>
    /// </remarks>
    internal sealed class StockStation : IWifiRadio
    {
        /// <summary>The detail of <see cref="WifiFailureReason.NotSupportedByFirmware"/> for EAP-TLS networks.</summary>
        public const string EapTlsNeedsInterop =
            "EAP-TLS needs a firmware image built with the nf.Certs ESP32 interop library (firmware/native/esp32); stock nanoFramework joins open and WPA2-PSK networks only.";

        /// <summary>How long a given-up attempt may take to return after the firmware was told to stop.</summary>
        public const int AbandonMilliseconds = 2000;

        private readonly object _connectGate = new object();
        private readonly object _gate = new object();
        private WifiAdapter? _adapter;
        private bool _connected;

        /// <inheritdoc/>
        /// <remarks>Never raised: the stock Wi-Fi API reports no link state.</remarks>
        public event WifiLinkLostHandler LinkLost
        {
            add { }
            remove { }
        }

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
            if (request.Security == WifiSecurity.Wpa2EapTls)
            {
                return new WifiConnectResult(WifiFailureReason.NotSupportedByFirmware, -1, null, EapTlsNeedsInterop);
            }

            string? refused = Check(request);
            if (refused != null)
            {
                return new WifiConnectResult(WifiFailureReason.InvalidRequest, -1, null, refused);
            }

            int timeoutMs = (int)(request.Timeout.Ticks / TimeSpan.TicksPerMillisecond);
            lock (_connectGate)
            {
                WifiAdapter adapter = Adapter();
                lock (_gate)
                {
                    _connected = false;
                }

                var attempt = new StockAttempt(adapter, request.Ssid, request.Security == WifiSecurity.Wpa2Psk ? request.Psk! : "");
                if (!attempt.Finished.WaitOne(timeoutMs, false))
                {
                    adapter.Disconnect();
                    attempt.Finished.WaitOne(AbandonMilliseconds, false);
                    return new WifiConnectResult(WifiFailureReason.Timeout, -1, null, "The firmware did not associate before the timeout.");
                }

                WifiConnectResult result = Result(attempt);
                lock (_gate)
                {
                    _connected = result.Success;
                }

                return result;
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

        private WifiAdapter Adapter()
        {
            lock (_gate)
            {
                if (_adapter == null)
                {
                    _adapter = WifiAdapter.FindAllAdapters()[0];
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
                case WifiConnectionStatus.Success:
                    return new WifiConnectResult(WifiFailureReason.None, -1, null, "Associated; DHCP may still be assigning the address.");
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
