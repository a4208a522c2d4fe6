using System;

namespace NfCerts.Hal.Nano
{
    /// <summary><see cref="IWifiRadio"/> on the ESP32: the interop library's EAP-capable station when the firmware image
    /// has it, otherwise nanoFramework's own Wi-Fi API (open and WPA2-PSK only).</summary>
    /// <remarks>
    /// <para>The choice is made once, at construction, by <see cref="Esp32Native.IsAvailable"/>: with the library the
    /// radio joins open, WPA2-PSK and EAP-TLS networks and watches its link (<see cref="InteropStation"/>); on stock
    /// firmware it joins open and WPA2-PSK networks through <c>System.Device.Wifi.WifiAdapter</c>, watches the link
    /// through System.Net's <c>NetworkChange</c>, and reports EAP-TLS networks as
    /// <see cref="WifiFailureReason.NotSupportedByFirmware"/> (<see cref="StockStation"/>).</para>
    /// <para>One instance per device: both stations are process-wide. Dispose it to end its monitor thread (interop)
    /// or its subscription to the network events (stock).</para>
    /// </remarks>
    public sealed class NanoWifiRadio : IWifiRadio, IDisposable
    {
        private readonly IWifiRadio _station;

        /// <summary>Creates the radio for the firmware image this code runs on.</summary>
        public NanoWifiRadio()
        {
            if (Esp32Native.IsAvailable)
            {
                _station = new InteropStation();
            }
            else
            {
                _station = new StockStation();
            }

            _station.LinkLost += OnStationLinkLost;
        }

        /// <summary>True when the radio can join EAP-TLS networks (the firmware image has the interop library).</summary>
        public bool SupportsEapTls
        {
            get { return _station is InteropStation; }
        }

        /// <inheritdoc/>
        public event WifiLinkLostHandler? LinkLost;

        /// <inheritdoc/>
        public bool IsConnected
        {
            get { return _station.IsConnected; }
        }

        /// <inheritdoc/>
        public WifiConnectResult Connect(WifiConnectRequest request)
        {
            if (request == null)
            {
                throw new ArgumentException("A connect request is required.", "request");
            }

            if (request.Timeout.Ticks < TimeSpan.TicksPerMillisecond)
            {
                return new WifiConnectResult(WifiFailureReason.InvalidRequest, -1, null, "The timeout must be positive.");
            }

            string? missing = MissingEapTlsMaterial(request);
            if (missing != null)
            {
                return new WifiConnectResult(WifiFailureReason.InvalidRequest, -1, null, missing);
            }

            return _station.Connect(request);
        }

        // An EAP-TLS request without its material is invalid whatever the firmware: checked once, before either station.
        private static string? MissingEapTlsMaterial(WifiConnectRequest request)
        {
            if (request.Security != WifiSecurity.Wpa2EapTls)
            {
                return null;
            }

            if (request.TrustedRoots == null || request.TrustedRoots.Length == 0)
            {
                return "EAP-TLS needs at least one trusted root.";
            }

            if (request.ClientCertificate == null || request.ClientKey == null || request.EapIdentity == null)
            {
                return "EAP-TLS needs an identity, a client certificate and its key.";
            }

            return null;
        }

        /// <inheritdoc/>
        public void Disconnect()
        {
            _station.Disconnect();
        }

        /// <summary>Stops watching the link; the link itself is left as it is.</summary>
        public void Dispose()
        {
            IDisposable? disposable = _station as IDisposable;
            if (disposable != null)
            {
                disposable.Dispose();
            }
        }

        private void OnStationLinkLost(object sender, WifiFailureReason reason)
        {
            WifiLinkLostHandler? handler = LinkLost;
            if (handler != null)
            {
                handler(this, reason);
            }
        }
    }
}
