using System;
using System.Diagnostics;
using System.Threading;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Core.Wifi;
using NfCerts.Hal;
using NfCerts.Hal.Nano;

namespace NfCerts.Device
{
    /// <summary>
    /// Entry point of the device image: mounts the power-safe store (the raw partition on a firmware image with the
    /// interop library, a file on I: otherwise), opens the certificate store and the Wi-Fi configuration, and keeps the
    /// device connected. The renewal engine is started here once the device has a certificate issuer (EST) and a hub
    /// connection to receive root CA notices.
    /// </summary>
    public static class Program
    {
        /// <summary>Size of the fallback region on I: when the firmware has no store partition.</summary>
        private const int FallbackFlashSize = 64 * 1024;

        /// <summary>Erase unit of the fallback region, as on ESP32 SPI flash.</summary>
        private const int SectorSize = 4096;

        /// <summary>Starts the device.</summary>
        public static void Main()
        {
            Debug.WriteLine("nf.Certs device starting");
            var clock = new NanoClock();
            var timers = new NanoTimers();
            timers.CallbackFailed += OnTimerCallbackFailed;

            bool onPartition;
            IFlash flash = StoreFlash.Open(FileFlash.DefaultPath, FallbackFlashSize, SectorSize, out onPartition);
            RecordLog log = MountOrFormat(flash);
            Debug.WriteLine("store on " + (onPartition ? "the nfcerts partition" : FileFlash.DefaultPath) + ": "
                + log.Count.ToString() + " entries, " + log.AvailableBytes.ToString() + " bytes free");

            var store = new CertStore(log, new NanoKeyVault());
            var radio = new NanoWifiRadio();
            var wifi = new WifiConfig(log, radio);
            var manager = new ConnectionManager(wifi, store, radio, clock, timers, DeviceSeed(log));
            manager.Connected += OnConnected;
            manager.Start();

            Thread.Sleep(Timeout.Infinite);
        }

        /// <summary>Mounts the store; formats it only when the region holds no store at all (first boot).</summary>
        private static RecordLog MountOrFormat(IFlash flash)
        {
            try
            {
                return RecordLog.Mount(flash, CertStore.MaxEntrySize);
            }
            catch (StorageException e)
            {
                if (e.Error != StorageError.NotFormatted)
                {
                    throw;
                }
                Debug.WriteLine("no store found: formatting the region");
                RecordLog.Format(flash, CertStore.MaxEntrySize);
                return RecordLog.Mount(flash, CertStore.MaxEntrySize);
            }
        }

        /// <summary>A per-device number, made once and kept in the store, that spreads a fleet's retries and check times.</summary>
        private static uint DeviceSeed(RecordLog log)
        {
            byte[] b;
            if (!log.TryGet("Dseed", out b) || b.Length != 4)
            {
                b = new byte[4];
                new Random().NextBytes(b);
                var t = log.Begin();
                t.Put("Dseed", b);
                t.Commit();
            }
            return (uint)(b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24));
        }

        private static void OnConnected(object sender, string configName)
        {
            Debug.WriteLine("connected to " + configName);
        }

        private static void OnTimerCallbackFailed(object sender, Exception error)
        {
            Debug.WriteLine("timer callback failed: " + error.Message);
        }
    }
}
