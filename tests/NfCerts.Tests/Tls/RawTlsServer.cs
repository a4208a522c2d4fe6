using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using NfCerts.Emulators.Pki;
using NfCerts.Hal.Host;

namespace NfCerts.Tests.Tls
{
    /// <summary>A real TLS server on 127.0.0.1 (free port) whose per-connection behaviour the test writes: the place for a
    /// deliberately bad server, since no real one misbehaves on demand. Client certificates, when required, are judged
    /// against <c>clientRoots</c> only, as a strict server does; a refused one ends the handshake with an alert.</summary>
    internal sealed class RawTlsServer : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly SslStreamCertificateContext _context;
        private readonly Action<SslStream, X509Certificate2?> _handler;
        private readonly X509Certificate2Collection? _clientRoots;
        private readonly SslProtocols _protocols;
        private readonly Task _loop;
        private int _connections;

        public RawTlsServer(DevCredential server, Action<SslStream, X509Certificate2?> handler, X509Certificate2Collection? clientRoots = null,
            SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13, X509Certificate2Collection? intermediates = null)
        {
            _context = SslStreamCertificateContext.Create(server.Certificate, intermediates ?? new X509Certificate2Collection(), offline: true);
            _handler = handler;
            _clientRoots = clientRoots;
            _protocols = protocols;
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _loop = Task.Run(AcceptLoop);
        }

        public int Port { get; }

        /// <summary>How many TCP connections were accepted.</summary>
        public int Connections => Volatile.Read(ref _connections);

        /// <summary>What the handlers threw (a test asserts it empty when the server should have been happy).</summary>
        public ConcurrentQueue<Exception> Errors { get; } = new();

        /// <summary>The subjects of the client chains received (leaf first), one entry per handshake.</summary>
        public ConcurrentQueue<string[]> ClientChains { get; } = new();

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient tcp;
                try
                {
                    tcp = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception)
                {
                    return;
                }
                Interlocked.Increment(ref _connections);
                _ = Task.Run(() => Serve(tcp));
            }
        }

        private void Serve(TcpClient tcp)
        {
            using (tcp)
            using (var ssl = new SslStream(tcp.GetStream(), false))
            {
                try
                {
                    var options = new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = _context,
                        EnabledSslProtocols = _protocols,
                        ClientCertificateRequired = _clientRoots != null,
                        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                        RemoteCertificateValidationCallback = (_, cert, chain, _) => JudgeClient(cert, chain),
                    };
                    ssl.AuthenticateAsServerAsync(options, _stop.Token).GetAwaiter().GetResult();
                    _handler(ssl, ssl.RemoteCertificate as X509Certificate2);
                }
                catch (Exception e) when (e is IOException || e is AuthenticationException || e is OperationCanceledException || e is ObjectDisposedException)
                {
                    // The client went away or was refused: part of what these tests provoke.
                }
                catch (Exception e)
                {
                    Errors.Enqueue(e);
                }
            }
        }

        private bool JudgeClient(X509Certificate? cert, X509Chain? chain)
        {
            if (_clientRoots == null)
            {
                return true;
            }
            if (cert is not X509Certificate2 leaf)
            {
                return false;
            }
            var extra = new X509Certificate2Collection();
            var subjects = new System.Collections.Generic.List<string> { leaf.Subject };
            if (chain != null)
            {
                foreach (X509Certificate2 c in chain.ChainPolicy.ExtraStore)
                {
                    extra.Add(c);
                    subjects.Add(c.Subject);
                }
            }
            ClientChains.Enqueue(subjects.ToArray());
            return ChainJudge.Check(leaf, extra, _clientRoots, DateTime.UtcNow, ChainJudge.ClientAuthOid) == null;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(10));
            }
            catch (AggregateException)
            {
            }
            _stop.Dispose();
        }
    }
}
