using System;
using NfCerts.NanoStandIn;

namespace System.Device.Wifi
{
    /// <summary>Stand-in for nanoFramework's System.Device.Wifi WifiAdapter (System.Device.Wifi/WifiAdapter.cs): the
    /// members the Nano HAL calls, with the same signatures, over <see cref="WifiAir"/>.</summary>
    public sealed class WifiAdapter : IDisposable
    {
        private readonly object _syncLock = new object();
        private bool _disposed;

        private WifiAdapter(int networkInterface)
        {
            NetworkInterface = networkInterface;
        }

        /// <summary>The network interface number of this adapter.</summary>
        public int NetworkInterface { get; }

        /// <summary>The Wi-Fi adapters in the system: one station interface on ESP32.</summary>
        public static WifiAdapter[] FindAllAdapters()
        {
            return new[] { new WifiAdapter(0) };
        }

        /// <summary>Joins <paramref name="ssid"/>, blocking until the firmware reports association, a failure, or 20 s.</summary>
        public WifiConnectionResult Connect(string ssid, WifiReconnectionKind reconnectionKind, string passwordCredential)
        {
            lock (_syncLock)
            {
                if (_disposed)
                {
                    throw new ObjectDisposedException(nameof(WifiAdapter));
                }

                if (ssid == null || passwordCredential == null)
                {
                    throw new NullReferenceException(); // FAULT_ON_NULL in NativeConnect
                }

                int length = passwordCredential.Length;
                if (!WifiAir.IsUsableSsid(ssid) || (length > 0 && length < 8) || length > 64)
                {
                    return new WifiConnectionResult(WifiConnectionStatus.UnspecifiedFailure); // esp_wifi_set_config refused it
                }

                return new WifiConnectionResult(Map(WifiAir.Connect(ssid, passwordCredential)));
            }
        }

        /// <summary>Drops the link or the attempt under way and stops the firmware's reconnecting.</summary>
        public void Disconnect()
        {
            WifiAir.Disconnect();
        }

        /// <summary>Releases the adapter.</summary>
        public void Dispose()
        {
            lock (_syncLock)
            {
                _disposed = true;
            }
        }

        private static WifiConnectionStatus Map(int reason)
        {
            switch (reason)
            {
                case 0:
                    return WifiConnectionStatus.Success;
                case -1:
                    return WifiConnectionStatus.Timeout;
                case WifiAir.ReasonNoApFound:
                    return WifiConnectionStatus.NetworkNotAvailable;
                case 2:
                case WifiAir.ReasonHandshakeTimeout:
                case 200:
                case 202:
                case 203:
                case 204:
                    return WifiConnectionStatus.InvalidCredential;
                default:
                    return WifiConnectionStatus.UnspecifiedFailure;
            }
        }
    }

    /// <summary>Stand-in for System.Device.Wifi/WifiConnectionResult.cs.</summary>
    public class WifiConnectionResult
    {
        internal WifiConnectionResult(WifiConnectionStatus connectionStatus)
        {
            ConnectionStatus = connectionStatus;
        }

        /// <summary>The connection result value.</summary>
        public WifiConnectionStatus ConnectionStatus { get; }
    }

    /// <summary>Stand-in for System.Device.Wifi/WifiConnectionStatus.cs (values in the firmware's order).</summary>
    public enum WifiConnectionStatus
    {
        /// <summary>Access to the network has been revoked.</summary>
        AccessRevoked,
        /// <summary>An invalid credential was presented.</summary>
        InvalidCredential,
        /// <summary>The network is not available.</summary>
        NetworkNotAvailable,
        /// <summary>Connection succeeded.</summary>
        Success,
        /// <summary>The connection attempt timed out.</summary>
        Timeout,
        /// <summary>Failed for a reason other than those in this list.</summary>
        UnspecifiedFailure,
        /// <summary>The authentication protocol is not supported.</summary>
        UnsupportedAuthenticationProtocol,
    }

    /// <summary>Stand-in for System.Device.Wifi/WifiReconnectionKind.cs.</summary>
    public enum WifiReconnectionKind
    {
        /// <summary>Reconnect automatically.</summary>
        Automatic,
        /// <summary>Allow user to reconnect manually.</summary>
        Manual,
    }
}
