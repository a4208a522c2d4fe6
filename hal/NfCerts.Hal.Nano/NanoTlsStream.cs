using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;

namespace NfCerts.Hal.Nano
{
    /// <summary>
    /// The stream <see cref="NanoTlsConnector"/> returns: nanoFramework's <c>SslStream</c>, owning its socket, with the
    /// firmware's <c>SocketException</c> (a read that timed out, a reset) turned into <see cref="IOException"/>, and
    /// <see cref="ReadTimeout"/>/<see cref="WriteTimeout"/> kept on the socket, where <c>SslStream</c> reads them.
    /// </summary>
    internal sealed class NanoTlsStream : Stream
    {
        private readonly SslStream _ssl;
        private readonly Socket _socket;
        private bool _disposed;

        public NanoTlsStream(SslStream ssl, Socket socket)
        {
            _ssl = ssl;
            _socket = socket;
        }

        public override bool CanRead => !_disposed;
        public override bool CanSeek => false;
        public override bool CanWrite => !_disposed;
        public override bool CanTimeout => true;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int ReadTimeout
        {
            get => _socket.ReceiveTimeout;
            set => _socket.ReceiveTimeout = value;
        }

        public override int WriteTimeout
        {
            get => _socket.SendTimeout;
            set => _socket.SendTimeout = value;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return _ssl.Read(buffer, offset, count);
            }
            catch (SocketException e)
            {
                throw new IOException(Failure("read", e));
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            try
            {
                _ssl.Write(buffer, offset, count);
            }
            catch (SocketException e)
            {
                throw new IOException(Failure("write", e));
            }
        }

        public override void Flush()
        {
            // SslStream writes each record as it is given.
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (!_disposed)
            {
                _disposed = true;
                _ssl.Dispose();
                _socket.Close();
            }
        }

        private static string Failure(string what, SocketException e)
        {
            return e.ErrorCode == (int)SocketError.TimedOut
                ? "the TLS " + what + " timed out"
                : "the TLS " + what + " failed (socket error " + e.ErrorCode.ToString() + ")";
        }
    }
}
