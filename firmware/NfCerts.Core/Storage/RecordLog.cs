using System;
using NfCerts.Hal;

namespace NfCerts.Core.Storage
{
    /// <summary>
    /// A power-safe key/value log over NOR flash: the storage layer under the certificate store, the Wi-Fi
    /// configuration and the renewal journal. The format and algorithms are specified in SPEC.md.
    /// </summary>
    /// <remarks>
    /// <para>Promise: power off at any point loses nothing but the transaction being committed; after a cut the
    /// log holds exactly the state before or after that transaction.</para>
    /// <para>Changes are grouped in a <see cref="LogTransaction"/> and become visible, on flash and in memory, in
    /// one atomic commit. Reads see committed state only. Not thread-safe: callers serialise access.</para>
    /// </remarks>
    public sealed partial class RecordLog
    {
        /// <summary>Size of the one buffer that compaction, purge and blank checks stream flash data through.</summary>
        private const int IoSize = 512;

        private readonly IFlash _flash;
        private readonly int _sectorSize;
        private readonly int _sectorCount;
        private readonly int _maxValueLength;
        private readonly int _reserveSectors;
        private readonly SectorTable _sec;
        private readonly LiveIndex _index = new LiveIndex();
        private readonly RecordRun _run = new RecordRun();
        /// <summary>Bytes streamed through when values are verified, relocated or checked for erased flash.</summary>
        private readonly byte[] _io = new byte[IoSize];
        private int _head;
        private int _headPos;
        private bool _headDirty;
        private uint _nextTxnSeq;
        private uint _nextSectorSeq;
        private uint _watermark;
        private int _mountBytesRead;
        private bool _broken;
        private int _corruptValuesDropped;

        private RecordLog(IFlash flash, int maxValueLength)
        {
            CheckGeometry(flash, maxValueLength);
            _flash = flash;
            _sectorSize = flash.SectorSize;
            _sectorCount = flash.SectorCount;
            _maxValueLength = maxValueLength;
            _reserveSectors = ReserveFor(_sectorSize, maxValueLength);
            _sec = new SectorTable(_sectorCount);
        }

        /// <summary>Erases the whole region and writes an empty log. Everything stored before is gone.</summary>
        /// <param name="flash">The region.</param>
        /// <param name="maxValueLength">The largest value the log must accept; it sets how many sectors are kept in reserve.</param>
        public static void Format(IFlash flash, int maxValueLength)
        {
            if (flash == null)
            {
                throw new ArgumentNullException("flash");
            }
            CheckGeometry(flash, maxValueLength);
            // A sector that is already blank is not erased: a factory-fresh partition formats without wear, and no erase
            // is counted that did not happen.
            var buf = new byte[IoSize];
            bool erased0 = false;
            for (int i = 0; i < flash.SectorCount; i++)
            {
                if (!IsBlank(flash, i, buf))
                {
                    flash.EraseSector(i);
                    erased0 |= i == 0;
                }
            }
            var header = BuildSectorHeader(flash.SectorSize, 1, erased0 ? 1u : 0u);
            flash.Program(0, header, 0, header.Length);
        }

        /// <summary>Reads the log from flash, recovering the last committed state after any power cut.</summary>
        /// <exception cref="StorageException">NotFormatted when the region holds no log; BadGeometry when it cannot hold one.</exception>
        public static RecordLog Mount(IFlash flash, int maxValueLength)
        {
            if (flash == null)
            {
                throw new ArgumentNullException("flash");
            }
            var log = new RecordLog(flash, maxValueLength);
            log.Load();
            return log;
        }

        /// <summary>Sectors kept free so that compaction can always relocate a victim's live values.</summary>
        internal static int ReserveFor(int sectorSize, int maxValueLength)
        {
            int perSector = sectorSize - 64;
            return 2 + (maxValueLength + perSector - 1) / perSector;
        }

        private static void CheckGeometry(IFlash flash, int maxValueLength)
        {
            int s = flash.SectorSize;
            if (s < 512 || s > 65536 || (s & (s - 1)) != 0)
            {
                throw new StorageException(StorageError.BadGeometry, "sector size " + s + " is not a power of two between 512 and 65536");
            }
            int a = flash.WriteAlignment;
            if (a != 1 && a != 2 && a != 4)
            {
                throw new StorageException(StorageError.BadGeometry, "write alignment " + a + " is not supported (1, 2 or 4; an encrypted partition cannot hold the store)");
            }
            if (maxValueLength < 1 || maxValueLength > 1048576)
            {
                throw new StorageException(StorageError.BadGeometry, "maximum value length " + maxValueLength + " is outside 1..1048576");
            }
            int needed = ReserveFor(s, maxValueLength) + 3;
            if (flash.SectorCount < needed || flash.Size != flash.SectorCount * s)
            {
                throw new StorageException(StorageError.BadGeometry, "a store for values up to " + maxValueLength + " bytes needs at least " + needed + " sectors of " + s + " bytes; the region has " + flash.SectorCount);
            }
        }

        internal static byte[] BuildSectorHeader(int sectorSize, uint seq, uint eraseCount)
        {
            var h = new byte[LogFormat.SectorHeaderSize];
            LogFormat.PutU32(h, 0, LogFormat.Magic | ((uint)Log2(sectorSize) << 24));
            LogFormat.PutU32(h, 4, seq);
            LogFormat.PutU32(h, 8, eraseCount);
            LogFormat.PutU32(h, 12, Crc32.Compute(h, 0, 12));
            return h;
        }

        internal static int Log2(int n)
        {
            int l = 0;
            while ((1 << l) < n)
            {
                l++;
            }
            return l;
        }

        /// <summary>The sector size a region was formatted with, read from its first sector header; 0 when that header is not valid.</summary>
        public static int ProbeSectorSize(IFlash flash)
        {
            var h = new byte[LogFormat.SectorHeaderSize];
            for (int i = 0; i < flash.SectorCount; i++)
            {
                flash.Read(i * flash.SectorSize, h, 0, h.Length);
                if ((LogFormat.GetU32(h, 0) & LogFormat.MagicMask) == LogFormat.Magic && LogFormat.GetU32(h, 12) == Crc32.Compute(h, 0, 12))
                {
                    int log2 = h[3];
                    return log2 >= 9 && log2 <= 16 ? 1 << log2 : 0;
                }
            }
            return 0;
        }

        // ---- public read API ------------------------------------------------------------------

        /// <summary>Number of live keys.</summary>
        public int Count
        {
            get { return _index.Count; }
        }

        /// <summary>True when <paramref name="key"/> holds a value.</summary>
        public bool Contains(string key)
        {
            return key != null && _index.Find(key) >= 0;
        }

        /// <summary>Length in bytes of the value under <paramref name="key"/>, or -1 when there is none.</summary>
        public int GetLength(string key)
        {
            int slot = key == null ? -1 : _index.Find(key);
            return slot < 0 ? -1 : _index.Length(slot);
        }

        /// <summary>Reads the value under <paramref name="key"/>. False when there is none.</summary>
        /// <exception cref="StorageException">Corrupt when the stored bytes fail their CRC.</exception>
        public bool TryGet(string key, out byte[] value)
        {
            ThrowIfBroken();
            int slot = key == null ? -1 : _index.Find(key);
            if (slot < 0)
            {
                value = new byte[0];
                return false;
            }
            value = ReadValue(slot);
            return true;
        }

        /// <summary>A number that changes every time the value under <paramref name="key"/> is written (put, moved onto the
        /// key, or rewritten elsewhere by compaction) and stays the same while it is not, so that a cache of something derived
        /// from the value can tell whether it is stale without reading it: equal stamps mean the same bytes. 0 when there
        /// is no value. Kept in RAM only and numbered afresh by every mount: compare only stamps of one instance.</summary>
        public int GetStamp(string key)
        {
            int slot = key == null ? -1 : _index.Find(key);
            return slot < 0 ? 0 : _index.Stamp(slot);
        }

        /// <summary>The live keys that start with <paramref name="prefix"/>, in ordinal order. Allocates the keys returned
        /// and their array only.</summary>
        public string[] GetKeys(string prefix)
        {
            int n = 0;
            for (int s = 0; s < _index.SlotLimit; s++)
            {
                if (_index.InUse(s) && _index.KeyStartsWith(s, prefix))
                {
                    n++;
                }
            }
            var keys = new string[n];
            n = 0;
            for (int s = 0; s < _index.SlotLimit && n < keys.Length; s++)
            {
                if (_index.InUse(s) && _index.KeyStartsWith(s, prefix))
                {
                    keys[n++] = _index.Key(s);
                }
            }
            SortOrdinal(keys);
            return keys;
        }

        /// <summary>Starts a transaction; nothing is written until <see cref="LogTransaction.Commit"/>.</summary>
        public LogTransaction Begin()
        {
            ThrowIfBroken();
            return new LogTransaction(this);
        }

        /// <summary>Bytes of value data that can be added before the log is full, counting each value's record overhead
        /// with <see cref="ValueOverhead"/>. Space held by dropped records counts as free: compaction reclaims it.</summary>
        public int AvailableBytes
        {
            get
            {
                int free = CapacityBytes - FootprintBytes;
                return free > 0 ? free : 0;
            }
        }

        /// <summary>Bytes of log space for values and their records that are certain to be usable: the region less the
        /// reserve and one partly used sector, and in each sector less its header and the most a record can leave unused
        /// at its end when it skips to the next sector (an eighth of a sector).</summary>
        public int CapacityBytes
        {
            get { return (_sectorCount - _reserveSectors - 1) * (_sectorSize - LogFormat.SectorHeaderSize - _sectorSize / 8); }
        }

        /// <summary>Log space the live values need (their records, commits and worst-case chunk splits).</summary>
        public int FootprintBytes
        {
            get
            {
                int total = 0;
                for (int s = 0; s < _index.SlotLimit; s++)
                {
                    if (_index.InUse(s))
                    {
                        total += Footprint(_index.KeyLength(s), _index.Length(s));
                    }
                }
                return total;
            }
        }

        /// <summary>Log space one value of <paramref name="length"/> bytes under a key of <paramref name="keyLength"/> ASCII
        /// characters needs, beyond its data: <c>Footprint - length</c>.</summary>
        public int ValueOverhead(int keyLength, int length)
        {
            return Footprint(keyLength, length) - length;
        }

        internal int Footprint(int keyLength, int length)
        {
            int perSector = _sectorSize - 64;
            int splits = (length + perSector - 1) / perSector;
            return LogFormat.AlignUp(LogFormat.RecordHeaderSize + keyLength) + LogFormat.AlignUp(length)
                + LogFormat.CommitSize + splits * (LogFormat.RecordHeaderSize + LogFormat.Align);
        }

        /// <summary>Largest value accepted.</summary>
        public int MaxValueLength
        {
            get { return _maxValueLength; }
        }

        /// <summary>Sectors kept free for compaction.</summary>
        public int ReserveSectors
        {
            get { return _reserveSectors; }
        }

        /// <summary>Sectors that hold no live log data (erased, or released by compaction).</summary>
        public int FreeSectors
        {
            get
            {
                int n = 0;
                for (int i = 0; i < _sectorCount; i++)
                {
                    if (!_sec.Live[i])
                    {
                        n++;
                    }
                }
                return n;
            }
        }

        /// <summary>Bytes of the live sectors that hold data (headers and records, including superseded ones): what
        /// compaction works on. The rest of the region is erased or reclaimable.</summary>
        public int WrittenBytes
        {
            get
            {
                int total = 0;
                for (int i = 0; i < _sectorCount; i++)
                {
                    if (_sec.Live[i])
                    {
                        int end = i == _head ? _headPos : _sec.End[i];
                        total += end - i * _sectorSize;
                    }
                }
                return total;
            }
        }

        /// <summary>Bytes read from flash by the mount that created this instance.</summary>
        public int MountBytesRead
        {
            get { return _mountBytesRead; }
        }

        /// <summary>Erase count of each sector as recorded in its header (0 when unknown).</summary>
        public uint[] GetEraseCounts()
        {
            var r = new uint[_sectorCount];
            for (int i = 0; i < _sectorCount; i++)
            {
                r[i] = _sec.EraseCount[i];
            }
            return r;
        }

        /// <summary>Values found corrupt (CRC) during compaction and therefore dropped since mount.</summary>
        public int CorruptValuesDropped
        {
            get { return _corruptValuesDropped; }
        }

        // ---- helpers ------------------------------------------------------------------------------

        private byte[] ReadValue(int slot)
        {
            var data = new byte[_index.Length(slot)];
            int o = 0;
            for (int i = 0; i < _index.ChunkCount(slot); i++)
            {
                int address = _index.ChunkAddress(slot, i);
                int n = _index.ChunkLength(slot, i);
                _flash.Read(address, data, o, n);
                if (Crc32.Compute(data, o, n) != _index.ChunkCrc(slot, i))
                {
                    throw Corrupt(slot, address);
                }
                o += n;
            }
            return data;
        }

        private StorageException Corrupt(int slot, int address)
        {
            return new StorageException(StorageError.Corrupt, "the value of '" + _index.Key(slot) + "' fails its CRC at flash address " + address);
        }

        /// <summary>True when every byte of <paramref name="sector"/> is erased.</summary>
        private static bool IsBlank(IFlash flash, int sector, byte[] buf)
        {
            int size = flash.SectorSize;
            int start = sector * size;
            for (int o = 0; o < size; o += buf.Length)
            {
                int n = size - o < buf.Length ? size - o : buf.Length;
                flash.Read(start + o, buf, 0, n);
                if (!LogFormat.AllErased(buf, 0, n))
                {
                    return false;
                }
            }
            return true;
        }

        private void Read(int address, byte[] buffer, int count)
        {
            Read(address, buffer, 0, count);
        }

        private void Read(int address, byte[] buffer, int offset, int count)
        {
            _flash.Read(address, buffer, offset, count);
            _mountBytesRead += count;
        }

        private void ThrowIfBroken()
        {
            if (_broken)
            {
                throw new StorageException(StorageError.MountRequired, "a flash operation failed during a commit: mount the store again");
            }
        }

        internal static void SortOrdinal(string[] a)
        {
            for (int i = 1; i < a.Length; i++)
            {
                var x = a[i];
                int j = i - 1;
                while (j >= 0 && CompareOrdinal(a[j], x) > 0)
                {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = x;
            }
        }

        internal static int CompareOrdinal(string a, string b)
        {
            int n = a.Length < b.Length ? a.Length : b.Length;
            for (int i = 0; i < n; i++)
            {
                if (a[i] != b[i])
                {
                    return a[i] - b[i];
                }
            }
            return a.Length - b.Length;
        }
    }
}
