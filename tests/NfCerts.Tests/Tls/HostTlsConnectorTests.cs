using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Threading;
using NfCerts.Emulators.Pki;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using NfCerts.Tests.Contracts;
using Xunit;

namespace NfCerts.Tests.Tls
{
    /// <summary>The host TLS connector through the connector contract, at TLS 1.2 and 1.3, and what only it does: the
    /// negotiated protocol, certificate validity at the device's clock rather than the host's, a plain-text server.</summary>
    public sealed class HostTlsConnectorTests : TlsConnectorContract
    {
        private readonly HostTlsConnector _tls = new();

        protected override ITlsConnector Tls => _tls;

        protected override string[] OpenSslProtocols => new[] { "-tls1_2", "-tls1_3" };

        [Theory]
        [InlineData("127.0.0.1", SslProtocols.Tls13, SslProtocols.Tls13)]
        [InlineData("localhost", SslProtocols.Tls12, SslProtocols.Tls12)]
        [InlineData("127.0.0.1", SslProtocols.Tls12 | SslProtocols.Tls13, SslProtocols.Tls13)]
        public void The_highest_protocol_both_sides_speak_is_negotiated(string host, SslProtocols serverProtocols, SslProtocols expected)
        {
            using var server = new RawTlsServer(Pki.Server, EchoLine, protocols: serverProtocols);
            using Stream stream = _tls.Connect(host, server.Port, new[] { Pki.OtherRoot.Der, Pki.ServerRoot.Der }, null, null, Timeout);
            Assert.Equal("hello", RoundTrip(stream));
            Assert.Equal(expected, _tls.LastProtocol);
        }

        [Theory]
        [InlineData(SslProtocols.Tls12)]
        [InlineData(SslProtocols.Tls13)]
        public void The_client_chain_is_presented_at_either_protocol(SslProtocols protocol)
        {
            DevCredential device = Pki.Device();
            using var server = new RawTlsServer(Pki.Server, EchoLine, TlsPki.Roots(Pki.DeviceRoot), protocol);
            using Stream stream = _tls.Connect("127.0.0.1", server.Port, new[] { Pki.ServerRoot.Der },
                TlsPki.Chain(device, Pki.DeviceIntermediate), TlsPki.KeyDer(device), Timeout);
            Assert.Equal("hello", RoundTrip(stream));
            Assert.True(server.ClientChains.TryDequeue(out string[]? chain));
            Assert.Contains("CN=TLS Test Device Issuing CA", chain!);
        }

        [Fact]
        public void An_expired_server_certificate_is_not_trusted_at_the_devices_time()
        {
            DevCredential root = DevPki.Root("CN=Old Server Root", TlsPki.Now.AddDays(-60), TlsPki.Now.AddYears(5));
            DevCredential old = DevPki.Server(root, new[] { "localhost" }, TlsPki.Now.AddDays(-30), TlsPki.Now.AddDays(-1));
            using var server = new RawTlsServer(old, EchoLine);
            TlsException e = Assert.Throws<TlsException>(() => _tls.Connect("127.0.0.1", server.Port, new[] { root.Der }, null, null, Timeout));
            Assert.Equal(TlsFailure.ServerCertificateNotTrusted, e.Failure);

            // The same certificate at a device clock inside its validity is fine: the clock, not the host's, decides.
            var clock = new VirtualClock(TlsPki.Now.UtcDateTime.AddDays(-10));
            using Stream stream = new HostTlsConnector(clock).Connect("127.0.0.1", server.Port, new[] { root.Der }, null, null, Timeout);
            Assert.Equal("hello", RoundTrip(stream));
        }

        [Fact]
        public void A_server_that_speaks_plain_text_fails_the_handshake()
        {
            var plain = new TcpListener(IPAddress.Loopback, 0);
            plain.Start();
            int port = ((IPEndPoint)plain.LocalEndpoint).Port;
            var answer = new Thread(() =>
            {
                using TcpClient c = plain.AcceptTcpClient();
                byte[] text = Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
                c.GetStream().Write(text, 0, text.Length);
                Thread.Sleep(500);
            });
            answer.Start();
            try
            {
                TlsException e = Assert.Throws<TlsException>(() => _tls.Connect("127.0.0.1", port, new[] { Pki.ServerRoot.Der }, null, null, Timeout));
                Assert.Equal(TlsFailure.HandshakeFailed, e.Failure);
            }
            finally
            {
                answer.Join();
                plain.Stop();
            }
        }
    }
}
