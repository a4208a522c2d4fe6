using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// <see cref="ITlsConnector"/> on desktop .NET: <see cref="SslStream"/> over a <see cref="TcpClient"/>, TLS 1.2 or 1.3.
    /// </summary>
    /// <remarks>
    /// <para>The server's chain is judged by <see cref="ChainJudge"/> against the given roots only (custom root trust, no
    /// system store, no revocation, no downloads), at the clock's time, with the server-authentication usage when the
    /// certificate names usages; the host name or IP address must match a SAN (the platform's name check).</para>
    /// <para>The client certificate is the leaf with its key plus every intermediate that follows it in the DER chain,
    /// all sent in the handshake.</para>
    /// <para>Failures: unresolvable name HostNotFound; refused or reset TCP ConnectFailed; no handshake within the timeout
    /// Timeout; a server the roots do not vouch for, or a name mismatch, ServerCertificateNotTrusted; an alert about the
    /// client's certificate ClientCertificateRejected; anything else HandshakeFailed. In TLS 1.3 a server judges the
    /// client certificate after the client has finished its handshake, so that refusal can only surface on the first read
    /// or write: the returned stream then throws <see cref="TlsException"/> ClientCertificateRejected rather than an
    /// <see cref="IOException"/>.</para>
    /// </remarks>
    public sealed class HostTlsConnector : ITlsConnector
    {
        private readonly IClock? _clock;
        private readonly ClientIdentity _identity = new ClientIdentity(keepWhileIdle: false);

        /// <summary>A connector judging server certificates at the system's time.</summary>
        public HostTlsConnector()
        {
        }

        /// <summary>A connector judging server certificates at <paramref name="clock"/>'s time (the device's clock).</summary>
        public HostTlsConnector(IClock clock)
        {
            _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        }

        /// <summary>The TLS version of the last connection made (for tests and diagnostics).</summary>
        public SslProtocols LastProtocol { get; private set; }

        /// <inheritdoc />
        public Stream Connect(string host, int port, byte[][] trustedRoots, byte[]? clientCertificate, byte[]? clientKey, TimeSpan timeout)
        {
            ArgumentNullException.ThrowIfNull(host);
            ArgumentNullException.ThrowIfNull(trustedRoots);
            X509Certificate2Collection roots = LoadAll(trustedRoots, "trusted root");
            SslStreamCertificateContext? context = null;
            if (clientCertificate != null && clientKey != null)
            {
                try
                {
                    context = _identity.For(clientCertificate, clientKey);
                }
                catch (EapCredentialException e)
                {
                    throw new TlsException(TlsFailure.HandshakeFailed, "the client credential is unusable: " + e.Message);
                }
            }

            using var cancel = new CancellationTokenSource(timeout);
            var tcp = new TcpClient();
            try
            {
                ConnectTcp(tcp, host, port, cancel.Token);
                string? problem = null;
                bool askedWithoutOne = false;
                var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
                var options = new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    ClientCertificateContext = context,
                    CertificateChainPolicy = ChainJudge.Policy(roots, _clock?.UtcNow ?? DateTime.UtcNow, ChainJudge.ServerAuthOid),
                    // A board's TLS stack does not resume sessions: every connection is a full handshake.
                    AllowTlsResume = false,
                    RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                    {
                        problem = ChainJudge.ServerProblem(certificate, chain, errors, roots, _clock?.UtcNow ?? DateTime.UtcNow);
                        return problem == null;
                    },
                };
                if (context == null)
                {
                    // Called only when the server asks for a client certificate: with none to give, its refusal is about that.
                    options.LocalCertificateSelectionCallback = (_, _, _, _, _) =>
                    {
                        askedWithoutOne = true;
                        return null!;
                    };
                }
                try
                {
                    ssl.AuthenticateAsClientAsync(options, cancel.Token).GetAwaiter().GetResult();
                }
                catch (Exception e) when (e is AuthenticationException || e is IOException || e is OperationCanceledException)
                {
                    ssl.Dispose();
                    throw Classify(e, problem, askedWithoutOne, cancel.IsCancellationRequested, timeout);
                }
                LastProtocol = ssl.SslProtocol;
                return new HostTlsStream(ssl, tcp);
            }
            catch
            {
                tcp.Dispose();
                throw;
            }
        }

        private static void ConnectTcp(TcpClient tcp, string host, int port, CancellationToken token)
        {
            IPAddress[] addresses;
            if (IPAddress.TryParse(host, out IPAddress? literal))
            {
                addresses = new[] { literal };
            }
            else
            {
                try
                {
                    addresses = Dns.GetHostAddressesAsync(host, token).GetAwaiter().GetResult();
                }
                catch (SocketException)
                {
                    throw new TlsException(TlsFailure.HostNotFound, "the host name " + host + " does not resolve");
                }
                catch (OperationCanceledException)
                {
                    throw new TlsException(TlsFailure.Timeout, "resolving " + host + " took too long");
                }
            }
            try
            {
                tcp.ConnectAsync(addresses, port, token).AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                throw new TlsException(TlsFailure.Timeout, "no TCP connection to " + host + ":" + port + " in time");
            }
            catch (SocketException e)
            {
                throw new TlsException(TlsFailure.ConnectFailed, "TCP connection to " + host + ":" + port + " failed: " + e.SocketErrorCode);
            }
        }

        private static TlsException Classify(Exception e, string? problem, bool askedWithoutOne, bool cancelled, TimeSpan timeout)
        {
            if (problem != null)
            {
                return new TlsException(TlsFailure.ServerCertificateNotTrusted, "the server is not trusted: " + problem);
            }
            if (cancelled || e is OperationCanceledException)
            {
                return new TlsException(TlsFailure.Timeout, "no TLS handshake within " + timeout.TotalSeconds + " s");
            }
            if (HostTlsStream.IsClientCertificateAlert(e) || (askedWithoutOne && HostTlsStream.IsAlert(e)))
            {
                return new TlsException(TlsFailure.ClientCertificateRejected, "the server refused the client certificate: " + HostTlsStream.Innermost(e));
            }
            if (e is IOException && e.InnerException is SocketException)
            {
                return new TlsException(TlsFailure.ConnectFailed, "the connection was reset during the handshake");
            }
            return new TlsException(TlsFailure.HandshakeFailed, "the TLS handshake failed: " + HostTlsStream.Innermost(e));
        }

        private static X509Certificate2Collection LoadAll(byte[][] ders, string what)
        {
            var collection = new X509Certificate2Collection();
            for (int i = 0; i < ders.Length; i++)
            {
                collection.Add(Load(ders[i], what + " #" + i));
            }
            return collection;
        }

        private static X509Certificate2 Load(byte[] der, string what)
        {
            try
            {
                return EapCredentials.LoadCertificate(der, what);
            }
            catch (EapCredentialException e)
            {
                throw new TlsException(TlsFailure.HandshakeFailed, e.Message);
            }
        }
    }
}
