using NfCerts.Hal;

namespace NfCerts.Core.Storage
{
    /// <summary>Compaction and purge: relocating live values out of the oldest sector, streamed through one small
    /// buffer (never a whole value in RAM), then releasing and erasing that sector.</summary>
    public sealed partial class RecordLog
    {
        /// <summary>Per index slot: relocate it in the compaction being written.</summary>
        private bool[] _relocate = new bool[0];

        /// <summary>
        /// Leaves no superseded or deleted data on flash: afterwards every sector holds only live values (and the log's
        /// bookkeeping records) or is erased. Sectors up to the newest one that holds anything else are compacted (their
        /// live values rewritten), then every sector that is not in use is erased if it is not blank already.
        /// </summary>
        /// <remarks>Power-safe like compaction: a cut at any point leaves the committed state as it was, with the purge
        /// unfinished; purging again after mount completes it. A log that holds nothing stale is not written at all.</remarks>
        /// <exception cref="StorageException">NoSpace when compaction cannot make progress (nothing was lost);
        /// MountRequired after a flash failure.</exception>
        public void Purge()
        {
            ThrowIfBroken();
            try
            {
                // Relocating a value that spans sectors leaves its old chunks in newer sectors stale: look again until
                // no live sector holds anything stale.
                for (int round = 0; round < _sectorCount; round++)
                {
                    int newest = NewestStaleSector();
                    if (newest < 0)
                    {
                        break;
                    }
                    uint limit = _sec.Seq[newest];
                    if (_sec.Seq[_head] <= limit)
                    {
                        // Close the head: the rewritten values go to fresh sectors, and the head can be released too.
                        _headDirty = true;
                    }
                    while (true)
                    {
                        int oldest = OldestLive();
                        if (oldest < 0 || _sec.Seq[oldest] > limit)
                        {
                            break;
                        }
                        if (!CompactOnce())
                        {
                            throw new StorageException(StorageError.NoSpace, "the store has no free sector to purge into");
                        }
                    }
                }
                for (int i = 0; i < _sectorCount; i++)
                {
                    if (!_sec.Live[i])
                    {
                        EraseIfUsed(i);
                    }
                }
            }
            catch (FlashException e)
            {
                throw Broken(e);
            }
        }

        /// <summary>The live sector with the highest sequence that holds stale data, or -1.</summary>
        private int NewestStaleSector()
        {
            int mountBytesRead = _mountBytesRead;
            int newest = -1;
            for (int i = 0; i < _sectorCount; i++)
            {
                if (_sec.Live[i] && (newest < 0 || _sec.Seq[i] > _sec.Seq[newest]) && HoldsStaleData(i))
                {
                    newest = i;
                }
            }
            _mountBytesRead = mountBytesRead;
            return newest;
        }

        /// <summary>True when a live sector holds bytes that are not live: a superseded, deleted or uncommitted value's
        /// data, or anything programmed after its last record.</summary>
        private bool HoldsStaleData(int sector)
        {
            bool head = sector == _head;
            if (_sec.DirtyEnd[sector] || (head && _headDirty))
            {
                return true;
            }
            int end = head ? _headPos : _sec.End[sector];
            int pos = sector * _sectorSize + LogFormat.SectorHeaderSize;
            while (pos < end)
            {
                int found = NextRecord(pos, end, false);
                if (found != FoundRecord && found != FoundCommit)
                {
                    return true;
                }
                if ((_rType == LogFormat.TypePut || _rType == LogFormat.TypeCont) && found == FoundRecord && !_index.IsLiveChunk(_rDataAddress))
                {
                    return true;
                }
                pos += _rTotal;
            }
            for (int o = end; o < (sector + 1) * _sectorSize; o += IoSize)
            {
                int n = (sector + 1) * _sectorSize - o < IoSize ? (sector + 1) * _sectorSize - o : IoSize;
                _flash.Read(o, _io, 0, n);
                if (!LogFormat.AllErased(_io, 0, n))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>The live sector with the lowest sequence that is not being written (the head, unless it is closed).</summary>
        private int OldestLive()
        {
            int victim = -1;
            for (int i = 0; i < _sectorCount; i++)
            {
                if (_sec.Live[i] && (i != _head || _headDirty) && (victim < 0 || _sec.Seq[i] < _sec.Seq[victim]))
                {
                    victim = i;
                }
            }
            return victim;
        }

        /// <summary>Relocates the live values of the oldest sector and releases it. False when that cannot be done.</summary>
        private bool CompactOnce()
        {
            int victim = OldestLive();
            if (victim < 0)
            {
                return false;
            }
            if (_relocate.Length < _index.SlotLimit)
            {
                _relocate = new bool[_index.SlotLimit * 2];
            }
            for (int s = 0; s < _index.SlotLimit; s++)
            {
                // A value that fails its CRC cannot be rewritten faithfully; once the victim is released it is gone.
                _relocate[s] = _index.InUse(s) && _index.HasChunkIn(s, victim, _sectorSize) && Verify(s);
            }
            BeginWrite(true);
            WriteCompaction(victim);
            if (_wOpened > FreeSectors)
            {
                return false;
            }
            BeginWrite(false);
            WriteCompaction(victim);
            EndWrite(true);
            // The release is committed: the victim is dead whether or not this erase completes.
            _sec.Live[victim] = false;
            _sec.Valid[victim] = false;
            _flash.EraseSector(victim);
            _sec.EraseCount[victim]++;
            _sec.DirtyEnd[victim] = false;
            return true;
        }

        /// <summary>Writes (or plans) one compaction: every marked value as PUT + CONT under its current key, then a
        /// RELEASE naming the victim and its erase count after the erase (which its header cannot keep), then the COMMIT.</summary>
        private void WriteCompaction(int victim)
        {
            uint seq = _nextTxnSeq;
            int count = 0;
            for (int s = 0; s < _index.SlotLimit; s++)
            {
                if (_relocate[s])
                {
                    _keyLength = _index.CopyKey(s, _key, 0);
                    _srcSlot = s;
                    count += EmitPut(_index.Length(s), seq);
                }
            }
            LogFormat.PutU32(_key, 0, (uint)victim);
            LogFormat.PutU32(_key, 4, _sec.EraseCount[victim] + 1);
            _keyLength = LogFormat.ReleaseKeyArea;
            EmitRecord(LogFormat.TypeRelease, 0, 0, seq, _sec.Seq[victim]);
            EmitCommit(seq, count + 1);
        }

        /// <summary>True when every chunk of the value in <paramref name="slot"/> passes its CRC.</summary>
        private bool Verify(int slot)
        {
            for (int i = 0; i < _index.ChunkCount(slot); i++)
            {
                if (StreamCrc(_index.ChunkAddress(slot, i), _index.ChunkLength(slot, i)) != _index.ChunkCrc(slot, i))
                {
                    return false;
                }
            }
            return true;
        }

        private uint StreamCrc(int address, int length)
        {
            uint c = Crc32.Start;
            for (int done = 0; done < length; done += IoSize)
            {
                int n = length - done < IoSize ? length - done : IoSize;
                _flash.Read(address + done, _io, 0, n);
                c = Crc32.Update(c, _io, 0, n);
            }
            return Crc32.Finish(c);
        }

        /// <summary>CRC of <paramref name="length"/> bytes of the current source from <paramref name="offset"/>.</summary>
        private uint SourceCrc(int offset, int length)
        {
            if (_srcArray != null)
            {
                return Crc32.Compute(_srcArray, offset, length);
            }
            uint c = Crc32.Start;
            for (int done = 0; done < length; done += IoSize)
            {
                int n = length - done < IoSize ? length - done : IoSize;
                ReadSource(offset + done, n);
                c = Crc32.Update(c, _io, 0, n);
            }
            return Crc32.Finish(c);
        }

        /// <summary>Programs <paramref name="length"/> bytes of the current source from <paramref name="offset"/> at
        /// <paramref name="address"/>; a last partial word is padded with erased bytes.</summary>
        private void ProgramSource(int address, int offset, int length)
        {
            int done = 0;
            if (_srcArray != null)
            {
                done = length & ~(LogFormat.Align - 1);
                if (done > 0)
                {
                    _flash.Program(address, _srcArray, offset, done);
                }
            }
            while (done < length)
            {
                int n = length - done < IoSize ? length - done : IoSize;
                if (_srcArray != null)
                {
                    System.Array.Copy(_srcArray, offset + done, _io, 0, n);
                }
                else
                {
                    ReadSource(offset + done, n);
                }
                int padded = LogFormat.AlignUp(n);
                for (int i = n; i < padded; i++)
                {
                    _io[i] = LogFormat.Erased;
                }
                _flash.Program(address + done, _io, 0, padded);
                done += n;
            }
        }

        /// <summary>Reads <paramref name="count"/> bytes of the value in <see cref="_srcSlot"/> from
        /// <paramref name="offset"/> into <see cref="_io"/>.</summary>
        private void ReadSource(int offset, int count)
        {
            int slot = _srcSlot;
            int start = 0;
            int to = 0;
            for (int i = 0; i < _index.ChunkCount(slot) && to < count; i++)
            {
                int len = _index.ChunkLength(slot, i);
                if (offset < start + len)
                {
                    int within = offset - start;
                    int n = len - within < count - to ? len - within : count - to;
                    _flash.Read(_index.ChunkAddress(slot, i) + within, _io, to, n);
                    to += n;
                    offset += n;
                }
                start += len;
            }
        }
    }
}
