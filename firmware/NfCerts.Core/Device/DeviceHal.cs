using NfCerts.Core.Renewal;
using NfCerts.Hal;

namespace NfCerts.Core.Device
{
    /// <summary>Opens the store's flash region. May throw (no partition, no file system): the runtime reports it and tries
    /// again later.</summary>
    public delegate IFlash FlashOpener();

    /// <summary>The platform under a <see cref="DeviceRuntime"/>: the nanoFramework HAL on the board, the host HAL in tests
    /// and in the emulator.</summary>
    public sealed class DeviceHal
    {
        /// <summary>Creates the HAL from what the device cannot work without.</summary>
        public DeviceHal(FlashOpener openFlash, IWifiRadio radio, IClock clock, ITimers timers, IKeyVault keyVault)
        {
            if (openFlash == null || radio == null || clock == null || timers == null || keyVault == null)
            {
                throw new System.ArgumentNullException("openFlash");
            }
            OpenFlash = openFlash;
            Radio = radio;
            Clock = clock;
            Timers = timers;
            KeyVault = keyVault;
        }

        /// <summary>Opens the store's flash region.</summary>
        public FlashOpener OpenFlash { get; private set; }
        /// <summary>The Wi-Fi station.</summary>
        public IWifiRadio Radio { get; private set; }
        /// <summary>Wall clock and uptime.</summary>
        public IClock Clock { get; private set; }
        /// <summary>Timers on uptime.</summary>
        public ITimers Timers { get; private set; }
        /// <summary>Key checks, decryption and sealing for the certificate store.</summary>
        public IKeyVault KeyVault { get; private set; }
        /// <summary>Where renewed client certificates come from; null until the device has one (EST): the client flow then
        /// reports that no issuer is configured, and the root CA flow runs all the same.</summary>
        public ICertificateIssuer? Issuer;
        /// <summary>The IoT Hub device protocol; null on a device that never talks to a hub (the hub client then does not run).</summary>
        public IHubTransport? Hub;
        /// <summary>TLS client connections (EST, DPS over a TLS stream); null where none is available.</summary>
        public ITlsConnector? Tls;
        /// <summary>MQTT over TLS for DPS; null where none is available (the device then never provisions through DPS and
        /// uses the hub settings it was given).</summary>
        public IMqttTransport? Mqtt;
    }
}
