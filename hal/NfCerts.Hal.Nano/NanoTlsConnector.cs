using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace NfCerts.Hal.Nano
{
    /// <summary>
    /// <see cref="ITlsConnector"/> on nanoFramework: a TCP <c>Socket</c> and <c>System.Net.Security.SslStream</c> (mbedTLS),
    /// TLS 1.2, the server verified against the given roots (<c>SslVerification.CertificateRequired</c>) and the host name
    /// (sent as SNI and checked against the certificate by mbedTLS).
    /// </summary>
    /// <remarks>
    /// <para><b>The client chain.</b> nanoFramework's <c>SslStream</c> takes one client <c>X509Certificate2</c> (certificate
    /// bytes plus key bytes) and one CA <c>X509Certificate</c>; the native layer parses both with
    /// <c>mbedtls_x509_crt_parse</c>, which reads one certificate from DER but every certificate from a NUL-terminated PEM
    /// text. So the chain (leaf + intermediates) is handed over as one PEM bundle and mbedTLS presents all of it in the
    /// handshake; the roots likewise go in as one PEM bundle (<see cref="NanoCertificates"/>).</para>
    /// <para><b>Trust.</b> Besides the given roots, the firmware's own CA store (what <c>CertificateManager</c> or a nanoff
    /// deployment installed, e.g. NanoHubTransport's hub roots) is always added by the native layer
    /// (<c>ssl_generic_init_internal</c>): it cannot be left out from managed code. Validity is judged at the board's clock.</para>
    /// <para><b>Timeouts.</b> The native handshake waits without a timeout, so a deadline closes the socket when
    /// <c>timeout</c> has passed (name resolution is the firmware's own and not bounded). The returned stream reads and writes
    /// with the socket's timeouts set to <c>timeout</c> (a read sets its own through <c>ReadTimeout</c>) and turns the
    /// firmware's <c>SocketException</c> into <see cref="IOException"/>, as callers of <see cref="ITlsConnector"/> expect.</para>
    /// <para><b>Failures.</b> The handshake's error arrives as a <c>SocketException</c> whose <c>ErrorCode</c> is mbedTLS's:
    /// <c>MBEDTLS_ERR_X509_CERT_VERIFY_FAILED</c> is ServerCertificateNotTrusted; a fatal alert from the server
    /// (<c>MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE</c>; mbedTLS does not say which alert) is ClientCertificateRejected, the cause
    /// a server has for ending a TLS 1.2 handshake that the client's own checks passed; anything else is HandshakeFailed
    /// with the code. Releases of System.Net that throw <c>CryptographicException</c> instead end up as HandshakeFailed.</para>
    /// <para><b>Keys.</b> The key is copied for the TLS stack (which keeps it by reference) and the copy is zeroed as soon as
    /// the handshake has ended, whatever its outcome; the caller's array is left as it was.</para>
    /// </remarks>
    public sealed class NanoTlsConnector : ITlsConnector
    {
        /// <summary>mbedTLS: the peer's certificate chain did not verify (MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, -0x2700).</summary>
        public const int CertVerifyFailed = -0x2700;
        /// <summary>mbedTLS: the peer sent a fatal alert (MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, -0x7780).</summary>
        public const int FatalAlertReceived = -0x7780;
        /// <summary>mbedTLS: the connection was reset (MBEDTLS_ERR_NET_CONN_RESET, -0x0050).</summary>
        public const int ConnectionReset = -0x0050;

        /// <inheritdoc/>
        public Stream Connect(string host, int port, byte[][] trustedRoots, byte[]? clientCertificate, byte[]? clientKey, TimeSpan timeout)
        {
            if (host == null || trustedRoots == null)
            {
                throw new ArgumentNullException(host == null ? "host" : "trustedRoots");
            }
            if (trustedRoots.Length == 0)
            {
                throw new TlsException(TlsFailure.ServerCertificateNotTrusted, "no trusted roots were given");
            }
            X509Certificate ca;
            try
            {
                ca = new X509Certificate(NanoCertificates.SetToPem(trustedRoots));
            }
            catch (Exception e)
            {
                throw new TlsException(TlsFailure.HandshakeFailed, "the trusted roots are unusable: " + e.Message);
            }
            IPAddress address = Resolve(host);
            byte[]? key = null;
            try
            {
                X509Certificate? client = null;
                if (clientCertificate != null && clientKey != null)
                {
                    key = NanoCertificates.CopyKey(clientKey);
                    client = ClientCredential(clientCertificate, key);
                }
                return Open(host, port, address, ca, client, timeout);
            }
            finally
            {
                NanoCertificates.Zero(key);
            }
        }

        private static X509Certificate ClientCredential(byte[] chain, byte[] key)
        {
            try
            {
                return new X509Certificate2(NanoCertificates.ChainToPem(chain), key, null);
            }
            catch (Exception e)
            {
                // The message names the step (chain layout or key parsing), never the key's bytes.
                throw new TlsException(TlsFailure.HandshakeFailed, "the client credential is unusable: " + e.Message);
            }
        }

        /// <summary>The host's first IPv4 address (the board's sockets are IPv4).</summary>
        internal static IPAddress Resolve(string host)
        {
            IPHostEntry entry;
            try
            {
                entry = Dns.GetHostEntry(host);
            }
            catch (Exception)
            {
                throw new TlsException(TlsFailure.HostNotFound, "the host name " + host + " does not resolve");
            }
            IPAddress[] list = entry.AddressList;
            for (int i = 0; list != null && i < list.Length; i++)
            {
                if (list[i] != null && list[i].AddressFamily == AddressFamily.InterNetwork)
                {
                    return list[i];
                }
            }
            throw new TlsException(TlsFailure.HostNotFound, "the host name " + host + " has no IPv4 address");
        }

        private static Stream Open(string host, int port, IPAddress address, X509Certificate ca, X509Certificate? client, TimeSpan timeout)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            SslStream? ssl = null;
            var deadline = new NanoDeadline(timeout, new SocketCloser(socket).Close);
            try
            {
                try
                {
                    socket.Connect(new IPEndPoint(address, port));
                }
                catch (Exception e)
                {
                    throw deadline.Expired
                        ? new TlsException(TlsFailure.Timeout, "no TCP connection to " + host + ":" + port.ToString() + " in time")
                        : new TlsException(TlsFailure.ConnectFailed, "TCP connection to " + host + ":" + port.ToString() + " failed: " + Describe(e));
                }
                ssl = new SslStream(socket);
                ssl.SslVerification = SslVerification.CertificateRequired;
                try
                {
                    ssl.AuthenticateAsClient(host, client, ca, SslProtocols.Tls12);
                }
                catch (Exception e)
                {
                    throw Classify(e, deadline.Expired, timeout);
                }
                deadline.Cancel();
                if (deadline.Expired)
                {
                    throw new TlsException(TlsFailure.Timeout, "no TLS handshake within " + ((long)timeout.TotalSeconds).ToString() + " s");
                }
                int ms = Milliseconds(timeout);
                socket.ReceiveTimeout = ms;
                socket.SendTimeout = ms;
                return new NanoTlsStream(ssl, socket);
            }
            catch (Exception)
            {
                deadline.Cancel();
                if (ssl != null)
                {
                    ssl.Dispose();
                }
                socket.Close();
                throw;
            }
        }

        /// <summary>What a failed handshake means, from mbedTLS's code in the board's SocketException (also used by the MQTT transport).</summary>
        internal static TlsException Classify(Exception e, bool expired, TimeSpan timeout)
        {
            if (expired)
            {
                return new TlsException(TlsFailure.Timeout, "no TLS handshake within " + ((long)timeout.TotalSeconds).ToString() + " s");
            }
            var s = e as SocketException;
            int code = s == null ? 0 : s.ErrorCode;
            if (code == CertVerifyFailed)
            {
                return new TlsException(TlsFailure.ServerCertificateNotTrusted, "the server is not trusted: its chain does not verify to the given roots, is outside its validity or does not name the host");
            }
            if (code == FatalAlertReceived)
            {
                return new TlsException(TlsFailure.ClientCertificateRejected, "the server ended the handshake with a fatal alert: it refused the client certificate, or wanted one");
            }
            if (code == ConnectionReset)
            {
                return new TlsException(TlsFailure.ConnectFailed, "the connection was reset during the handshake");
            }
            return new TlsException(TlsFailure.HandshakeFailed, "the TLS handshake failed: " + Describe(e));
        }

        internal static string Describe(Exception e)
        {
            var s = e as SocketException;
            return s != null ? "socket error " + s.ErrorCode.ToString() : e.Message;
        }

        internal static int Milliseconds(TimeSpan timeout)
        {
            long ms = timeout.Ticks / TimeSpan.TicksPerMillisecond;
            return ms < 1 ? 1 : (ms > int.MaxValue ? int.MaxValue : (int)ms);
        }

        /// <summary>The deadline's action: close the socket the handshake blocks on.</summary>
        private sealed class SocketCloser
        {
            private readonly Socket _socket;

            public SocketCloser(Socket socket)
            {
                _socket = socket;
            }

            public void Close()
            {
                _socket.Close();
            }
        }
    }
}
