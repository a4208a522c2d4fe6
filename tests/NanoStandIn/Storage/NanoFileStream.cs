using System;
using System.IO;

namespace NfCerts.NanoStandIn
{
    /// <summary>A file on <see cref="NanoDrive"/> opened as nanoFramework's FileStream opens it.</summary>
    public sealed class NanoFileStream : Stream
    {
        private readonly FileStream _file;
        private readonly bool _canRead;
        private readonly bool _canWrite;
        private bool _disposed;

        internal NanoFileStream(string path, string hostPath, FileMode mode, FileAccess access)
        {
            bool wantsWrite = (access & FileAccess.Write) != 0;
            if (mode != FileMode.Open && mode != FileMode.OpenOrCreate && !wantsWrite)
            {
                throw new ArgumentException("This mode needs write access.");
            }

            bool exists = System.IO.File.Exists(hostPath);
            if (mode == FileMode.CreateNew && exists)
            {
                throw new IOException("File already exists: " + path);
            }

            if ((mode == FileMode.Open || mode == FileMode.Truncate) && !exists)
            {
                throw new IOException("File not found: " + path);
            }

            Name = Path.GetFileName(hostPath);
            _file = new FileStream(hostPath, mode == FileMode.CreateNew ? FileMode.Create : mode, access, FileShare.ReadWrite, 1, FileOptions.None);
            _canRead = (access & FileAccess.Read) != 0;
            _canWrite = wantsWrite;
        }

        /// <summary>The file name with its extension.</summary>
        public string Name { get; }

        /// <inheritdoc/>
        public override bool CanRead => !_disposed && _canRead;

        /// <inheritdoc/>
        public override bool CanSeek => !_disposed;

        /// <inheritdoc/>
        public override bool CanWrite => !_disposed && _canWrite;

        /// <inheritdoc/>
        public override long Length
        {
            get
            {
                ThrowIfDisposed();
                return _file.Length;
            }
        }

        /// <inheritdoc/>
        public override long Position
        {
            get
            {
                ThrowIfDisposed();
                return _file.Position;
            }

            set
            {
                ThrowIfDisposed();
                if (value < 0)
                {
                    throw new ArgumentException("Can't set Position below SeekLimit.");
                }

                if (value > _file.Length)
                {
                    throw new ArgumentException("Can't set Position beyond end of File.");
                }

                _file.Position = value;
            }
        }

        /// <inheritdoc/>
        public override void Flush()
        {
            ThrowIfDisposed();
        }

        /// <inheritdoc/>
        public override int Read(byte[] buffer, int offset, int count)
        {
            ThrowIfDisposed();
            if (!_canRead)
            {
                throw new NotSupportedException();
            }

            if (offset > buffer.Length || buffer.Length < offset + count)
            {
                throw new IndexOutOfRangeException("Buffer size is smaller than offset + count.");
            }

            NanoDrive.BeforeRead(count);
            return _file.Read(buffer, offset, count);
        }

        /// <inheritdoc/>
        public override long Seek(long offset, SeekOrigin origin)
        {
            ThrowIfDisposed();
            long target = origin == SeekOrigin.Begin ? offset : origin == SeekOrigin.Current ? _file.Position + offset : _file.Length + offset;
            Position = target;
            return target;
        }

        /// <inheritdoc/>
        /// <remarks>nanoFramework's FileStream has no SetLength.</remarks>
        public override void SetLength(long value)
        {
            throw new NotImplementedException();
        }

        /// <inheritdoc/>
        public override void Write(byte[] buffer, int offset, int count)
        {
            ThrowIfDisposed();
            if (!_canWrite)
            {
                throw new NotSupportedException();
            }

            NanoDrive.BeforeWrite(count);
            _file.Write(buffer, offset, count);
            _file.Flush(); // to the OS: a power cut is modelled by NanoDrive, not by the host disk
        }

        /// <inheritdoc/>
        protected override void Dispose(bool disposing)
        {
            if (!_disposed && disposing)
            {
                _file.Dispose();
            }

            _disposed = true;
            base.Dispose(disposing);
        }

        private void ThrowIfDisposed()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(Name);
            }
        }
    }
}
