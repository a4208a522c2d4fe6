using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using NfCerts.Emulators.Pki;
using NfCerts.Hal;
using NfCerts.Tests.Tls;
using Xunit;

namespace NfCerts.Tests.Contracts
{
    /// <summary>
    /// What every <see cref="ITlsConnector"/> promises (hal/NfCerts.Hal/ITlsConnector.cs), against real TLS servers on
    /// 127.0.0.1 (.NET's SslStream and openssl s_server): only the given roots are trusted and the host name is checked, the
    /// client chain is presented whole and the caller's key left as it was, and each failure has its own
    /// <see cref="TlsFailure"/>. Run against the host's HostTlsConnector and the board's NanoTlsConnector.
    /// </summary>
    public abstract class TlsConnectorContract
    {
        /// <summary>The budget of a connection that should succeed.</summary>
        protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

        /// <summary>Test roots and credentials: a server chain, another root, a device chain with an intermediate.</summary>
        private protected readonly TlsPki Pki = new();

        /// <summary>The connector under test.</summary>
        protected abstract ITlsConnector Tls { get; }

        /// <summary>openssl s_server's protocol switches the connector must work with (the board: TLS 1.2 only).</summary>
        protected abstract string[] OpenSslProtocols { get; }

        /// <summary>Answers what the client sends first, once.</summary>
        protected static void EchoLine(System.Net.Security.SslStream s, System.Security.Cryptography.X509Certificates.X509Certificate2? _)
        {
            var buffer = new byte[64];
            int n = s.Read(buffer, 0, buffer.Length);
            s.Write(buffer, 0, n);
            s.Flush();
        }

        /// <summary>Sends "hello" and returns what comes back in one read.</summary>
        protected static string RoundTrip(Stream stream)
        {
            byte[] hello = Encoding.ASCII.GetBytes("hello");
            stream.Write(hello, 0, hello.Length);
            stream.Flush();
            var buffer = new byte[64];
            int n = stream.Read(buffer, 0, buffer.Length);
            return Encoding.ASCII.GetString(buffer, 0, n);
        }

        /// <summary>Sends "hello\n" to <see cref="OpenSslTlsServer"/> and returns the reversed line it answers.</summary>
        protected static string ReversedLine(Stream stream)
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

        [Theory]
        [InlineData("127.0.0.1")]
        [InlineData("localhost")]
        public void A_server_chaining_to_one_of_the_given_roots_and_naming_the_host_is_reached(string host)
        {
            using var server = new RawTlsServer(Pki.Server, EchoLine);
            using Stream stream = Tls.Connect(host, server.Port, new[] { Pki.OtherRoot.Der, Pki.ServerRoot.Der }, null, null, Timeout);
            Assert.Equal("hello", RoundTrip(stream));
        }

        [Fact]
        public void A_root_set_as_large_as_the_hubs_shipped_and_operator_roots_together_is_taken_whole()
        {
            // 3 shipped hub roots + 8 operator roots: the root the server chains to comes last.
            using var server = new RawTlsServer(Pki.Server, EchoLine);
            var roots = new List<byte[]>();
            for (int i = 0; i < 10; i++)
            {
                roots.Add(DevPki.Root("CN=Unrelated Root " + i, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1)).Der);
            }
            roots.Add(Pki.ServerRoot.Der);
            using Stream stream = Tls.Connect("127.0.0.1", server.Port, roots.ToArray(), null, null, Timeout);
            Assert.Equal("hello", RoundTrip(stream));
        }

        [Fact]
        public void A_server_of_another_root_is_not_trusted()
        {
            using var server = new RawTlsServer(Pki.Server, EchoLine);
            TlsException e = Assert.Throws<TlsException>(() => Tls.Connect("127.0.0.1", server.Port, new[] { Pki.OtherRoot.Der }, null, null, Timeout));
            Assert.Equal(TlsFailure.ServerCertificateNotTrusted, e.Failure);
        }

        [Fact]
        public void A_server_whose_certificate_names_another_host_is_not_trusted()
        {
            // A certificate without SANs for the address (a client certificate with CN=127.0.0.1: CNs are not names).
            DevCredential elsewhere = DevPki.Client(Pki.ServerRoot, "CN=127.0.0.1", TlsPki.Now.AddDays(-1), TlsPki.Now.AddDays(10));
            using var server = new RawTlsServer(elsewhere, EchoLine);
            TlsException e = Assert.Throws<TlsException>(() => Tls.Connect("127.0.0.1", server.Port, new[] { Pki.ServerRoot.Der }, null, null, Timeout));
            Assert.Equal(TlsFailure.ServerCertificateNotTrusted, e.Failure);
        }

        [Fact]
        public void The_client_chain_is_presented_whole_and_the_callers_key_is_left_as_it_was()
        {
            DevCredential device = Pki.Device();
            byte[] key = TlsPki.KeyDer(device);
            byte[] before = (byte[])key.Clone();
            using var server = new RawTlsServer(Pki.Server, EchoLine, TlsPki.Roots(Pki.DeviceRoot));
            for (int i = 0; i < 2; i++)
            {
                using Stream stream = Tls.Connect("127.0.0.1", server.Port, new[] { Pki.ServerRoot.Der },
                    TlsPki.Chain(device, Pki.DeviceIntermediate), key, Timeout);
                Assert.Equal("hello", RoundTrip(stream));
            }
            Assert.Equal(before, key);
            Assert.True(server.ClientChains.TryDequeue(out string[]? chain));
            Assert.Equal(new[] { "CN=device-001", "CN=TLS Test Device Issuing CA" }, chain);
        }

        [Fact]
        public void A_strict_server_trusting_only_the_root_accepts_the_leaf_with_its_intermediate()
        {
            DevCredential device = Pki.Device();
            foreach (string protocol in OpenSslProtocols)
            {
                using var server = new OpenSslTlsServer(Pki.Server, Pki.DeviceRoot, protocol);
                using Stream stream = Tls.Connect("127.0.0.1", server.Port, new[] { Pki.ServerRoot.Der },
                    TlsPki.Chain(device, Pki.DeviceIntermediate), TlsPki.KeyDer(device), Timeout);
                Assert.Equal("olleh", ReversedLine(stream));
            }
        }

        [Fact]
        public void A_leaf_without_its_intermediate_is_rejected_by_a_strict_server_trusting_only_the_root()
        {
            DevCredential device = Pki.Device();
            foreach (string protocol in OpenSslProtocols)
            {
                using var server = new OpenSslTlsServer(Pki.Server, Pki.DeviceRoot, protocol);
                TlsException e = Assert.Throws<TlsException>(() =>
                {
                    // TLS 1.2 refuses in the handshake; TLS 1.3 after it, on the first read.
                    using Stream stream = Tls.Connect("127.0.0.1", server.Port, new[] { Pki.ServerRoot.Der }, device.Der, TlsPki.KeyDer(device), Timeout);
                    ReversedLine(stream);
                });
                Assert.Equal(TlsFailure.ClientCertificateRejected, e.Failure);
            }
        }

        [Fact]
        public void No_client_certificate_where_a_strict_server_requires_one_is_a_rejected_client_certificate()
        {
            foreach (string protocol in OpenSslProtocols)
            {
                using var server = new OpenSslTlsServer(Pki.Server, Pki.DeviceRoot, protocol);
                TlsException e = Assert.Throws<TlsException>(() =>
                {
                    using Stream stream = Tls.Connect("127.0.0.1", server.Port, new[] { Pki.ServerRoot.Der }, null, null, Timeout);
                    ReversedLine(stream);
                });
                Assert.Equal(TlsFailure.ClientCertificateRejected, e.Failure);
            }
        }

        [Fact]
        public void A_server_that_accepts_the_connection_and_never_answers_the_handshake_times_out()
        {
            var silent = new TcpListener(IPAddress.Loopback, 0);
            silent.Start();
            try
            {
                int port = ((IPEndPoint)silent.LocalEndpoint).Port;
                TlsException e = Assert.Throws<TlsException>(() =>
                    Tls.Connect("127.0.0.1", port, new[] { Pki.ServerRoot.Der }, null, null, TimeSpan.FromSeconds(2)));
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
            using var server = new RawTlsServer(Pki.Server, (s, _) => release.Wait(TimeSpan.FromSeconds(60)));
            try
            {
                using Stream stream = Tls.Connect("127.0.0.1", server.Port, new[] { Pki.ServerRoot.Der }, null, null, Timeout);
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
            TlsException e = Assert.Throws<TlsException>(() => Tls.Connect("127.0.0.1", port, new[] { Pki.ServerRoot.Der }, null, null, Timeout));
            Assert.Equal(TlsFailure.ConnectFailed, e.Failure);
        }
    }
}
