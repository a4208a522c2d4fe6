using NfCerts.Hal;

namespace NfCerts.Core.Storage
{
    /// <summary>Compaction: relocating live values out of the oldest sector, streamed through one small
    /// buffer (never a whole value in RAM), then releasing and erasing that sector.</summary>
    public sealed partial class RecordLog
    {
        /// <summary>Per index slot: relocate it in the compaction being written.</summary>
        private bool[] _relocate = new bool[0];

        /// <summary>The live sector with the lowest sequence that is not being written (the head, unless it is closed).</summary>
        private int OldestLive()
        {
            int victim = -1;
            for (int i = 0; i < _sectorCount; i++)
            {
                var s = _sectors[i];
                if (s.Live && (i != _head || _headDirty) && (victim < 0 || s.Seq < _sectors[victim].Seq))
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
            var vs = _sectors[victim];
            vs.Live = false;
            vs.Valid = false;
            _flash.EraseSector(victim);
            vs.EraseCount++;
            vs.DirtyEnd = false;
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
            var vs = _sectors[victim];
            LogFormat.PutU32(_key, 0, (uint)victim);
            LogFormat.PutU32(_key, 4, vs.EraseCount + 1);
            _keyLength = LogFormat.ReleaseKeyArea;
            EmitRecord(LogFormat.TypeRelease, 0, 0, seq, vs.Seq);
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
