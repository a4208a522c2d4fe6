using System;
using System.IO;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// A NOR flash chip for desktop use: in memory, optionally written through to an image file. It keeps the medium's
    /// rules (erase per sector to 0xFF, program only clears bits), counts what is done to it per sector, and can be
    /// told to lose power in the middle of an operation.
    /// </summary>
    /// <remarks>
    /// <para>Power cuts: <see cref="ArmPowerCut"/>(n, seed) lets n more program/erase operations complete; the next one
    /// is torn (a seeded random subset of the bits it would change does change) and throws
    /// <see cref="FlashException"/> with <see cref="FlashError.PowerLost"/>. Every call after that throws the same until
    /// <see cref="PowerOn"/>, which models the reboot.</para>
    /// <para>Programming that would turn a 0 bit into 1 is a bug in the caller: with <see cref="Strict"/> (the default) it
    /// throws <see cref="FlashError.IllegalProgram"/> and is counted in <see cref="IllegalProgramAttempts"/>.</para>
    /// </remarks>
    public sealed partial class NorFlash : IFlash, IDisposable
    {
        // Sparse: a sector that is fully erased holds no array (it reads as 0xFF); the first program that clears a bit in
        // it allocates one, an erase that leaves it 0xFF frees it. The store keeps most of its sectors erased, so a chip
        // holds a few sectors' worth of memory however large it is.
        private readonly byte[]?[] _sectors;
        private readonly FileStream? _file;
        private byte[]? _erasedSector;
        private int _cutCountdown = -1;
        private Random? _tearRandom;
        private bool _powerLost;

        /// <summary>A new, fully erased chip held in memory.</summary>
        public NorFlash(int size, int sectorSize, int writeAlignment = 1)
            : this(size, sectorSize, writeAlignment, null)
        {
        }

        private NorFlash(int size, int sectorSize, int writeAlignment, FileStream? file)
        {
            if (sectorSize <= 0 || (sectorSize & (sectorSize - 1)) != 0)
            {
                throw new ArgumentException("sector size must be a power of two", nameof(sectorSize));
            }
            if (size <= 0 || size % sectorSize != 0)
            {
                throw new ArgumentException("size " + size + " is not a positive multiple of the sector size " + sectorSize);
            }
            if (writeAlignment <= 0 || (writeAlignment & (writeAlignment - 1)) != 0)
            {
                throw new ArgumentException("write alignment must be a power of two", nameof(writeAlignment));
            }
            Size = size;
            SectorSize = sectorSize;
            WriteAlignment = writeAlignment;
            _file = file;
            _sectors = new byte[]?[size / sectorSize];
            ProgramOps = new long[SectorCount];
            EraseOps = new long[SectorCount];
        }

        private static bool IsErased(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept((byte)0xFF) < 0;

        /// <inheritdoc/>
        public int Size { get; }
        /// <inheritdoc/>
        public int SectorSize { get; }
        /// <inheritdoc/>
        public int SectorCount => _sectors.Length;
        /// <inheritdoc/>
        public int WriteAlignment { get; }

        /// <summary>Report 0→1 programming as an error (default true).</summary>
        public bool Strict { get; set; } = true;

        /// <summary>Program operations that touched each sector.</summary>
        public long[] ProgramOps { get; }
        /// <summary>Erase operations per sector.</summary>
        public long[] EraseOps { get; }
        /// <summary>Bytes passed to <see cref="Program"/>.</summary>
        public long BytesProgrammed { get; private set; }
        /// <summary>Bytes returned by <see cref="Read"/>.</summary>
        public long BytesRead { get; private set; }
        /// <summary>Program and erase operations so far (the count <see cref="ArmPowerCut"/> refers to).</summary>
        public long WriteOperations { get; private set; }
        /// <summary>Program and erase operations over the chip's life, never reset: when it has not moved, the contents
        /// have not changed (a read-back of an unchanged chip can be skipped).</summary>
        public long Generation { get; private set; }
        /// <summary>Attempts to turn a 0 bit into 1.</summary>
        public long IllegalProgramAttempts { get; private set; }
        /// <summary>Power cuts so far (torn or between operations).</summary>
        public int PowerCuts { get; private set; }

        /// <summary>True after a power cut until <see cref="PowerOn"/>.</summary>
        public bool PowerLost => _powerLost;

        /// <summary>Total erases over all sectors.</summary>
        public long TotalErases
        {
            get
            {
                long n = 0;
                foreach (var e in EraseOps)
                {
                    n += e;
                }
                return n;
            }
        }

        /// <summary>Zeroes every counter.</summary>
        public void ResetCounters()
        {
            Array.Clear(ProgramOps);
            Array.Clear(EraseOps);
            BytesProgrammed = 0;
            BytesRead = 0;
            WriteOperations = 0;
            IllegalProgramAttempts = 0;
        }

        /// <summary>Lets <paramref name="operationsBeforeCut"/> more program/erase operations complete, then tears the next one.</summary>
        public void ArmPowerCut(int operationsBeforeCut, int seed)
        {
            if (operationsBeforeCut < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(operationsBeforeCut));
            }
            _cutCountdown = operationsBeforeCut;
            _tearRandom = new Random(seed);
        }

        /// <summary>Loses power now, between operations (nothing is torn): every call fails until <see cref="PowerOn"/>.</summary>
        public void CutPowerNow()
        {
            PowerCuts++;
            _powerLost = true;
            _cutCountdown = -1;
        }

        /// <summary>Cancels an armed power cut.</summary>
        public void Disarm() => _cutCountdown = -1;

        /// <summary>Restores power after a cut (the reboot). Flash contents stay as the cut left them.</summary>
        public void PowerOn()
        {
            _powerLost = false;
            _cutCountdown = -1;
        }

        /// <summary>Bytes of memory the model holds for the contents: one sector's worth for each sector that is not fully
        /// erased (an erased sector holds none).</summary>
        public long BytesHeld
        {
            get
            {
                long n = 0;
                foreach (byte[]? sector in _sectors)
                {
                    if (sector != null)
                    {
                        n += sector.Length;
                    }
                }
                return n;
            }
        }

        /// <summary>A copy of the whole region.</summary>
        public byte[] Snapshot()
        {
            var image = new byte[Size];
            CopyOut(0, image, 0, Size);
            return image;
        }

        /// <summary>A new chip in memory with the same contents, geometry and <see cref="Strict"/> setting, independent of
        /// this one (programming either leaves the other unchanged); its counters start at zero, no power cut is armed, it
        /// is powered (whether this one is or not: the copy is what a flash dump reads) and has no image file. Costs a copy
        /// of the sectors that are not erased.</summary>
        public NorFlash Clone()
        {
            var copy = new NorFlash(Size, SectorSize, WriteAlignment, null) { Strict = Strict };
            for (int s = 0; s < _sectors.Length; s++)
            {
                copy._sectors[s] = (byte[]?)_sectors[s]?.Clone();
            }
            return copy;
        }

        /// <inheritdoc/>
        public void Read(int address, byte[] buffer, int offset, int count)
        {
            ThrowIfOff();
            CheckRange(address, count);
            ArgumentNullException.ThrowIfNull(buffer);
            if (offset < 0 || offset + count > buffer.Length)
            {
                throw new FlashException(FlashError.OutOfRange, "buffer too small");
            }
            CopyOut(address, buffer, offset, count);
            BytesRead += count;
        }

        /// <inheritdoc/>
        public void Program(int address, byte[] buffer, int offset, int count)
        {
            ThrowIfOff();
            CheckRange(address, count);
            ArgumentNullException.ThrowIfNull(buffer);
            if (offset < 0 || offset + count > buffer.Length)
            {
                throw new FlashException(FlashError.OutOfRange, "buffer too small");
            }
            if (address % WriteAlignment != 0 || count % WriteAlignment != 0)
            {
                throw new FlashException(FlashError.Misaligned, "program of " + count + " bytes at " + address + " is not aligned to " + WriteAlignment);
            }
            if (Strict)
            {
                CheckOnlyClears(address, buffer, offset, count);
            }
            bool torn = NextOperationTorn();
            for (int s = address / SectorSize; s <= (address + Math.Max(count, 1) - 1) / SectorSize && s < SectorCount; s++)
            {
                ProgramOps[s]++;
            }
            BytesProgrammed += count;
            for (int a = address; a < address + count;)
            {
                int s = a / SectorSize, at = a - s * SectorSize;
                int n = Math.Min(address + count - a, SectorSize - at);
                int from = offset + (a - address);
                byte[]? sector = _sectors[s];
                bool fresh = sector == null;
                if (sector == null)
                {
                    if (IsErased(buffer.AsSpan(from, n)))
                    {
                        // Programming 0xFF into erased bytes changes nothing (and tears nothing).
                        a += n;
                        continue;
                    }
                    sector = NewErasedSector();
                    _sectors[s] = sector;
                }
                for (int i = 0; i < n; i++)
                {
                    byte target = (byte)(sector[at + i] & buffer[from + i]);
                    sector[at + i] = torn ? Tear(sector[at + i], target) : target;
                }
                if (torn && fresh && IsErased(sector))
                {
                    _sectors[s] = null;
                }
                a += n;
            }
            Persist(address, count);
            if (torn)
            {
                PowerFail("program", address, count);
            }
        }

        /// <summary>Throws <see cref="FlashError.IllegalProgram"/> if programming would turn a 0 bit into 1 (an erased
        /// sector has none).</summary>
        private void CheckOnlyClears(int address, byte[] buffer, int offset, int count)
        {
            for (int a = address; a < address + count;)
            {
                int s = a / SectorSize, at = a - s * SectorSize;
                int n = Math.Min(address + count - a, SectorSize - at);
                byte[]? sector = _sectors[s];
                for (int i = 0; sector != null && i < n; i++)
                {
                    byte old = sector[at + i], b = buffer[offset + (a - address) + i];
                    if ((old & b) != b)
                    {
                        IllegalProgramAttempts++;
                        throw new FlashException(FlashError.IllegalProgram,
                            $"program at 0x{a + i:x} would turn bits 0->1 (0x{old:x2} -> 0x{b:x2})");
                    }
                }
                a += n;
            }
        }

        [ThreadStatic]
        private static long t_cellBytes;

        /// <summary>Managed bytes the flash models have allocated on the calling thread for sectors that a program wrote into
        /// (the chip's cells, which a board keeps in flash, not in RAM): a measure of the caller's RAM subtracts it from
        /// <see cref="GC.GetAllocatedBytesForCurrentThread"/>.</summary>
        public static long CellBytesAllocatedOnThisThread => t_cellBytes;

        private byte[] NewErasedSector()
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var sector = new byte[SectorSize];
            t_cellBytes += GC.GetAllocatedBytesForCurrentThread() - before;
            Array.Fill(sector, (byte)0xFF);
            return sector;
        }

        /// <summary>Copies <paramref name="count"/> bytes at <paramref name="address"/> out (erased sectors as 0xFF).</summary>
        private void CopyOut(int address, byte[] buffer, int offset, int count)
        {
            for (int a = address; a < address + count;)
            {
                int s = a / SectorSize, at = a - s * SectorSize;
                int n = Math.Min(address + count - a, SectorSize - at);
                byte[]? sector = _sectors[s];
                if (sector == null)
                {
                    buffer.AsSpan(offset + (a - address), n).Fill(0xFF);
                }
                else
                {
                    Buffer.BlockCopy(sector, at, buffer, offset + (a - address), n);
                }
                a += n;
            }
        }

        /// <inheritdoc/>
        public void EraseSector(int sector)
        {
            ThrowIfOff();
            if (sector < 0 || sector >= SectorCount)
            {
                throw new FlashException(FlashError.OutOfRange, "sector " + sector + " is outside 0.." + (SectorCount - 1));
            }
            bool torn = NextOperationTorn();
            EraseOps[sector]++;
            int start = sector * SectorSize;
            byte[]? data = _sectors[sector];
            if (data != null && torn)
            {
                for (int i = 0; i < SectorSize; i++)
                {
                    data[i] = Tear(data[i], 0xFF);
                }
            }
            if (data != null && (!torn || IsErased(data)))
            {
                _sectors[sector] = null;
            }
            Persist(start, SectorSize);
            if (torn)
            {
                PowerFail("erase", start, SectorSize);
            }
        }

        private bool NextOperationTorn()
        {
            WriteOperations++;
            Generation++;
            if (_cutCountdown < 0)
            {
                return false;
            }
            if (_cutCountdown == 0)
            {
                // Decide once how much of the torn operation lands: sometimes nothing, sometimes all, usually part.
                int mode = _tearRandom!.Next(4);
                _tearProbability = mode == 0 ? 0.0 : mode == 1 ? 1.0 : _tearRandom.NextDouble();
                return true;
            }
            _cutCountdown--;
            return false;
        }

        /// <summary>Each bit that the operation would change changes with a probability drawn once per operation.</summary>
        private byte Tear(byte current, byte target)
        {
            int changing = current ^ target;
            if (changing == 0)
            {
                return current;
            }
            int result = current;
            for (int bit = 0; bit < 8; bit++)
            {
                int m = 1 << bit;
                if ((changing & m) != 0 && _tearRandom!.NextDouble() < _tearProbability)
                {
                    result ^= m;
                }
            }
            return (byte)result;
        }

        private double _tearProbability;

        private void PowerFail(string op, int address, int count)
        {
            PowerCuts++;
            _powerLost = true;
            _cutCountdown = -1;
            throw new FlashException(FlashError.PowerLost, $"power lost during {op} of {count} bytes at 0x{address:x}");
        }

        private void ThrowIfOff()
        {
            if (_powerLost)
            {
                throw new FlashException(FlashError.PowerLost, "the device is off");
            }
        }

        private void CheckRange(int address, int count)
        {
            if (address < 0 || count < 0 || (long)address + count > Size)
            {
                throw new FlashException(FlashError.OutOfRange, "range 0x" + address.ToString("x") + "+" + count + " is outside the " + Size + "-byte region");
            }
        }
    }
}
