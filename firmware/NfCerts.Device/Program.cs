using System;
using System.Diagnostics;
using System.Threading;
using NfCerts.Hal.Nano;

namespace NfCerts.Device
{
    /// <summary>Entry point of the device image. For now it brings up the nanoFramework HAL and idles; the store,
    /// Wi-Fi manager, hub client and renewal flows are wired here as they land in firmware/NfCerts.Core.</summary>
    public static class Program
    {
        /// <summary>Size of the emulated flash region on I: (stock-firmware fallback; a raw partition on custom images).</summary>
        private const int FlashSize = 64 * 1024;

        /// <summary>Erase unit of the emulated region, as on ESP32 SPI flash.</summary>
        private const int FlashSectorSize = 4096;

        /// <summary>Starts the device.</summary>
        public static void Main()
        {
            Debug.WriteLine("nf.Certs device starting");

            var clock = new NanoClock();
            var timers = new NanoTimers();
            timers.CallbackFailed += OnTimerCallbackFailed;

            FileFlash? flash = null;
            try
            {
                flash = new FileFlash(FileFlash.DefaultPath, FlashSize, FlashSectorSize);
            }
            catch (Exception ex)
            {
                Debug.WriteLine("flash region unavailable: " + ex.Message);
            }

            Debug.WriteLine("uptime " + clock.Uptime.ToString()
                + ", clock " + (clock.IsSynchronized ? "synchronised" : "not yet synchronised")
                + ", flash " + (flash == null ? "missing" : flash.Size.ToString() + " bytes in " + flash.SectorCount.ToString() + " sectors"));

            Thread.Sleep(Timeout.Infinite);
        }

        private static void OnTimerCallbackFailed(object sender, Exception error)
        {
            Debug.WriteLine("timer callback failed: " + error.Message);
        }
    }
}
