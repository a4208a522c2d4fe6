using System;
using System.Diagnostics;
using System.Net.Security;
using System.Text;
using System.Threading;
using NfCerts.Core.Est;
using NfCerts.Hal.Host;
using NfCerts.Tests.Tls;
using Xunit;

namespace NfCerts.Tests.Est.Client
{
    /// <summary>The EST client against a raw TLS server that misbehaves on purpose (no real server does on demand).</summary>
    public sealed class EstClientMisbehavingServerTests
    {
        private readonly TlsPki _pki = new();

        private EstClient Client(RawTlsServer server, TimeSpan timeout)
        {
            var clock = new SystemClock();
            var client = new EstClient(new HostTlsConnector(clock), clock,
                EstEndpoint.Parse("https://127.0.0.1:" + server.Port, null), new[] { _pki.ServerRoot.Der });
            client.Timeout = timeout;
            return client;
        }

        /// <summary>Reads up to the end of the request's headers and returns its Content-Length (0 when none).</summary>
        private static int DrainRequest(SslStream s)
        {
            var seen = new StringBuilder();
            var one = new byte[1];
            while (!seen.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && s.Read(one, 0, 1) == 1)
            {
                seen.Append((char)one[0]);
            }
            const string Header = "Content-Length: ";
            string head = seen.ToString();
            int at = head.IndexOf(Header, StringComparison.OrdinalIgnoreCase);
            return at < 0 ? 0 : int.Parse(head.Substring(at + Header.Length, head.IndexOf('\r', at) - at - Header.Length), System.Globalization.CultureInfo.InvariantCulture);
        }

        [Fact]
        public void A_server_that_trickles_its_answer_fails_at_the_deadline_not_per_byte()
        {
            var stop = new CancellationTokenSource();
            using var server = new RawTlsServer(_pki.Server, (s, _) =>
            {
                DrainRequest(s);
                byte[] head = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n");
                foreach (byte b in head)
                {
                    if (stop.IsCancellationRequested)
                    {
                        return;
                    }
                    s.Write(new[] { b });
                    s.Flush();
                    Thread.Sleep(200);
                }
            });
            var watch = Stopwatch.StartNew();
            EstException e = Assert.Throws<EstException>(() => Client(server, TimeSpan.FromSeconds(3)).GetCaCerts());
            stop.Cancel();
            Assert.Equal(EstError.Timeout, e.Error);
            Assert.True(e.Retryable);
            // Each byte came well within any per-read timeout; only the overall deadline can end this exchange.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "the deadline held the exchange to its budget");
        }

        [Fact]
        public void An_answer_cut_midway_on_a_kept_connection_is_an_error_and_not_sent_again()
        {
            using var server = new RawTlsServer(_pki.Server, (s, _) =>
            {
                DrainRequest(s);
                s.Write(Encoding.ASCII.GetBytes("HTTP/1.1 204 No Content\r\n\r\n"));
                DrainRequest(s);
                s.Write(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/csrattrs\r\nContent-Length: 100\r\n\r\nMAo"));
                s.Flush();
            });
            using EstClient client = Client(server, TimeSpan.FromSeconds(60));
            Assert.Same(CsrAttributes.None, client.GetCsrAttributes());
            EstException e = Assert.Throws<EstException>(() => client.GetCsrAttributes());
            Assert.Equal(EstError.ConnectionLost, e.Error);
            Assert.Equal(1, server.Connections);
            Assert.Equal(1, client.Connections);
        }

        [Fact]
        public void A_server_that_closes_after_each_answer_without_saying_so_gets_each_POST_on_a_new_connection()
        {
            // One request per connection, answered without Connection: close, then closed.
            using var server = new RawTlsServer(_pki.Server, (s, _) =>
            {
                int length = DrainRequest(s);
                var body = new byte[length];
                for (int got = 0, n = 1; got < length && n > 0; got += n)
                {
                    n = s.Read(body, got, length - got);
                }
                s.Write(Encoding.ASCII.GetBytes(length == 0 ? "HTTP/1.1 204 No Content\r\n\r\n" : "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"));
                s.Flush();
            });
            using EstClient client = Client(server, TimeSpan.FromSeconds(60));
            client.GetCsrAttributes();
            // The kept connection is found closed before an answer: the GET goes again on a new one.
            client.GetCsrAttributes();
            // A POST never goes on a connection that has not yet carried a second answer, so it reaches the server.
            EstException e = Assert.Throws<EstException>(() => client.SimpleEnroll(new byte[] { 0x30, 0x00 }));
            Assert.Equal(403, e.Status);
            Assert.Equal(3, server.Connections);
        }

        [Fact]
        public void A_redirect_is_not_followed()
        {
            using var server = new RawTlsServer(_pki.Server, (s, _) =>
            {
                DrainRequest(s);
                s.Write(Encoding.ASCII.GetBytes("HTTP/1.1 301 Moved\r\nLocation: https://elsewhere.example/.well-known/est/cacerts\r\nContent-Length: 0\r\n\r\n"));
            });
            EstException e = Assert.Throws<EstException>(() => Client(server, TimeSpan.FromSeconds(30)).GetCaCerts());
            Assert.Equal(301, e.Status);
            Assert.False(e.Retryable);
            Assert.Equal(1, server.Connections);
        }

        [Fact]
        public void Base64_with_line_breaks_and_no_transfer_encoding_header_is_decoded()
        {
            string pem = _pki.ServerRoot.Pem;
            using var server = new RawTlsServer(_pki.Server, (s, _) =>
            {
                DrainRequest(s);
                byte[] p7 = Convert.FromBase64String(string.Concat(OpenSslP7(pem)));
                string body = Convert.ToBase64String(p7, Base64FormattingOptions.InsertLineBreaks) + "\r\n";
                s.Write(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/pkcs7-mime\r\nContent-Length: " + body.Length + "\r\n\r\n" + body));
            });
            byte[][] certs = Client(server, TimeSpan.FromSeconds(30)).GetCaCerts();
            Assert.Equal(_pki.ServerRoot.Der, certs[0]);
        }

        private static string OpenSslP7(string pem)
        {
            using var dir = new NfCerts.Tests.Host.TempDir();
            string path = dir.Write("ca.pem", Encoding.ASCII.GetBytes(pem));
            string outPath = dir.PathOf("ca.p7b");
            NfCerts.Tests.Host.OpenSsl.Ok("crl2pkcs7", "-nocrl", "-certfile", path, "-outform", "DER", "-out", outPath);
            return Convert.ToBase64String(System.IO.File.ReadAllBytes(outPath));
        }
    }
}
