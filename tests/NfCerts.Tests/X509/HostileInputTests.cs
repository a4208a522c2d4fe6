using System;
using System.Linq;
using System.Text;
using System.Threading;
using NfCerts.Core.X509;
using Xunit;

namespace NfCerts.Tests.X509
{
    /// <summary>
    /// Truncations, bit flips, garbage, deep nesting, huge and indefinite lengths, trailing bytes: the reader always
    /// answers with a CertificateFormatException (or, for harmless mutations, a result), never another exception,
    /// and always within a bounded time.
    /// </summary>
    public sealed class HostileInputTests : IClassFixture<CertificateCorpus>
    {
        private static readonly string[] Samples =
        {
            "net-rsa4096-ca", "net-p256-leaf-from-rsa4096", "raw-string-types", "raw-unknown-and-dumped", "openssl-ed25519",
            "debian-baltimore-cybertrust-root", "openssl-p256-subj", "raw-serial-40-octets",
        };

        private readonly CertificateCorpus _corpus;

        public HostileInputTests(CertificateCorpus corpus)
        {
            _corpus = corpus;
        }

        public static TheoryData<string> SampleNames => new(Samples);

        [Theory]
        [MemberData(nameof(SampleNames))]
        public void A_certificate_truncated_at_every_byte_is_reported_truncated(string name)
        {
            byte[] der = _corpus[name];
            Bounded(() =>
            {
                for (int length = 0; length < der.Length; length++)
                {
                    byte[] prefix = der.AsSpan(0, length).ToArray();
                    CertificateFormatException e = Assert.Throws<CertificateFormatException>(() => CertificateInfo.Parse(prefix));
                    Assert.True(e.Error == CertificateFormatError.Truncated, name + " cut at " + length + ": " + e.Error + " " + e.Message);

                    // The same prefix as a window of the full array must not read past the window.
                    e = Assert.Throws<CertificateFormatException>(() => CertificateInfo.Parse(der, 0, length));
                    Assert.Equal(CertificateFormatError.Truncated, e.Error);
                }
            });
        }

        [Theory]
        [MemberData(nameof(SampleNames))]
        public void Random_bit_flips_give_a_result_or_a_format_error_never_another_exception(string name)
        {
            byte[] der = _corpus[name];
            int seed = name.Aggregate(17, (h, c) => (h * 31) + c);
            int refused = 0;
            Bounded(() =>
            {
                var random = new Random(seed);
                for (int round = 0; round < 3000; round++)
                {
                    byte[] mutated = (byte[])der.Clone();
                    int flips = random.Next(1, 4);
                    for (int i = 0; i < flips; i++)
                    {
                        mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
                    }

                    if (!ParsesOrRefuses(mutated, "seed " + seed + " round " + round))
                    {
                        refused++;
                    }
                }
            });

            // Flips in the headers and the names must be caught, not silently accepted.
            Assert.True(refused > 100, name + ": only " + refused + " of 3000 mutations were refused (seed " + seed + ")");
        }

        [Theory]
        [MemberData(nameof(SampleNames))]
        public void Random_byte_edits_insertions_and_deletions_never_throw_anything_else(string name)
        {
            byte[] der = _corpus[name];
            const int seed = 4242;
            Bounded(() =>
            {
                var random = new Random(seed);
                for (int round = 0; round < 2000; round++)
                {
                    byte[] mutated = der;
                    int at = random.Next(der.Length);
                    switch (random.Next(4))
                    {
                        case 0:
                            mutated = (byte[])der.Clone();
                            mutated[at] = (byte)random.Next(256);
                            break;
                        case 1:
                            mutated = Der.Concat(der.AsSpan(0, at).ToArray(), new[] { (byte)random.Next(256) }, der.AsSpan(at).ToArray());
                            break;
                        case 2:
                            int cut = Math.Min(der.Length, at + 1 + random.Next(8));
                            mutated = Der.Concat(der.AsSpan(0, at).ToArray(), der.AsSpan(cut).ToArray());
                            break;
                        default:
                            // A length octet pointed somewhere hostile.
                            mutated = (byte[])der.Clone();
                            mutated[at] = new byte[] { 0x80, 0x84, 0xFF, 0x7F, 0x81, 0x00 }[random.Next(6)];
                            break;
                    }

                    ParsesOrRefuses(mutated, "seed " + seed + " round " + round);
                }
            });
        }

        [Fact]
        public void Random_garbage_is_refused()
        {
            const int seed = 777;
            var random = new Random(seed);
            int accepted = 0;
            Bounded(() =>
            {
                for (int round = 0; round < 5000; round++)
                {
                    byte[] garbage = new byte[random.Next(0, 600)];
                    random.NextBytes(garbage);
                    if (garbage.Length > 4 && random.Next(2) == 0)
                    {
                        // Look like a certificate: an outer SEQUENCE with the right length.
                        garbage[0] = 0x30;
                        garbage[1] = 0x82;
                        garbage[2] = (byte)((garbage.Length - 4) >> 8);
                        garbage[3] = (byte)(garbage.Length - 4);
                    }

                    if (ParsesOrRefuses(garbage, "seed " + seed + " round " + round))
                    {
                        accepted++;
                    }

                    ParsesOrRefusesKey(garbage, "seed " + seed + " round " + round);
                }
            });
            Assert.Equal(0, accepted);
        }

        [Fact]
        public void Deep_nesting_is_refused_as_too_deep_without_recursion()
        {
            // 100,000 nested SEQUENCEs (about 600 KB): a recursive reader would overflow its stack.
            byte[] der = new byte[] { 0x05, 0x00 };
            for (int i = 0; i < 100_000; i++)
            {
                der = Der.Concat(new byte[] { 0x30 }, Der.Length(der.Length), der);
            }

            Bounded(() =>
            {
                Assert.Equal(CertificateFormatError.TooDeep, Assert.Throws<CertificateFormatException>(() => CertificateInfo.Parse(der)).Error);
                Assert.Equal(CertificateFormatError.TooDeep, Assert.Throws<CertificateFormatException>(() => PrivateKeyDescription.Detect(der)).Error);
            });
        }

        [Theory]
        [InlineData("30 84 7F FF FF FF 30 00", CertificateFormatError.Truncated)]
        [InlineData("30 84 FF FF FF FF 30 00", CertificateFormatError.BadLength)]
        [InlineData("30 88 00 00 00 00 00 00 00 02 30 00", CertificateFormatError.BadLength)]
        [InlineData("30 80 30 00 00 00", CertificateFormatError.BadLength)]
        [InlineData("30 81 02 30 00", CertificateFormatError.BadLength)]
        [InlineData("30 02 30 80", CertificateFormatError.BadLength)]
        [InlineData("30 02 30 84", CertificateFormatError.BadLength)]
        [InlineData("3F 80 01 00", CertificateFormatError.Unsupported)]
        [InlineData("02 01 00", CertificateFormatError.UnexpectedTag)]
        [InlineData("30 00", CertificateFormatError.UnexpectedTag)]
        public void Hostile_headers_are_refused_with_their_reason(string hex, CertificateFormatError error)
        {
            byte[] der = Convert.FromHexString(hex.Replace(" ", ""));

            Assert.Equal(error, Assert.Throws<CertificateFormatException>(() => CertificateInfo.Parse(der)).Error);
        }

        [Fact]
        public void Indefinite_lengths_anywhere_in_a_certificate_are_refused()
        {
            byte[] der = _corpus["net-p256-leaf-from-rsa4096"];
            // Re-encode the outer SEQUENCE with an indefinite length and end-of-contents octets (valid BER, not DER).
            int headerLength = der[1] < 0x80 ? 2 : 2 + (der[1] & 0x7F);
            byte[] ber = Der.Concat(new byte[] { 0x30, 0x80 }, der.Skip(headerLength).ToArray(), new byte[] { 0, 0 });

            Assert.Equal(CertificateFormatError.BadLength, Assert.Throws<CertificateFormatException>(() => CertificateInfo.Parse(ber)).Error);
        }

        [Fact]
        public void Trailing_bytes_after_the_certificate_are_refused()
        {
            byte[] der = _corpus["net-p256-leaf-from-rsa4096"];

            foreach (byte[] tail in new[] { new byte[] { 0 }, new byte[] { (byte)'\n' }, der })
            {
                byte[] input = Der.Concat(der, tail);
                Assert.Equal(CertificateFormatError.TrailingData, Assert.Throws<CertificateFormatException>(() => CertificateInfo.Parse(input)).Error);
            }
        }

        [Fact]
        public void Structural_lies_inside_the_certificate_are_refused()
        {
            // A valid outer frame around a TBS whose fields are in the wrong order.
            var builder = new CertBuilder { Issuer = Der.Int(5) };
            Assert.Equal(CertificateFormatError.UnexpectedTag, Assert.Throws<CertificateFormatException>(() => CertificateInfo.Parse(builder.Build())).Error);

            builder = new CertBuilder { Version = 3 };
            Assert.Equal(CertificateFormatError.Unsupported, Assert.Throws<CertificateFormatException>(() => CertificateInfo.Parse(builder.Build())).Error);

            builder = new CertBuilder { NotBefore = Der.UtcTime("2001010000Z") };
            Assert.Equal(CertificateFormatError.BadTime, Assert.Throws<CertificateFormatException>(() => CertificateInfo.Parse(builder.Build())).Error);

            builder = new CertBuilder { Serial = new byte[] { 0x00, 0x01 } };
            Assert.Equal(CertificateFormatError.BadEncoding, Assert.Throws<CertificateFormatException>(() => CertificateInfo.Parse(builder.Build())).Error);

            builder = new CertBuilder();
            builder.Extensions.Add(Der.BasicConstraints(true));
            builder.Extensions.Add(Der.BasicConstraints(false));
            Assert.Equal(CertificateFormatError.BadEncoding, Assert.Throws<CertificateFormatException>(() => CertificateInfo.Parse(builder.Build())).Error);

            builder = new CertBuilder();
            builder.Extensions.Add(Der.Seq(Der.Oid("2.5.29.19"), Der.Tlv(0x04, Der.Seq(Der.Int(-1)))));
            Assert.Equal(CertificateFormatError.BadEncoding, Assert.Throws<CertificateFormatException>(() => CertificateInfo.Parse(builder.Build())).Error);

            builder = new CertBuilder { SubjectPublicKeyInfo = Der.Seq(Der.Seq(Der.Oid("1.2.840.113549.1.1.1"), Der.Tlv(0x05)), Der.Tlv(0x03, new byte[] { 0, 0x04, 0x00 })) };
            Assert.Throws<CertificateFormatException>(() => CertificateInfo.Parse(builder.Build()));
        }

        [Theory]
        [InlineData(0x0C, "C0 80")]
        [InlineData(0x0C, "ED A0 80")]
        [InlineData(0x0C, "F4 90 80 80")]
        [InlineData(0x0C, "41 FF")]
        [InlineData(0x1E, "00 41 00")]
        [InlineData(0x1E, "D8 34 DD 1E")]
        [InlineData(0x1C, "00 11 00 00")]
        public void Names_with_strings_openssl_cannot_load_are_refused_as_bad_strings(int tag, string content)
        {
            byte[] der = new CertBuilder { Subject = Der.Name(new[] { Der.Ava("2.5.4.3", tag, Convert.FromHexString(content.Replace(" ", ""))) }) }.Build();

            Assert.Equal(CertificateFormatError.BadString, Assert.Throws<CertificateFormatException>(() => CertificateInfo.Parse(der)).Error);
            Assert.NotEqual(0, OpenSsl.Run(der, "x509", "-inform", "DER", "-noout", "-subject").ExitCode);
        }

        private static bool ParsesOrRefuses(byte[] input, string where)
        {
            try
            {
                CertificateInfo info = CertificateInfo.Parse(input);
                Assert.True(info.Subject != null && info.Issuer != null && info.SerialNumber.Length > 0, where);
                return true;
            }
            catch (CertificateFormatException e)
            {
                Assert.False(string.IsNullOrEmpty(e.Message), where);
                return false;
            }
            catch (Exception e)
            {
                Assert.Fail(where + ": " + e.GetType().Name + " instead of CertificateFormatException: " + e.Message);
                return false;
            }
        }

        private static void ParsesOrRefusesKey(byte[] input, string where)
        {
            try
            {
                PrivateKeyDescription.Detect(input);
                PemOrDer.GetPrivateKeyDer(input, out _);
                PemOrDer.ReadCertificate(input);
            }
            catch (CertificateFormatException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail(where + ": " + e.GetType().Name + " instead of CertificateFormatException: " + e.Message);
            }
        }

        /// <summary>
        /// Runs the work on its own thread with a small stack (256 KiB: deep recursion would overflow it) and fails if it
        /// has not finished in 60 s (a hang, not a slow machine).
        /// </summary>
        internal static void Bounded(Action work)
        {
            Exception? failure = null;
            var thread = new Thread(() =>
            {
                try
                {
                    work();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            }, 256 * 1024) { IsBackground = true };
            thread.Start();
            Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "the reader did not finish in 60 s: it hangs");
            if (failure != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            }
        }
    }
}
