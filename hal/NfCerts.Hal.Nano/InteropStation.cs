using System;
using System.Text;
using System.Threading;
using NfCerts.Esp32;

namespace NfCerts.Hal.Nano
{
    /// <summary>The ESP32 station of the native interop library: open, WPA2-PSK and WPA2-Enterprise EAP-TLS, one profile
    /// at a time, passed whole on every connect. <see cref="NanoWifiRadio"/> uses it when the firmware image has the library.</summary>
    /// <remarks>
    /// <para><see cref="Connect"/> hands the profile to native code (which copies it and keeps the copies alive for as
    /// long as ESP-IDF may read them), starts the attempt and polls every <see cref="PollMilliseconds"/> ms until the
    /// station has an IP address, the driver reports a failure, or the request's timeout passes; then it gives up the
    /// attempt and reports <see cref="WifiFailureReason.Timeout"/>. Native calls never block.</para>
    /// <para>Failure reasons come from ESP-IDF's disconnect reason; for EAP-TLS the two certificate reasons come from
    /// the supplicant's TLS error, which ESP-IDF only logs with CONFIG_ESP_WIFI_DEBUG_PRINT enabled (without it they
    /// read <see cref="WifiFailureReason.AuthenticationFailed"/>). <see cref="WifiConnectResult.Detail"/> names the
    /// ESP-IDF reason and the TLS error; <see cref="WifiConnectResult.CertDepth"/> is -1 (the supplicant does not say).</para>
    /// <para>A monitor thread, started by the first successful connect and ended by <see cref="Dispose"/>, polls once a
    /// second and raises <see cref="LinkLost"/> for a link that went down without <see cref="Disconnect"/>. The native
    /// station reports a link loss to the first poll after it, so only one instance may exist per device.</para>
    /// <para>The firmware's own Wi-Fi configuration must not auto-connect, or it would fight this class over the station.</para>
    /// </remarks>
    internal sealed class InteropStation : IWifiRadio, IDisposable
    {
        /// <summary>Interval between polls of the native station while connecting.</summary>
        public const int PollMilliseconds = 100;

        /// <summary>Interval of the link monitor.</summary>
        public const int MonitorMilliseconds = 1000;

        private readonly object _gate = new object();
        private readonly int[] _status = new int[NativeStation.StatusLength];
        private Thread? _monitor;
        private bool _disposed;
        private int _pendingLinkLost;

        /// <inheritdoc/>
        public event WifiLinkLostHandler? LinkLost;

        /// <inheritdoc/>
        public bool IsConnected
        {
            get
            {
                lock (_gate)
                {
                    return PollLocked() == NativeStation.StateConnected;
                }
            }
        }

        /// <inheritdoc/>
        /// <remarks>The request is not null and its timeout is positive (<see cref="NanoWifiRadio"/> checked).</remarks>
        public WifiConnectResult Connect(WifiConnectRequest request)
        {
            long timeoutMs = request.Timeout.Ticks / TimeSpan.TicksPerMillisecond;
            lock (_gate)
            {
                string? refused = Hand(request);
                if (refused != null)
                {
                    return new WifiConnectResult(WifiFailureReason.InvalidRequest, -1, null, refused);
                }

                int[] espError = new int[1];
                int started = NativeStation.Connect(espError);
                _pendingLinkLost = 0;
                if (started != (int)WifiFailureReason.None)
                {
                    return new WifiConnectResult((WifiFailureReason)started, -1, null,
                        started == (int)WifiFailureReason.RadioError
                            ? "ESP-IDF refused the connection (esp_err_t 0x" + espError[0].ToString("X") + ")."
                            : "The station refused the request (SSID 1-32 bytes, passphrase 8-63 characters, EAP identity up to 127 bytes, DER certificates and key).");
                }
            }

            long deadline = Environment.TickCount64 + timeoutMs;
            while (true)
            {
                Thread.Sleep(PollMilliseconds);
                lock (_gate)
                {
                    int state = PollLocked();
                    if (state == NativeStation.StateConnected)
                    {
                        EnsureMonitor();
                        return new WifiConnectResult(WifiFailureReason.None, -1, null, null);
                    }

                    int result = _status[NativeStation.StatusResult];
                    if (state == NativeStation.StateIdle && result >= 0)
                    {
                        return Failed(result);
                    }

                    if (Environment.TickCount64 >= deadline)
                    {
                        NativeStation.Abort();
                        PollLocked();
                        return Failed((int)WifiFailureReason.Timeout);
                    }
                }
            }
        }

        /// <summary>Ends the link monitor (within <see cref="MonitorMilliseconds"/>). The link itself is left as it is.</summary>
        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
            }
        }

        /// <inheritdoc/>
        public void Disconnect()
        {
            lock (_gate)
            {
                NativeStation.Disconnect();
                _pendingLinkLost = 0;
            }
        }

        // Hands the request to the native profile. Returns why it was refused, or null.
        private static string? Hand(WifiConnectRequest request)
        {
            if (NativeStation.ProfileBegin((int)request.Security) != 0)
            {
                return "Unknown security type " + ((int)request.Security).ToString() + ".";
            }

            if (!Set(NativeStation.FieldSsid, Utf8(request.Ssid)))
            {
                return "The SSID is not usable.";
            }

            if (request.Security == WifiSecurity.Wpa2Psk && !Set(NativeStation.FieldPsk, Utf8(request.Psk)))
            {
                return "The passphrase is not usable.";
            }

            if (request.Security != WifiSecurity.Wpa2EapTls)
            {
                return null;
            }

            // NanoWifiRadio checked that the material is there.
            byte[][] roots = request.TrustedRoots;
            for (int i = 0; i < roots.Length; i++)
            {
                byte[] root = roots[i];
                if (root == null || !Set(NativeStation.FieldTrustedRoot, root))
                {
                    return "Trusted root " + i.ToString() + " is not usable.";
                }
            }

            // The client certificate field is the request's whole chain (leaf + intermediates, DER back to back): the
            // native side hands a chain to the supplicant as PEM, which is how mbedTLS reads more than one certificate.
            if (!Set(NativeStation.FieldIdentity, Utf8(request.EapIdentity)) ||
                !Set(NativeStation.FieldClientCertificate, request.ClientCertificate!) ||
                !Set(NativeStation.FieldClientKey, request.ClientKey!))
            {
                return "The EAP identity, certificate or key is not usable.";
            }

            if (request.ServerDomain != null && !Set(NativeStation.FieldServerDomain, Utf8(request.ServerDomain)))
            {
                return "The server domain is not usable.";
            }

            return null;
        }

        private static bool Set(int field, byte[] value)
        {
            return NativeStation.ProfileSet(field, value) == 0;
        }

        private static byte[] Utf8(string? text)
        {
            return text == null ? new byte[0] : Encoding.UTF8.GetBytes(text);
        }

        private WifiConnectResult Failed(int reason)
        {
            int esp = _status[NativeStation.StatusEspReason];
            int tls = _status[NativeStation.StatusTlsError];
            string detail = "ESP-IDF disconnect reason " + esp.ToString();
            if (tls != 0)
            {
                detail = detail + ", TLS error -0x" + (-tls).ToString("X4");
            }

            if (reason == (int)WifiFailureReason.Timeout && esp == 0)
            {
                detail = "No result from the station before the timeout.";
            }

            return new WifiConnectResult((WifiFailureReason)reason, -1, null, detail);
        }

        // Polls under _gate and keeps a link loss for the monitor, whoever polled.
        private int PollLocked()
        {
            NativeStation.Poll(_status);
            if (_status[NativeStation.StatusLinkLost] != 0)
            {
                _pendingLinkLost = _status[NativeStation.StatusLinkLost];
            }

            return _status[NativeStation.StatusState];
        }

        private void EnsureMonitor()
        {
            if (_monitor == null && !_disposed)
            {
                _monitor = new Thread(WatchLink);
                _monitor.Start();
            }
        }

        private void WatchLink()
        {
            while (true)
            {
                Thread.Sleep(MonitorMilliseconds);
                int lost;
                lock (_gate)
                {
                    if (_disposed)
                    {
                        _monitor = null;
                        return;
                    }

                    PollLocked();
                    lost = _pendingLinkLost;
                    _pendingLinkLost = 0;
                }

                if (lost != 0)
                {
                    WifiLinkLostHandler? handler = LinkLost;
                    if (handler != null)
                    {
                        try
                        {
                            handler(this, (WifiFailureReason)lost);
                        }
                        catch (Exception)
                        {
                            // A subscriber's failure must not stop the monitor.
                        }
                    }
                }
            }
        }
    }
}
