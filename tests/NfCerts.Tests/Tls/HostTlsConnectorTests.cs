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
using Xunit;

namespace NfCerts.Tests.Tls
{
    /// <summary>The host TLS connector against real TLS servers on 127.0.0.1: only the given roots are trusted, the name
    /// is checked, the client chain is presented, and each failure has its own <see cref="TlsFailure"/>.</summary>
    public sealed class HostTlsConnectorTests
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
        private readonly TlsPki _pki = new();
        private readonly HostTlsConnector _tls = new();

        private static void EchoLine(System.Net.Security.SslStream s, System.Security.Cryptography.X509Certificates.X509Certificate2? _)
        {
            var buffer = new byte[64];
            int n = s.Read(buffer, 0, buffer.Length);
            s.Write(buffer, 0, n);
            s.Flush();
        }

        private static string RoundTrip(Stream stream)
        {
            byte[] hello = Encoding.ASCII.GetBytes("hello");
            stream.Write(hello, 0, hello.Length);
            stream.Flush();
            var buffer = new byte[64];
            int n = stream.Read(buffer, 0, buffer.Length);
            return Encoding.ASCII.GetString(buffer, 0, n);
        }

        [Theory]
        [InlineData("127.0.0.1", SslProtocols.Tls13, SslProtocols.Tls13)]
        [InlineData("localhost", SslProtocols.Tls12, SslProtocols.Tls12)]
        [InlineData("127.0.0.1", SslProtocols.Tls12 | SslProtocols.Tls13, SslProtocols.Tls13)]
        public void A_server_chaining_to_a_given_root_and_naming_the_host_is_reached(string host, SslProtocols serverProtocols, SslProtocols expected)
        {
            using var server = new RawTlsServer(_pki.Server, EchoLine, protocols: serverProtocols);
            using Stream stream = _tls.Connect(host, server.Port, new[] { _pki.OtherRoot.Der, _pki.ServerRoot.Der }, null, null, Timeout);
            Assert.Equal("hello", RoundTrip(stream));
            Assert.Equal(expected, _tls.LastProtocol);
        }

        [Fact]
        public void A_server_of_another_root_is_not_trusted_even_if_the_system_would_trust_it()
        {
            using var server = new RawTlsServer(_pki.Server, EchoLine);
            TlsException e = Assert.Throws<TlsException>(() => _tls.Connect("127.0.0.1", server.Port, new[] { _pki.OtherRoot.Der }, null, null, Timeout));
            Assert.Equal(TlsFailure.ServerCertificateNotTrusted, e.Failure);
        }

        [Fact]
        public void A_server_whose_certificate_names_another_host_is_not_trusted()
        {
            DevCredential elsewhere = DevPki.Client(_pki.ServerRoot, "CN=127.0.0.1", TlsPki.Now.AddDays(-1), TlsPki.Now.AddDays(10));
            // A certificate without SANs for the address (a client certificate with CN=127.0.0.1: CNs are not names).
            using var server = new RawTlsServer(elsewhere, EchoLine);
            TlsException e = Assert.Throws<TlsException>(() => _tls.Connect("127.0.0.1", server.Port, new[] { _pki.ServerRoot.Der }, null, null, Timeout));
            Assert.Equal(TlsFailure.ServerCertificateNotTrusted, e.Failure);
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

        [Theory]
        [InlineData(SslProtocols.Tls12)]
        [InlineData(SslProtocols.Tls13)]
        public void The_client_chain_is_presented_so_a_server_trusting_only_the_root_accepts_it(SslProtocols protocol)
        {
            DevCredential device = _pki.Device();
            using var server = new RawTlsServer(_pki.Server, EchoLine, TlsPki.Roots(_pki.DeviceRoot), protocol);
            using Stream stream = _tls.Connect("127.0.0.1", server.Port, new[] { _pki.ServerRoot.Der },
                TlsPki.Chain(device, _pki.DeviceIntermediate), TlsPki.KeyDer(device), Timeout);
            Assert.Equal("hello", RoundTrip(stream));
            Assert.True(server.ClientChains.TryDequeue(out string[]? chain));
            Assert.Contains("CN=TLS Test Device Issuing CA", chain!);
        }

        [Theory]
        [InlineData("-tls1_2")]
        [InlineData("-tls1_3")]
        public void A_strict_server_trusting_only_the_root_accepts_the_leaf_with_its_intermediate(string protocol)
        {
            DevCredential device = _pki.Device();
            using var server = new OpenSslTlsServer(_pki.Server, _pki.DeviceRoot, protocol);
            using Stream stream = _tls.Connect("127.0.0.1", server.Port, new[] { _pki.ServerRoot.Der },
                TlsPki.Chain(device, _pki.DeviceIntermediate), TlsPki.KeyDer(device), Timeout);
            Assert.Equal("olleh", ReversedLine(stream));
        }

        [Theory]
        [InlineData("-tls1_2")]
        [InlineData("-tls1_3")]
        public void A_leaf_without_its_intermediate_is_rejected_by_a_strict_server_trusting_only_the_root(string protocol)
        {
            DevCredential device = _pki.Device();
            using var server = new OpenSslTlsServer(_pki.Server, _pki.DeviceRoot, protocol);
            TlsException e = Assert.Throws<TlsException>(() =>
            {
                // TLS 1.2 refuses in the handshake; TLS 1.3 after it, on the first read.
                using Stream stream = _tls.Connect("127.0.0.1", server.Port, new[] { _pki.ServerRoot.Der }, device.Der, TlsPki.KeyDer(device), Timeout);
                ReversedLine(stream);
            });
            Assert.Equal(TlsFailure.ClientCertificateRejected, e.Failure);
        }

        [Theory]
        [InlineData("-tls1_2")]
        [InlineData("-tls1_3")]
        public void No_client_certificate_where_a_strict_server_requires_one_is_a_rejected_client_certificate(string protocol)
        {
            using var server = new OpenSslTlsServer(_pki.Server, _pki.DeviceRoot, protocol);
            TlsException e = Assert.Throws<TlsException>(() =>
            {
                using Stream stream = _tls.Connect("127.0.0.1", server.Port, new[] { _pki.ServerRoot.Der }, null, null, Timeout);
                ReversedLine(stream);
            });
            Assert.Equal(TlsFailure.ClientCertificateRejected, e.Failure);
        }

        private static string ReversedLine(Stream stream)
        {
            byte[] hello = Encoding.ASCII.GetBytes("hello\n");
            stream.Write(hello, 0, hello.Length);
            stream.Flush();
            var text = new StringBuilder();
            var one = new byte[1];
            while (stream.Read(one, 0, 1) == 1 && one[0] != (byte)'\n')
            {
                text.Append((char)one[0]);
            }
            return text.ToString().Trim();
        }

        [Fact]
        public void A_closed_port_is_a_failed_connection()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            TlsException e = Assert.Throws<TlsException>(() => _tls.Connect("127.0.0.1", port, new[] { _pki.ServerRoot.Der }, null, null, Timeout));
            Assert.Equal(TlsFailure.ConnectFailed, e.Failure);
        }

        [Fact]
        public void A_server_that_accepts_and_never_answers_the_handshake_times_out()
        {
            var silent = new TcpListener(IPAddress.Loopback, 0);
            silent.Start();
            try
            {
                int port = ((IPEndPoint)silent.LocalEndpoint).Port;
                TlsException e = Assert.Throws<TlsException>(() => _tls.Connect("127.0.0.1", port, new[] { _pki.ServerRoot.Der }, null, null, TimeSpan.FromSeconds(1)));
                Assert.Equal(TlsFailure.Timeout, e.Failure);
            }
            finally
            {
                silent.Stop();
            }
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
                TlsException e = Assert.Throws<TlsException>(() => _tls.Connect("127.0.0.1", port, new[] { _pki.ServerRoot.Der }, null, null, Timeout));
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
