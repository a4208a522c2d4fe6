using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using MQTTnet;
using MQTTnet.Channel;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace NfCerts.Hal.Host.Mqtt
{
    /// <summary>
    /// <see cref="IMqttTransport"/> over MQTTnet (MQTT 3.1.1, clean session). TLS is this class's own SslStream, handed to
    /// MQTTnet as its stream, so that the client's intermediates are sent in the handshake
    /// (<see cref="SslStreamCertificateContext"/>) and the server is judged against the given roots only, host name included.
    /// </summary>
    public sealed class MqttNetTransport : IMqttTransport, IDisposable
    {
        private readonly object _gate = new();
        private readonly object _events = new();
        private IMqttClient? _client;
        private bool _closing;
        private MqttClientConnectResult? _refusal;
        private readonly IClock? _clock;
        private readonly ClientIdentity _identity = new ClientIdentity(keepWhileIdle: false);

        /// <summary>A transport whose server chains are judged at the system clock's time.</summary>
        public MqttNetTransport()
        {
        }

        /// <summary>A transport whose server chains are judged at <paramref name="clock"/>'s time (the device's wall clock, as on
        /// the board; a virtual clock in the emulator); null: the system clock.</summary>
        public MqttNetTransport(IClock? clock)
        {
            _clock = clock;
        }

        /// <inheritdoc/>
        public event MqttMessageHandler? MessageReceived;

        /// <inheritdoc/>
        public event MqttDisconnectedHandler? Disconnected;

        /// <inheritdoc/>
        public bool IsConnected => _client?.IsConnected == true;

        /// <inheritdoc/>
        public void Connect(MqttConnectOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            if (options.TrustedRoots == null || options.TrustedRoots.Length == 0)
            {
                throw new ArgumentException("at least one trusted root is needed");
            }
            lock (_gate)
            {
                if (_client != null)
                {
                    throw new InvalidOperationException("already connected");
                }
                X509Certificate2Collection roots;
                SslStreamCertificateContext? identity = null;
                try
                {
                    roots = EapCredentials.LoadRoots(options.TrustedRoots);
                    if (options.ClientCertificate != null && options.ClientKey != null)
                    {
                        identity = _identity.For(options.ClientCertificate, options.ClientKey);
                    }
                }
                catch (EapCredentialException e)
                {
                    throw new MqttException(MqttFailure.Transport, 0, e.Message);
                }
                var tls = new TlsStreamProvider(options.HostName, options.Port, roots, identity, options.Timeout, _clock);
                var builder = new MqttClientOptionsBuilder()
                    .WithEndPoint(new DnsEndPoint(options.HostName, options.Port))
                    .WithClientId(options.ClientId)
                    .WithProtocolVersion(MqttProtocolVersion.V311)
                    .WithCleanSession(true)
                    .WithKeepAlivePeriod(options.KeepAlive)
                    .WithTimeout(options.Timeout);
                if (options.Username.Length > 0 || options.Password.Length > 0)
                {
                    builder.WithCredentials(options.Username, options.Password);
                }
                _refusal = null;
                var client = new MqttClientFactory().CreateMqttClient();
                client.ApplicationMessageReceivedAsync += OnMessage;
                client.DisconnectedAsync += OnDisconnected;
                using var cancel = new CancellationTokenSource(options.Timeout);
                try
                {
                    MqttClientOptions built = builder.Build();
                    ((MqttClientTcpOptions)built.ChannelOptions).StreamProvider = tls;
                    MqttClientConnectResult result = client.ConnectAsync(built, cancel.Token).GetAwaiter().GetResult();
                    if (result.ResultCode != MqttClientConnectResultCode.Success)
                    {
                        throw Refused(result.ResultCode);
                    }
                }
                catch (MqttException)
                {
                    client.Dispose();
                    throw;
                }
                catch (Exception e)
                {
                    client.Dispose();
                    var refused = _refusal;
                    throw refused != null && refused.ResultCode != MqttClientConnectResultCode.Success ? Refused(refused.ResultCode) : Failure(e, tls);
                }
                _closing = false;
                _client = client;
            }
        }

        /// <inheritdoc/>
        public void Subscribe(string topicFilter, int qos)
        {
            var client = Connected();
            var options = new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(topicFilter, qos == 0 ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            Run(() => client.SubscribeAsync(options, Timeout(client)), "subscribe");
        }

        /// <inheritdoc/>
        public void Publish(string topic, byte[] body, int qos)
        {
            var client = Connected();
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(body ?? [])
                .WithQualityOfServiceLevel(qos == 0 ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            Run(() => client.PublishAsync(message, Timeout(client)), "publish");
        }

        /// <inheritdoc/>
        public void Disconnect()
        {
            IMqttClient? client;
            lock (_gate)
            {
                client = _client;
                _client = null;
                _closing = true;
            }
            if (client == null)
            {
                return;
            }
            try
            {
                if (client.IsConnected)
                {
                    using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    client.DisconnectAsync(new MqttClientDisconnectOptions(), cancel.Token).GetAwaiter().GetResult();
                }
            }
            catch (Exception)
            {
                // Best effort: the connection is being dropped anyway.
            }
            client.Dispose();
        }

        /// <inheritdoc/>
        public void Dispose() => Disconnect();

        private IMqttClient Connected()
        {
            var client = _client;
            if (client == null || !client.IsConnected)
            {
                throw new MqttException(MqttFailure.NotConnected, 0, "not connected");
            }
            return client;
        }

        private static CancellationToken Timeout(IMqttClient client) => new CancellationTokenSource(client.Options.Timeout).Token;

        private static void Run(Func<Task> operation, string what)
        {
            try
            {
                operation().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                throw new MqttException(MqttFailure.Timeout, 0, what + " timed out");
            }
            catch (MQTTnet.Exceptions.MqttCommunicationTimedOutException)
            {
                throw new MqttException(MqttFailure.Timeout, 0, what + " timed out");
            }
            catch (Exception e) when (e is not MqttException)
            {
                throw new MqttException(MqttFailure.NotConnected, 0, what + " failed: " + e.Message);
            }
        }

        private static MqttException Refused(MqttClientConnectResultCode code)
        {
            int v311 = code switch
            {
                MqttClientConnectResultCode.UnsupportedProtocolVersion => 1,
                MqttClientConnectResultCode.ClientIdentifierNotValid => 2,
                MqttClientConnectResultCode.ServerUnavailable => 3,
                MqttClientConnectResultCode.BadUserNameOrPassword => 4,
                MqttClientConnectResultCode.NotAuthorized => 5,
                _ => 128,
            };
            return new MqttException(MqttFailure.Refused, v311, "the server refused the connection: " + code);
        }

        private static MqttException Failure(Exception e, TlsStreamProvider tls)
        {
            if (tls.Problem != null)
            {
                return new MqttException(MqttFailure.Transport, 0, tls.Problem);
            }
            for (Exception? x = e; x != null; x = x.InnerException)
            {
                if (x is OperationCanceledException || x is MQTTnet.Exceptions.MqttCommunicationTimedOutException || x is TimeoutException)
                {
                    return new MqttException(MqttFailure.Timeout, 0, "no connection in time");
                }
                if (x is AuthenticationException || x is SocketException || x is IOException)
                {
                    return new MqttException(MqttFailure.Transport, 0, x.Message);
                }
            }
            return new MqttException(MqttFailure.Transport, 0, e.Message);
        }

        private Task OnMessage(MqttApplicationMessageReceivedEventArgs e)
        {
            var handler = MessageReceived;
            if (handler != null)
            {
                byte[] body = System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload);
                lock (_events)
                {
                    handler(this, e.ApplicationMessage.Topic, body);
                }
            }
            return Task.CompletedTask;
        }

        private Task OnDisconnected(MqttClientDisconnectedEventArgs e)
        {
            bool raise;
            if (!e.ClientWasConnected && e.ConnectResult != null)
            {
                _refusal = e.ConnectResult;
            }
            raise = !Volatile.Read(ref _closing) && e.ClientWasConnected;
            if (raise)
            {
                lock (_events)
                {
                    Disconnected?.Invoke(this, e.ReasonString ?? e.Reason.ToString());
                }
            }
            return Task.CompletedTask;
        }

        /// <summary>TCP + TLS for MQTTnet: the server must chain to the given roots and match the host name.</summary>
        private sealed class TlsStreamProvider(string host, int port, X509Certificate2Collection roots, SslStreamCertificateContext? identity, TimeSpan timeout, IClock? clock)
            : IMqttClientStreamProvider
        {
            public string? Problem { get; private set; }

            public async Task<Stream> ConnectAsync(EndPoint remoteEndPoint, CancellationToken cancel)
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                limit.CancelAfter(timeout);
                var tcp = new TcpClient();
                try
                {
                    await tcp.ConnectAsync(host, port, limit.Token).ConfigureAwait(false);
                    var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
                    var options = new SslClientAuthenticationOptions
                    {
                        TargetHost = host,
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                        ClientCertificateContext = identity,
                        CertificateChainPolicy = ChainJudge.Policy(roots, clock?.UtcNow ?? DateTime.UtcNow, ChainJudge.ServerAuthOid),
                        RemoteCertificateValidationCallback = Validate,
                        // A resumed session sends no certificates: a server that verifies the client's chain from what the
                        // handshake carried (DPS group enrollments, CA-authenticated hub devices) would see the leaf only.
                        AllowTlsResume = false,
                    };
                    await ssl.AuthenticateAsClientAsync(options, limit.Token).ConfigureAwait(false);
                    return ssl;
                }
                catch
                {
                    tcp.Dispose();
                    throw;
                }
            }

            private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
            {
                if (certificate is not X509Certificate2 leaf)
                {
                    Problem = "the server sent no certificate";
                    return false;
                }
                if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    Problem = "the server's certificate " + leaf.Subject + " does not match the host name " + host;
                    return false;
                }
                var problem = ChainJudge.Check(leaf, chain?.ChainPolicy.ExtraStore, roots, clock?.UtcNow ?? DateTime.UtcNow, ChainJudge.ServerAuthOid);
                if (problem != null)
                {
                    Problem = "the server's certificate is not trusted: " + problem;
                    return false;
                }
                return true;
            }
        }
    }
}
