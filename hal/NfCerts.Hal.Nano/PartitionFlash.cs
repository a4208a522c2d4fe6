using System;
using System.Text;
using NfCerts.Esp32;

namespace NfCerts.Hal.Nano
{
    /// <summary><see cref="IFlash"/> on the raw data partition of the firmware image (label <see cref="DefaultLabel"/>),
    /// through the native interop library (esp_partition_read/write/erase_range).</summary>
    /// <remarks>
    /// <para>This is real NOR flash: a program ANDs (the chip cannot set bits), an erase sets one 4 KiB sector to 0xFF,
    /// and a power cut tears at most the operation in progress, exactly as the <see cref="IFlash"/> contract and the
    /// store's power-loss design assume. With flash encryption on, programs go in 16-byte units
    /// (<see cref="WriteAlignment"/> is 16).</para>
    /// <para>Range and alignment are checked in managed code and again natively before ESP-IDF is called, so a refused
    /// request changes nothing. Every operation is synchronous and serialised by a lock. Only one partition can be
    /// open in the native library at a time.</para>
    /// </remarks>
    public sealed class PartitionFlash : IFlash
    {
        /// <summary>The label of the store's partition in the firmware image's partition table.</summary>
        public const string DefaultLabel = "nfcerts";

        private readonly object _gate = new object();
        private readonly int _size;
        private readonly int _sectorSize;
        private readonly int _writeAlignment;

        private PartitionFlash(int size, int sectorSize, int writeAlignment)
        {
            _size = size;
            _sectorSize = sectorSize;
            _writeAlignment = writeAlignment;
        }

        /// <summary>Opens the partition with the label. Returns null when the native library is absent or the
        /// partition table has no such partition.</summary>
        /// <exception cref="FlashException">The partition exists but the driver failed (<see cref="FlashError.Io"/>).</exception>
        public static PartitionFlash? TryOpen(string label)
        {
            if (label == null || label.Length == 0 || label.Length > 16)
            {
                throw new ArgumentException("A partition label is 1 to 16 characters.", "label");
            }

            if (!Esp32Native.IsAvailable)
            {
                return null;
            }

            int[] geometry = new int[NativeFlash.GeometryLength];
            int status = NativeFlash.Open(Encoding.UTF8.GetBytes(label), geometry);
            if (status == NativeFlash.StatusNotFound)
            {
                return null;
            }

            if (status != 0)
            {
                throw Error(status, "Cannot open flash partition " + label);
            }

            return new PartitionFlash(geometry[NativeFlash.GeometrySize], geometry[NativeFlash.GeometrySectorSize], geometry[NativeFlash.GeometryWriteAlignment]);
        }

        /// <inheritdoc/>
        public int Size
        {
            get { return _size; }
        }

        /// <inheritdoc/>
        public int SectorSize
        {
            get { return _sectorSize; }
        }

        /// <inheritdoc/>
        public int SectorCount
        {
            get { return _size / _sectorSize; }
        }

        /// <inheritdoc/>
        public int WriteAlignment
        {
            get { return _writeAlignment; }
        }

        /// <inheritdoc/>
        public void Read(int address, byte[] buffer, int offset, int count)
        {
            CheckRange(address, buffer, offset, count);
            lock (_gate)
            {
                Check(NativeFlash.Read(address, buffer, offset, count), "Flash read");
            }
        }

        /// <inheritdoc/>
        public void Program(int address, byte[] buffer, int offset, int count)
        {
            CheckRange(address, buffer, offset, count);
            if (address % _writeAlignment != 0 || count % _writeAlignment != 0)
            {
                throw new FlashException(FlashError.Misaligned, "Program at " + address.ToString() + "+" + count.ToString() + " is not aligned to " + _writeAlignment.ToString() + " bytes.");
            }

            lock (_gate)
            {
                Check(NativeFlash.Program(address, buffer, offset, count), "Flash program");
            }
        }

        /// <inheritdoc/>
        public void EraseSector(int sector)
        {
            if (sector < 0 || sector >= SectorCount)
            {
                throw new FlashException(FlashError.OutOfRange, "Sector " + sector.ToString() + " is outside 0.." + (SectorCount - 1).ToString() + ".");
            }

            lock (_gate)
            {
                Check(NativeFlash.Erase(sector), "Flash erase");
            }
        }

        private void CheckRange(int address, byte[] buffer, int offset, int count)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException("buffer");
            }

            if (offset < 0 || count < 0 || offset > buffer.Length - count)
            {
                throw new FlashException(FlashError.OutOfRange, "Offset and count do not fit the buffer.");
            }

            if (address < 0 || address > _size - count)
            {
                throw new FlashException(FlashError.OutOfRange, "Range " + address.ToString() + "+" + count.ToString() + " is outside the " + _size.ToString() + "-byte partition.");
            }
        }

        private static void Check(int status, string operation)
        {
            if (status != 0)
            {
                throw Error(status, operation);
            }
        }

        private static FlashException Error(int status, string operation)
        {
            switch (status)
            {
                case NativeFlash.StatusOutOfRange:
                    return new FlashException(FlashError.OutOfRange, operation + ": range outside the partition.");
                case NativeFlash.StatusMisaligned:
                    return new FlashException(FlashError.Misaligned, operation + ": not aligned.");
                default:
                    return new FlashException(FlashError.Io, operation + " failed in the flash driver (status " + status.ToString() + ").");
            }
        }
    }
}
