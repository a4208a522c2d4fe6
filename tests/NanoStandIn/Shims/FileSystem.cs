// Compiled into tests/NfCerts.Hal.Nano.Desktop only: there these types shadow the BCL's System.IO.File and FileStream
// (CS0436, "the one defined in source wins"), so the Nano HAL's `File.Exists` and `new FileStream(...)` reach the
// board's I: drive (NfCerts.NanoStandIn.NanoDrive) with nanoFramework's members and quirks, and nothing else.
using NfCerts.NanoStandIn;

namespace System.IO
{
    /// <summary>nanoFramework's System.IO.File (File.cs), on the stand-in drive.</summary>
    internal static class File
    {
        public static bool Exists(string path) => NanoDrive.Exists(path);

        public static void Delete(string path) => NanoDrive.Delete(path);

        public static void Move(string sourceFileName, string destFileName) => NanoDrive.Move(sourceFileName, destFileName);

        public static void Copy(string sourceFileName, string destFileName) => NanoDrive.Copy(sourceFileName, destFileName, false);

        public static void Copy(string sourceFileName, string destFileName, bool overwrite) => NanoDrive.Copy(sourceFileName, destFileName, overwrite);

        public static FileStream Create(string path) => new FileStream(path, FileMode.Create);
    }

    /// <summary>nanoFramework's System.IO.FileStream (FileStream.cs), on the stand-in drive.</summary>
    internal sealed class FileStream : Stream
    {
        private readonly NanoFileStream _inner;

        public FileStream(string path, FileMode mode)
            : this(path, mode, mode == FileMode.Append ? FileAccess.Write : FileAccess.ReadWrite)
        {
        }

        public FileStream(string path, FileMode mode, FileAccess access)
        {
            _inner = NanoDrive.Open(path, mode, access);
        }

        public string Name => _inner.Name;

        public override bool CanRead => _inner.CanRead;

        public override bool CanSeek => _inner.CanSeek;

        public override bool CanWrite => _inner.CanWrite;

        public override long Length => _inner.Length;

        public override long Position
        {
            get => _inner.Position;
            set => _inner.Position = value;
        }

        public override void Flush() => _inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

        public override void SetLength(long value) => _inner.SetLength(value);

        public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
