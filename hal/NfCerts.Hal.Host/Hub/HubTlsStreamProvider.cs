using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using MQTTnet.Channel;

namespace NfCerts.Hal.Host.Hub
{
    /// <summary>
    /// The TLS connection under the host hub transport: TCP to the hub, TLS 1.2/1.3 presenting the device's chain (leaf
    /// and intermediates), and the hub authenticated against the given roots only (no system store, no revocation
    /// downloads) and its host name. A refused server chain is reported as <see cref="TlsException"/> naming the
    /// certificate and the reason, kept in <see cref="Failure"/> because MQTTnet wraps what its stream provider throws.
    /// Memory: the roots are the process's shared instances of those certificates, so that an idle connection holds no
    /// parsed copy of its own, and the certificates the hub sent are let go once judged.
    /// </summary>
    internal sealed class HubTlsStreamProvider : IMqttClientStreamProvider, IDisposable
    {
        private readonly string _host;
        private readonly int _port;
        private readonly X509Certificate2Collection _roots = new X509Certificate2Collection();
        private readonly SslStreamCertificateContext? _client;
        private readonly IClock? _clock;

        /// <param name="options">What to connect to and with.</param>
        /// <param name="identity">The transport's client identity, made once per credential.</param>
        /// <param name="clock">The device's clock, which the hub's chain is judged at; null: the system clock.</param>
        public HubTlsStreamProvider(HubConnectOptions options, ClientIdentity identity, IClock? clock = null)
        {
            _clock = clock;
            _host = options.HostName;
            _port = options.Port;
            if (options.TrustedRoots == null || options.TrustedRoots.Length == 0)
            {
                throw new HubException(HubFailure.Transport, 0, "no trusted roots for the hub's TLS chain");
            }
            foreach (byte[] root in options.TrustedRoots)
            {
                // Every device of an emulated fleet trusts the same few roots: one parsed copy each for the process.
                _roots.Add(SharedCertificates.Load(root));
            }
            if (options.ClientCertificate != null)
            {
                if (options.ClientKey == null)
                {
                    throw new HubException(HubFailure.Transport, 0, "a client certificate needs its private key");
                }
                try
                {
                    _client = identity.For(options.ClientCertificate, options.ClientKey);
                }
                catch (EapCredentialException e)
                {
                    throw new HubException(HubFailure.Transport, 0, e.Message);
                }
            }
        }

        /// <summary>Why the last TLS connection failed, or null.</summary>
        public TlsException? Failure { get; private set; }

        public async Task<Stream> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken)
        {
            Failure = null;
            var tcp = new TcpClient { NoDelay = true };
            try
            {
                await tcp.ConnectAsync(_host, _port, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                tcp.Dispose();
                throw Fail(e.SocketErrorCode == SocketError.HostNotFound || e.SocketErrorCode == SocketError.NoData
                    ? TlsFailure.HostNotFound : TlsFailure.ConnectFailed, "cannot reach " + _host + ":" + _port + ": " + e.Message);
            }
            catch (OperationCanceledException)
            {
                tcp.Dispose();
                throw Fail(TlsFailure.Timeout, "no TCP connection to " + _host + ":" + _port + " in time");
            }

            string? refusal = null;
            var ssl = new SslStream(tcp.GetStream(), false);
            try
            {
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = _host,
                    ClientCertificateContext = _client,
                    CertificateChainPolicy = ChainJudge.Policy(_roots, _clock?.UtcNow ?? DateTime.UtcNow, ChainJudge.ServerAuthOid),
                    // A board's TLS stack does not resume sessions: every connection is a full handshake.
                    AllowTlsResume = false,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                    {
                        refusal = JudgeServer(certificate, chain, errors);
                        // The chain's policy is this connection's, which the stream keeps while it lives, and .NET put the
                        // certificates the hub sent into its extra store: judged now, they need not live that long.
                        chain?.ChainPolicy.ExtraStore.Clear();
                        return refusal == null;
                    },
                }, cancellationToken).ConfigureAwait(false);
                return ssl;
            }
            catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
            {
                ssl.Dispose();
                tcp.Dispose();
                if (refusal != null)
                {
                    throw Fail(TlsFailure.ServerCertificateNotTrusted, "the hub's certificate chain is not trusted: " + refusal);
                }
                if (e is OperationCanceledException)
                {
                    throw Fail(TlsFailure.Timeout, "no TLS handshake with " + _host + ":" + _port + " in time");
                }
                throw Fail(TlsFailure.HandshakeFailed, "TLS handshake with " + _host + ":" + _port + " failed: " + e.Message);
            }
        }

        private TlsException Fail(TlsFailure failure, string message)
        {
            Failure = new TlsException(failure, message);
            return Failure;
        }

        private string? JudgeServer(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (certificate == null)
            {
                return "the hub sent no certificate";
            }
            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return "the certificate " + DistinguishedNames.Subject(leaf) + " does not name host '" + _host + "'";
            }
            ChainProblem? problem = ChainJudge.Check(leaf, chain?.ChainPolicy.ExtraStore, _roots, _clock?.UtcNow ?? DateTime.UtcNow, ChainJudge.ServerAuthOid);
            return problem?.ToString();
        }

        public void Dispose()
        {
            // The roots are the process's shared instances (SharedCertificates): dropped, never disposed here.
            _roots.Clear();
        }
    }
}
