using System;
using System.IO;

namespace NfCerts.Hal.Host
{
    /// <summary>The chip written through to an image file.</summary>
    public sealed partial class NorFlash
    {
        /// <summary>Creates an image file of <paramref name="size"/> erased bytes (fails if it exists) and opens it.</summary>
        public static NorFlash CreateImage(string path, int size, int sectorSize)
        {
            var fs = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            try
            {
                var flash = new NorFlash(size, sectorSize, 1, fs);
                flash.Persist(0, size);
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
                if (fs.Length == 0 || fs.Length > int.MaxValue || sectorSize <= 0 || fs.Length % sectorSize != 0)
                {
                    throw new InvalidDataException("'" + path + "' is " + fs.Length + " bytes, not a whole number of " + sectorSize + "-byte sectors");
                }
                var flash = new NorFlash((int)fs.Length, sectorSize, 1, writable ? fs : null);
                var sector = new byte[sectorSize];
                for (int s = 0; s < flash.SectorCount; s++)
                {
                    fs.ReadExactly(sector, 0, sectorSize);
                    if (!IsErased(sector))
                    {
                        flash._sectors[s] = (byte[])sector.Clone();
                    }
                }
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

        private void Persist(int address, int count)
        {
            if (_file == null)
            {
                return;
            }
            try
            {
                _file.Seek(address, SeekOrigin.Begin);
                for (int a = address; a < address + count;)
                {
                    int s = a / SectorSize, at = a - s * SectorSize;
                    int n = Math.Min(address + count - a, SectorSize - at);
                    _file.Write(_sectors[s] ?? (_erasedSector ??= NewErasedSector()), at, n);
                    a += n;
                }
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
