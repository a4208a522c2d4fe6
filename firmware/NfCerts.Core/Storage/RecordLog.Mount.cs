namespace NfCerts.Core.Storage
{
    /// <summary>Mount: reads the sector headers, then streams every record, replaying committed transactions into the
    /// live index. Nothing per record is kept: only the index and the one transaction being replayed.</summary>
    public sealed partial class RecordLog
    {
        // What NextRecord found at a position.
        private const int FoundEnd = 0;
        private const int FoundDirty = 1;
        private const int FoundRecord = 2;
        private const int FoundCommit = 3;

        /// <summary>The header and key area of the record just scanned (reused).</summary>
        private readonly byte[] _hdr = new byte[LogFormat.MaxHeadOp];
        private byte _rType;
        private int _rKeyLength;
        private int _rDataAddress;
        private int _rDataLength;
        private uint _rSeq;
        private uint _rCrc;
        private int _rTotal;

        // Replay: whether a record was discarded since the last COMMIT, whether any COMMIT was seen, and the position in
        // the sector order of the run's first record.
        private bool _runPreceded;
        private int _runFirst;
        private bool _commitSeen;

        private void Load()
        {
            uint maxSectorSeq = 0;
            int foreignGeometry = 0;
            for (int i = 0; i < _sectorCount; i++)
            {
                Read(i * _sectorSize, _hdr, LogFormat.SectorHeaderSize);
                bool ours = (LogFormat.GetU32(_hdr, 0) & LogFormat.MagicMask) == LogFormat.Magic && LogFormat.GetU32(_hdr, 12) == Crc32.Compute(_hdr, 0, 12);
                if (ours && _hdr[3] != Log2(_sectorSize))
                {
                    foreignGeometry = _hdr[3];
                    ours = false;
                }
                if (ours)
                {
                    _sec.Valid[i] = true;
                    _sec.Seq[i] = LogFormat.GetU32(_hdr, 4);
                    _sec.EraseCount[i] = LogFormat.GetU32(_hdr, 8);
                    if (_sec.Seq[i] > maxSectorSeq)
                    {
                        maxSectorSeq = _sec.Seq[i];
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
            uint maxTxn = 0;
            _run.Clear(0);
            for (int i = 0; i < order.Length; i++)
            {
                uint m = ReplaySector(order, i, order[i] == headIndex);
                if (m > maxTxn)
                {
                    maxTxn = m;
                }
            }
            // Sectors up to the highest committed RELEASE watermark are dead. When some are still there (a cut came
            // between a RELEASE and its erase), the state is replayed again from the live sectors alone: a transaction
            // that began in a released sector then starts the log, as SPEC.md has it.
            bool deadSeen = false;
            for (int i = 0; i < order.Length; i++)
            {
                int sx = order[i];
                _sec.Live[sx] = _sec.Seq[sx] > _watermark;
                deadSeen |= !_sec.Live[sx];
            }
            if (deadSeen)
            {
                _index.Clear();
                _run.Clear(0);
                _runPreceded = false;
                _commitSeen = false;
                for (int i = 0; i < order.Length; i++)
                {
                    if (_sec.Live[order[i]])
                    {
                        ReplaySector(order, i, order[i] == headIndex);
                    }
                }
            }
            // A reclaimed sector has no header until it is reused: its erase count is in the RELEASE that reclaimed it.
            for (int i = 0; i < _sectorCount; i++)
            {
                if (!_sec.Live[i] && _sec.ReleasedEraseCount[i] > _sec.EraseCount[i])
                {
                    _sec.EraseCount[i] = _sec.ReleasedEraseCount[i];
                }
            }
            _head = ReclaimUncommitted(order);
            _headPos = _sec.End[_head];
            _headDirty = _head != headIndex || _sec.DirtyEnd[_head];
            _nextTxnSeq = maxTxn + 1;
            _nextSectorSeq = maxSectorSeq + 1;
        }

        private int[] ValidSectorsBySeq()
        {
            int n = 0;
            for (int i = 0; i < _sectorCount; i++)
            {
                if (_sec.Valid[i])
                {
                    n++;
                }
            }
            var order = new int[n];
            int k = 0;
            for (int i = 0; i < _sectorCount; i++)
            {
                if (_sec.Valid[i])
                {
                    // insertion by sequence number
                    int j = k++;
                    while (j > 0 && _sec.Seq[order[j - 1]] > _sec.Seq[i])
                    {
                        order[j] = order[j - 1];
                        j--;
                    }
                    order[j] = i;
                }
            }
            return order;
        }

        /// <summary>
        /// Frees the live sectors that hold nothing committed: those a transaction opened before the power failed (a
        /// large value or a compaction can open several). Left live, they would hold the reserve that compaction needs
        /// to retry, until they became the oldest. Returns the head: the newest sector that holds committed data (the
        /// oldest valid one when none does); when that is not the newest valid sector, writing resumes in a new sector.
        /// </summary>
        private int ReclaimUncommitted(int[] order)
        {
            int head = -1;
            for (int k = order.Length - 1; k >= 0 && head < 0; k--)
            {
                int sx = order[k];
                if (_sec.Live[sx] && _sec.Committed[sx])
                {
                    head = order[k];
                }
            }
            if (head < 0)
            {
                head = order[0];
                _sec.Live[head] = true;
            }
            for (int k = 0; k < order.Length; k++)
            {
                int sx = order[k];
                if (_sec.Live[sx] && !_sec.Committed[sx] && order[k] != head)
                {
                    _sec.Live[sx] = false;
                }
            }
            return head;
        }

        /// <summary>Streams the records of sector <paramref name="order"/>[<paramref name="k"/>] into the replay; returns
        /// the highest transaction sequence seen.</summary>
        private uint ReplaySector(int[] order, int k, bool isHead)
        {
            int sector = order[k];
            int pos = sector * _sectorSize + LogFormat.SectorHeaderSize;
            uint maxTxn = 0;
            while (true)
            {
                int found = NextRecord(pos, (sector + 1) * _sectorSize, isHead);
                if (found == FoundEnd || found == FoundDirty)
                {
                    _sec.End[sector] = pos;
                    _sec.DirtyEnd[sector] = found == FoundDirty;
                    return maxTxn;
                }
                if (_rSeq > maxTxn)
                {
                    maxTxn = _rSeq;
                }
                if (found == FoundCommit)
                {
                    if (ReplayCommit(_rSeq, _rDataLength))
                    {
                        // Every sector from the run's first record to its COMMIT holds committed data.
                        int from = _run.Count > 0 ? _runFirst : k;
                        for (int j = from; j <= k; j++)
                        {
                            _sec.Committed[order[j]] = true;
                        }
                    }
                    _run.Clear(0);
                }
                else
                {
                    if (_run.Count > 0 && _run.Seq != _rSeq)
                    {
                        // Records of an abandoned transaction: a COMMIT must follow its records directly.
                        _runPreceded = true;
                        _run.Clear(_rSeq);
                    }
                    if (_run.Count == 0)
                    {
                        _runFirst = k;
                    }
                    _run.Seq = _rSeq;
                    _run.Add(_rType, _hdr, LogFormat.RecordHeaderSize, _rKeyLength, _rDataAddress, _rDataLength, _rCrc);
                }
                pos += _rTotal;
            }
        }

        /// <summary>A COMMIT of <paramref name="count"/> records: applies the run before it if that run is its transaction
        /// (and says so). The caller clears the run.</summary>
        private bool ReplayCommit(uint seq, int count)
        {
            int n = _run.Count > 0 && _run.Seq == seq ? _run.Count : 0;
            bool whole = n == count;
            // A transaction whose beginning lay in a sector that compaction has since released is applied as far as it
            // is still there: compaction relocated whatever of it was live.
            bool truncated = !_commitSeen && !_runPreceded && n > 0 && n < count;
            if (whole || truncated)
            {
                ApplyRun(false);
            }
            _runPreceded = false;
            _commitSeen = true;
            return whole || truncated;
        }

        /// <summary>
        /// Reads the record at <paramref name="pos"/> (headers and key area only, never data) into the scan fields.
        /// FoundEnd at erased flash or the sector's end; FoundDirty at anything that is neither a record nor erased, or,
        /// in the head, erased flash followed by programmed bytes within one record's first operation (a torn program).
        /// </summary>
        private int NextRecord(int pos, int end, bool isHead)
        {
            int remaining = end - pos;
            if (remaining < LogFormat.CommitSize)
            {
                return FoundEnd;
            }
            // Read what a COMMIT needs first; other records need the rest of their header and their key.
            int probe = LogFormat.CommitSize;
            Read(pos, _hdr, probe);
            byte type = _hdr[0];
            if (type == LogFormat.Erased)
            {
                if (!isHead)
                {
                    return FoundEnd;
                }
                int check = remaining < LogFormat.MaxHeadOp ? remaining : LogFormat.MaxHeadOp;
                if (check > probe)
                {
                    Read(pos + probe, _hdr, probe, check - probe);
                }
                return LogFormat.AllErased(_hdr, 0, check) ? FoundEnd : FoundDirty;
            }
            if (type == LogFormat.TypeCommit)
            {
                if (LogFormat.GetU32(_hdr, 8) != Crc32.Compute(_hdr, 0, 8) || _hdr[1] != 0)
                {
                    return FoundDirty;
                }
                _rType = type;
                _rDataLength = LogFormat.GetU16(_hdr, 2);
                _rSeq = LogFormat.GetU32(_hdr, 4);
                _rTotal = LogFormat.CommitSize;
                return FoundCommit;
            }
            if (remaining < LogFormat.RecordHeaderSize)
            {
                return FoundDirty;
            }
            Read(pos + probe, _hdr, probe, LogFormat.RecordHeaderSize - probe);
            int k = _hdr[1];
            int d = LogFormat.GetU16(_hdr, 2);
            int headLen = LogFormat.AlignUp(LogFormat.RecordHeaderSize + k);
            int total = headLen + LogFormat.AlignUp(d);
            if (!KnownType(type) || k > LogFormat.MaxKeyArea || total > remaining)
            {
                return FoundDirty;
            }
            if (k > 0)
            {
                Read(pos + LogFormat.RecordHeaderSize, _hdr, LogFormat.RecordHeaderSize, k);
            }
            if (LogFormat.GetU32(_hdr, 12) != HeaderCrc(_hdr, k) || !WellFormedKeys(type, _hdr, k, d))
            {
                return FoundDirty;
            }
            _rType = type;
            _rKeyLength = k;
            _rSeq = LogFormat.GetU32(_hdr, 4);
            _rDataAddress = pos + headLen;
            _rDataLength = d;
            _rCrc = LogFormat.GetU32(_hdr, 8);
            _rTotal = total;
            return FoundRecord;
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

        /// <summary>The key area of a record of <paramref name="type"/> (at offset 16 of <paramref name="b"/>) is what SPEC.md allows.</summary>
        private static bool WellFormedKeys(byte type, byte[] b, int k, int dataLength)
        {
            switch (type)
            {
                case LogFormat.TypePut:
                    return k >= 1 && k <= LogFormat.MaxKeyLength;
                case LogFormat.TypeDelete:
                    return k >= 1 && k <= LogFormat.MaxKeyLength && dataLength == 0;
                case LogFormat.TypeMove:
                    int sep = MoveSeparator(b, LogFormat.RecordHeaderSize, k);
                    return sep >= 1 && sep <= LogFormat.MaxKeyLength && k - sep - 1 >= 1 && k - sep - 1 <= LogFormat.MaxKeyLength && dataLength == 0;
                case LogFormat.TypeCont:
                    return k == 0;
                default: // RELEASE: reclaimed sector index and its erase count
                    return k == LogFormat.ReleaseKeyArea && dataLength == 0;
            }
        }

        /// <summary>Position of the NUL between a MOVE's source and destination keys, or -1.</summary>
        private static int MoveSeparator(byte[] b, int o, int k)
        {
            for (int i = 0; i < k; i++)
            {
                if (b[o + i] == 0)
                {
                    return i;
                }
            }
            return -1;
        }

        /// <summary>
        /// Applies the records in the run (a committed transaction, replayed or just written) to the index. A RELEASE
        /// drops every value that still has a chunk in a sector it releases: compaction relocated the others, so those
        /// left are the ones it could not read (<paramref name="countDrops"/> counts them).
        /// </summary>
        private void ApplyRun(bool countDrops)
        {
            int current = -1;
            for (int i = 0; i < _run.Count; i++)
            {
                int ko = RecordRun.KeyOffset(i);
                int k = _run.KeyLength[i];
                switch (_run.Type[i])
                {
                    case LogFormat.TypePut:
                        current = _index.Put(_run.KeyArea, ko, k, _run.DataAddress[i], _run.DataLength[i], _run.Crc[i]);
                        break;
                    case LogFormat.TypeCont:
                        if (current >= 0)
                        {
                            _index.AddChunk(current, _run.DataAddress[i], _run.DataLength[i], _run.Crc[i]);
                        }
                        break;
                    case LogFormat.TypeDelete:
                        int gone = _index.Find(_run.KeyArea, ko, k);
                        if (gone >= 0)
                        {
                            _index.Remove(gone);
                        }
                        current = -1;
                        break;
                    case LogFormat.TypeMove:
                        int sep = MoveSeparator(_run.KeyArea, ko, k);
                        int moved = _index.Find(_run.KeyArea, ko, sep);
                        if (moved >= 0)
                        {
                            _index.Move(moved, _run.KeyArea, ko + sep + 1, k - sep - 1);
                        }
                        current = -1;
                        break;
                    default:
                        ApplyRelease(_run.Crc[i], _run.KeyArea, ko, countDrops);
                        current = -1;
                        break;
                }
            }
        }

        private void ApplyRelease(uint watermark, byte[] area, int o, bool countDrops)
        {
            if (watermark > _watermark)
            {
                _watermark = watermark;
            }
            uint sector = LogFormat.GetU32(area, o);
            uint eraseCount = LogFormat.GetU32(area, o + 4);
            if (sector < (uint)_sectorCount && eraseCount > _sec.ReleasedEraseCount[sector])
            {
                _sec.ReleasedEraseCount[sector] = eraseCount;
            }
            for (int s = 0; s < _index.SlotLimit; s++)
            {
                if (_index.InUse(s) && HasChunkUpTo(s, watermark))
                {
                    _index.Remove(s);
                    if (countDrops)
                    {
                        _corruptValuesDropped++;
                    }
                }
            }
        }

        /// <summary>True when the value in <paramref name="slot"/> has a chunk in a sector of sequence ≤ <paramref name="watermark"/>.</summary>
        private bool HasChunkUpTo(int slot, uint watermark)
        {
            for (int i = 0; i < _index.ChunkCount(slot); i++)
            {
                int sx = _index.ChunkAddress(slot, i) / _sectorSize;
                if (_sec.Valid[sx] && _sec.Seq[sx] <= watermark)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
