using System;
using System.Diagnostics;
using System.Threading;
using NfCerts.Core.Device;
using NfCerts.Hal;
using NfCerts.Hal.Nano;

namespace NfCerts.Device
{
    /// <summary>
    /// Entry point of the device image: builds the nanoFramework HAL and runs <see cref="DeviceRuntime"/> on it, the same
    /// composition the desktop emulator runs on the host HAL. The store lives on the raw partition on a firmware image
    /// with the interop library, in a file on I: otherwise. The hub is reached over nanoFramework's DeviceClient
    /// (<see cref="NanoHubTransport"/>) after Wi-Fi. There is no certificate issuer (EST) yet: the runtime reports that
    /// when a renewal falls due.
    /// </summary>
    public static class Program
    {
        /// <summary>Size of the fallback region on I: when the firmware has no store partition.</summary>
        private const int FallbackFlashSize = 64 * 1024;

        /// <summary>Erase unit of the fallback region, as on ESP32 SPI flash.</summary>
        private const int SectorSize = 4096;

        private static DeviceRuntime? _runtime;

        /// <summary>Starts the device.</summary>
        public static void Main()
        {
            Debug.WriteLine("nf.Certs device starting");
            var timers = new NanoTimers();
            timers.CallbackFailed += OnTimerCallbackFailed;
            var hal = new DeviceHal(OpenFlash, new NanoWifiRadio(), new NanoClock(), timers, new NanoKeyVault());
            // The hub client runs once the store holds hub settings ('nfcerts store hub', or DPS's assignment).
            hal.Hub = new NanoHubTransport();
            // EST enrollment and renewal (HTTP/1.1 over SslStream) and DPS registration (MQTT over M2Mqtt), each used
            // once the store holds their settings.
            hal.Tls = new NanoTlsConnector();
            hal.Mqtt = new NanoMqttTransport();
            _runtime = new DeviceRuntime(hal, new DeviceOptions());
            _runtime.FaultReported += OnFault;
            _runtime.Start();
            Debug.WriteLine("nf.Certs device " + (_runtime.State == DeviceState.Running ? "running" : "in safe mode"));
            Thread.Sleep(Timeout.Infinite);
        }

        private static IFlash OpenFlash()
        {
            bool onPartition;
            IFlash flash = StoreFlash.Open(FileFlash.DefaultPath, FallbackFlashSize, SectorSize, out onPartition);
            Debug.WriteLine("store on " + (onPartition ? "the nfcerts partition" : FileFlash.DefaultPath));
            return flash;
        }

        private static void OnFault(object sender, DeviceFault fault)
        {
            Debug.WriteLine("fault: " + fault.Component + ": " + fault.Message);
        }

        private static void OnTimerCallbackFailed(object sender, Exception error)
        {
            DeviceRuntime? runtime = _runtime;
            if (runtime != null)
            {
                runtime.ReportFault("timers", "a timer callback failed: " + error.Message);
            }
        }
    }
}
