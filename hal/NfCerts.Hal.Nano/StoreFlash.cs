using System;

namespace NfCerts.Hal.Nano
{
    /// <summary>Picks the certificate store's <see cref="IFlash"/>: the raw data partition when the firmware image has
    /// the interop library and the partition, otherwise a fixed-size file on the LittleFS volume <c>I:</c>.</summary>
    /// <remarks>
    /// The fallback (<see cref="FileFlash"/>) keeps the store working on stock firmware at a cost: every program or
    /// erase rewrites whole LittleFS blocks (about two orders of magnitude more wear and time than the partition), and
    /// the region and LittleFS's copies share the 256 KiB volume with everything else on <c>I:</c>. A device never
    /// switches between the two by itself: the partition and the file hold separate stores.
    /// </remarks>
    public static class StoreFlash
    {
        /// <summary>Opens the store's flash.</summary>
        /// <param name="fallbackPath">File for the fallback, e.g. <see cref="FileFlash.DefaultPath"/>.</param>
        /// <param name="fallbackSize">Size of the fallback region in bytes (a multiple of <paramref name="sectorSize"/>).</param>
        /// <param name="sectorSize">Sector size of the fallback region (4096 to mirror the partition).</param>
        /// <param name="onPartition">True when the partition was opened, false for the file.</param>
        /// <exception cref="FlashException">Neither could be opened.</exception>
        public static IFlash Open(string fallbackPath, int fallbackSize, int sectorSize, out bool onPartition)
        {
            PartitionFlash? partition = PartitionFlash.TryOpen(PartitionFlash.DefaultLabel);
            if (partition != null)
            {
                onPartition = true;
                return partition;
            }

            onPartition = false;
            return new FileFlash(fallbackPath, fallbackSize, sectorSize);
        }
    }
}
