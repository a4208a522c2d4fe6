using System;
using System.Collections;
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
        private readonly IFlash _flash;
        private readonly int _sectorSize;
        private readonly int _sectorCount;
        private readonly int _maxValueLength;
        private readonly int _reserveSectors;
        private readonly SectorState[] _sectors;
        private readonly Hashtable _values = new Hashtable();
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
            _sectors = new SectorState[_sectorCount];
            for (int i = 0; i < _sectorCount; i++)
            {
                _sectors[i] = new SectorState();
            }
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
            for (int i = 0; i < flash.SectorCount; i++)
            {
                flash.EraseSector(i);
            }
            var header = BuildSectorHeader(flash.SectorSize, 1, 1);
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
            get { return _values.Count; }
        }

        /// <summary>True when <paramref name="key"/> holds a value.</summary>
        public bool Contains(string key)
        {
            return _values.Contains(key);
        }

        /// <summary>Length in bytes of the value under <paramref name="key"/>, or -1 when there is none.</summary>
        public int GetLength(string key)
        {
            var v = _values[key] as ValueRef;
            return v == null ? -1 : v.Length;
        }

        /// <summary>Reads the value under <paramref name="key"/>. False when there is none.</summary>
        /// <exception cref="StorageException">Corrupt when the stored bytes fail their CRC.</exception>
        public bool TryGet(string key, out byte[] value)
        {
            ThrowIfBroken();
            var v = _values[key] as ValueRef;
            if (v == null)
            {
                value = new byte[0];
                return false;
            }
            value = ReadValue(v);
            return true;
        }

        /// <summary>The live keys that start with <paramref name="prefix"/>, in ordinal order.</summary>
        public string[] GetKeys(string prefix)
        {
            var list = new ArrayList();
            foreach (DictionaryEntry e in _values)
            {
                var k = (string)e.Key;
                if (k.StartsWith(prefix))
                {
                    list.Add(k);
                }
            }
            var keys = new string[list.Count];
            for (int i = 0; i < keys.Length; i++)
            {
                keys[i] = (string)list[i]!;
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
                foreach (DictionaryEntry e in _values)
                {
                    var v = (ValueRef)e.Value!;
                    total += Footprint(v.Key.Length, v.Length);
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
                    if (!_sectors[i].Live)
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
                    var s = _sectors[i];
                    if (s.Live)
                    {
                        int end = i == _head ? _headPos : s.End;
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
                r[i] = _sectors[i].EraseCount;
            }
            return r;
        }

        /// <summary>Values found corrupt (CRC) during compaction and therefore dropped since mount.</summary>
        public int CorruptValuesDropped
        {
            get { return _corruptValuesDropped; }
        }

        // ---- mount --------------------------------------------------------------------------------

        private void Load()
        {
            var hdr = new byte[LogFormat.SectorHeaderSize];
            uint maxSectorSeq = 0;
            int foreignGeometry = 0;
            for (int i = 0; i < _sectorCount; i++)
            {
                Read(i * _sectorSize, hdr, LogFormat.SectorHeaderSize);
                var s = _sectors[i];
                bool ours = (LogFormat.GetU32(hdr, 0) & LogFormat.MagicMask) == LogFormat.Magic && LogFormat.GetU32(hdr, 12) == Crc32.Compute(hdr, 0, 12);
                if (ours && hdr[3] != Log2(_sectorSize))
                {
                    foreignGeometry = hdr[3];
                    ours = false;
                }
                if (ours)
                {
                    s.Valid = true;
                    s.Seq = LogFormat.GetU32(hdr, 4);
                    s.EraseCount = LogFormat.GetU32(hdr, 8);
                    if (s.Seq > maxSectorSeq)
                    {
                        maxSectorSeq = s.Seq;
                    }
                }
            }
            int[] order = ValidSectorsBySeq();
            if (order.Length == 0 && foreignGeometry != 0)
            {
                throw new StorageException(StorageError.BadGeometry, "the store was formatted with " + (1 << foreignGeometry) + "-byte sectors, not " + _sectorSize);
            }
            if (order.Length == 0)
            {
                throw new StorageException(StorageError.NotFormatted, "the region holds no nf.Certs store (no valid sector header)");
            }
            int headIndex = order[order.Length - 1];
            var records = new ArrayList();
            uint maxTxn = 0;
            for (int i = 0; i < order.Length; i++)
            {
                ScanSector(order[i], order[i] == headIndex, records);
            }
            for (int i = 0; i < records.Count; i++)
            {
                uint seq = ((RecordRef)records[i]!).Seq;
                if (seq > maxTxn)
                {
                    maxTxn = seq;
                }
            }
            // Pass 1: the highest committed RELEASE watermark says which old sectors are dead.
            var scratch = new Hashtable();
            _watermark = Replay(records, scratch, 0, null);
            for (int i = 0; i < order.Length; i++)
            {
                var s = _sectors[order[i]];
                s.Live = s.Seq > _watermark;
            }
            // Pass 2: the state, from live sectors only.
            var liveRecords = new ArrayList();
            for (int i = 0; i < records.Count; i++)
            {
                var r = (RecordRef)records[i]!;
                if (_sectors[r.Sector].Live)
                {
                    liveRecords.Add(r);
                }
            }
            var releases = new ArrayList();
            Replay(liveRecords, _values, _watermark, releases);
            // A reclaimed sector has no header until it is reused: its erase count is in the RELEASE that reclaimed it.
            for (int i = 0; i < releases.Count; i++)
            {
                var rel = (RecordRef)releases[i]!;
                if (rel.ReleasedSector >= 0 && rel.ReleasedSector < _sectorCount)
                {
                    var fs = _sectors[rel.ReleasedSector];
                    if (!fs.Live && rel.ReleasedEraseCount > fs.EraseCount)
                    {
                        fs.EraseCount = rel.ReleasedEraseCount;
                    }
                }
            }
            _head = headIndex;
            _headPos = _sectors[headIndex].End;
            _headDirty = _sectors[headIndex].DirtyEnd;
            _nextTxnSeq = maxTxn + 1;
            _nextSectorSeq = maxSectorSeq + 1;
        }

        private int[] ValidSectorsBySeq()
        {
            int n = 0;
            for (int i = 0; i < _sectorCount; i++)
            {
                if (_sectors[i].Valid)
                {
                    n++;
                }
            }
            var order = new int[n];
            int k = 0;
            for (int i = 0; i < _sectorCount; i++)
            {
                if (_sectors[i].Valid)
                {
                    // insertion by sequence number
                    int j = k++;
                    while (j > 0 && _sectors[order[j - 1]].Seq > _sectors[i].Seq)
                    {
                        order[j] = order[j - 1];
                        j--;
                    }
                    order[j] = i;
                }
            }
            return order;
        }

        /// <summary>Reads the record headers of one sector; stops at erased flash or at anything invalid.</summary>
        private void ScanSector(int sector, bool isHead, ArrayList records)
        {
            var s = _sectors[sector];
            int start = sector * _sectorSize;
            int end = start + _sectorSize;
            int pos = start + LogFormat.SectorHeaderSize;
            var buf = new byte[LogFormat.MaxHeadOp];
            while (true)
            {
                int remaining = end - pos;
                if (remaining < LogFormat.CommitSize)
                {
                    s.End = pos;
                    return;
                }
                // Read what a COMMIT needs first; other records need the rest of their header and their key.
                int probe = LogFormat.CommitSize;
                Read(pos, buf, probe);
                byte type = buf[0];
                if (type == LogFormat.Erased)
                {
                    s.End = pos;
                    if (isHead)
                    {
                        // A torn program may have cleared bits anywhere in the operation after an erased type byte:
                        // the head must be followed by erased flash for as far as the next record's first operation.
                        int check = remaining < LogFormat.MaxHeadOp ? remaining : LogFormat.MaxHeadOp;
                        if (check > probe)
                        {
                            Read(pos + probe, buf, probe, check - probe);
                        }
                        s.DirtyEnd = !LogFormat.AllErased(buf, 0, check);
                    }
                    return;
                }
                if (type == LogFormat.TypeCommit)
                {
                    if (LogFormat.GetU32(buf, 8) != Crc32.Compute(buf, 0, 8) || buf[1] != 0)
                    {
                        MarkDirty(s, pos);
                        return;
                    }
                    var c = new RecordRef();
                    c.Type = type;
                    c.Sector = sector;
                    c.Address = pos;
                    c.Aux = (uint)LogFormat.GetU16(buf, 2);
                    c.Seq = LogFormat.GetU32(buf, 4);
                    records.Add(c);
                    pos += LogFormat.CommitSize;
                    continue;
                }
                if (remaining < LogFormat.RecordHeaderSize)
                {
                    MarkDirty(s, pos);
                    return;
                }
                Read(pos + probe, buf, probe, LogFormat.RecordHeaderSize - probe);
                int k = buf[1];
                int d = LogFormat.GetU16(buf, 2);
                int headLen = LogFormat.AlignUp(LogFormat.RecordHeaderSize + k);
                int total = headLen + LogFormat.AlignUp(d);
                if (!KnownType(type) || k > LogFormat.MaxKeyArea || total > remaining)
                {
                    MarkDirty(s, pos);
                    return;
                }
                if (k > 0)
                {
                    Read(pos + LogFormat.RecordHeaderSize, buf, LogFormat.RecordHeaderSize, k);
                }
                if (LogFormat.GetU32(buf, 12) != HeaderCrc(buf, k))
                {
                    MarkDirty(s, pos);
                    return;
                }
                var r = new RecordRef();
                r.Type = type;
                r.Sector = sector;
                r.Address = pos;
                r.Seq = LogFormat.GetU32(buf, 4);
                r.DataAddress = pos + headLen;
                r.DataLength = d;
                r.DataCrc = LogFormat.GetU32(buf, 8);
                if (!DecodeKeys(r, buf, k))
                {
                    MarkDirty(s, pos);
                    return;
                }
                if (type == LogFormat.TypeRelease)
                {
                    r.Aux = r.DataCrc;
                }
                records.Add(r);
                pos += total;
            }
        }

        private static void MarkDirty(SectorState s, int pos)
        {
            s.End = pos;
            s.DirtyEnd = true;
        }

        private static bool KnownType(byte t)
        {
            return t == LogFormat.TypePut || t == LogFormat.TypeCont || t == LogFormat.TypeDelete
                || t == LogFormat.TypeMove || t == LogFormat.TypeRelease;
        }

        internal static uint HeaderCrc(byte[] header, int keyLength)
        {
            uint c = Crc32.Update(Crc32.Start, header, 0, 12);
            c = Crc32.Update(c, header, LogFormat.RecordHeaderSize, keyLength);
            return Crc32.Finish(c);
        }

        private static bool DecodeKeys(RecordRef r, byte[] buf, int k)
        {
            int o = LogFormat.RecordHeaderSize;
            switch (r.Type)
            {
                case LogFormat.TypePut:
                case LogFormat.TypeDelete:
                    if (k < 1 || k > LogFormat.MaxKeyLength)
                    {
                        return false;
                    }
                    r.Key = Ascii(buf, o, k);
                    return r.Type == LogFormat.TypePut || r.DataLength == 0;
                case LogFormat.TypeMove:
                    int sep = -1;
                    for (int i = 0; i < k; i++)
                    {
                        if (buf[o + i] == 0)
                        {
                            sep = i;
                            break;
                        }
                    }
                    if (sep < 1 || sep > LogFormat.MaxKeyLength || k - sep - 1 < 1 || k - sep - 1 > LogFormat.MaxKeyLength)
                    {
                        return false;
                    }
                    r.Key = Ascii(buf, o, sep);
                    r.Key2 = Ascii(buf, o + sep + 1, k - sep - 1);
                    return r.DataLength == 0;
                case LogFormat.TypeCont:
                    return k == 0;
                default: // RELEASE: reclaimed sector index and its erase count
                    if (k != LogFormat.ReleaseKeyArea || r.DataLength != 0)
                    {
                        return false;
                    }
                    r.ReleasedSector = (int)LogFormat.GetU32(buf, o);
                    r.ReleasedEraseCount = LogFormat.GetU32(buf, o + 4);
                    return true;
            }
        }

        private static string Ascii(byte[] b, int o, int n)
        {
            var chars = new char[n];
            for (int i = 0; i < n; i++)
            {
                chars[i] = (char)b[o + i];
            }
            return new string(chars);
        }

        /// <summary>
        /// Applies the committed transactions in <paramref name="records"/> to <paramref name="state"/>; returns the highest
        /// committed RELEASE watermark (at least <paramref name="watermark"/>).
        /// </summary>
        private uint Replay(ArrayList records, Hashtable state, uint watermark, ArrayList? releases)
        {
            var pending = new ArrayList();
            bool commitSeen = false;
            for (int i = 0; i < records.Count; i++)
            {
                var r = (RecordRef)records[i]!;
                if (r.Type != LogFormat.TypeCommit)
                {
                    pending.Add(r);
                    continue;
                }
                // The transaction is the run of pending records carrying the commit's sequence number.
                int first = pending.Count;
                while (first > 0 && ((RecordRef)pending[first - 1]!).Seq == r.Seq)
                {
                    first--;
                }
                int n = pending.Count - first;
                bool whole = n == (int)r.Aux;
                // A transaction whose beginning lay in a sector that compaction has since released is applied as far
                // as it is still there: compaction relocated whatever of it was live.
                bool truncated = !commitSeen && first == 0 && n > 0 && n < (int)r.Aux;
                if (whole || truncated)
                {
                    RecordRef? current = null;
                    for (int j = first; j < pending.Count; j++)
                    {
                        watermark = Apply((RecordRef)pending[j]!, state, ref current, watermark, releases);
                    }
                }
                pending.Clear();
                commitSeen = true;
            }
            return watermark;
        }

        private static uint Apply(RecordRef r, Hashtable state, ref RecordRef? currentPut, uint watermark, ArrayList? releases)
        {
            switch (r.Type)
            {
                case LogFormat.TypePut:
                    var v = new ValueRef(r.Key, r.Seq);
                    v.Chunks.Add(r);
                    v.Length = r.DataLength;
                    state[r.Key] = v;
                    currentPut = r;
                    break;
                case LogFormat.TypeCont:
                    if (currentPut != null)
                    {
                        var owner = state[currentPut.Key] as ValueRef;
                        if (owner != null && owner.Chunks[0] == currentPut)
                        {
                            owner.Chunks.Add(r);
                            owner.Length += r.DataLength;
                        }
                    }
                    break;
                case LogFormat.TypeDelete:
                    state.Remove(r.Key);
                    currentPut = null;
                    break;
                case LogFormat.TypeMove:
                    var moved = state[r.Key] as ValueRef;
                    if (moved != null)
                    {
                        state.Remove(r.Key);
                        moved.Key = r.Key2;
                        state[r.Key2] = moved;
                    }
                    currentPut = null;
                    break;
                case LogFormat.TypeRelease:
                    if (releases != null)
                    {
                        releases.Add(r);
                    }
                    if (r.Aux > watermark)
                    {
                        watermark = r.Aux;
                    }
                    currentPut = null;
                    break;
            }
            return watermark;
        }

        // ---- helpers ------------------------------------------------------------------------------

        private byte[] ReadValue(ValueRef v)
        {
            var data = new byte[v.Length];
            int o = 0;
            for (int i = 0; i < v.Chunks.Count; i++)
            {
                var c = (RecordRef)v.Chunks[i]!;
                _flash.Read(c.DataAddress, data, o, c.DataLength);
                if (Crc32.Compute(data, o, c.DataLength) != c.DataCrc)
                {
                    throw new StorageException(StorageError.Corrupt, "the value of '" + v.Key + "' fails its CRC at flash address " + c.DataAddress);
                }
                o += c.DataLength;
            }
            return data;
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
