using System;
using System.IO;
using System.Linq;
using System.Text;
using NfCerts.Core.Est;
using NfCerts.Emulators.Pki;
using NfCerts.Hal.Host;
using NfCerts.Tests.Host;
using Xunit;

namespace NfCerts.Tests.Est.Client
{
    /// <summary>The EST client's small readers against openssl's output and hostile input: certs-only PKCS#7, multipart,
    /// HTTP framing (Content-Length, chunked, until close), Retry-After and CsrAttrs.</summary>
    public sealed class EstReaderTests
    {
        private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

        [Fact]
        public void Pkcs7_from_openssl_crl2pkcs7_gives_the_certificates_in_order()
        {
            DevCredential a = DevPki.Root("CN=KAT A", Now.AddDays(-1), Now.AddYears(1));
            DevCredential b = DevPki.Root("CN=KAT B", Now.AddDays(-1), Now.AddYears(1), rsa: true);
            using var dir = new TempDir();
            string pa = dir.Write("a.pem", Encoding.ASCII.GetBytes(a.Pem));
            string pb = dir.Write("b.pem", Encoding.ASCII.GetBytes(b.Pem));
            string outPath = dir.PathOf("certs.p7b");
            OpenSsl.Ok("crl2pkcs7", "-nocrl", "-certfile", pa, "-certfile", pb, "-outform", "DER", "-out", outPath);
            byte[][] certs = Pkcs7Certs.Read(File.ReadAllBytes(outPath));
            Assert.Equal(2, certs.Length);
            Assert.Equal(a.Der, certs[0]);
            Assert.Equal(b.Der, certs[1]);
        }

        [Fact]
        public void Pkcs7_over_the_bounds_or_broken_is_refused_cleanly()
        {
            DevCredential a = DevPki.Root("CN=KAT A", Now.AddDays(-1), Now.AddYears(1));
            byte[] one = Pkcs7(a.Der);
            Assert.Single(Pkcs7Certs.Read(one));
            for (int cut = 1; cut < one.Length; cut += 7)
            {
                Assert.Throws<EstException>(() => Pkcs7Certs.Read(one.Take(cut).ToArray()));
            }
            byte[] many = Pkcs7(Enumerable.Repeat(a.Der, Pkcs7Certs.MaxCertificates + 1).ToArray());
            Assert.Contains("more than", Assert.Throws<EstException>(() => Pkcs7Certs.Read(many)).Message);
            Assert.Throws<EstException>(() => Pkcs7Certs.Read(new byte[Pkcs7Certs.MaxInputSize + 1]));
            byte[] deep = new byte[64];
            for (int i = 0; i < 32; i++)
            {
                deep[2 * i] = 0x30;
                deep[(2 * i) + 1] = (byte)(62 - (2 * i));
            }
            Assert.Throws<EstException>(() => Pkcs7Certs.Read(deep));
        }

        /// <summary>A certs-only SignedData holding <paramref name="certs"/> (what crl2pkcs7 -nocrl writes).</summary>
        private static byte[] Pkcs7(params byte[][] certs)
        {
            var w = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
            using (w.PushSequence())
            {
                w.WriteObjectIdentifier("1.2.840.113549.1.7.2");
                using (w.PushSequence(new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 0, true)))
                using (w.PushSequence())
                {
                    w.WriteInteger(1);
                    using (w.PushSetOf())
                    {
                    }
                    using (w.PushSequence())
                    {
                        w.WriteObjectIdentifier("1.2.840.113549.1.7.1");
                    }
                    // Written in order, not sorted as a DER SET OF would be: the reader takes them as they come.
                    using (w.PushSequence(new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 0, true)))
                    {
                        foreach (byte[] c in certs)
                        {
                            w.WriteEncodedValue(c);
                        }
                    }
                    using (w.PushSetOf())
                    {
                    }
                }
            }
            return w.Encode();
        }

        [Fact]
        public void Multipart_parts_are_found_with_quoted_boundaries_and_bare_line_feeds()
        {
            string body = "preamble\r\n--b1\r\nContent-Type: application/pkcs8\r\n\r\nKEY\r\n--b1\nContent-Type: application/pkcs7-mime; smime-type=certs-only\n\nCERT\n--b1--\r\nepilogue";
            byte[] bytes = Encoding.ASCII.GetBytes(body);
            MultipartPart[] parts = MultipartReader.Read(bytes, "multipart/mixed; boundary=\"b1\"");
            Assert.Equal(2, parts.Length);
            Assert.Equal("KEY", Encoding.ASCII.GetString(bytes, parts[0].Offset, parts[0].Length));
            Assert.Equal("CERT", Encoding.ASCII.GetString(bytes, parts[1].Offset, parts[1].Length));
            Assert.Equal("application/pkcs7-mime", MultipartReader.MediaType(parts[1].ContentType));
        }

        [Theory]
        [InlineData("--b1\r\nContent-Type: x\r\n\r\nno close", "multipart/mixed; boundary=b1")]
        [InlineData("--b1\r\nno blank line\r\n--b1--", "multipart/mixed; boundary=b1")]
        [InlineData("--b1\r\n\r\nA\r\n--b1--", "multipart/mixed")]
        [InlineData("--b1\r\n\r\nA\r\n--b1--", "text/plain; boundary=b1")]
        [InlineData("--b\r\n\r\n1\r\n--b\r\n\r\n2\r\n--b\r\n\r\n3\r\n--b\r\n\r\n4\r\n--b\r\n\r\n5\r\n--b--", "multipart/mixed; boundary=b")]
        public void Hostile_multipart_is_refused(string body, string type)
        {
            Assert.Throws<EstException>(() => MultipartReader.Read(Encoding.ASCII.GetBytes(body), type));
        }

        private static HttpResponse Read(string raw, int maxBody = 1024)
            => new HttpResponseReader(new MemoryStream(Encoding.ASCII.GetBytes(raw)), new SystemClock(), TimeSpan.FromSeconds(30), maxBody).Read();

        [Fact]
        public void Content_length_chunked_and_until_close_bodies_are_read()
        {
            Assert.Equal("hello", Encoding.ASCII.GetString(Read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello").Body));
            HttpResponse chunked = Read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nhel\r\n2\r\nlo\r\n0\r\nTrailer: t\r\n\r\n");
            Assert.Equal("hello", Encoding.ASCII.GetString(chunked.Body));
            Assert.Equal("t", chunked.GetHeader("trailer"));
            Assert.Equal("hello", Encoding.ASCII.GetString(Read("HTTP/1.0 200 OK\nContent-Type: a\n\nhello").Body));
            Assert.Equal(200, Read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").Status);
        }

        [Theory]
        [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n", EstError.TooLarge)]
        [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n", EstError.TooLarge)]
        [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", EstError.ConnectionLost)]
        [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", EstError.BadResponse)]
        [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", EstError.BadResponse)]
        [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", EstError.BadResponse)]
        [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", EstError.BadResponse)]
        [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", EstError.BadResponse)]
        [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", EstError.BadResponse)]
        [InlineData("HTTP/1.1 200 OK\r\n folded: x\r\n\r\n", EstError.BadResponse)]
        [InlineData("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", EstError.BadResponse)]
        [InlineData("HTTP/1.1 200 OK\rX: y\r\n\r\n", EstError.BadResponse)]
        [InlineData("SSH-2.0-OpenSSH\r\n\r\n", EstError.BadResponse)]
        [InlineData("HTTP/1.1 2x0 OK\r\n\r\n", EstError.BadResponse)]
        [InlineData("", EstError.ConnectionLost)]
        public void Hostile_http_is_refused_with_its_reason(string raw, EstError expected)
        {
            Assert.Equal(expected, Assert.Throws<EstException>(() => Read(raw)).Error);
        }

        [Fact]
        public void Too_many_or_too_long_header_lines_are_refused()
        {
            string many = "HTTP/1.1 200 OK\r\n" + string.Concat(Enumerable.Range(0, HttpResponseReader.MaxHeaders + 1).Select(i => "X" + i + ": y\r\n")) + "\r\n";
            Assert.Equal(EstError.TooLarge, Assert.Throws<EstException>(() => Read(many)).Error);
            string longLine = "HTTP/1.1 200 OK\r\nX: " + new string('a', HttpResponseReader.MaxLineLength) + "\r\n\r\n";
            Assert.Equal(EstError.TooLarge, Assert.Throws<EstException>(() => Read(longLine)).Error);
        }

        [Fact]
        public void Retry_after_takes_seconds_or_an_http_date_and_is_capped()
        {
            var now = new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
            Assert.Equal(TimeSpan.FromSeconds(600), RetryAfter.Parse(" 600 ", now));
            Assert.Equal(TimeSpan.FromSeconds(90), RetryAfter.Parse("Tue, 01 Dec 2026 12:01:30 GMT", now));
            Assert.Equal(TimeSpan.Zero, RetryAfter.Parse("Tue, 01 Dec 2026 11:00:00 GMT", now));
            Assert.Equal(TimeSpan.Zero, RetryAfter.Parse("soon", now));
            Assert.Equal(TimeSpan.Zero, RetryAfter.Parse(null, now));
            Assert.Equal(RetryAfter.Max, RetryAfter.Parse("9999999999", now));
        }

        [Fact]
        public void Csr_attributes_from_rfc_7030s_example_are_read()
        {
            // RFC 7030 4.5.2's example: challengePassword, ecPublicKey with secp384r1, extensionRequest with macAddress, ecdsa-with-SHA384.
            byte[] der = Convert.FromBase64String("MEEGCSqGSIb3DQEJBzASBgcqhkjOPQIBMQcGBSuBBAAiMBYGCSqGSIb3DQEJDjEJBgcrBgEBAQEWBggqhkjOPQQDAw==");
            CsrAttributes attrs = CsrAttributes.Parse(der);
            Assert.True(attrs.RequestsChallengePassword);
            Assert.Equal(4, attrs.Entries.Length);
            Assert.Equal((NfCerts.Hal.KeyAlgorithm)0, attrs.KeyAlgorithmHint);
            Assert.Equal("1.2.840.10045.4.3.3", attrs.Entries[3].Oid);
            Assert.Throws<EstException>(() => CsrAttributes.Parse(der.Take(der.Length - 3).ToArray()));
        }
    }
}
