using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

using NfCerts.Hal.Host;

namespace NfCerts.Emulators.Hub;

/// <summary>
/// MQTTnet.Server's transport for the emulator: TCP on one address, TLS 1.2/1.3 with a server chain (leaf and
/// intermediates, all sent) that can be switched while running, and client certificates requested but judged later, at
/// CONNECT, as IoT Hub does (an unknown device gets CONNACK "not authorized", not a failed handshake). It keeps the
/// certificates each client sent besides its leaf until the CONNECT check takes them to build the chain to a registered CA.
/// </summary>
internal sealed class HubTlsListener : IMqttServerAdapter
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);

    private readonly IPEndPoint _endpoint;
    private readonly ConditionalWeakTable<IMqttChannelAdapter, X509Certificate2Collection> _peerExtras = new();
    private SslStreamCertificateContext _context;
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;
    private long _handshakes;
    private long _handshakeFailures;

    public HubTlsListener(IPEndPoint endpoint, X509Certificate2 leaf, X509Certificate2Collection intermediates)
    {
        _endpoint = endpoint;
        _context = CreateContext(leaf, intermediates);
    }

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>The port bound (useful when 0 was asked for).</summary>
    public int Port { get; private set; }

    public long Handshakes => Interlocked.Read(ref _handshakes);

    public long HandshakeFailures => Interlocked.Read(ref _handshakeFailures);

    /// <summary>Raised with the remote endpoint and the reason when a handshake fails.</summary>
    public Action<string>? HandshakeFailed { get; set; }

    /// <summary>Serves <paramref name="leaf"/> and <paramref name="intermediates"/> to every handshake from now on.</summary>
    public void SwitchChain(X509Certificate2 leaf, X509Certificate2Collection intermediates)
    {
        Volatile.Write(ref _context, CreateContext(leaf, intermediates));
    }

    /// <summary>The certificates the client of <paramref name="adapter"/> sent besides its leaf (empty when none), for the
    /// CONNECT check: handed over once, so that a connection that lives for months does not keep them.</summary>
    public X509Certificate2Collection TakePeerExtras(IMqttChannelAdapter adapter)
    {
        if (!_peerExtras.TryGetValue(adapter, out var extras))
        {
            return new X509Certificate2Collection();
        }
        _peerExtras.Remove(adapter);
        return extras;
    }

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        var listener = new TcpListener(_endpoint);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _stop = new CancellationTokenSource();
        CancellationToken token = _stop.Token;
        _ = Task.Run(() => AcceptLoopAsync(listener, options, logger, token));
        return Task.CompletedTask;
    }

    public Task StopAsync()
    {
        CancellationTokenSource? stop = Interlocked.Exchange(ref _stop, null);
        if (stop != null)
        {
            stop.Cancel();
            _listener?.Stop();
            stop.Dispose();
        }
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        // MQTTnet's server disposes its adapters after stopping them, and the owner may dispose again: idempotent.
        StopAsync();
    }

    private async Task AcceptLoopAsync(TcpListener listener, MqttServerOptions options, IMqttNetLogger logger, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(token).ConfigureAwait(false);
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(client, options, logger, token));
        }
    }

    private async Task HandleAsync(TcpClient client, MqttServerOptions options, IMqttNetLogger logger, CancellationToken token)
    {
        EndPoint? remote = client.Client.RemoteEndPoint;
        var extras = new X509Certificate2Collection();
        using (client)
        {
            client.NoDelay = true;
            var ssl = new SslStream(client.GetStream(), false);
            await using (ssl.ConfigureAwait(false))
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                    timeout.CancelAfter(HandshakeTimeout);
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = Volatile.Read(ref _context),
                        ClientCertificateRequired = true,
                        // A resumed session skips the client's chain, which CONNECT needs for CA-registered devices.
                        AllowTlsResume = false,
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                        // Trusting nothing here: .NET then does not build the client's chain against the machine's store.
                        CertificateChainPolicy = ChainJudge.Policy(null, DateTime.UtcNow, null),
                        RemoteCertificateValidationCallback = (_, _, chain, _) =>
                        {
                            // Judged at CONNECT against the registered devices and CAs; keep what the client sent there, not
                            // in this connection's policy, which the stream keeps while it lives.
                            if (chain != null)
                            {
                                extras.AddRange(chain.ChainPolicy.ExtraStore);
                                chain.ChainPolicy.ExtraStore.Clear();
                            }
                            return true;
                        },
                    }, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or SocketException)
                {
                    Interlocked.Increment(ref _handshakeFailures);
                    HandshakeFailed?.Invoke(remote + ": " + e.Message);
                    return;
                }
                Interlocked.Increment(ref _handshakes);

                X509Certificate2? clientCertificate = ssl.RemoteCertificate switch
                {
                    null => null,
                    X509Certificate2 c2 => c2,
                    var c => X509CertificateLoader.LoadCertificate(c.Export(X509ContentType.Cert)),
                };
                Func<IMqttChannelAdapter, Task>? handler = ClientHandler;
                if (handler == null)
                {
                    return;
                }
                var channel = new MqttTcpChannel(ssl, client.Client.LocalEndPoint, remote, clientCertificate);
                var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax));
                using var adapter = new MqttChannelAdapter(channel, formatter, logger);
                _peerExtras.AddOrUpdate(adapter, extras);
                try
                {
                    await handler(adapter).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or OperationCanceledException)
                {
                }
            }
        }
    }

    private static SslStreamCertificateContext CreateContext(X509Certificate2 leaf, X509Certificate2Collection intermediates)
    {
        if (!leaf.HasPrivateKey)
        {
            throw new ArgumentException("the server certificate has no private key", nameof(leaf));
        }
        return SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
    }
}
