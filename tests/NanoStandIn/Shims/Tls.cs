// Compiled into tests/NfCerts.Hal.Nano.Desktop only, like FileSystem.cs: nanoFramework's SslStream, SslProtocols,
// SslVerification (nanoFramework.System.Net/Security/{SslStream,NetworkSecurity}.cs) and X509Certificate/X509Certificate2
// (X509Certificates/*.cs), shadowing the BCL's, over the stand-in's mbedTLS behaviour (NfCerts.NanoStandIn.Net.MbedTls)
// and the BCL Socket (whose members the board's Socket shares: Connect(EndPoint), ReceiveTimeout/SendTimeout in ms, Close).
using System.IO;
using System.Net.Sockets;
using NfCerts.NanoStandIn.Net;

namespace System.Net.Security
{
    [Flags]
    internal enum SslProtocols
    {
        None = 0x00,
        Tls12 = 3072,
        Tls13 = 12288,
    }

    internal enum SslVerification
    {
        NoVerification = 1,
        VerifyPeer = 2,
        CertificateRequired = 4,
        VerifyClientOnce = 8,
    }

    /// <summary>The board's SslStream: it owns the socket (disposing it closes the socket); Read and Write use the socket's
    /// ReceiveTimeout/SendTimeout and throw SocketException (10060 on a timeout); a second authentication is refused.</summary>
    internal class SslStream : Stream
    {
        private readonly Socket _socket;
        private Stream? _tls; // .NET's SslStream (the name is shadowed here)
        private bool _disposed;

        public SslStream(Socket socket)
        {
            _socket = socket ?? throw new ArgumentNullException(nameof(socket));
            if (!socket.Connected)
            {
                throw new IOException();
            }
        }

        public SslVerification SslVerification { get; set; } = SslVerification.CertificateRequired;

        public bool UseStoredDeviceCertificate { get; set; }

        public void AuthenticateAsClient(string targetHost, System.Security.Cryptography.X509Certificates.X509Certificate? clientCertificate,
            System.Security.Cryptography.X509Certificates.X509Certificate? ca, SslProtocols enabledSslProtocols)
        {
            if (_tls != null)
            {
                throw new InvalidOperationException();
            }
            var withKey = clientCertificate as System.Security.Cryptography.X509Certificates.X509Certificate2;
            _tls = MbedTls.Connect(_socket, targetHost, clientCertificate?.GetRawCertData(), withKey?.PrivateKey, ca?.GetRawCertData(),
                (int)enabledSslProtocols, (int)SslVerification);
        }

        public override bool CanRead => !_disposed;
        public override bool CanSeek => false;
        public override bool CanWrite => !_disposed;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var tls = Ready();
            tls.ReadTimeout = _socket.ReceiveTimeout <= 0 ? Threading.Timeout.Infinite : _socket.ReceiveTimeout;
            try
            {
                return tls.Read(buffer, offset, count);
            }
            catch (IOException e)
            {
                throw MbedTls.AsBoardError(e);
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            var tls = Ready();
            tls.WriteTimeout = _socket.SendTimeout <= 0 ? Threading.Timeout.Infinite : _socket.SendTimeout;
            try
            {
                tls.Write(buffer, offset, count);
            }
            catch (IOException e)
            {
                throw MbedTls.AsBoardError(e);
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (!_disposed)
            {
                _disposed = true;
                _tls?.Dispose();
                _socket.Close();
            }
            base.Dispose(disposing);
        }

        private Stream Ready()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _tls ?? throw new InvalidOperationException("not authenticated");
        }
    }
}

namespace System.Security.Cryptography.X509Certificates
{
    /// <summary>The board's X509Certificate: the bytes are kept by reference and parsed as mbedTLS parses them (DER, or a
    /// NUL-terminated PEM text, possibly a bundle); unparsable bytes throw.</summary>
    internal class X509Certificate
    {
        private readonly byte[] _certificate;

        public X509Certificate(byte[] certificate)
        {
            _certificate = certificate ?? throw new ArgumentNullException(nameof(certificate));
            MbedTls.Parse(certificate);
        }

        public virtual byte[] GetRawCertData() => _certificate;
    }

    /// <summary>The board's X509Certificate2 with a private key: the key array is kept by reference (the native layer reads it
    /// at the handshake) and checked when constructed.</summary>
    internal class X509Certificate2 : X509Certificate
    {
        public X509Certificate2(byte[] rawData, byte[] key, string? password)
            : base(rawData)
        {
            MbedTls.CheckKey(key);
            PrivateKey = key;
        }

        public byte[] PrivateKey { get; }
    }
}
