using System;
using System.Linq;
using System.Text;
using NfCerts.Core.X509;
using Xunit;

namespace NfCerts.Tests.X509
{
    public sealed class PemTests : IClassFixture<CertificateCorpus>
    {
        private readonly CertificateCorpus _corpus;

        public PemTests(CertificateCorpus corpus)
        {
            _corpus = corpus;
        }

        private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

        private static string ToPem(string label, byte[] der, int width = 64, string newline = "\n")
        {
            string b64 = Convert.ToBase64String(der);
            var text = new StringBuilder("-----BEGIN " + label + "-----" + newline);
            for (int i = 0; i < b64.Length; i += width)
            {
                text.Append(b64, i, Math.Min(width, b64.Length - i)).Append(newline);
            }

            return text.Append("-----END " + label + "-----" + newline).ToString();
        }

        private static CertificateFormatError ErrorOf(Action action) => Assert.Throws<CertificateFormatException>(action).Error;

        [Fact]
        public void Openssl_pem_output_decodes_to_the_der()
        {
            byte[] der = _corpus["net-rsa4096-ca"];
            string pem = OpenSsl.Ok(der, "x509", "-inform", "DER", "-outform", "PEM");

            PemBlock[] blocks = Pem.DecodeAll(Bytes(pem));

            Assert.Single(blocks);
            Assert.Equal("CERTIFICATE", blocks[0].Label);
            Assert.Equal(der, blocks[0].Data);
        }

        [Theory]
        [InlineData("\n", 64, "", "")]
        [InlineData("\r\n", 64, "", "")]
        [InlineData("\n", 76, "Bag Attributes\n    localKeyID: 01 00 00 00\nsubject=CN = x\n\n", "\n\n  trailing text\n")]
        [InlineData("\r\n", 4000, "leading text with ----- dashes and BEGIN words\n", "   \t\r\n")]
        [InlineData("  \t\n", 16, "", "")]
        public void Line_ends_widths_and_surrounding_text_are_tolerated(string newline, int width, string before, string after)
        {
            byte[] der = _corpus["net-p256-leaf-from-rsa4096"];
            string pem = before + ToPem("CERTIFICATE", der, width, newline) + after;

            PemBlock block = Pem.DecodeFirst(Bytes(pem), 0, pem.Length, Pem.CertificateLabel);

            Assert.Equal(der, block.Data);
            Assert.Equal(der, PemOrDer.ReadCertificate(Bytes(pem)).RawData);
        }

        [Fact]
        public void Several_blocks_decode_in_order_and_can_be_walked_one_by_one()
        {
            byte[] a = _corpus["debian-baltimore-cybertrust-root"];
            byte[] b = _corpus["debian-digicert-global-root-g2"];
            byte[] key = { 0x30, 0x03, 0x02, 0x01, 0x00 };
            string text = "# bundle\n" + ToPem("CERTIFICATE", a) + "between\n" + ToPem("EC PARAMETERS", new byte[] { 6, 1, 1 }) + ToPem("CERTIFICATE", b, 64, "\r\n") + ToPem("PRIVATE KEY", key) + "end\n";
            byte[] data = Bytes(text);

            PemBlock[] blocks = Pem.DecodeAll(data);

            Assert.Equal(new[] { "CERTIFICATE", "EC PARAMETERS", "CERTIFICATE", "PRIVATE KEY" }, blocks.Select(x => x.Label));
            Assert.Equal(a, blocks[0].Data);
            Assert.Equal(b, blocks[2].Data);
            Assert.Equal(key, Pem.DecodeFirst(data, 0, data.Length, "PRIVATE KEY").Data);

            int position = 0;
            int count = 0;
            while (Pem.ReadNext(data, ref position, data.Length) != null)
            {
                count++;
            }

            Assert.Equal(4, count);
            Assert.Equal(data.Length, position);
        }

        [Theory]
        [InlineData("", CertificateFormatError.NoPemBlock)]
        [InlineData("hello world\n", CertificateFormatError.NoPemBlock)]
        [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n", CertificateFormatError.BadPem)] // no END
        [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n-----END PRIVATE KEY-----\n", CertificateFormatError.BadPem)]
        [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATES-----\n", CertificateFormatError.BadPem)]
        [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE\n", CertificateFormatError.BadPem)]
        [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", CertificateFormatError.BadPem)]
        [InlineData("-----BEGIN CERTIFICATE\nMIIB\n-----END CERTIFICATE-----\n", CertificateFormatError.BadPem)]
        [InlineData("-----BEGIN -----\nMIIB\n-----END -----\n", CertificateFormatError.BadPem)]
        [InlineData("-----BEGIN CERTIFICATE----- junk\nMIIB\n-----END CERTIFICATE-----\n", CertificateFormatError.BadPem)]
        [InlineData("-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----\n", CertificateFormatError.BadPem)]
        [InlineData("-----BEGIN CERTIFICATE-----\nMII*\n-----END CERTIFICATE-----\n", CertificateFormatError.BadBase64)]
        [InlineData("-----BEGIN CERTIFICATE-----\nMIIBA\n-----END CERTIFICATE-----\n", CertificateFormatError.BadBase64)]
        [InlineData("-----BEGIN CERTIFICATE-----\nMI==MIIB\n-----END CERTIFICATE-----\n", CertificateFormatError.BadBase64)]
        [InlineData("-----BEGIN CERTIFICATE-----\nM===\n-----END CERTIFICATE-----\n", CertificateFormatError.BadBase64)]
        [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\u00e9\n-----END CERTIFICATE-----\n", CertificateFormatError.BadBase64)]
        [InlineData("-----BEGIN CERTIFICATE-----\nMIIB-_AA\n-----END CERTIFICATE-----\n", CertificateFormatError.BadBase64)]
        [InlineData("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nMIIB\n-----END RSA PRIVATE KEY-----\n", CertificateFormatError.Unsupported)]
        public void Malformed_pem_is_refused_with_its_reason(string text, CertificateFormatError error)
        {
            byte[] data = Encoding.UTF8.GetBytes(text);

            CertificateFormatException e = Assert.Throws<CertificateFormatException>(() => Pem.DecodeAll(data));

            Assert.Equal(error, e.Error);
            Assert.DoesNotContain("MIIB", e.Message);
        }

        [Fact]
        public void Legacy_encrypted_keys_get_a_message_that_says_what_to_do()
        {
            byte[] data = Bytes("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nMIIB\n-----END EC PRIVATE KEY-----\n");

            CertificateFormatException e = Assert.Throws<CertificateFormatException>(() => PemOrDer.GetPrivateKeyDer(data, out _));

            Assert.Equal(CertificateFormatError.Unsupported, e.Error);
            Assert.Contains("ENCRYPTED PRIVATE KEY", e.Message);
        }

        [Fact]
        public void A_wanted_label_that_is_absent_is_no_pem_block()
        {
            byte[] data = Bytes(ToPem("PRIVATE KEY", new byte[] { 0x30, 0x00 }));

            Assert.Equal(CertificateFormatError.NoPemBlock, ErrorOf(() => Pem.DecodeFirst(data, 0, data.Length, Pem.CertificateLabel)));
            Assert.Equal(CertificateFormatError.NoPemBlock, ErrorOf(() => PemOrDer.ReadCertificate(data)));
        }

        [Fact]
        public void Padding_variants_decode_exactly()
        {
            for (int length = 1; length <= 9; length++)
            {
                byte[] payload = Enumerable.Range(200, length).Select(i => (byte)i).ToArray();
                byte[] data = Bytes(ToPem("X", payload, 3));

                Assert.Equal(payload, Pem.DecodeAll(data)[0].Data);
            }
        }

        [Fact]
        public void A_pem_cut_at_every_byte_is_refused_or_complete()
        {
            byte[] der = _corpus["net-p256-leaf-from-rsa4096"];
            byte[] data = Bytes("text\r\n" + ToPem("CERTIFICATE", der, 64, "\r\n"));
            int endLine = Encoding.ASCII.GetString(data).IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal) + "-----END CERTIFICATE-----".Length;

            HostileInputTests.Bounded(() =>
            {
                for (int length = 0; length < data.Length; length++)
                {
                    try
                    {
                        CertificateInfo info = PemOrDer.ReadCertificate(data.AsSpan(0, length).ToArray());
                        Assert.True(length >= endLine, "accepted a PEM cut at " + length);
                        Assert.Equal(der, info.RawData);
                    }
                    catch (CertificateFormatException e)
                    {
                        Assert.True(length < endLine, "refused a complete PEM cut at " + length + ": " + e.Message);
                    }
                }
            });
        }

        [Fact]
        public void Random_text_mutations_give_a_result_or_a_format_error()
        {
            byte[] original = Bytes(ToPem("CERTIFICATE", _corpus["openssl-ed25519"]) + ToPem("PRIVATE KEY", new byte[] { 0x30, 0x03, 0x02, 0x01, 0x00 }));
            const int seed = 99;
            var random = new Random(seed);
            byte[] alphabet = Bytes("-ABEGIN CERTIFICATE=+/\r\n \t:0aZ");
            HostileInputTests.Bounded(() =>
            {
                for (int round = 0; round < 4000; round++)
                {
                    byte[] data = (byte[])original.Clone();
                    for (int i = random.Next(1, 4); i > 0; i--)
                    {
                        data[random.Next(data.Length)] = random.Next(3) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
                    }

                    try
                    {
                        Pem.DecodeAll(data);
                        PemOrDer.ReadCertificate(data);
                    }
                    catch (CertificateFormatException)
                    {
                    }
                    catch (Exception e)
                    {
                        Assert.Fail("seed " + seed + " round " + round + ": " + e.GetType().Name + ": " + e.Message);
                    }
                }
            });
        }

        [Fact]
        public void Pem_or_der_tells_them_apart_and_passes_der_through_untouched()
        {
            byte[] der = _corpus["debian-digicert-global-root-g2"];
            byte[] pem = Bytes("\uFEFF?" + ToPem("CERTIFICATE", der));

            Assert.False(PemOrDer.IsPem(der, 0, der.Length));
            Assert.True(PemOrDer.IsPem(pem, 0, pem.Length));
            Assert.False(PemOrDer.IsPem(pem, 0, 0));
            Assert.Same(der, PemOrDer.GetCertificateDer(der, 0, der.Length));
            Assert.Equal(der, PemOrDer.GetCertificateDer(Der.Concat(new byte[] { 9 }, der), 1, der.Length));
            Assert.Equal(der, PemOrDer.GetCertificateDer(pem, 0, pem.Length));
            Assert.Equal(CertificateFormatError.Truncated, ErrorOf(() => PemOrDer.GetCertificateDer(der, 0, 0)));
        }

        [Fact]
        public void A_block_describes_itself_without_its_contents()
        {
            var block = new PemBlock("PRIVATE KEY", new byte[] { 0xDE, 0xAD, 0xBE, 0xEF });

            Assert.Equal("PEM PRIVATE KEY block, 4 bytes", block.ToString());
        }
    }
}
