using System;
using System.Text;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using NfCerts.NanoStandIn;

namespace NfCerts.Esp32
{
    /// <summary>Stand-in for firmware/native/esp32/managed/NativeFlash.cs, with the semantics of src/nfcerts_flash.cpp
    /// over ESP-IDF's esp_partition_*: one data partition open at a time, ranges checked against the partition and the
    /// managed buffer, programs that AND, erases per sector, 16-byte program units under flash encryption.</summary>
    public static class NativeFlash
    {
        /// <summary>The range lies outside the partition.</summary>
        public const int StatusOutOfRange = -1;
        /// <summary>A program is not aligned to the write alignment.</summary>
        public const int StatusMisaligned = -2;
        /// <summary>The flash driver failed.</summary>
        public const int StatusIo = -3;
        /// <summary>The partition table has no partition with the label.</summary>
        public const int StatusNotFound = -4;

        /// <summary>Index in the geometry array: size in bytes.</summary>
        public const int GeometrySize = 0;
        /// <summary>Index: erase unit in bytes.</summary>
        public const int GeometrySectorSize = 1;
        /// <summary>Index: program alignment in bytes.</summary>
        public const int GeometryWriteAlignment = 2;
        /// <summary>Length of the geometry array.</summary>
        public const int GeometryLength = 3;

        private static readonly object Gate = new object();
        private static NorFlash? _open;
        private static int _alignment;

        /// <summary>Opens the data partition with the ASCII label and fills <paramref name="geometry"/>.</summary>
        public static int Open(byte[] label, int[] geometry)
        {
            NativeLibrary.Require();
            if (label == null || geometry == null)
            {
                throw new ArgumentNullException(label == null ? nameof(label) : nameof(geometry));
            }

            if (label.Length == 0 || label.Length > 16 || geometry.Length < GeometryLength)
            {
                throw new ArgumentException("CLR_E_INVALID_PARAMETER");
            }

            lock (Gate)
            {
                Board.Partition? partition = Board.FindPartition(Encoding.ASCII.GetString(label));
                _open = partition?.Chip;
                if (partition == null)
                {
                    return StatusNotFound;
                }

                _alignment = partition.Encrypted ? 16 : 1;
                geometry[GeometrySize] = partition.Chip.Size;
                geometry[GeometrySectorSize] = partition.Chip.SectorSize;
                geometry[GeometryWriteAlignment] = _alignment;
                return 0;
            }
        }

        /// <summary>Reads <paramref name="count"/> bytes at <paramref name="address"/> into the buffer.</summary>
        public static int Read(int address, byte[] buffer, int offset, int count)
        {
            lock (Gate)
            {
                NorFlash chip = Opened();
                if (!InRange(buffer.Length, offset, count) || !InRange(chip.Size, address, count))
                {
                    return StatusOutOfRange;
                }

                return Run(() => chip.Read(address, buffer, offset, count));
            }
        }

        /// <summary>Programs <paramref name="count"/> bytes at <paramref name="address"/> (old AND new).</summary>
        public static int Program(int address, byte[] buffer, int offset, int count)
        {
            lock (Gate)
            {
                NorFlash chip = Opened();
                if (!InRange(buffer.Length, offset, count) || !InRange(chip.Size, address, count))
                {
                    return StatusOutOfRange;
                }

                if (address % _alignment != 0 || count % _alignment != 0)
                {
                    return StatusMisaligned;
                }

                return Run(() => chip.Program(address, buffer, offset, count));
            }
        }

        /// <summary>Erases one sector.</summary>
        public static int Erase(int sector)
        {
            lock (Gate)
            {
                NorFlash chip = Opened();
                if (sector < 0 || sector >= chip.SectorCount)
                {
                    return StatusOutOfRange;
                }

                return Run(() => chip.EraseSector(sector));
            }
        }

        private static NorFlash Opened()
        {
            NativeLibrary.Require();
            return _open ?? throw new InvalidOperationException("CLR_E_INVALID_OPERATION: no partition is open");
        }

        private static bool InRange(int length, int start, int count)
        {
            return start >= 0 && count >= 0 && start <= length && count <= length - start;
        }

        // A driver failure (esp_err_t other than a range error) is StatusIo, as MapError in nfcerts_flash.cpp.
        private static int Run(Action operation)
        {
            try
            {
                operation();
                return 0;
            }
            catch (FlashException)
            {
                return StatusIo;
            }
        }
    }
}
