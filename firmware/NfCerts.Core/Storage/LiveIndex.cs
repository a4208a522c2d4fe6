using System;

namespace NfCerts.Core.Storage
{
    /// <summary>
    /// The live state of the log in RAM: for each live key, its value's length and the flash locations of its chunks.
    /// Everything is held in a few arrays of numbers (no object per entry or per record), sized by the live entries
    /// alone; see SPEC.md, "RAM budget".
    /// </summary>
    /// <remarks>
    /// A slot holds a key (up to 32 ASCII bytes, in a byte array with a stride of 32), a hash of it, the value's length,
    /// its write stamp (see <see cref="Stamp"/>) and the range of its chunks in the chunk pool. A chunk is a data address, a length and the data's CRC. A value's
    /// chunks are contiguous in the pool; a new value takes its range at the pool's end, and the ranges that values leave
    /// behind are squeezed out in place when the pool is full.
    /// </remarks>
    internal sealed class LiveIndex
    {
        private const int KeyStride = LogFormat.MaxKeyLength;

        private byte[] _keys;
        private int[] _keyLength;
        private int[] _hash;
        private int[] _length;
        private int[] _stamp;
        private int _lastStamp;
        private int[] _chunkStart;
        private int[] _chunkCount;
        private int _slots;
        private int _count;

        private int[] _chunkAddress;
        private int[] _chunkLength;
        private uint[] _chunkCrc;
        private int _chunksUsed;

        public LiveIndex()
        {
            int slots = 8;
            _keys = new byte[slots * KeyStride];
            _keyLength = new int[slots];
            _hash = new int[slots];
            _length = new int[slots];
            _stamp = new int[slots];
            _chunkStart = new int[slots];
            _chunkCount = new int[slots];
            int chunks = 16;
            _chunkAddress = new int[chunks];
            _chunkLength = new int[chunks];
            _chunkCrc = new uint[chunks];
        }

        /// <summary>Live keys.</summary>
        public int Count
        {
            get { return _count; }
        }

        /// <summary>Slots to iterate over with <see cref="InUse"/>: 0 .. SlotLimit-1.</summary>
        public int SlotLimit
        {
            get { return _slots; }
        }

        /// <summary>True when <paramref name="slot"/> holds a live key.</summary>
        public bool InUse(int slot)
        {
            return _keyLength[slot] > 0;
        }

        public int Length(int slot)
        {
            return _length[slot];
        }

        public int KeyLength(int slot)
        {
            return _keyLength[slot];
        }

        /// <summary>The value's write stamp: a number given anew each time a value is put under the key or moved onto it,
        /// replayed at mount or relocated by compaction, and unchanged otherwise. Never 0; it repeats only after 2^32 writes
        /// (centuries of a device's). RAM only.</summary>
        public int Stamp(int slot)
        {
            return _stamp[slot];
        }

        /// <summary>True when the key in <paramref name="slot"/> starts with <paramref name="prefix"/> (ASCII); allocates nothing.</summary>
        public bool KeyStartsWith(int slot, string prefix)
        {
            int n = prefix.Length;
            if (_keyLength[slot] < n)
            {
                return false;
            }
            int o = slot * KeyStride;
            for (int i = 0; i < n; i++)
            {
                if (_keys[o + i] != prefix[i])
                {
                    return false;
                }
            }
            return true;
        }

        public int ChunkCount(int slot)
        {
            return _chunkCount[slot];
        }

        public int ChunkAddress(int slot, int i)
        {
            return _chunkAddress[_chunkStart[slot] + i];
        }

        public int ChunkLength(int slot, int i)
        {
            return _chunkLength[_chunkStart[slot] + i];
        }

        public uint ChunkCrc(int slot, int i)
        {
            return _chunkCrc[_chunkStart[slot] + i];
        }

        /// <summary>True when a chunk of the value in <paramref name="slot"/> lies in <paramref name="sector"/>.</summary>
        public bool HasChunkIn(int slot, int sector, int sectorSize)
        {
            int start = _chunkStart[slot];
            for (int i = start; i < start + _chunkCount[slot]; i++)
            {
                if (_chunkAddress[i] / sectorSize == sector)
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>True when <paramref name="address"/> is the data address of a live chunk.</summary>
        public bool IsLiveChunk(int address)
        {
            for (int s = 0; s < _slots; s++)
            {
                if (_keyLength[s] == 0)
                {
                    continue;
                }
                int start = _chunkStart[s];
                for (int i = start; i < start + _chunkCount[s]; i++)
                {
                    if (_chunkAddress[i] == address)
                    {
                        return true;
                    }
                }
            }
            return false;
        }

        /// <summary>The key in <paramref name="slot"/> as a string (allocates it).</summary>
        public string Key(int slot)
        {
            var chars = new char[_keyLength[slot]];
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)_keys[slot * KeyStride + i];
            }
            return new string(chars);
        }

        /// <summary>Copies the key in <paramref name="slot"/> to <paramref name="buffer"/>; returns its length.</summary>
        public int CopyKey(int slot, byte[] buffer, int offset)
        {
            int n = _keyLength[slot];
            Array.Copy(_keys, slot * KeyStride, buffer, offset, n);
            return n;
        }

        /// <summary>The slot of <paramref name="key"/>, or -1.</summary>
        public int Find(string key)
        {
            int n = key.Length;
            if (n < 1 || n > KeyStride)
            {
                return -1;
            }
            int h = 0;
            for (int i = 0; i < n; i++)
            {
                h = h * 31 + (key[i] & 0xFF);
            }
            for (int s = 0; s < _slots; s++)
            {
                if (_keyLength[s] != n || _hash[s] != h)
                {
                    continue;
                }
                int o = s * KeyStride;
                int i = 0;
                while (i < n && _keys[o + i] == key[i])
                {
                    i++;
                }
                if (i == n)
                {
                    return s;
                }
            }
            return -1;
        }

        /// <summary>The slot of the key in <paramref name="buffer"/>[<paramref name="offset"/>..+<paramref name="length"/>], or -1.</summary>
        public int Find(byte[] buffer, int offset, int length)
        {
            int h = Hash(buffer, offset, length);
            for (int s = 0; s < _slots; s++)
            {
                if (_keyLength[s] == length && _hash[s] == h && SameKey(s, buffer, offset, length))
                {
                    return s;
                }
            }
            return -1;
        }

        /// <summary>Sets the key to a value whose first chunk is given (its other chunks follow with <see cref="AddChunk"/>);
        /// returns its slot.</summary>
        public int Put(byte[] key, int keyOffset, int keyLength, int address, int length, uint crc)
        {
            int s = Find(key, keyOffset, keyLength);
            if (s < 0)
            {
                s = NewSlot();
                Array.Copy(key, keyOffset, _keys, s * KeyStride, keyLength);
                _keyLength[s] = keyLength;
                _hash[s] = Hash(key, keyOffset, keyLength);
                _count++;
            }
            _chunkCount[s] = 0;
            _length[s] = 0;
            _stamp[s] = NextStamp();
            ReserveChunks(1);
            _chunkStart[s] = _chunksUsed;
            AddChunk(s, address, length, crc);
            return s;
        }

        /// <summary>Appends a chunk to the value in <paramref name="slot"/>, which must be the one put last.</summary>
        public void AddChunk(int slot, int address, int length, uint crc)
        {
            if (_chunkStart[slot] + _chunkCount[slot] != _chunksUsed)
            {
                return;
            }
            if (_chunksUsed == _chunkAddress.Length)
            {
                ReserveChunks(_chunkCount[slot] + 1);
            }
            int i = _chunksUsed++;
            _chunkAddress[i] = address;
            _chunkLength[i] = length;
            _chunkCrc[i] = crc;
            _chunkCount[slot]++;
            _length[slot] += length;
        }

        /// <summary>Gives the value of <paramref name="from"/> to the key in <paramref name="key"/> (replacing its value)
        /// and removes <paramref name="from"/>.</summary>
        public void Move(int from, byte[] key, int keyOffset, int keyLength)
        {
            int to = Find(key, keyOffset, keyLength);
            if (to == from)
            {
                return;
            }
            if (to >= 0)
            {
                Remove(to);
            }
            Array.Copy(key, keyOffset, _keys, from * KeyStride, keyLength);
            _keyLength[from] = keyLength;
            _hash[from] = Hash(key, keyOffset, keyLength);
            _stamp[from] = NextStamp();
        }

        /// <summary>Forgets every entry (keeps the arrays).</summary>
        public void Clear()
        {
            for (int s = 0; s < _slots; s++)
            {
                _keyLength[s] = 0;
                _chunkCount[s] = 0;
            }
            _slots = 0;
            _count = 0;
            _chunksUsed = 0;
        }

        public void Remove(int slot)
        {
            _keyLength[slot] = 0;
            _chunkCount[slot] = 0;
            _count--;
        }

        private bool SameKey(int slot, byte[] buffer, int offset, int length)
        {
            int o = slot * KeyStride;
            for (int i = 0; i < length; i++)
            {
                if (_keys[o + i] != buffer[offset + i])
                {
                    return false;
                }
            }
            return true;
        }

        /// <summary>The next stamp (wraps after 2^32, skipping 0).</summary>
        private int NextStamp()
        {
            _lastStamp = _lastStamp == -1 ? 1 : _lastStamp + 1;
            return _lastStamp;
        }

        private static int Hash(byte[] b, int o, int n)
        {
            int h = 0;
            for (int i = 0; i < n; i++)
            {
                h = h * 31 + b[o + i];
            }
            return h;
        }

        private int NewSlot()
        {
            for (int s = 0; s < _slots; s++)
            {
                if (_keyLength[s] == 0)
                {
                    return s;
                }
            }
            if (_slots == _keyLength.Length)
            {
                int n = _slots * 2;
                _keys = LogFormat.Grow(_keys, n * KeyStride);
                _keyLength = LogFormat.Grow(_keyLength, n);
                _hash = LogFormat.Grow(_hash, n);
                _length = LogFormat.Grow(_length, n);
                _stamp = LogFormat.Grow(_stamp, n);
                _chunkStart = LogFormat.Grow(_chunkStart, n);
                _chunkCount = LogFormat.Grow(_chunkCount, n);
            }
            return _slots++;
        }

        /// <summary>Makes room for <paramref name="needed"/> chunks at the pool's end: squeezes out the ranges no live value
        /// uses, in place, and grows the pool only when live chunks fill half of it.</summary>
        private void ReserveChunks(int needed)
        {
            if (_chunksUsed + needed <= _chunkAddress.Length)
            {
                return;
            }
            // Moving ranges in order of their start keeps each move a copy downwards. The value being built (the one
            // whose range ends the pool) stays last, so that its next chunk can still be appended.
            int dst = 0;
            while (true)
            {
                int next = -1;
                for (int s = 0; s < _slots; s++)
                {
                    if (_keyLength[s] > 0 && _chunkCount[s] > 0 && _chunkStart[s] >= dst && (next < 0 || _chunkStart[s] < _chunkStart[next]))
                    {
                        next = s;
                    }
                }
                if (next < 0)
                {
                    break;
                }
                int n = _chunkCount[next];
                Array.Copy(_chunkAddress, _chunkStart[next], _chunkAddress, dst, n);
                Array.Copy(_chunkLength, _chunkStart[next], _chunkLength, dst, n);
                Array.Copy(_chunkCrc, _chunkStart[next], _chunkCrc, dst, n);
                _chunkStart[next] = dst;
                dst += n;
            }
            _chunksUsed = dst;
            if (2 * (_chunksUsed + needed) > _chunkAddress.Length)
            {
                int n = 2 * (_chunksUsed + needed);
                _chunkAddress = LogFormat.Grow(_chunkAddress, n);
                _chunkLength = LogFormat.Grow(_chunkLength, n);
                _chunkCrc = LogFormat.Grow(_chunkCrc, n);
            }
        }
    }
}
