using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using NfCerts.Core.X509;
using Xunit;

namespace NfCerts.Tests.X509
{
    /// <summary>Private key format detection over keys made by .NET and by openssl, in DER and PEM; never leaking key bytes.</summary>
    public sealed class PrivateKeyTests : IClassFixture<PrivateKeyTests.Keys>
    {
        private const string Pbes2 = "1.2.840.113549.1.5.13";
        private readonly Keys _keys;

        public PrivateKeyTests(Keys keys)
        {
            _keys = keys;
        }

        /// <summary>Keys generated once per class.</summary>
        public sealed class Keys : IDisposable
        {
            public Keys()
            {
                Rsa = RSA.Create(2048);
                P256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                P384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
                P521 = ECDsa.Create(ECCurve.NamedCurves.nistP521);
                using var dir = new OpenSsl.TempDir();
                OpenSsl.Ok(null, "genpkey", "-algorithm", "ed25519", "-out", dir.File("ed.pem"));
                OpenSslEd25519 = File.ReadAllBytes(dir.File("ed.pem"));
                OpenSsl.Ok(null, "ecparam", "-name", "prime256v1", "-genkey", "-out", dir.File("ec.pem"));
                OpenSslEcWithParameters = File.ReadAllBytes(dir.File("ec.pem"));
                OpenSsl.Ok(null, "genrsa", "-traditional", "-out", dir.File("rsa.pem"), "1024");
                OpenSslRsaTraditional = File.ReadAllBytes(dir.File("rsa.pem"));
                OpenSsl.Ok(null, "pkcs8", "-topk8", "-in", dir.File("rsa.pem"), "-v2", "aes-256-cbc", "-passout", "pass:secret", "-out", dir.File("enc.pem"));
                OpenSslEncrypted = File.ReadAllBytes(dir.File("enc.pem"));
                OpenSsl.Ok(null, "genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:1024", "-out", dir.File("pss.pem"));
                OpenSslRsaPss = File.ReadAllBytes(dir.File("pss.pem"));
            }

            public RSA Rsa { get; }
            public ECDsa P256 { get; }
            public ECDsa P384 { get; }
            public ECDsa P521 { get; }
            public byte[] OpenSslEd25519 { get; }
            public byte[] OpenSslEcWithParameters { get; }
            public byte[] OpenSslRsaTraditional { get; }
            public byte[] OpenSslEncrypted { get; }
            public byte[] OpenSslRsaPss { get; }

            public void Dispose()
            {
                Rsa.Dispose();
                P256.Dispose();
                P384.Dispose();
                P521.Dispose();
            }
        }

        private static PbeParameters Pbe => new(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000);

        [Fact]
        public void Dotnet_rsa_keys_are_detected_in_every_format()
        {
            AssertDescribed(_keys.Rsa.ExportPkcs8PrivateKey(), PrivateKeyFormat.Pkcs8, KeyAlgorithm.Rsa, "1.2.840.113549.1.1.1", null, 2048);
            AssertDescribed(_keys.Rsa.ExportRSAPrivateKey(), PrivateKeyFormat.Pkcs1Rsa, KeyAlgorithm.Rsa, "1.2.840.113549.1.1.1", null, 2048);
            PrivateKeyDescription encrypted = AssertDescribed(
                _keys.Rsa.ExportEncryptedPkcs8PrivateKey("pw", Pbe), PrivateKeyFormat.EncryptedPkcs8, KeyAlgorithm.Unknown, null, null, 0);
            Assert.Equal(Pbes2, encrypted.EncryptionAlgorithmOid);
        }

        [Theory]
        [InlineData(256, "P-256", "1.2.840.10045.3.1.7")]
        [InlineData(384, "P-384", "1.3.132.0.34")]
        [InlineData(521, "P-521", "1.3.132.0.35")]
        public void Dotnet_ec_keys_are_detected_with_their_curve(int bits, string curve, string curveOid)
        {
            ECDsa key = bits == 256 ? _keys.P256 : bits == 384 ? _keys.P384 : _keys.P521;

            PrivateKeyDescription pkcs8 = AssertDescribed(key.ExportPkcs8PrivateKey(), PrivateKeyFormat.Pkcs8, KeyAlgorithm.Ec, "1.2.840.10045.2.1", curve, bits);
            PrivateKeyDescription sec1 = AssertDescribed(key.ExportECPrivateKey(), PrivateKeyFormat.Sec1Ec, KeyAlgorithm.Ec, "1.2.840.10045.2.1", curve, bits);

            Assert.Equal(curveOid, pkcs8.CurveOid);
            Assert.Equal(curveOid, sec1.CurveOid);
        }

        [Fact]
        public void Dotnet_pem_exports_decode_to_their_der_and_agree_with_their_label()
        {
            var cases = new (string Pem, byte[] Der, PrivateKeyFormat Format)[]
            {
                (_keys.Rsa.ExportPkcs8PrivateKeyPem(), _keys.Rsa.ExportPkcs8PrivateKey(), PrivateKeyFormat.Pkcs8),
                (_keys.Rsa.ExportRSAPrivateKeyPem(), _keys.Rsa.ExportRSAPrivateKey(), PrivateKeyFormat.Pkcs1Rsa),
                (_keys.P384.ExportECPrivateKeyPem(), _keys.P384.ExportECPrivateKey(), PrivateKeyFormat.Sec1Ec),
                (_keys.P256.ExportPkcs8PrivateKeyPem(), _keys.P256.ExportPkcs8PrivateKey(), PrivateKeyFormat.Pkcs8),
            };
            foreach ((string pem, byte[] der, PrivateKeyFormat format) in cases)
            {
                byte[] decoded = PemOrDer.GetPrivateKeyDer(Encoding.ASCII.GetBytes("comment\n" + pem.Replace("\n", "\r\n")), out PrivateKeyDescription description);

                Assert.Equal(der, decoded);
                Assert.Equal(format, description.Format);
                Assert.Same(der, PemOrDer.GetPrivateKeyDer(der, out PrivateKeyDescription fromDer));
                Assert.Equal(format, fromDer.Format);
            }

            byte[] encryptedPem = Encoding.ASCII.GetBytes(_keys.P256.ExportEncryptedPkcs8PrivateKeyPem("pw", Pbe));
            PemOrDer.GetPrivateKeyDer(encryptedPem, out PrivateKeyDescription encrypted);
            Assert.Equal(PrivateKeyFormat.EncryptedPkcs8, encrypted.Format);
        }

        [Fact]
        public void Openssl_keys_are_detected()
        {
            PemOrDer.GetPrivateKeyDer(_keys.OpenSslEd25519, out PrivateKeyDescription ed);
            Assert.Equal((PrivateKeyFormat.Pkcs8, KeyAlgorithm.Ed25519, "1.3.101.112", 256), (ed.Format, ed.Algorithm, ed.AlgorithmOid, ed.KeySize));

            // ecparam -genkey writes an EC PARAMETERS block before the key: it is skipped.
            Assert.StartsWith("-----BEGIN EC PARAMETERS-----", Encoding.ASCII.GetString(_keys.OpenSslEcWithParameters));
            PemOrDer.GetPrivateKeyDer(_keys.OpenSslEcWithParameters, out PrivateKeyDescription ec);
            Assert.Equal((PrivateKeyFormat.Sec1Ec, "P-256", 256), (ec.Format, ec.CurveName, ec.KeySize));

            PemOrDer.GetPrivateKeyDer(_keys.OpenSslRsaTraditional, out PrivateKeyDescription rsa);
            Assert.Equal((PrivateKeyFormat.Pkcs1Rsa, 1024), (rsa.Format, rsa.KeySize));

            PemOrDer.GetPrivateKeyDer(_keys.OpenSslEncrypted, out PrivateKeyDescription encrypted);
            Assert.Equal((PrivateKeyFormat.EncryptedPkcs8, Pbes2), (encrypted.Format, encrypted.EncryptionAlgorithmOid));

            PemOrDer.GetPrivateKeyDer(_keys.OpenSslRsaPss, out PrivateKeyDescription pss);
            Assert.Equal((PrivateKeyFormat.Pkcs8, KeyAlgorithm.RsaPss, 1024), (pss.Format, pss.Algorithm, pss.KeySize));
        }

        [Fact]
        public void A_label_that_contradicts_the_content_is_refused()
        {
            string pem = "-----BEGIN EC PRIVATE KEY-----\n" + Convert.ToBase64String(_keys.P256.ExportPkcs8PrivateKey(), Base64FormattingOptions.InsertLineBreaks)
                + "\n-----END EC PRIVATE KEY-----\n";

            CertificateFormatException e = Assert.Throws<CertificateFormatException>(() => PemOrDer.GetPrivateKeyDer(Encoding.ASCII.GetBytes(pem), out _));

            Assert.Equal(CertificateFormatError.BadPem, e.Error);
            Assert.Equal("PEM label EC PRIVATE KEY announces SEC1 but the block holds PKCS#8", e.Message);
        }

        [Fact]
        public void Things_that_are_not_keys_are_refused()
        {
            var certificate = new CertBuilder().Build();
            Assert.Throws<CertificateFormatException>(() => PrivateKeyDescription.Detect(certificate));
            Assert.Equal(CertificateFormatError.NoPemBlock, Assert.Throws<CertificateFormatException>(
                () => PemOrDer.GetPrivateKeyDer(Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"), out _)).Error);

            // PKCS#8 whose inner key is not what its algorithm says.
            byte[] lying = Der.Seq(Der.Int(0), Der.Seq(Der.Oid("1.2.840.113549.1.1.1"), Der.Tlv(0x05)), Der.Tlv(0x04, Der.Seq(Der.Int(1), Der.Tlv(0x04, new byte[] { 1 }))));
            Assert.Throws<CertificateFormatException>(() => PrivateKeyDescription.Detect(lying));
            byte[] edWrongLength = Der.Seq(Der.Int(0), Der.Seq(Der.Oid("1.3.101.112")), Der.Tlv(0x04, Der.Tlv(0x04, new byte[31])));
            Assert.Equal(CertificateFormatError.BadEncoding, Assert.Throws<CertificateFormatException>(() => PrivateKeyDescription.Detect(edWrongLength)).Error);
            byte[] sec1Version2 = Der.Seq(Der.Int(2), Der.Tlv(0x04, new byte[32]));
            Assert.Equal(CertificateFormatError.Unsupported, Assert.Throws<CertificateFormatException>(() => PrivateKeyDescription.Detect(sec1Version2)).Error);
            byte[] shortPkcs1 = Der.Seq(Der.Int(0), Der.Int(5), Der.Int(3));
            Assert.Equal(CertificateFormatError.UnexpectedTag, Assert.Throws<CertificateFormatException>(() => PrivateKeyDescription.Detect(shortPkcs1)).Error);
            byte[] trailing = Der.Concat(_keys.P256.ExportECPrivateKey(), new byte[] { 0 });
            Assert.Equal(CertificateFormatError.TrailingData, Assert.Throws<CertificateFormatException>(() => PrivateKeyDescription.Detect(trailing)).Error);
        }

        [Fact]
        public void Truncated_and_mutated_keys_are_refused_and_messages_never_show_key_bytes()
        {
            var keys = new List<byte[]>
            {
                _keys.Rsa.ExportRSAPrivateKey(), _keys.Rsa.ExportPkcs8PrivateKey(), _keys.P256.ExportECPrivateKey(),
                _keys.P521.ExportPkcs8PrivateKey(), _keys.P384.ExportEncryptedPkcs8PrivateKey("pw", Pbe),
            };
            var messages = new List<(string Message, byte[] Key)>();
            const int seed = 1234;
            var random = new Random(seed);
            HostileInputTests.Bounded(() =>
            {
                foreach (byte[] key in keys)
                {
                    for (int length = 0; length < key.Length; length++)
                    {
                        var e = Assert.Throws<CertificateFormatException>(() => PrivateKeyDescription.Detect(key, 0, length));
                        Assert.Equal(CertificateFormatError.Truncated, e.Error);
                        messages.Add((e.Message, key));
                    }

                    for (int round = 0; round < 1500; round++)
                    {
                        byte[] mutated = (byte[])key.Clone();
                        mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
                        byte[] pem = Encoding.ASCII.GetBytes("-----BEGIN PRIVATE KEY-----\n" + Convert.ToBase64String(mutated) + "\n-----END PRIVATE KEY-----\n");
                        foreach (Action attempt in new Action[] { () => messages.Add((PrivateKeyDescription.Detect(mutated).ToString(), key)), () => PemOrDer.GetPrivateKeyDer(pem, out _) })
                        {
                            try
                            {
                                attempt();
                            }
                            catch (CertificateFormatException e)
                            {
                                messages.Add((e.Message, key));
                            }
                            catch (Exception e)
                            {
                                Assert.Fail("seed " + seed + " round " + round + ": " + e.GetType().Name + ": " + e.Message);
                            }
                        }
                    }
                }
            });

            Assert.True(messages.Count > keys.Count * 100);
            foreach ((string message, byte[] key) in messages)
            {
                // No run of hex digits (letters and digits mixed, as a dump would be); plain decimal numbers are offsets and lengths.
                Assert.DoesNotMatch(new Regex(@"(?=[0-9A-Fa-f]*[A-Fa-f])(?=[0-9A-Fa-f]*[0-9])[0-9A-Fa-f]{8,}"), message);
                string hex = Convert.ToHexString(key);
                string base64 = Convert.ToBase64String(key);
                for (int i = 0; i + 8 <= base64.Length; i += 4)
                {
                    Assert.DoesNotContain(base64.Substring(i, 8), message, StringComparison.Ordinal);
                }

                Assert.DoesNotContain(hex.Substring(hex.Length / 2, 8), message, StringComparison.OrdinalIgnoreCase);
            }
        }

        [Fact]
        public void Descriptions_show_format_algorithm_and_size_only()
        {
            Assert.Equal("PKCS#8 id-ecPublicKey P-256 (256 bit)", PrivateKeyDescription.Detect(_keys.P256.ExportPkcs8PrivateKey()).ToString());
            Assert.Equal("PKCS#1 rsaEncryption (2048 bit)", PrivateKeyDescription.Detect(_keys.Rsa.ExportRSAPrivateKey()).ToString());
            Assert.Equal("encrypted PKCS#8 (" + Pbes2 + ")", PrivateKeyDescription.Detect(_keys.Rsa.ExportEncryptedPkcs8PrivateKey("pw", Pbe)).ToString());
        }

        [Theory]
        [InlineData("-v2 aes-256-cbc", "PBES2 (PBKDF2, aes-256-cbc)")]
        [InlineData("-v2 des3", "PBES2 (PBKDF2, des-ede3-cbc)")]
        [InlineData("-scrypt", "PBES2 (scrypt, aes-256-cbc)")]
        [InlineData("-v2 camellia-256-cbc", "PBES2 (PBKDF2, camellia-256-cbc)")]
        [InlineData("-v1 PBE-SHA1-3DES", "PBE-SHA1-3DES")]
        public void Encrypted_keys_name_their_scheme(string options, string scheme)
        {
            using var dir = new OpenSsl.TempDir();
            File.WriteAllText(dir.File("key.pem"), _keys.P256.ExportPkcs8PrivateKeyPem());
            string[] arguments = new[] { "pkcs8", "-topk8", "-in", dir.File("key.pem"), "-passout", "pass:pw", "-outform", "DER", "-out", dir.File("key.der") }
                .Concat(options.Split(' ')).ToArray();
            OpenSsl.Ok(null, arguments);

            PrivateKeyDescription d = PrivateKeyDescription.Detect(File.ReadAllBytes(dir.File("key.der")));

            Assert.Equal(PrivateKeyFormat.EncryptedPkcs8, d.Format);
            Assert.Equal(scheme, d.EncryptionScheme);
            Assert.Null(PrivateKeyDescription.Detect(_keys.P256.ExportPkcs8PrivateKey()).EncryptionScheme);
        }

        private static PrivateKeyDescription AssertDescribed(byte[] der, PrivateKeyFormat format, KeyAlgorithm algorithm, string? oid, string? curve, int bits)
        {
            PrivateKeyDescription d = PrivateKeyDescription.Detect(der);
            Assert.Equal(format, d.Format);
            Assert.Equal(algorithm, d.Algorithm);
            Assert.Equal(oid, d.AlgorithmOid);
            Assert.Equal(curve, d.CurveName);
            Assert.Equal(bits, d.KeySize);
            return d;
        }
    }
}
