using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using NfCerts.Emulators.Pki;
using NfCerts.Hal;
using NfCerts.Hal.Nano;
using NfCerts.Tests.Tls;
using Xunit;

namespace NfCerts.Nano.Tests
{
    /// <summary>The board's TLS connector (SslStream over a socket, mbedTLS's parsing rules in the stand-in) against real TLS
    /// servers on 127.0.0.1: the same cases the host connector passes in HostTlsConnectorTests, at TLS 1.2.</summary>
    public sealed class NanoTlsConnectorTests
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
        private readonly TlsPki _pki = new();
        private readonly NanoTlsConnector _tls = new();

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
            return text.ToString();
        }

        [Theory]
        [InlineData("127.0.0.1")]
        [InlineData("localhost")]
        public void A_server_chaining_to_one_of_the_given_roots_and_naming_the_host_is_reached(string host)
        {
            using var server = new RawTlsServer(_pki.Server, EchoLine);
            using Stream stream = _tls.Connect(host, server.Port, new[] { _pki.OtherRoot.Der, _pki.ServerRoot.Der }, null, null, Timeout);
            Assert.Equal("hello", RoundTrip(stream));
        }

        [Fact]
        public void A_root_set_as_large_as_the_hubs_shipped_and_operator_roots_together_is_taken_whole()
        {
            // 3 shipped hub roots + 8 operator roots: the root the server chains to comes last.
            using var server = new RawTlsServer(_pki.Server, EchoLine);
            var roots = new System.Collections.Generic.List<byte[]>();
            for (int i = 0; i < 10; i++)
            {
                roots.Add(DevPki.Root("CN=Unrelated Root " + i, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1)).Der);
            }
            roots.Add(_pki.ServerRoot.Der);
            using Stream stream = _tls.Connect("127.0.0.1", server.Port, roots.ToArray(), null, null, Timeout);
            Assert.Equal("hello", RoundTrip(stream));
        }

        [Fact]
        public void A_server_of_another_root_is_not_trusted()
        {
            using var server = new RawTlsServer(_pki.Server, EchoLine);
            TlsException e = Assert.Throws<TlsException>(() => _tls.Connect("127.0.0.1", server.Port, new[] { _pki.OtherRoot.Der }, null, null, Timeout));
            Assert.Equal(TlsFailure.ServerCertificateNotTrusted, e.Failure);
        }

        [Fact]
        public void A_server_whose_certificate_names_another_host_is_not_trusted()
        {
            DevCredential elsewhere = DevPki.Client(_pki.ServerRoot, "CN=127.0.0.1", TlsPki.Now.AddDays(-1), TlsPki.Now.AddDays(10));
            using var server = new RawTlsServer(elsewhere, EchoLine);
            TlsException e = Assert.Throws<TlsException>(() => _tls.Connect("127.0.0.1", server.Port, new[] { _pki.ServerRoot.Der }, null, null, Timeout));
            Assert.Equal(TlsFailure.ServerCertificateNotTrusted, e.Failure);
        }

        [Fact]
        public void The_client_chain_is_presented_whole_and_the_callers_key_is_left_as_it_was()
        {
            DevCredential device = _pki.Device();
            byte[] key = TlsPki.KeyDer(device);
            byte[] before = (byte[])key.Clone();
            using var server = new RawTlsServer(_pki.Server, EchoLine, TlsPki.Roots(_pki.DeviceRoot));
            for (int i = 0; i < 2; i++)
            {
                using Stream stream = _tls.Connect("127.0.0.1", server.Port, new[] { _pki.ServerRoot.Der },
                    TlsPki.Chain(device, _pki.DeviceIntermediate), key, Timeout);
                Assert.Equal("hello", RoundTrip(stream));
            }
            Assert.Equal(before, key);
            Assert.True(server.ClientChains.TryDequeue(out string[]? chain));
            Assert.Equal(new[] { "CN=device-001", "CN=TLS Test Device Issuing CA" }, chain);
        }

        [Fact]
        public void A_strict_server_trusting_only_the_root_accepts_the_leaf_with_its_intermediate()
        {
            DevCredential device = _pki.Device();
            using var server = new OpenSslTlsServer(_pki.Server, _pki.DeviceRoot, "-tls1_2");
            using Stream stream = _tls.Connect("127.0.0.1", server.Port, new[] { _pki.ServerRoot.Der },
                TlsPki.Chain(device, _pki.DeviceIntermediate), TlsPki.KeyDer(device), Timeout);
            Assert.Equal("olleh", ReversedLine(stream));
        }

        [Fact]
        public void A_leaf_without_its_intermediate_is_rejected_by_a_strict_server()
        {
            DevCredential device = _pki.Device();
            using var server = new OpenSslTlsServer(_pki.Server, _pki.DeviceRoot, "-tls1_2");
            TlsException e = Assert.Throws<TlsException>(() =>
                _tls.Connect("127.0.0.1", server.Port, new[] { _pki.ServerRoot.Der }, device.Der, TlsPki.KeyDer(device), Timeout));
            Assert.Equal(TlsFailure.ClientCertificateRejected, e.Failure);
        }

        [Fact]
        public void No_client_certificate_where_a_strict_server_requires_one_is_a_rejected_client_certificate()
        {
            using var server = new OpenSslTlsServer(_pki.Server, _pki.DeviceRoot, "-tls1_2");
            TlsException e = Assert.Throws<TlsException>(() =>
                _tls.Connect("127.0.0.1", server.Port, new[] { _pki.ServerRoot.Der }, null, null, Timeout));
            Assert.Equal(TlsFailure.ClientCertificateRejected, e.Failure);
        }

        [Fact]
        public void A_server_that_accepts_the_connection_and_never_answers_times_out()
        {
            var silent = new TcpListener(IPAddress.Loopback, 0);
            silent.Start();
            try
            {
                int port = ((IPEndPoint)silent.LocalEndpoint).Port;
                TlsException e = Assert.Throws<TlsException>(() =>
                    _tls.Connect("127.0.0.1", port, new[] { _pki.ServerRoot.Der }, null, null, TimeSpan.FromSeconds(2)));
                Assert.Equal(TlsFailure.Timeout, e.Failure);
            }
            finally
            {
                silent.Stop();
            }
        }

        [Fact]
        public void A_read_with_nothing_coming_fails_as_an_IOException_after_the_read_timeout()
        {
            using var release = new ManualResetEventSlim();
            using var server = new RawTlsServer(_pki.Server, (s, _) => release.Wait(TimeSpan.FromSeconds(60)));
            try
            {
                using Stream stream = _tls.Connect("127.0.0.1", server.Port, new[] { _pki.ServerRoot.Der }, null, null, Timeout);
                Assert.True(stream.CanTimeout);
                stream.ReadTimeout = 500;
                Assert.Throws<IOException>(() => stream.Read(new byte[16], 0, 16));
            }
            finally
            {
                release.Set();
            }
        }

        [Fact]
        public void A_closed_port_is_a_failed_connection()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            TlsException refused = Assert.Throws<TlsException>(() => _tls.Connect("127.0.0.1", port, new[] { _pki.ServerRoot.Der }, null, null, Timeout));
            Assert.Equal(TlsFailure.ConnectFailed, refused.Failure);
        }
    }
}
