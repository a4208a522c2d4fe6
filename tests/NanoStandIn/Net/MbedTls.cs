using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NfCerts.Hal.Host;

namespace NfCerts.NanoStandIn.Net
{
    /// <summary>
    /// The board's TLS client as nanoFramework's native layer runs it (nf-interpreter
    /// <c>src/PAL/COM/sockets/ssl/MbedTLS</c>), over .NET's <see cref="SslStream"/> for the real handshake.
    /// </summary>
    /// <remarks>
    /// <para>What is kept from mbedTLS: certificate bytes are read as <c>mbedtls_x509_crt_parse</c> reads them: a
    /// NUL-terminated PEM text gives every certificate in it, anything else is DER and gives the first certificate only
    /// (bytes after it are ignored). The own certificate chain is what was parsed from the client certificate's bytes, all
    /// of it sent; the CA certificates are the only roots (the stand-in board has no CA store of its own). With
    /// <c>SslVerification.CertificateRequired</c> the server's chain must verify to them, name the host and be valid now,
    /// with the serverAuth usage when usages are named. Failures are thrown as the native <c>ThrowOnError</c> throws them:
    /// a <see cref="SocketException"/> carrying mbedTLS's code (<see cref="CertVerifyFailed"/>,
    /// <see cref="FatalAlertReceived"/>, <see cref="ConnectionReset"/>, else <see cref="HandshakeFailed"/>); a socket closed
    /// under the handshake gives <see cref="ObjectDisposedException"/>, as a disposed handle does on the board.</para>
    /// <para>Protocol flags are nanoFramework's <c>SslProtocols</c> values (Tls12 3072, Tls13 12288, as .NET's); None lets
    /// the stack choose (TLS 1.2 or 1.3).</para>
    /// </remarks>
    public static class MbedTls
    {
        /// <summary>MBEDTLS_ERR_X509_CERT_VERIFY_FAILED.</summary>
        public const int CertVerifyFailed = -0x2700;
        /// <summary>MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE.</summary>
        public const int FatalAlertReceived = -0x7780;
        /// <summary>MBEDTLS_ERR_NET_CONN_RESET.</summary>
        public const int ConnectionReset = -0x0050;
        /// <summary>MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE.</summary>
        public const int HandshakeFailed = -0x6A80;
        /// <summary>nanoFramework's SslVerification.CertificateRequired.</summary>
        public const int CertificateRequired = 4;

        private const string PemMarker = "-----BEGIN CERTIFICATE-----";

        /// <summary>The certificates <c>mbedtls_x509_crt_parse</c> reads from <paramref name="data"/>.</summary>
        /// <exception cref="ArgumentException">Nothing parses.</exception>
        public static X509Certificate2Collection Parse(byte[] data)
        {
            ArgumentNullException.ThrowIfNull(data);
            var all = new X509Certificate2Collection();
            if (data.Length > 0 && data[^1] == 0)
            {
                string text = Encoding.ASCII.GetString(data, 0, data.Length - 1);
                if (text.Contains(PemMarker, StringComparison.Ordinal))
                {
                    try
                    {
                        all.ImportFromPem(text);
                    }
                    catch (System.Security.Cryptography.CryptographicException e)
                    {
                        throw new ArgumentException("the PEM certificate text does not parse: " + e.Message);
                    }
                    if (all.Count == 0)
                    {
                        throw new ArgumentException("the PEM text holds no certificate");
                    }
                    return all;
                }
            }
            try
            {
                all.Add(EapCredentials.LoadCertificate(EapCredentials.SplitChain(FirstElement(data))[0], "certificate"));
            }
            catch (EapCredentialException e)
            {
                throw new ArgumentException(e.Message);
            }
            return all;
        }

        /// <summary>Checks a private key as <c>DecodePrivateKeyNative</c> does (DER only here).</summary>
        public static void CheckKey(byte[] key)
        {
            ArgumentNullException.ThrowIfNull(key);
            if (key.Length == 0 || key[0] != 0x30)
            {
                throw new ArgumentException("the private key does not parse");
            }
        }

        /// <summary>Runs the client handshake on <paramref name="socket"/> and returns the stream (which owns nothing: the
        /// caller closes the socket).</summary>
        public static SslStream Connect(Socket socket, string host, byte[]? ownCertificate, byte[]? ownKey, byte[]? ca, int protocols, int verification)
        {
            X509Certificate2Collection roots = ca == null ? new X509Certificate2Collection() : Parse(ca);
            SslStreamCertificateContext? identity = null;
            if (ownCertificate != null && ownKey != null)
            {
                X509Certificate2Collection chain = Parse(ownCertificate);
                X509Certificate2 leaf;
                try
                {
                    leaf = EapCredentials.LoadClientCertificate(chain[0].RawData, ownKey);
                }
                catch (EapCredentialException e)
                {
                    throw new SocketException(HandshakeFailed, "the own certificate or key is unusable: " + e.Message);
                }
                var intermediates = new X509Certificate2Collection();
                for (int i = 1; i < chain.Count; i++)
                {
                    intermediates.Add(chain[i]);
                }
                identity = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
            }
            string? problem = null;
            var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = host,
                EnabledSslProtocols = ToDotNet(protocols),
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                ClientCertificateContext = identity,
                AllowTlsResume = false,
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                {
                    problem = verification == CertificateRequired ? ChainJudge.ServerProblem(certificate, chain, errors, roots, DateTime.UtcNow) : null;
                    return problem == null;
                },
            };
            try
            {
                ssl.AuthenticateAsClient(options);
                return ssl;
            }
            catch (Exception e) when (e is AuthenticationException || e is IOException || e is ObjectDisposedException)
            {
                ssl.Dispose();
                if (problem != null)
                {
                    throw new SocketException(CertVerifyFailed, problem);
                }
                if (socket.SafeHandle.IsClosed || e is ObjectDisposedException)
                {
                    throw new ObjectDisposedException("socket");
                }
                if (Mentions(e, "alert"))
                {
                    throw new SocketException(FatalAlertReceived, Innermost(e));
                }
                if (Innermost(e).Contains("reset", StringComparison.OrdinalIgnoreCase))
                {
                    throw new SocketException(ConnectionReset, Innermost(e));
                }
                throw new SocketException(HandshakeFailed, Innermost(e));
            }
        }

        /// <summary>What a read or write on the board throws for a .NET stream failure: SocketException with the socket's
        /// error (10060 for a timeout).</summary>
        public static Exception AsBoardError(IOException e)
        {
            if (e.InnerException is SocketException s)
            {
                return new SocketException((int)s.SocketErrorCode);
            }
            return Mentions(e, "alert") ? new SocketException(FatalAlertReceived, Innermost(e)) : new SocketException((int)SocketError.ConnectionReset);
        }

        private static SslProtocols ToDotNet(int protocols)
        {
            var p = SslProtocols.None;
            if ((protocols & 3072) != 0)
            {
                p |= SslProtocols.Tls12;
            }
            if ((protocols & 12288) != 0)
            {
                p |= SslProtocols.Tls13;
            }
            return p;
        }

        private static byte[] FirstElement(byte[] data)
        {
            if (data.Length < 2 || data[0] != 0x30)
            {
                return data;
            }
            int first = data[1];
            int total = first < 0x80 ? 2 + first : -1;
            if (first >= 0x80)
            {
                int octets = first & 0x7F;
                if (octets is < 1 or > 3 || data.Length < 2 + octets)
                {
                    return data;
                }
                int length = 0;
                for (int i = 0; i < octets; i++)
                {
                    length = (length << 8) | data[2 + i];
                }
                total = 2 + octets + length;
            }
            return total <= data.Length ? data.AsSpan(0, total).ToArray() : data;
        }

        private static bool Mentions(Exception e, string word)
        {
            for (Exception? x = e; x != null; x = x.InnerException)
            {
                if (x.Message.Contains(word, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            return false;
        }

        private static string Innermost(Exception e)
        {
            while (e.InnerException != null)
            {
                e = e.InnerException;
            }
            return e.Message;
        }
    }
}
