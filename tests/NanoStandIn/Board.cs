using System;
using System.Collections.Generic;
using NfCerts.Hal;
using NfCerts.Esp32;
using NfCerts.Hal.Host;

namespace NfCerts.NanoStandIn
{
    /// <summary>
    /// The simulated ESP32 board behind the stand-in APIs: which firmware image it runs (stock nanoFramework, or one with
    /// the nf.Certs interop library), its partition table, its crypto engine, the access points in range and its I: drive.
    /// </summary>
    /// <remarks>One board per process, as the firmware's natives are process-wide statics: tests that use it run one at a
    /// time and begin with <see cref="Reset"/>.</remarks>
    public static class Board
    {
        private static readonly object Gate = new object();
        private static readonly Dictionary<string, Partition> Partitions = new Dictionary<string, Partition>(StringComparer.Ordinal);
        private static readonly List<AccessPoint> AccessPointList = new List<AccessPoint>();
        private static SystemClock _clock = new SystemClock();

        /// <summary>True when the firmware image carries the nf.Certs interop library.</summary>
        public static bool HasInterop { get; private set; }

        /// <summary>The interface version the image's native half reports (the managed half expects 1).</summary>
        public static int NativeInterfaceVersion { get; set; } = NfCerts.Esp32.NativeLibrary.InterfaceVersion;

        /// <summary>What the interop library says of its device key: 1 (an eFuse HMAC key or an encrypted key
        /// partition), or NativeKeys.StatusNotSupported / StatusNotProtected.</summary>
        public static int DeviceKeyStatus { get; set; } = 1;

        /// <summary>The mbedTLS of the image, played by the host's key vault.</summary>
        public static HostKeyVault Crypto { get; private set; } = new HostKeyVault();

        /// <summary>The EAP-capable station of the interop library, played by the host's simulated radio.</summary>
        public static SimulatedRadio Station { get; private set; } = new SimulatedRadio(_clock);

        /// <summary>The access points in range, in the order they were added.</summary>
        public static AccessPoint[] AccessPoints
        {
            get
            {
                lock (Gate)
                {
                    return AccessPointList.ToArray();
                }
            }
        }

        /// <summary>A fresh board: no partitions, nothing in range, an empty I: drive, and the given firmware image.</summary>
        public static void Reset(bool withInterop)
        {
            lock (Gate)
            {
                NativeStation.Reset();
                WifiAir.Reset();
                Station.Dispose();
                _clock.Dispose();
                _clock = new SystemClock();
                Station = new SimulatedRadio(_clock);
                Crypto = new HostKeyVault(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
                DeviceKeyStatus = 1;
                Partitions.Clear();
                AccessPointList.Clear();
                HasInterop = withInterop;
                NativeInterfaceVersion = NfCerts.Esp32.NativeLibrary.InterfaceVersion;
                BoardTime.UseRealTime();
                NanoDrive.Format();
                NativeStation.Attach(Station);
            }
        }

        /// <summary>Adds a data partition to the partition table. ESP-IDF programs by ANDing, so the chip is not strict.</summary>
        public static NorFlash AddPartition(string label, int size, int eraseSize = 4096, bool encrypted = false)
        {
            var chip = new NorFlash(size, eraseSize) { Strict = false };
            lock (Gate)
            {
                Partitions[label] = new Partition(chip, encrypted);
            }

            return chip;
        }

        /// <summary>Brings an access point into range of both stations (the interop one and the stock one).</summary>
        public static void AddAccessPoint(AccessPoint accessPoint)
        {
            lock (Gate)
            {
                AccessPointList.Add(accessPoint);
            }

            Station.AddAccessPoint(accessPoint);
            WifiAir.Watch(accessPoint);
        }

        internal static Partition? FindPartition(string label)
        {
            lock (Gate)
            {
                return Partitions.TryGetValue(label, out Partition? p) ? p : null;
            }
        }

        /// <summary>One entry of the partition table.</summary>
        internal sealed class Partition
        {
            public Partition(NorFlash chip, bool encrypted)
            {
                Chip = chip;
                Encrypted = encrypted;
            }

            public NorFlash Chip { get; }

            public bool Encrypted { get; }
        }
    }
}
