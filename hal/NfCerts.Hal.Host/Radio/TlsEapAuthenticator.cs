using System;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// The in-process EAP-TLS equivalent: each authentication is a real TLS handshake with mutual authentication over a
    /// fresh loopback TCP connection on 127.0.0.1, between the device side (the request's client certificate and key,
    /// trusting only the request's roots) and the RADIUS server side (its certificate chain, requiring a client
    /// certificate that leads to one of its client CAs). Validity on both sides is judged at the <c>utcNow</c> passed to
    /// <see cref="Authenticate"/> (the virtual clock), not at the system time.
    /// </summary>
    /// <remarks>
    /// <para>What is the same as on a RADIUS server: the TLS versions and cipher suites, the certificate messages, the
    /// chain checks (trust only in the configured roots, validity, extended key usage serverAuth/clientAuth when the
    /// certificate has the extension, the optional domain suffix match). What is not: there is no EAP or RADIUS framing,
    /// and revocation is not checked.</para>
    /// <para>Both handshakes run concurrently and are abandoned after the request's timeout; the sockets are closed and
    /// both tasks observed before <see cref="Authenticate"/> returns.</para>
    /// </remarks>
    public sealed class TlsEapAuthenticator : IEapAuthenticator
    {
        private readonly object _gate = new object();
        private readonly X509Certificate2Collection _clientCAs;
        private X509Certificate2 _serverCertificate;
        private SslStreamCertificateContext _serverContext;
        private bool _running = true;
        private long _authentications;

        /// <summary>The device side's certificate context: the process's one for the device's credential (the one its hub
        /// connection holds, once it has one), not a new one per authentication.</summary>
        private readonly ClientIdentity _device = new ClientIdentity(keepWhileIdle: false);

        /// <summary>
        /// Creates the authenticator. <paramref name="serverCertificate"/> must carry its private key;
        /// <paramref name="intermediates"/> are sent with it; client certificates must lead to one of <paramref name="clientCAs"/>.
        /// </summary>
        public TlsEapAuthenticator(X509Certificate2 serverCertificate, X509Certificate2Collection? intermediates, X509Certificate2Collection clientCAs)
        {
            ArgumentNullException.ThrowIfNull(clientCAs);
            if (clientCAs.Count == 0)
            {
                throw new ArgumentException("at least one client CA is needed", nameof(clientCAs));
            }
            _clientCAs = new X509Certificate2Collection(clientCAs);
            _serverCertificate = serverCertificate;
            _serverContext = CreateContext(serverCertificate, intermediates);
        }

        /// <inheritdoc/>
        public string Name { get { return "in-process TLS"; } }

        /// <inheritdoc/>
        public bool UsesSuppliedTime { get { return true; } }

        /// <summary>The TLS versions the server side accepts; TLS 1.2 and 1.3 by default.</summary>
        public SslProtocols Protocols { get; set; } = SslProtocols.Tls12 | SslProtocols.Tls13;

        /// <summary>The number of authentications run so far (successful or not).</summary>
        public long AuthenticationCount { get { return Interlocked.Read(ref _authentications); } }

        /// <inheritdoc/>
        public X509Certificate2 ServerCertificate
        {
            get { lock (_gate) { return _serverCertificate; } }
        }

        /// <inheritdoc/>
        public bool IsServerRunning
        {
            get { lock (_gate) { return _running; } }
        }

        /// <inheritdoc/>
        public void ChangeServerCertificate(X509Certificate2 certificate, X509Certificate2Collection? intermediates = null)
        {
            var context = CreateContext(certificate, intermediates);
            lock (_gate)
            {
                _serverCertificate = certificate;
                _serverContext = context;
            }
        }

        /// <inheritdoc/>
        public void StopServer()
        {
            lock (_gate)
            {
                _running = false;
            }
        }

        /// <inheritdoc/>
        public void StartServer()
        {
            lock (_gate)
            {
                _running = true;
            }
        }

        /// <inheritdoc/>
        public WifiConnectResult Authenticate(WifiConnectRequest request, DateTime utcNow)
        {
            ArgumentNullException.ThrowIfNull(request);
            var invalid = EapCredentials.CheckEapTlsRequest(request);
            if (invalid != null)
            {
                return invalid;
            }
            X509Certificate2 client;
            X509Certificate2Collection roots;
            X509Certificate2Collection intermediates;
            SslStreamCertificateContext deviceContext;
            try
            {
                roots = EapCredentials.LoadRoots(request.TrustedRoots!);
                intermediates = EapCredentials.LoadIntermediates(request.ClientCertificate!);
                client = EapCredentials.LoadClientCertificate(request.ClientCertificate!, request.ClientKey!);
                deviceContext = _device.For(request.ClientCertificate!, request.ClientKey!);
            }
            catch (EapCredentialException e)
            {
                return new WifiConnectResult(WifiFailureReason.InvalidRequest, -1, null, e.Message);
            }
            Interlocked.Increment(ref _authentications);
            SslStreamCertificateContext serverContext;
            bool running;
            lock (_gate)
            {
                serverContext = _serverContext;
                running = _running;
            }
            try
            {
                return RunAsync(request, DateTime.SpecifyKind(utcNow, DateTimeKind.Utc), deviceContext, roots, serverContext, running)
                    .GetAwaiter().GetResult();
            }
            finally
            {
                client.Dispose();
                foreach (var r in roots)
                {
                    r.Dispose();
                }
                foreach (var c in intermediates)
                {
                    c.Dispose();
                }
            }
        }

        /// <summary>Nothing to release: connections live only for one authentication.</summary>
        public void Dispose()
        {
        }

        private static SslStreamCertificateContext CreateContext(X509Certificate2 certificate, X509Certificate2Collection? intermediates)
        {
            ArgumentNullException.ThrowIfNull(certificate);
            if (!certificate.HasPrivateKey)
            {
                throw new ArgumentException("the server certificate needs its private key", nameof(certificate));
            }
            return SslStreamCertificateContext.Create(certificate, intermediates ?? new X509Certificate2Collection(), offline: true);
        }

        private sealed class Verdicts
        {
            public ChainProblem? ServerRejectedByDevice;
            public string? DomainMismatch;
            public ChainProblem? ClientRejectedByServer;
            public bool NoClientCertificate;
        }

        private async Task<WifiConnectResult> RunAsync(WifiConnectRequest request, DateTime utcNow, SslStreamCertificateContext deviceContext,
            X509Certificate2Collection roots, SslStreamCertificateContext serverContext, bool serverRunning)
        {
            var verdicts = new Verdicts();
            var domain = string.IsNullOrEmpty(request.ServerDomain) ? null : request.ServerDomain;
            using var cts = new CancellationTokenSource(request.Timeout);
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            using var deviceSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            deviceSocket.NoDelay = true;
            Socket? serverSocket = null;
            SslStream? deviceTls = null;
            SslStream? serverTls = null;
            Task accept = Task.CompletedTask;
            Task deviceTask = Task.CompletedTask;
            Task serverTask = Task.CompletedTask;
            bool timedOut = false;
            try
            {
                var accepting = listener.AcceptAsync(cts.Token).AsTask();
                accept = accepting;
                await deviceSocket.ConnectAsync(listener.LocalEndPoint!, cts.Token).ConfigureAwait(false);
                serverSocket = await accepting.ConfigureAwait(false);
                serverSocket.NoDelay = true;

                deviceTls = new SslStream(new NetworkStream(deviceSocket, ownsSocket: false), leaveInnerStreamOpen: false);
                var deviceOptions = new SslClientAuthenticationOptions
                {
                    TargetHost = domain ?? string.Empty,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    // The device presents its intermediates as the request gives them (an offline context sends a partial chain).
                    ClientCertificateContext = deviceContext,
                    CertificateChainPolicy = ChainJudge.Policy(roots, utcNow, null),
                    AllowTlsResume = false,
                    RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                        DeviceChecksServer(certificate, chain, roots, utcNow, domain, request.CheckServerCertificateTime, verdicts),
                };
                deviceTask = deviceTls.AuthenticateAsClientAsync(deviceOptions, cts.Token);

                if (serverRunning)
                {
                    serverTls = new SslStream(new NetworkStream(serverSocket, ownsSocket: false), leaveInnerStreamOpen: false);
                    var serverOptions = new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = serverContext,
                        ClientCertificateRequired = true,
                        EnabledSslProtocols = Protocols,
                        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                        CertificateChainPolicy = ChainJudge.Policy(null, utcNow, null),
                        RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                            ServerChecksClient(certificate, chain, utcNow, verdicts),
                    };
                    serverTask = serverTls.AuthenticateAsServerAsync(serverOptions, cts.Token);
                }
                else
                {
                    // The access point is up but its authentication server is not: the connection is open, nobody answers.
                    serverTask = Task.Delay(Timeout.Infinite, cts.Token);
                }
                await Task.WhenAll(deviceTask, serverTask).WaitAsync(cts.Token).ConfigureAwait(false);
                return new WifiConnectResult(WifiFailureReason.None, -1, null, "TLS handshake complete (" + deviceTls.SslProtocol + ")");
            }
            catch (Exception) when (cts.IsCancellationRequested)
            {
                timedOut = true;
            }
            catch (Exception)
            {
                // One side gave up; the verdicts recorded by the callbacks say which, and the other side fails soon after.
            }
            finally
            {
                deviceSocket.Dispose();
                serverSocket?.Dispose();
                listener.Dispose();
                await Observe(accept).ConfigureAwait(false);
                await Observe(deviceTask).ConfigureAwait(false);
                await Observe(serverTask).ConfigureAwait(false);
                deviceTls?.Dispose();
                serverTls?.Dispose();
            }
            return Classify(verdicts, timedOut, request.Timeout, deviceTask, serverTask);
        }

        private static WifiConnectResult Classify(Verdicts v, bool timedOut, TimeSpan timeout, Task deviceTask, Task serverTask)
        {
            if (v.ServerRejectedByDevice != null)
            {
                var p = v.ServerRejectedByDevice;
                return new WifiConnectResult(WifiFailureReason.ServerCertificateNotTrusted, p.Depth, p.Subject,
                    "the device does not trust the server certificate: " + p);
            }
            if (v.DomainMismatch != null)
            {
                return new WifiConnectResult(WifiFailureReason.ServerCertificateNotTrusted, 0, v.DomainMismatch,
                    "the device does not trust the server certificate: Domain suffix mismatch (depth 0, " + v.DomainMismatch + ")");
            }
            if (v.ClientRejectedByServer != null)
            {
                var p = v.ClientRejectedByServer;
                return new WifiConnectResult(WifiFailureReason.ClientCertificateRejected, p.Depth, p.Subject,
                    "the server rejected the client certificate: " + p);
            }
            if (v.NoClientCertificate)
            {
                return new WifiConnectResult(WifiFailureReason.ClientCertificateRejected, -1, null, "the server received no client certificate");
            }
            if (timedOut)
            {
                return new WifiConnectResult(WifiFailureReason.Timeout, -1, null, "no answer from the authentication server within " + timeout.TotalSeconds + " s");
            }
            var error = (deviceTask.Exception ?? serverTask.Exception)?.GetBaseException();
            return new WifiConnectResult(WifiFailureReason.AuthenticationFailed, -1, null,
                "TLS handshake failed: " + (error != null ? error.GetType().Name + ": " + error.Message : "unknown"));
        }

        private static async Task Observe(Task task)
        {
            try
            {
                await task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Already classified; this only makes sure nothing is left running or unobserved.
            }
        }

        private static bool DeviceChecksServer(X509Certificate? certificate, X509Chain? platformChain, X509Certificate2Collection roots,
            DateTime utcNow, string? domain, bool checkTime, Verdicts verdicts)
        {
            if (certificate is not X509Certificate2 leaf)
            {
                verdicts.ServerRejectedByDevice = new ChainProblem(0, "", "the server sent no certificate");
                return false;
            }
            var problem = ChainJudge.Check(leaf, platformChain?.ChainPolicy.ExtraStore, roots, utcNow, ChainJudge.ServerAuthOid, checkTime);
            if (problem != null)
            {
                verdicts.ServerRejectedByDevice = problem;
                return false;
            }
            if (domain != null && !ServerNames.MatchesDomainSuffix(leaf, domain))
            {
                verdicts.DomainMismatch = DistinguishedNames.Subject(leaf);
                return false;
            }
            return true;
        }

        private bool ServerChecksClient(X509Certificate? certificate, X509Chain? platformChain, DateTime utcNow, Verdicts verdicts)
        {
            if (certificate is not X509Certificate2 leaf)
            {
                verdicts.NoClientCertificate = true;
                return false;
            }
            var problem = ChainJudge.Check(leaf, platformChain?.ChainPolicy.ExtraStore, _clientCAs, utcNow, ChainJudge.ClientAuthOid);
            if (problem != null)
            {
                verdicts.ClientRejectedByServer = problem;
                return false;
            }
            return true;
        }
    }
}
