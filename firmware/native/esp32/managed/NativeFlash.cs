using System.Runtime.CompilerServices;

namespace NfCerts.Esp32
{
    /// <summary>The certificate store's data partition (src/nfcerts_flash.h, esp_partition_*). One partition is
    /// open at a time; results are 0 or the negative status constants below.</summary>
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

        /// <summary>Opens the data partition with the ASCII label and fills <paramref name="geometry"/>.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int Open(byte[] label, int[] geometry);

        /// <summary>Reads <paramref name="count"/> bytes at <paramref name="address"/> into the buffer.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int Read(int address, byte[] buffer, int offset, int count);

        /// <summary>Programs <paramref name="count"/> bytes at <paramref name="address"/> (old AND new).</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int Program(int address, byte[] buffer, int offset, int count);

        /// <summary>Erases one sector.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int Erase(int sector);
    }
}
