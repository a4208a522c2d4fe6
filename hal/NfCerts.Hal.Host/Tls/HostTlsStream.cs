using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;

namespace NfCerts.Hal.Host
{
    /// <summary>The stream <see cref="HostTlsConnector"/> returns: the <see cref="SslStream"/>, owning its TCP connection,
    /// turning a TLS 1.3 server's late refusal of the client certificate into <see cref="TlsException"/>.</summary>
    internal sealed class HostTlsStream : Stream
    {
        private readonly SslStream _ssl;
        private readonly TcpClient _tcp;

        public HostTlsStream(SslStream ssl, TcpClient tcp)
        {
            _ssl = ssl;
            _tcp = tcp;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override bool CanTimeout => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int ReadTimeout { get => _ssl.ReadTimeout; set => _ssl.ReadTimeout = value; }
        public override int WriteTimeout { get => _ssl.WriteTimeout; set => _ssl.WriteTimeout = value; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return _ssl.Read(buffer, offset, count);
            }
            catch (IOException e) when (IsClientCertificateAlert(e))
            {
                throw new TlsException(TlsFailure.ClientCertificateRejected, "the server refused the client certificate: " + Innermost(e));
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            try
            {
                _ssl.Write(buffer, offset, count);
            }
            catch (IOException e) when (IsClientCertificateAlert(e))
            {
                throw new TlsException(TlsFailure.ClientCertificateRejected, "the server refused the client certificate: " + Innermost(e));
            }
        }

        public override void Flush() => _ssl.Flush();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _ssl.Dispose();
                _tcp.Dispose();
            }
            base.Dispose(disposing);
        }

        /// <summary>True when a failure carries a TLS alert about the client's certificate (OpenSSL's words: "alert
        /// certificate required", "alert bad certificate", "alert unknown ca", "alert certificate expired", ...).</summary>
        internal static bool IsClientCertificateAlert(Exception e)
        {
            for (Exception? x = e; x != null; x = x.InnerException)
            {
                string m = x.Message.ToLowerInvariant();
                if (m.Contains("alert") && (m.Contains("certificate") || m.Contains("unknown ca") || m.Contains("access denied")))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>True when a failure carries any TLS alert from the peer.</summary>
        internal static bool IsAlert(Exception e)
        {
            for (Exception? x = e; x != null; x = x.InnerException)
            {
                if (x.Message.Contains("alert", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>The innermost message (OpenSSL's reason), for diagnostics; never key material.</summary>
        internal static string Innermost(Exception e)
        {
            Exception x = e;
            while (x.InnerException != null)
            {
                x = x.InnerException;
            }
            return x.Message;
        }
    }
}
