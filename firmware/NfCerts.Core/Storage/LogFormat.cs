using System;

namespace NfCerts.Core.Storage
{
    /// <summary>Constants of the on-flash format described in SPEC.md. All integers are little-endian.</summary>
    internal static class LogFormat
    {
        /// <summary>Bytes 0-2 of a sector header: 'N', 'F', format version 1. Byte 3 is log2 of the sector size.</summary>
        public const uint MagicMask = 0x00FFFFFF;
        public const uint Magic = 0x0001464E;
        public const int FormatVersion = 1;
        public const int SectorHeaderSize = 16;
        public const int RecordHeaderSize = 16;
        public const int CommitSize = 12;
        public const int Align = 4;
        public const int MaxKeyLength = 32;
        /// <summary>MOVE carries "src NUL dst".</summary>
        public const int MaxKeyArea = 2 * MaxKeyLength + 1;
        /// <summary>The largest single program operation that starts a record: header plus key area, aligned.</summary>
        public const int MaxHeadOp = (RecordHeaderSize + MaxKeyArea + Align - 1) / Align * Align;
        /// <summary>RELEASE carries the reclaimed sector's index and erase count.</summary>
        public const int ReleaseKeyArea = 8;

        public const byte TypePut = 0x50;      // 'P'
        public const byte TypeCont = 0x43;     // 'C'
        public const byte TypeDelete = 0x44;   // 'D'
        public const byte TypeMove = 0x4D;     // 'M'
        public const byte TypeRelease = 0x52;  // 'R'
        public const byte TypeCommit = 0x21;   // '!'
        public const byte Erased = 0xFF;

        public static int AlignUp(int n)
        {
            return (n + Align - 1) & ~(Align - 1);
        }

        public static void PutU16(byte[] b, int o, int v)
        {
            b[o] = (byte)v;
            b[o + 1] = (byte)(v >> 8);
        }

        public static void PutU32(byte[] b, int o, uint v)
        {
            b[o] = (byte)v;
            b[o + 1] = (byte)(v >> 8);
            b[o + 2] = (byte)(v >> 16);
            b[o + 3] = (byte)(v >> 24);
        }

        public static int GetU16(byte[] b, int o)
        {
            return b[o] | (b[o + 1] << 8);
        }

        public static uint GetU32(byte[] b, int o)
        {
            return (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24));
        }

        /// <summary>A copy of <paramref name="a"/> with room for <paramref name="n"/> elements.</summary>
        public static byte[] Grow(byte[] a, int n)
        {
            var b = new byte[n];
            Array.Copy(a, b, a.Length);
            return b;
        }

        /// <summary>A copy of <paramref name="a"/> with room for <paramref name="n"/> elements.</summary>
        public static int[] Grow(int[] a, int n)
        {
            var b = new int[n];
            Array.Copy(a, b, a.Length);
            return b;
        }

        /// <summary>A copy of <paramref name="a"/> with room for <paramref name="n"/> elements.</summary>
        public static uint[] Grow(uint[] a, int n)
        {
            var b = new uint[n];
            Array.Copy(a, b, a.Length);
            return b;
        }

        public static bool AllErased(byte[] b, int o, int n)
        {
            for (int i = o; i < o + n; i++)
            {
                if (b[i] != Erased)
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>What the store knows of each sector, in one array per field (a few bytes per sector, not an object).</summary>
    internal sealed class SectorTable
    {
        public SectorTable(int sectors)
        {
            Valid = new bool[sectors];
            Live = new bool[sectors];
            DirtyEnd = new bool[sectors];
            Committed = new bool[sectors];
            Seq = new uint[sectors];
            EraseCount = new uint[sectors];
            ReleasedEraseCount = new uint[sectors];
            End = new int[sectors];
        }

        /// <summary>The header is valid.</summary>
        public readonly bool[] Valid;
        /// <summary>Part of the log: valid, newer than the watermark and holding committed data (or the head).</summary>
        public readonly bool[] Live;
        /// <summary>Something that is neither a record nor erased flash follows the last good record: never write here again.</summary>
        public readonly bool[] DirtyEnd;
        /// <summary>Mount: a committed transaction has records (or its COMMIT) here.</summary>
        public readonly bool[] Committed;
        /// <summary>Sector sequence from the header.</summary>
        public readonly uint[] Seq;
        /// <summary>Erases as far as the log knows.</summary>
        public readonly uint[] EraseCount;
        /// <summary>Mount: the highest erase count a committed RELEASE gives the sector.</summary>
        public readonly uint[] ReleasedEraseCount;
        /// <summary>Address just past the last good record (head sector: where the next record went when the sector was left).</summary>
        public readonly int[] End;
    }
}
