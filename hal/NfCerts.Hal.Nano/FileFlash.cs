using System;
using System.IO;

namespace NfCerts.Hal.Nano
{
    /// <summary><see cref="IFlash"/> emulated on a fixed-size file (stock-firmware fallback, normally on the LittleFS volume <c>I:</c>).</summary>
    /// <remarks>
    /// <para>On a custom firmware image the store gets a raw data partition from the native interop library. Stock
    /// nanoFramework has no raw flash API from managed code, so this class keeps the region in one file of exactly
    /// <see cref="Size"/> bytes and emulates NOR semantics on it: <see cref="EraseSector"/> writes 0xFF over the sector and
    /// <see cref="Program"/> reads the old bytes and writes <c>old AND new</c>. A new file is created filled with 0xFF.</para>
    /// <para>What it costs: LittleFS is copy-on-write, so every program or erase here, however small, makes LittleFS copy the
    /// touched file block(s) (4 KiB on ESP32) to a freshly erased block and commit new metadata. A one-byte program is
    /// therefore a read, a 4 KiB block write and a metadata commit, roughly two orders of magnitude more flash wear and time
    /// than on a raw partition, and the region plus LittleFS's own copies must fit in the volume (256 KiB on 4 MB boards).
    /// The store's append-only log keeps programs few and sector-sized where it can. Power loss is if anything kinder than
    /// NOR: LittleFS commits each write whole or not at all, which is one of the outcomes the <see cref="IFlash"/> contract
    /// allows for a torn operation.</para>
    /// <para>A new region is written erased under <see cref="CreatingSuffix"/> and renamed into place only when whole, so a
    /// power cut during the first boot leaves no short file that every later boot would refuse; a leftover is deleted
    /// and written again.</para>
    /// <para>Every operation is synchronous (nanoFramework's FileStream writes through on each call) and serialised by a
    /// lock. Reads go to the file in pieces of at most 256 bytes, because nanoFramework's FileStream.Read allocates a
    /// temporary array of the requested size on every call.</para>
    /// </remarks>
    public sealed class FileFlash : IFlash, IDisposable
    {
        /// <summary>Default location of the emulated region on the internal LittleFS volume.</summary>
        public const string DefaultPath = "I:\\nfcerts.flash";

        /// <summary>Appended to the path while a new region is being written.</summary>
        public const string CreatingSuffix = ".new";

        private const int ChunkSize = 256;

        private readonly object _gate = new object();
        private readonly string _path;
        private readonly int _size;
        private readonly int _sectorSize;
        private readonly byte[] _scratch = new byte[ChunkSize];
        private FileStream? _stream;

        /// <summary>Opens the region in <paramref name="path"/>, creating it erased (all 0xFF) when the file does not exist.</summary>
        /// <param name="path">File that holds the region, e.g. <see cref="DefaultPath"/>.</param>
        /// <param name="size">Region size in bytes; a positive multiple of <paramref name="sectorSize"/>.</param>
        /// <param name="sectorSize">Erase unit in bytes; a power of two (4096 to mirror ESP32 SPI flash).</param>
        /// <exception cref="ArgumentException">The path is empty or the sizes are not as described.</exception>
        /// <exception cref="FlashException">The file exists with another length (<see cref="FlashError.OutOfRange"/>), or the file
        /// system failed (<see cref="FlashError.Io"/>). An existing file of another size is never truncated or reformatted.</exception>
        public FileFlash(string path, int size, int sectorSize)
        {
            if (path == null || path.Length == 0)
            {
                throw new ArgumentException("A file path is required.", "path");
            }

            if (sectorSize <= 0 || (sectorSize & (sectorSize - 1)) != 0)
            {
                throw new ArgumentException("The sector size must be a positive power of two.", "sectorSize");
            }

            if (size <= 0 || size % sectorSize != 0)
            {
                throw new ArgumentException("The size must be a positive multiple of the sector size.", "size");
            }

            _path = path;
            _size = size;
            _sectorSize = sectorSize;

            try
            {
                if (!File.Exists(path))
                {
                    CreateErased();
                }

                _stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
            }
            catch (IOException ex)
            {
                throw new FlashException(FlashError.Io, "Cannot open flash file " + path + ": " + ex.Message);
            }

            if (_stream.Length != size)
            {
                long actual = _stream.Length;
                _stream.Dispose();
                _stream = null;
                throw new FlashException(
                    FlashError.OutOfRange,
                    "Flash file " + path + " holds " + actual.ToString() + " bytes, expected " + size.ToString() + "; delete it to start an empty region.");
            }
        }

        /// <inheritdoc/>
        public int Size
        {
            get { return _size; }
        }

        /// <inheritdoc/>
        public int SectorSize
        {
            get { return _sectorSize; }
        }

        /// <inheritdoc/>
        public int SectorCount
        {
            get { return _size / _sectorSize; }
        }

        /// <inheritdoc/>
        /// <remarks>A file can be written at any byte, so the alignment is 1.</remarks>
        public int WriteAlignment
        {
            get { return 1; }
        }

        /// <inheritdoc/>
        public void Read(int address, byte[] buffer, int offset, int count)
        {
            CheckRange(address, buffer, offset, count);
            lock (_gate)
            {
                FileStream stream = OpenStream();
                try
                {
                    ReadAt(stream, address, buffer, offset, count);
                }
                catch (IOException ex)
                {
                    throw new FlashException(FlashError.Io, "Flash read failed: " + ex.Message);
                }
            }
        }

        /// <inheritdoc/>
        public void Program(int address, byte[] buffer, int offset, int count)
        {
            CheckRange(address, buffer, offset, count);
            lock (_gate)
            {
                FileStream stream = OpenStream();
                try
                {
                    int done = 0;
                    while (done < count)
                    {
                        int n = count - done < ChunkSize ? count - done : ChunkSize;
                        ReadAt(stream, address + done, _scratch, 0, n);
                        for (int i = 0; i < n; i++)
                        {
                            _scratch[i] = (byte)(_scratch[i] & buffer[offset + done + i]);
                        }

                        stream.Seek(address + done, SeekOrigin.Begin);
                        stream.Write(_scratch, 0, n);
                        done += n;
                    }

                    stream.Flush();
                }
                catch (IOException ex)
                {
                    throw new FlashException(FlashError.Io, "Flash program failed: " + ex.Message);
                }
            }
        }

        /// <inheritdoc/>
        public void EraseSector(int sector)
        {
            if (sector < 0 || sector >= SectorCount)
            {
                throw new FlashException(FlashError.OutOfRange, "Sector " + sector.ToString() + " is outside 0.." + (SectorCount - 1).ToString() + ".");
            }

            lock (_gate)
            {
                FileStream stream = OpenStream();
                try
                {
                    FillErased(_scratch);
                    stream.Seek((long)sector * _sectorSize, SeekOrigin.Begin);
                    for (int done = 0; done < _sectorSize; done += ChunkSize)
                    {
                        int n = _sectorSize - done < ChunkSize ? _sectorSize - done : ChunkSize;
                        stream.Write(_scratch, 0, n);
                    }

                    stream.Flush();
                }
                catch (IOException ex)
                {
                    throw new FlashException(FlashError.Io, "Flash erase failed: " + ex.Message);
                }
            }
        }

        /// <summary>Closes the file. Later operations throw <see cref="ObjectDisposedException"/>.</summary>
        public void Dispose()
        {
            lock (_gate)
            {
                if (_stream != null)
                {
                    _stream.Dispose();
                    _stream = null;
                }
            }
        }

        private FileStream OpenStream()
        {
            if (_stream == null)
            {
                throw new ObjectDisposedException("FileFlash " + _path);
            }

            return _stream;
        }

        private void CheckRange(int address, byte[] buffer, int offset, int count)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException("buffer");
            }

            if (offset < 0 || count < 0 || offset > buffer.Length - count)
            {
                throw new FlashException(FlashError.OutOfRange, "Offset and count do not fit the buffer.");
            }

            if (address < 0 || address > _size - count)
            {
                throw new FlashException(FlashError.OutOfRange, "Range " + address.ToString() + "+" + count.ToString() + " is outside the " + _size.ToString() + "-byte region.");
            }
        }

        // Writes the erased region beside the final name and renames it into place (LittleFS renames atomically).
        private void CreateErased()
        {
            string creating = _path + CreatingSuffix;
            File.Delete(creating);
            WriteErased(creating);
            File.Move(creating, _path);
        }

        private void WriteErased(string creating)
        {
            byte[] erased = new byte[ChunkSize];
            FillErased(erased);
            FileStream created = new FileStream(creating, FileMode.CreateNew, FileAccess.Write);
            try
            {
                for (int done = 0; done < _size; done += ChunkSize)
                {
                    int n = _size - done < ChunkSize ? _size - done : ChunkSize;
                    created.Write(erased, 0, n);
                }

                created.Flush();
            }
            finally
            {
                created.Dispose();
            }
        }

        private static void ReadAt(FileStream stream, int address, byte[] buffer, int offset, int count)
        {
            stream.Seek(address, SeekOrigin.Begin);
            int done = 0;
            while (done < count)
            {
                int n = stream.Read(buffer, offset + done, count - done < ChunkSize ? count - done : ChunkSize);
                if (n <= 0)
                {
                    throw new IOException("Unexpected end of the flash file at " + (address + done).ToString() + ".");
                }

                done += n;
            }
        }

        private static void FillErased(byte[] block)
        {
            for (int i = 0; i < block.Length; i++)
            {
                block[i] = 0xFF;
            }
        }
    }
}
