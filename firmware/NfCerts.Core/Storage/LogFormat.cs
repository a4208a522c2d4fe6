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

    /// <summary>One record found on flash (or just written).</summary>
    internal sealed class RecordRef
    {
        public byte Type;
        public int Sector;
        public int Address;
        public string Key = "";
        public string Key2 = "";
        public int DataAddress;
        public int DataLength;
        public uint DataCrc;
        public uint Seq;
        /// <summary>RELEASE: the sector-sequence watermark. COMMIT: the record count.</summary>
        public uint Aux;
        /// <summary>RELEASE: the index of the sector it reclaims, and that sector's erase count after its erase.</summary>
        public int ReleasedSector = -1;
        public uint ReleasedEraseCount;
    }

    /// <summary>A live value: the PUT chunk and its continuations, in order.</summary>
    internal sealed class ValueRef
    {
        public ValueRef(string key, uint seq)
        {
            Key = key;
            Seq = seq;
        }

        public string Key;
        public uint Seq;
        public readonly System.Collections.ArrayList Chunks = new System.Collections.ArrayList();
        public int Length;

        public bool HasChunkIn(int sector)
        {
            for (int i = 0; i < Chunks.Count; i++)
            {
                if (((RecordRef)Chunks[i]!).Sector == sector)
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>What the store knows of one sector.</summary>
    internal sealed class SectorState
    {
        public bool Valid;
        public uint Seq;
        public uint EraseCount;
        public bool Live;
        /// <summary>Address just past the last good record (head sector: where the next record goes).</summary>
        public int End;
        /// <summary>Something that is neither a record nor erased flash follows the last good record: never write here again.</summary>
        public bool DirtyEnd;
    }
}
