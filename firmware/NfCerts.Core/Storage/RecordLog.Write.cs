using System;
using NfCerts.Hal;

namespace NfCerts.Core.Storage
{
    /// <summary>The writer: validates a transaction, plans it (a dry run of the same code), makes room, writes its
    /// records and COMMIT, then applies them to the index.</summary>
    public sealed partial class RecordLog
    {
        /// <summary>Smallest data chunk worth starting at the end of a sector for a value larger than a sector.</summary>
        private const int MinChunk = 64;

        // Write cursor: a dry run plans (counting sectors it would open) with exactly the code that writes.
        private bool _dry;
        private int _wSector;
        private int _wOff;
        private bool _wNeedNew;
        private int _wOpened;

        /// <summary>The header being written and the key area of the record being emitted (reused).</summary>
        private readonly byte[] _whdr = new byte[LogFormat.MaxHeadOp];
        private readonly byte[] _key = new byte[LogFormat.MaxKeyArea];
        private int _keyLength;

        // The value a PUT writes: an array the caller gave, or (when null) the value of an index slot, read from flash.
        private byte[]? _srcArray;
        private int _srcSlot;

        internal static void CheckKey(string key)
        {
            if (key == null)
            {
                throw new ArgumentNullException("key");
            }
            if (key.Length < 1 || key.Length > LogFormat.MaxKeyLength)
            {
                throw new StorageException(StorageError.InvalidArgument, "a key must have 1 to " + LogFormat.MaxKeyLength + " characters");
            }
            for (int i = 0; i < key.Length; i++)
            {
                char c = key[i];
                if (c < '!' || c > '~')
                {
                    throw new StorageException(StorageError.InvalidArgument, "a key may hold only printable ASCII without spaces");
                }
            }
        }

        internal void CommitTransaction(LogTransaction t)
        {
            ThrowIfBroken();
            if (t.Ops.Count == 0)
            {
                return;
            }
            int footprint = ValidateAndMeasure(t);
            if (footprint > CapacityBytes)
            {
                throw new StorageException(StorageError.NoSpace, "the store needs " + footprint + " bytes for this change but holds " + CapacityBytes);
            }
            try
            {
                bool room = false;
                for (int attempt = 0; attempt <= _sectorCount && !room; attempt++)
                {
                    BeginWrite(true);
                    WriteOps(t);
                    room = _wOpened <= FreeSectors - _reserveSectors;
                    if (!room && !CompactOnce())
                    {
                        break;
                    }
                }
                if (!room)
                {
                    throw new StorageException(StorageError.NoSpace, "the store cannot make room for this change");
                }
                BeginWrite(false);
                WriteOps(t);
                EndWrite(false);
            }
            catch (FlashException e)
            {
                throw Broken(e);
            }
        }

        private StorageException Broken(FlashException e)
        {
            _broken = true;
            return new StorageException(StorageError.MountRequired, "flash failed during a commit (" + e.Message + "): mount the store again", e);
        }

        /// <summary>Checks every operation against the state it will meet and returns the footprint of the resulting state.
        /// Only the keys the transaction touches are tracked apart from the index.</summary>
        private int ValidateAndMeasure(LogTransaction t)
        {
            int n = 2 * t.Ops.Count;
            var keys = new string[n];
            var lengths = new int[n];
            int used = 0;
            for (int i = 0; i < t.Ops.Count; i++)
            {
                var op = (LogOp)t.Ops[i]!;
                if (op.Type == LogFormat.TypePut)
                {
                    used = SetLength(keys, lengths, used, op.Key, op.Value!.Length);
                    continue;
                }
                int length = LengthAfter(keys, lengths, used, op.Key);
                if (length < 0)
                {
                    throw new StorageException(StorageError.NotFound, "'" + op.Key + "' does not exist");
                }
                if (op.Type == LogFormat.TypeMove)
                {
                    used = SetLength(keys, lengths, used, op.Key2, length);
                }
                used = SetLength(keys, lengths, used, op.Key, -1);
            }
            int total = FootprintBytes;
            for (int i = 0; i < used; i++)
            {
                int slot = _index.Find(keys[i]);
                if (slot >= 0)
                {
                    total -= Footprint(keys[i].Length, _index.Length(slot));
                }
                if (lengths[i] >= 0)
                {
                    total += Footprint(keys[i].Length, lengths[i]);
                }
            }
            return total;
        }

        /// <summary>The length <paramref name="key"/> has so far in the transaction (or in the index), -1 when absent.</summary>
        private int LengthAfter(string[] keys, int[] lengths, int used, string key)
        {
            for (int i = 0; i < used; i++)
            {
                if (keys[i] == key)
                {
                    return lengths[i];
                }
            }
            int slot = _index.Find(key);
            return slot < 0 ? -1 : _index.Length(slot);
        }

        private static int SetLength(string[] keys, int[] lengths, int used, string key, int length)
        {
            for (int i = 0; i < used; i++)
            {
                if (keys[i] == key)
                {
                    lengths[i] = length;
                    return used;
                }
            }
            keys[used] = key;
            lengths[used] = length;
            return used + 1;
        }

        private void BeginWrite(bool dry)
        {
            _dry = dry;
            _wSector = _head;
            _wOff = _headPos - _head * _sectorSize;
            _wNeedNew = _headDirty;
            _wOpened = 0;
            _run.Clear(_nextTxnSeq);
        }

        /// <summary>Writes (or plans) the records of the transaction's operations followed by their commit.</summary>
        private void WriteOps(LogTransaction t)
        {
            uint seq = _nextTxnSeq;
            int count = 0;
            for (int i = 0; i < t.Ops.Count; i++)
            {
                var op = (LogOp)t.Ops[i]!;
                SetKey(op.Key, op.Type == LogFormat.TypeMove ? op.Key2 : null);
                if (op.Type == LogFormat.TypePut)
                {
                    _srcArray = op.Value;
                    count += EmitPut(op.Value!.Length, seq);
                    _srcArray = null;
                }
                else
                {
                    EmitRecord(op.Type, 0, 0, seq, 0);
                    count++;
                }
            }
            EmitCommit(seq, count);
        }

        /// <summary>Applies what was just written to the index and moves the head.</summary>
        private void EndWrite(bool countDrops)
        {
            ApplyRun(countDrops);
            _run.Clear(0);
            _nextTxnSeq++;
            _head = _wSector;
            _headPos = _wSector * _sectorSize + _wOff;
            _headDirty = false;
        }

        /// <summary>Sets the key area of the next record: the key, or "source NUL destination" for a MOVE.</summary>
        private void SetKey(string key, string? key2)
        {
            for (int i = 0; i < key.Length; i++)
            {
                _key[i] = (byte)key[i];
            }
            _keyLength = key.Length;
            if (key2 != null)
            {
                _key[_keyLength++] = 0;
                for (int i = 0; i < key2.Length; i++)
                {
                    _key[_keyLength++] = (byte)key2[i];
                }
            }
        }

        private int SpaceLeft
        {
            get { return _wNeedNew ? 0 : _sectorSize - _wOff; }
        }

        /// <summary>Emits a PUT of <paramref name="length"/> bytes from the current source (and its CONTs); returns the records.</summary>
        private int EmitPut(int length, uint seq)
        {
            int firstHead = LogFormat.AlignUp(LogFormat.RecordHeaderSize + _keyLength);
            int off = 0;
            int left = length;
            int records = 0;
            // A value that fits in an empty sector is split only when a good part of it fits here: a split costs a
            // record header, skipping costs only erased space.
            bool fitsFresh = firstHead + LogFormat.AlignUp(left) <= _sectorSize - LogFormat.SectorHeaderSize;
            int minChunk = fitsFresh ? _sectorSize / 8 : MinChunk;
            while (true)
            {
                int head = records == 0 ? firstHead : LogFormat.RecordHeaderSize;
                int space = SpaceLeft;
                bool fitsWhole = head + LogFormat.AlignUp(left) <= space;
                if (!fitsWhole && space - head < minChunk)
                {
                    OpenSector();
                    continue;
                }
                int chunk = fitsWhole ? left : (space - head) & ~(LogFormat.Align - 1);
                if (records == 1)
                {
                    _keyLength = 0; // CONT records carry no key
                }
                EmitRecord(records == 0 ? LogFormat.TypePut : LogFormat.TypeCont, off, chunk, seq, 0);
                records++;
                off += chunk;
                left -= chunk;
                if (left == 0)
                {
                    return records;
                }
            }
        }

        /// <summary>Emits one record with the key area in <see cref="_key"/> and <paramref name="length"/> bytes of the
        /// current source from <paramref name="offset"/>; for RELEASE, <paramref name="aux"/> is the watermark.</summary>
        private void EmitRecord(byte type, int offset, int length, uint seq, uint aux)
        {
            int headLen = LogFormat.AlignUp(LogFormat.RecordHeaderSize + _keyLength);
            int total = headLen + LogFormat.AlignUp(length);
            if (total > SpaceLeft)
            {
                OpenSector();
            }
            int address = _wSector * _sectorSize + _wOff;
            _wOff += total;
            if (_dry)
            {
                return;
            }
            var h = _whdr;
            for (int i = LogFormat.RecordHeaderSize + _keyLength; i < headLen; i++)
            {
                h[i] = LogFormat.Erased;
            }
            uint dataCrc = type == LogFormat.TypeRelease ? aux : SourceCrc(offset, length);
            h[0] = type;
            h[1] = (byte)_keyLength;
            LogFormat.PutU16(h, 2, length);
            LogFormat.PutU32(h, 4, seq);
            LogFormat.PutU32(h, 8, dataCrc);
            Array.Copy(_key, 0, h, LogFormat.RecordHeaderSize, _keyLength);
            LogFormat.PutU32(h, 12, HeaderCrc(h, _keyLength));
            _flash.Program(address, h, 0, headLen);
            if (length > 0)
            {
                ProgramSource(address + headLen, offset, length);
            }
            _run.Add(type, _key, 0, _keyLength, address + headLen, length, dataCrc);
        }

        private void EmitCommit(uint seq, int count)
        {
            if (LogFormat.CommitSize > SpaceLeft)
            {
                OpenSector();
            }
            int address = _wSector * _sectorSize + _wOff;
            _wOff += LogFormat.CommitSize;
            if (_dry)
            {
                return;
            }
            var c = _whdr;
            c[0] = LogFormat.TypeCommit;
            c[1] = 0;
            LogFormat.PutU16(c, 2, count);
            LogFormat.PutU32(c, 4, seq);
            LogFormat.PutU32(c, 8, Crc32.Compute(c, 0, 8));
            _flash.Program(address, c, 0, LogFormat.CommitSize);
        }

        /// <summary>Moves the cursor to a fresh sector: the next free one after the current in ring order.</summary>
        private void OpenSector()
        {
            if (!_dry && !_wNeedNew)
            {
                _sec.End[_wSector] = _wSector * _sectorSize + _wOff;
            }
            _wOpened++;
            _wNeedNew = false;
            _wOff = LogFormat.SectorHeaderSize;
            if (_dry)
            {
                return;
            }
            int pick = -1;
            for (int i = 1; i <= _sectorCount; i++)
            {
                int c = (_wSector + i) % _sectorCount;
                if (!_sec.Live[c])
                {
                    pick = c;
                    break;
                }
            }
            if (pick < 0)
            {
                // Planning guarantees a free sector; reaching this is a bug, reported rather than hidden.
                throw new StorageException(StorageError.NoSpace, "no free sector to open");
            }
            EraseIfUsed(pick);
            // The header carries the erases this sector has had as far as the log knows: none for one never erased.
            var header = BuildSectorHeader(_sectorSize, _nextSectorSeq, _sec.EraseCount[pick]);
            _flash.Program(pick * _sectorSize, header, 0, header.Length);
            _sec.Valid[pick] = true;
            _sec.Live[pick] = true;
            _sec.Seq[pick] = _nextSectorSeq++;
            _sec.DirtyEnd[pick] = false;
            _wSector = pick;
        }

        /// <summary>Erases a sector that is not live unless it is blank already. True when it erased.</summary>
        private bool EraseIfUsed(int sector)
        {
            if (IsBlank(_flash, sector, _io))
            {
                return false;
            }
            _sec.Valid[sector] = false;
            _flash.EraseSector(sector);
            _sec.EraseCount[sector]++;
            _sec.DirtyEnd[sector] = false;
            return true;
        }
    }
}
