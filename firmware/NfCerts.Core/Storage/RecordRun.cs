using System;

namespace NfCerts.Core.Storage
{
    /// <summary>
    /// The records of one transaction, held until its COMMIT decides whether they apply: the run being replayed at mount,
    /// or the one just written. Parallel arrays, reused from one transaction to the next; they grow only with the
    /// largest transaction, never with the log's history.
    /// </summary>
    internal sealed class RecordRun
    {
        private const int KeyStride = LogFormat.MaxKeyArea;

        public byte[] Type;
        public int[] DataAddress;
        public int[] DataLength;
        /// <summary>The data CRC; for RELEASE, the watermark.</summary>
        public uint[] Crc;
        public byte[] KeyArea;
        public int[] KeyLength;
        public int Count;
        /// <summary>Transaction sequence of the records in the run.</summary>
        public uint Seq;

        public RecordRun()
        {
            int n = 8;
            Type = new byte[n];
            DataAddress = new int[n];
            DataLength = new int[n];
            Crc = new uint[n];
            KeyArea = new byte[n * KeyStride];
            KeyLength = new int[n];
        }

        /// <summary>Offset of record <paramref name="i"/>'s key area in <see cref="KeyArea"/>.</summary>
        public static int KeyOffset(int i)
        {
            return i * KeyStride;
        }

        public void Clear(uint seq)
        {
            Count = 0;
            Seq = seq;
        }

        /// <summary>Appends a record whose key area is <paramref name="keyArea"/>[<paramref name="keyOffset"/>..+<paramref name="keyLength"/>].</summary>
        public void Add(byte type, byte[] keyArea, int keyOffset, int keyLength, int dataAddress, int dataLength, uint crc)
        {
            if (Count == Type.Length)
            {
                int n = Count * 2;
                Type = LogFormat.Grow(Type, n);
                DataAddress = LogFormat.Grow(DataAddress, n);
                DataLength = LogFormat.Grow(DataLength, n);
                Crc = LogFormat.Grow(Crc, n);
                KeyArea = LogFormat.Grow(KeyArea, n * KeyStride);
                KeyLength = LogFormat.Grow(KeyLength, n);
            }
            int i = Count++;
            Type[i] = type;
            DataAddress[i] = dataAddress;
            DataLength[i] = dataLength;
            Crc[i] = crc;
            Array.Copy(keyArea, keyOffset, KeyArea, i * KeyStride, keyLength);
            KeyLength[i] = keyLength;
        }
    }
}
