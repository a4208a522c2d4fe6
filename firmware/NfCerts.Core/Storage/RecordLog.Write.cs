using System;
using System.Collections;
using NfCerts.Hal;

namespace NfCerts.Core.Storage
{
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
        private ArrayList? _written;

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
                    WriteOps(t.Ops, null);
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
                WriteOps(t.Ops, null);
                EndWrite();
            }
            catch (FlashException e)
            {
                _broken = true;
                throw new StorageException(StorageError.MountRequired, "flash failed during a commit (" + e.Message + "): mount the store again", e);
            }
        }

        /// <summary>Checks every operation against the state it will meet and returns the footprint of the resulting state.</summary>
        private int ValidateAndMeasure(LogTransaction t)
        {
            var lengths = new Hashtable();
            foreach (DictionaryEntry e in _values)
            {
                lengths[e.Key] = ((ValueRef)e.Value!).Length;
            }
            for (int i = 0; i < t.Ops.Count; i++)
            {
                var op = (LogOp)t.Ops[i]!;
                switch (op.Type)
                {
                    case LogFormat.TypePut:
                        lengths[op.Key] = op.Value!.Length;
                        break;
                    case LogFormat.TypeDelete:
                        if (!lengths.Contains(op.Key))
                        {
                            throw new StorageException(StorageError.NotFound, "'" + op.Key + "' does not exist");
                        }
                        lengths.Remove(op.Key);
                        break;
                    default:
                        if (!lengths.Contains(op.Key))
                        {
                            throw new StorageException(StorageError.NotFound, "'" + op.Key + "' does not exist");
                        }
                        lengths[op.Key2] = lengths[op.Key];
                        lengths.Remove(op.Key);
                        break;
                }
            }
            int total = 0;
            foreach (DictionaryEntry e in lengths)
            {
                total += Footprint(((string)e.Key).Length, (int)e.Value!);
            }
            return total;
        }

        /// <summary>Relocates the live values of the oldest sector and releases it. False when that cannot be done.</summary>
        private bool CompactOnce()
        {
            int victim = -1;
            for (int i = 0; i < _sectorCount; i++)
            {
                var s = _sectors[i];
                if (s.Live && i != _head && (victim < 0 || s.Seq < _sectors[victim].Seq))
                {
                    victim = i;
                }
            }
            if (victim < 0)
            {
                return false;
            }
            var ops = new ArrayList();
            var dropped = new ArrayList();
            foreach (DictionaryEntry e in _values)
            {
                var v = (ValueRef)e.Value!;
                if (v.HasChunkIn(victim))
                {
                    byte[] data;
                    try
                    {
                        data = ReadValue(v);
                    }
                    catch (StorageException)
                    {
                        // It cannot be rewritten faithfully; once the victim is released it is gone, in memory too.
                        _corruptValuesDropped++;
                        dropped.Add(v.Key);
                        continue;
                    }
                    ops.Add(new LogOp(LogFormat.TypePut, v.Key, "", data));
                }
            }
            // RELEASE names the victim and its erase count after the erase, which its header cannot keep.
            var vs = _sectors[victim];
            var releaseArea = new byte[LogFormat.ReleaseKeyArea];
            LogFormat.PutU32(releaseArea, 0, (uint)victim);
            LogFormat.PutU32(releaseArea, 4, vs.EraseCount + 1);
            ops.Add(new LogOp(LogFormat.TypeRelease, "", "", releaseArea));
            BeginWrite(true);
            WriteOps(ops, vs);
            if (_wOpened > FreeSectors)
            {
                return false;
            }
            BeginWrite(false);
            WriteOps(ops, vs);
            EndWrite();
            // The release is committed: the victim is dead whether or not this erase completes.
            for (int i = 0; i < dropped.Count; i++)
            {
                _values.Remove(dropped[i]!);
            }
            vs.Live = false;
            vs.Valid = false;
            _flash.EraseSector(victim);
            vs.EraseCount++;
            vs.DirtyEnd = false;
            return true;
        }

        private void BeginWrite(bool dry)
        {
            _dry = dry;
            _wSector = _head;
            _wOff = _headPos - _head * _sectorSize;
            _wNeedNew = _headDirty;
            _wOpened = 0;
            _written = dry ? null : new ArrayList();
        }

        /// <summary>Writes (or plans) the records of <paramref name="ops"/> followed by their commit.</summary>
        private void WriteOps(ArrayList ops, SectorState? victim)
        {
            uint seq = _nextTxnSeq;
            int count = 0;
            for (int i = 0; i < ops.Count; i++)
            {
                var op = (LogOp)ops[i]!;
                switch (op.Type)
                {
                    case LogFormat.TypePut:
                        count += EmitPut(op.Key, op.Value!, seq);
                        break;
                    case LogFormat.TypeDelete:
                        EmitRecord(LogFormat.TypeDelete, KeyArea(op.Key, null), null, 0, 0, seq, 0);
                        count++;
                        break;
                    case LogFormat.TypeMove:
                        EmitRecord(LogFormat.TypeMove, KeyArea(op.Key, op.Key2), null, 0, 0, seq, 0);
                        count++;
                        break;
                    default:
                        EmitRecord(LogFormat.TypeRelease, op.Value!, null, 0, 0, seq, victim!.Seq);
                        count++;
                        break;
                }
            }
            EmitCommit(seq, count);
        }

        /// <summary>Applies what was just written to the in-memory state and moves the head.</summary>
        private void EndWrite()
        {
            RecordRef? current = null;
            for (int i = 0; i < _written!.Count; i++)
            {
                _watermark = Apply((RecordRef)_written[i]!, _values, ref current, _watermark, null);
            }
            _nextTxnSeq++;
            _head = _wSector;
            _headPos = _wSector * _sectorSize + _wOff;
            _headDirty = false;
            _written = null;
        }

        private static byte[] KeyArea(string key, string? key2)
        {
            int n = key.Length + (key2 == null ? 0 : key2.Length + 1);
            var b = new byte[n];
            for (int i = 0; i < key.Length; i++)
            {
                b[i] = (byte)key[i];
            }
            if (key2 != null)
            {
                b[key.Length] = 0;
                for (int i = 0; i < key2.Length; i++)
                {
                    b[key.Length + 1 + i] = (byte)key2[i];
                }
            }
            return b;
        }

        private int SpaceLeft
        {
            get { return _wNeedNew ? 0 : _sectorSize - _wOff; }
        }

        private int EmitPut(string key, byte[] value, uint seq)
        {
            var keyArea = KeyArea(key, null);
            int firstHead = LogFormat.AlignUp(LogFormat.RecordHeaderSize + keyArea.Length);
            int off = 0;
            int left = value.Length;
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
                if (records == 0)
                {
                    EmitRecord(LogFormat.TypePut, keyArea, value, off, chunk, seq, 0);
                }
                else
                {
                    EmitRecord(LogFormat.TypeCont, new byte[0], value, off, chunk, seq, 0);
                }
                records++;
                off += chunk;
                left -= chunk;
                if (left == 0)
                {
                    return records;
                }
            }
        }

        private void EmitRecord(byte type, byte[] keyArea, byte[]? data, int offset, int length, uint seq, uint aux)
        {
            int headLen = LogFormat.AlignUp(LogFormat.RecordHeaderSize + keyArea.Length);
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
            var h = new byte[headLen];
            for (int i = LogFormat.RecordHeaderSize + keyArea.Length; i < headLen; i++)
            {
                h[i] = LogFormat.Erased;
            }
            uint dataCrc = type == LogFormat.TypeRelease ? aux : Crc32.Compute(data == null ? h : data, offset, length);
            h[0] = type;
            h[1] = (byte)keyArea.Length;
            LogFormat.PutU16(h, 2, length);
            LogFormat.PutU32(h, 4, seq);
            LogFormat.PutU32(h, 8, dataCrc);
            Array.Copy(keyArea, 0, h, LogFormat.RecordHeaderSize, keyArea.Length);
            LogFormat.PutU32(h, 12, HeaderCrc(h, keyArea.Length));
            _flash.Program(address, h, 0, headLen);
            if (length > 0)
            {
                int whole = length & ~(LogFormat.Align - 1);
                if (whole > 0)
                {
                    _flash.Program(address + headLen, data!, offset, whole);
                }
                if (whole < length)
                {
                    var tail = new byte[LogFormat.Align];
                    for (int i = 0; i < tail.Length; i++)
                    {
                        tail[i] = i < length - whole ? data![offset + whole + i] : LogFormat.Erased;
                    }
                    _flash.Program(address + headLen + whole, tail, 0, tail.Length);
                }
            }
            var r = new RecordRef();
            r.Type = type;
            r.Sector = _wSector;
            r.Address = address;
            r.Seq = seq;
            r.DataAddress = address + headLen;
            r.DataLength = length;
            r.DataCrc = dataCrc;
            r.Aux = aux;
            if (type != LogFormat.TypeCont)
            {
                DecodeKeys(r, h, keyArea.Length);
            }
            _written!.Add(r);
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
            var c = new byte[LogFormat.CommitSize];
            c[0] = LogFormat.TypeCommit;
            c[1] = 0;
            LogFormat.PutU16(c, 2, count);
            LogFormat.PutU32(c, 4, seq);
            LogFormat.PutU32(c, 8, Crc32.Compute(c, 0, 8));
            _flash.Program(address, c, 0, c.Length);
        }

        /// <summary>Moves the cursor to a fresh sector: the next free one after the current in ring order.</summary>
        private void OpenSector()
        {
            if (!_dry && !_wNeedNew)
            {
                _sectors[_wSector].End = _wSector * _sectorSize + _wOff;
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
                if (!_sectors[c].Live)
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
            var s = _sectors[pick];
            if (!IsBlank(pick))
            {
                _flash.EraseSector(pick);
                s.EraseCount++;
            }
            var header = BuildSectorHeader(_sectorSize, _nextSectorSeq, s.EraseCount > 0 ? s.EraseCount : 1);
            _flash.Program(pick * _sectorSize, header, 0, header.Length);
            s.Valid = true;
            s.Live = true;
            s.Seq = _nextSectorSeq++;
            s.EraseCount = s.EraseCount > 0 ? s.EraseCount : 1;
            s.DirtyEnd = false;
            _wSector = pick;
        }

        private bool IsBlank(int sector)
        {
            var buf = new byte[256];
            int start = sector * _sectorSize;
            for (int o = 0; o < _sectorSize; o += buf.Length)
            {
                _flash.Read(start + o, buf, 0, buf.Length);
                if (!LogFormat.AllErased(buf, 0, buf.Length))
                {
                    return false;
                }
            }
            return true;
        }
    }
}
