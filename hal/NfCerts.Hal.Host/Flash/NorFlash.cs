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
    public sealed class NorFlash : IFlash, IDisposable
    {
        private readonly byte[] _data;
        private readonly FileStream? _file;
        private int _cutCountdown = -1;
        private Random? _tearRandom;
        private bool _powerLost;

        /// <summary>A new, fully erased chip held in memory.</summary>
        public NorFlash(int size, int sectorSize, int writeAlignment = 1)
            : this(NewErased(size), sectorSize, writeAlignment, null)
        {
        }

        private NorFlash(byte[] data, int sectorSize, int writeAlignment, FileStream? file)
        {
            if (sectorSize <= 0 || (sectorSize & (sectorSize - 1)) != 0)
            {
                throw new ArgumentException("sector size must be a power of two", nameof(sectorSize));
            }
            if (data.Length == 0 || data.Length % sectorSize != 0)
            {
                throw new ArgumentException("size " + data.Length + " is not a positive multiple of the sector size " + sectorSize);
            }
            if (writeAlignment <= 0 || (writeAlignment & (writeAlignment - 1)) != 0)
            {
                throw new ArgumentException("write alignment must be a power of two", nameof(writeAlignment));
            }
            _data = data;
            SectorSize = sectorSize;
            WriteAlignment = writeAlignment;
            _file = file;
            ProgramOps = new long[SectorCount];
            EraseOps = new long[SectorCount];
        }

        /// <summary>Creates an image file of <paramref name="size"/> erased bytes (fails if it exists) and opens it.</summary>
        public static NorFlash CreateImage(string path, int size, int sectorSize)
        {
            var fs = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            var data = NewErased(size);
            try
            {
                var flash = new NorFlash(data, sectorSize, 1, fs);
                fs.Write(data, 0, data.Length);
                fs.Flush(true);
                return flash;
            }
            catch
            {
                fs.Dispose();
                File.Delete(path);
                throw;
            }
        }

        /// <summary>Opens an existing image file; every program and erase is written through to it.</summary>
        public static NorFlash OpenImage(string path, int sectorSize, bool writable = true)
        {
            var fs = new FileStream(path, FileMode.Open, writable ? FileAccess.ReadWrite : FileAccess.Read, writable ? FileShare.None : FileShare.Read);
            try
            {
                if (fs.Length == 0 || fs.Length > int.MaxValue || fs.Length % sectorSize != 0)
                {
                    throw new InvalidDataException("'" + path + "' is " + fs.Length + " bytes, not a whole number of " + sectorSize + "-byte sectors");
                }
                var data = new byte[fs.Length];
                fs.ReadExactly(data, 0, data.Length);
                var flash = new NorFlash(data, sectorSize, 1, writable ? fs : null);
                if (!writable)
                {
                    // A read-only image is copied into memory: nothing is written back, so the file need not stay open.
                    fs.Dispose();
                }
                return flash;
            }
            catch
            {
                fs.Dispose();
                throw;
            }
        }

        private static byte[] NewErased(int size)
        {
            var d = new byte[size];
            Array.Fill(d, (byte)0xFF);
            return d;
        }

        /// <inheritdoc/>
        public int Size => _data.Length;
        /// <inheritdoc/>
        public int SectorSize { get; }
        /// <inheritdoc/>
        public int SectorCount => _data.Length / SectorSize;
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

        /// <summary>A copy of the whole region.</summary>
        public byte[] Snapshot() => (byte[])_data.Clone();

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
            Buffer.BlockCopy(_data, address, buffer, offset, count);
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
                for (int i = 0; i < count; i++)
                {
                    byte old = _data[address + i];
                    if ((old & buffer[offset + i]) != buffer[offset + i])
                    {
                        IllegalProgramAttempts++;
                        throw new FlashException(FlashError.IllegalProgram,
                            $"program at 0x{address + i:x} would turn bits 0->1 (0x{old:x2} -> 0x{buffer[offset + i]:x2})");
                    }
                }
            }
            bool torn = NextOperationTorn();
            for (int s = address / SectorSize; s <= (address + Math.Max(count, 1) - 1) / SectorSize; s++)
            {
                ProgramOps[s]++;
            }
            BytesProgrammed += count;
            for (int i = 0; i < count; i++)
            {
                byte target = (byte)(_data[address + i] & buffer[offset + i]);
                _data[address + i] = torn ? Tear(_data[address + i], target) : target;
            }
            Persist(address, count);
            if (torn)
            {
                PowerFail("program", address, count);
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
            for (int i = 0; i < SectorSize; i++)
            {
                _data[start + i] = torn ? Tear(_data[start + i], 0xFF) : (byte)0xFF;
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
            if (address < 0 || count < 0 || (long)address + count > _data.Length)
            {
                throw new FlashException(FlashError.OutOfRange, "range 0x" + address.ToString("x") + "+" + count + " is outside the " + _data.Length + "-byte region");
            }
        }

        private void Persist(int address, int count)
        {
            if (_file == null)
            {
                return;
            }
            try
            {
                _file.Seek(address, SeekOrigin.Begin);
                _file.Write(_data, address, count);
                _file.Flush();
            }
            catch (IOException e)
            {
                throw new FlashException(FlashError.Io, "the image file could not be written: " + e.Message);
            }
        }

        /// <summary>Closes the image file, if any.</summary>
        public void Dispose() => _file?.Dispose();
    }
}
