using System;
using System.Security.Cryptography;
using System.Text;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Host
{
    public class HostKeyVaultTests
    {
        private readonly HostKeyVault _vault = new HostKeyVault();

        [Fact]
        public void SealedKeysRoundTripInTheStoreFormatWithAFreshNonceEachTime()
        {
            var vault = new HostKeyVault(RandomNumberGenerator.GetBytes(32));
            byte[] key = TestKeys.Ec1.Pkcs8;

            byte[] first = vault.SealPrivateKey(key);
            byte[] second = vault.SealPrivateKey(key);

            Assert.True(vault.CanSealKeys);
            Assert.Equal(key.Length + 29, first.Length);
            Assert.Equal(0x01, first[0]);
            Assert.NotEqual(first.AsSpan(1, 12).ToArray(), second.AsSpan(1, 12).ToArray());
            Assert.Equal(key, vault.UnsealPrivateKey(first));
            Assert.Equal(key, vault.UnsealPrivateKey(second));
            Assert.True(first.AsSpan().IndexOf(key.AsSpan(key.Length - 16)) < 0, "the key's last bytes lie in the blob");
        }

        [Fact]
        public void AlteredOrForeignSealsAreInvalidDataAndAVaultWithoutDeviceKeyCannotSeal()
        {
            byte[] deviceKey = RandomNumberGenerator.GetBytes(32);
            var vault = new HostKeyVault(deviceKey);
            byte[] key = TestKeys.Ec1.Pkcs8;
            byte[] blob = vault.SealPrivateKey(key);

            for (int i = 0; i < blob.Length; i += 7)
            {
                byte[] altered = (byte[])blob.Clone();
                altered[i] ^= 0x10;
                KeyVaultException e = Assert.Throws<KeyVaultException>(() => vault.UnsealPrivateKey(altered));
                Assert.Equal(KeyVaultError.InvalidData, e.Error);
                AssertNoKeyMaterial(e.Message, key);
            }

            Assert.Equal(KeyVaultError.InvalidData, Assert.Throws<KeyVaultException>(() => vault.UnsealPrivateKey(blob[..29])).Error);
            Assert.Equal(KeyVaultError.InvalidData, Assert.Throws<KeyVaultException>(() => new HostKeyVault(RandomNumberGenerator.GetBytes(32)).UnsealPrivateKey(blob)).Error);
            deviceKey[0] ^= 1; // the vault keeps its own copy of the device key
            Assert.Equal(key, vault.UnsealPrivateKey(blob));
            Assert.False(_vault.CanSealKeys);
            Assert.Equal(KeyVaultError.NotSupported, Assert.Throws<KeyVaultException>(() => _vault.SealPrivateKey(key)).Error);
            Assert.Equal(KeyVaultError.NotSupported, Assert.Throws<KeyVaultException>(() => _vault.UnsealPrivateKey(blob)).Error);
            Assert.Throws<ArgumentException>(() => new HostKeyVault(new byte[16]));
        }

        [Fact]
        public void HashesTheGivenSliceWithTheStandardAlgorithms()
        {
            byte[] data = Encoding.ASCII.GetBytes("--abc--");

            Assert.Equal("A9993E364706816ABA3E25717850C26C9CD0D89D", Convert.ToHexString(_vault.Sha1(data, 2, 3)));
            Assert.Equal("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", Convert.ToHexString(_vault.Sha256(data, 2, 3)));
            Assert.Equal("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", Convert.ToHexString(_vault.Sha256(data, 7, 0)));
        }

        [Fact]
        public void HashRangesOutsideTheDataAreRejected()
        {
            var data = new byte[4];
            Assert.Throws<ArgumentOutOfRangeException>(() => _vault.Sha256(data, -1, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => _vault.Sha256(data, 5, 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => _vault.Sha1(data, 2, 3));
            Assert.Throws<ArgumentOutOfRangeException>(() => _vault.Sha1(data, 0, -1));
            Assert.Throws<ArgumentNullException>(() => _vault.Sha1(null!, 0, 0));
        }

        [Theory]
        [InlineData("rsa", "pkcs8")]
        [InlineData("rsa", "pkcs1")]
        [InlineData("ec", "pkcs8")]
        [InlineData("ec", "sec1")]
        public void AKeyMatchesItsOwnCertificateAndNotAnotherOfTheSameAlgorithm(string algorithm, string format)
        {
            TestKeys mine = TestKeys.Get(algorithm, 1);
            TestKeys other = TestKeys.Get(algorithm, 2);

            Assert.True(_vault.KeyMatchesCertificate(mine.Certificate, mine.Encoding(format)));
            Assert.False(_vault.KeyMatchesCertificate(other.Certificate, mine.Encoding(format)));
            Assert.True(_vault.KeyMatchesCertificate(other.Certificate, other.Encoding(format)));
        }

        [Fact]
        public void AKeyOfAnotherAlgorithmDoesNotMatch()
        {
            Assert.False(_vault.KeyMatchesCertificate(TestKeys.Ec1.Certificate, TestKeys.Rsa1.Pkcs8));
            Assert.False(_vault.KeyMatchesCertificate(TestKeys.Rsa1.Certificate, TestKeys.Ec1.Traditional));
        }

        [Fact]
        public void KeysInTheEncodingsOpenSslWritesMatchItsCertificates()
        {
            using var dir = new TempDir();
            string ecPem = dir.PathOf("ec.pem");
            string rsaPem = dir.PathOf("rsa.pem");
            OpenSsl.Ok("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ecPem);
            OpenSsl.Ok("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsaPem);
            byte[] ecCert = SelfSignedByOpenSsl(dir, ecPem, "ec");
            byte[] rsaCert = SelfSignedByOpenSsl(dir, rsaPem, "rsa");

            byte[] ecPkcs8 = ConvertKey(dir, "pkey", ecPem, "ec.p8");
            byte[] ecSec1 = ConvertKey(dir, "ec", ecPem, "ec.sec1");
            byte[] ecSec1NoPublic = ConvertKey(dir, "ec", ecPem, "ec.nopub", "-no_public");
            byte[] rsaPkcs8 = ConvertKey(dir, "pkey", rsaPem, "rsa.p8");
            byte[] rsaPkcs1 = ConvertKey(dir, "rsa", rsaPem, "rsa.p1", "-traditional");

            Assert.True(_vault.KeyMatchesCertificate(ecCert, ecPkcs8));
            Assert.True(_vault.KeyMatchesCertificate(ecCert, ecSec1));
            Assert.True(_vault.KeyMatchesCertificate(ecCert, ecSec1NoPublic));
            Assert.True(_vault.KeyMatchesCertificate(rsaCert, rsaPkcs8));
            Assert.True(_vault.KeyMatchesCertificate(rsaCert, rsaPkcs1));
            Assert.False(_vault.KeyMatchesCertificate(TestKeys.Ec1.Certificate, ecSec1NoPublic));
            Assert.False(_vault.KeyMatchesCertificate(TestKeys.Rsa1.Certificate, rsaPkcs1));
        }

        public static TheoryData<string, byte[]> BrokenKeys()
        {
            byte[] pkcs8 = TestKeys.Ec1.Pkcs8;
            byte[] pkcs1 = TestKeys.Rsa1.Traditional;
            var data = new TheoryData<string, byte[]>
            {
                { "empty", Array.Empty<byte>() },
                { "empty sequence", new byte[] { 0x30, 0x00 } },
                { "noise", new Random(7).GetItems(new byte[] { 0x00, 0x30, 0x02, 0x04, 0xFF, 0x81 }, 64) },
                { "PEM text", Encoding.ASCII.GetBytes(TestKeys.Ec1.Key.ExportPkcs8PrivateKeyPem()) },
                { "truncated PKCS#8", pkcs8[..^1] },
                { "PKCS#8 with a trailing byte", [.. pkcs8, 0x00] },
                { "truncated PKCS#1", pkcs1[..(pkcs1.Length / 2)] },
            };
            byte[] badVersion = (byte[])TestKeys.Ec1.Traditional.Clone();
            badVersion[4] = 7; // SEC1 version must be 1
            data.Add("SEC1 version 7", badVersion);
            return data;
        }

        [Theory]
        [MemberData(nameof(BrokenKeys))]
        public void AnUnparsableKeyIsInvalidDataAndItsBytesAreNotInTheMessage(string what, byte[] key)
        {
            KeyVaultException ex = Assert.Throws<KeyVaultException>(() => _vault.KeyMatchesCertificate(TestKeys.Ec1.Certificate, key));

            Assert.True(ex.Error == KeyVaultError.InvalidData, what);
            AssertNoKeyMaterial(ex.Message, key);
            Assert.Equal(KeyVaultError.InvalidData, Assert.Throws<KeyVaultException>(() => _vault.CreateCertificateRequest(key, "CN=x")).Error);
        }

        [Fact]
        public void AnUnparsableCertificateIsInvalidData()
        {
            byte[] cert = TestKeys.Rsa1.Certificate;
            byte[] pem = Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(cert) + "\n-----END CERTIFICATE-----\n");
            foreach (byte[] bad in new[] { Array.Empty<byte>(), new byte[] { 0x30, 0x03, 0x02, 0x01, 0x00 }, cert[..^10], pem })
            {
                Assert.Equal(KeyVaultError.InvalidData, Assert.Throws<KeyVaultException>(() => _vault.KeyMatchesCertificate(bad, TestKeys.Rsa1.Pkcs8)).Error);
                Assert.Equal(KeyVaultError.InvalidData, Assert.Throws<KeyVaultException>(() => _vault.VerifySignature(bad, new byte[1], new byte[64])).Error);
            }
        }

        [Fact]
        public void Ed25519IsNotSupportedButItsCertificateIsNoMatchForAnRsaKey()
        {
            using var dir = new TempDir();
            string keyPem = dir.PathOf("ed.pem");
            string certDer = dir.PathOf("ed.der");
            OpenSsl.Ok("genpkey", "-algorithm", "ed25519", "-out", keyPem);
            OpenSsl.Ok("req", "-new", "-x509", "-key", keyPem, "-subj", "/CN=ed", "-days", "2", "-outform", "DER", "-out", certDer);
            byte[] edCert = System.IO.File.ReadAllBytes(certDer);
            byte[] edKey = ConvertKey(dir, "pkey", keyPem, "ed.p8");

            Assert.Equal(KeyVaultError.NotSupported, Assert.Throws<KeyVaultException>(() => _vault.KeyMatchesCertificate(edCert, edKey)).Error);
            Assert.Equal(KeyVaultError.NotSupported, Assert.Throws<KeyVaultException>(() => _vault.CreateCertificateRequest(edKey, "CN=x")).Error);
            Assert.Equal(KeyVaultError.NotSupported, Assert.Throws<KeyVaultException>(() => _vault.VerifySignature(edCert, new byte[1], new byte[64])).Error);
            Assert.False(_vault.KeyMatchesCertificate(edCert, TestKeys.Rsa1.Pkcs8));
        }

        [Theory]
        [InlineData("rsa")]
        [InlineData("ec")]
        public void AnEncryptedKeyDecryptsWithTheRightPasswordOnly(string algorithm)
        {
            TestKeys keys = TestKeys.Get(algorithm, 1);
            const string password = "correct horse, battery staple";
            byte[] encrypted = keys.Key.ExportEncryptedPkcs8PrivateKey(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000));

            byte[] decrypted = _vault.DecryptPrivateKey(encrypted, password);

            Assert.True(_vault.KeyMatchesCertificate(keys.Certificate, decrypted));
            Assert.Equal(algorithm == "rsa" ? "1.2.840.113549.1.1.1" : "1.2.840.10045.2.1", Pkcs8Algorithm(decrypted));
            KeyVaultException wrong = Assert.Throws<KeyVaultException>(() => _vault.DecryptPrivateKey(encrypted, "correct horse, battery stapler"));
            Assert.Equal(KeyVaultError.WrongPassword, wrong.Error);
            Assert.DoesNotContain("staple", wrong.Message);
        }

        [Theory]
        [InlineData("-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256")]
        [InlineData("-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1")]
        [InlineData("-v2", "des3", "-v2prf", "hmacWithSHA512")]
        [InlineData("-v1", "PBE-SHA1-3DES", "", "")]
        public void KeysEncryptedByOpenSslDecrypt(string option, string scheme, string prfOption, string prf)
        {
            const string password = "pässwörd €";
            byte[] encrypted = EncryptWithOpenSsl(TestKeys.Ec1, password, option, scheme, prfOption, prf);

            Assert.True(_vault.KeyMatchesCertificate(TestKeys.Ec1.Certificate, _vault.DecryptPrivateKey(encrypted, password)));
            Assert.Equal(KeyVaultError.WrongPassword, Assert.Throws<KeyVaultException>(() => _vault.DecryptPrivateKey(encrypted, "passwörd €")).Error);
        }

        [Theory]
        [InlineData("-scrypt", "", "", "")]
        [InlineData("-v2", "camellia-256-cbc", "", "")]
        public void UnsupportedEncryptionSchemesAreNotSupportedRatherThanWrongPassword(string option, string scheme, string prfOption, string prf)
        {
            byte[] encrypted = EncryptWithOpenSsl(TestKeys.Ec1, "pw", option, scheme, prfOption, prf);

            Assert.Equal(KeyVaultError.NotSupported, Assert.Throws<KeyVaultException>(() => _vault.DecryptPrivateKey(encrypted, "pw")).Error);
        }

        [Fact]
        public void DataThatIsNotAnEncryptedKeyIsInvalidData()
        {
            byte[] encrypted = TestKeys.Rsa1.Key.ExportEncryptedPkcs8PrivateKey("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000));
            foreach (byte[] bad in new[] { TestKeys.Rsa1.Pkcs8, Array.Empty<byte>(), encrypted[..^1], [.. encrypted, 0x00] })
            {
                KeyVaultException ex = Assert.Throws<KeyVaultException>(() => _vault.DecryptPrivateKey(bad, "pw"));
                Assert.Equal(KeyVaultError.InvalidData, ex.Error);
                AssertNoKeyMaterial(ex.Message, TestKeys.Rsa1.Pkcs8);
            }
        }

        [Fact]
        public void ACorruptCiphertextCannotBeToldFromAWrongPassword()
        {
            byte[] encrypted = TestKeys.Ec1.Key.ExportEncryptedPkcs8PrivateKey("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000));
            encrypted[^20] ^= 0x01;

            Assert.Equal(KeyVaultError.WrongPassword, Assert.Throws<KeyVaultException>(() => _vault.DecryptPrivateKey(encrypted, "pw")).Error);
        }

        [Fact]
        public void GeneratedKeysAreFreshPkcs8OfTheRequestedKind()
        {
            byte[] ec1 = _vault.GenerateKey(KeyAlgorithm.EcP256);
            byte[] ec2 = _vault.GenerateKey(KeyAlgorithm.EcP256);
            byte[] rsa = _vault.GenerateKey(KeyAlgorithm.Rsa2048);

            using (ECDsa ecdsa = ECDsa.Create())
            {
                ecdsa.ImportPkcs8PrivateKey(ec1, out int read);
                Assert.Equal(ec1.Length, read);
                Assert.Equal("1.2.840.10045.3.1.7", ecdsa.ExportParameters(false).Curve.Oid.Value);
            }

            using (RSA key = RSA.Create())
            {
                key.ImportPkcs8PrivateKey(rsa, out int read);
                Assert.Equal(rsa.Length, read);
                Assert.Equal(2048, key.KeySize);
            }

            Assert.NotEqual(ec1, ec2);
            Assert.Equal(KeyVaultError.NotSupported, Assert.Throws<KeyVaultException>(() => _vault.GenerateKey((KeyAlgorithm)99)).Error);
        }

        [Theory]
        [InlineData("rsa")]
        [InlineData("ec")]
        public void SignaturesMadeByOpenSslVerifyAndTamperedOnesDoNot(string algorithm)
        {
            TestKeys keys = TestKeys.Get(algorithm, 1);
            byte[] data = Encoding.UTF8.GetBytes("{\"rootCA\":\"RootCA2\",\"sequence\":42}");
            byte[] signature;
            using (var dir = new TempDir())
            {
                string key = dir.WriteSecret("key.pem", Encoding.ASCII.GetBytes(keys.Key.ExportPkcs8PrivateKeyPem()));
                string message = dir.Write("data.bin", data);
                string output = dir.PathOf("sig.bin");
                OpenSsl.Ok("dgst", "-sha256", "-sign", key, "-out", output, message);
                signature = System.IO.File.ReadAllBytes(output);
                System.IO.File.Delete(key);
            }

            Assert.True(_vault.VerifySignature(keys.Certificate, data, signature));

            byte[] tamperedData = (byte[])data.Clone();
            tamperedData[5] ^= 0x20;
            Assert.False(_vault.VerifySignature(keys.Certificate, tamperedData, signature));

            byte[] tamperedSignature = (byte[])signature.Clone();
            tamperedSignature[^3] ^= 0x01;
            Assert.False(_vault.VerifySignature(keys.Certificate, data, tamperedSignature));

            Assert.False(_vault.VerifySignature(TestKeys.Get(algorithm, 2).Certificate, data, signature));
            Assert.False(_vault.VerifySignature(keys.Certificate, data, Array.Empty<byte>()));
        }

        [Fact]
        public void EcdsaSignaturesMustBeDerNotIeeeP1363()
        {
            var ecdsa = (ECDsa)TestKeys.Ec1.Key;
            byte[] data = { 1, 2, 3 };

            byte[] der = ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            byte[] p1363 = ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

            Assert.True(_vault.VerifySignature(TestKeys.Ec1.Certificate, data, der));
            Assert.False(_vault.VerifySignature(TestKeys.Ec1.Certificate, data, p1363));
        }

        internal static void AssertNoKeyMaterial(string message, byte[] key)
        {
            if (key.Length < 8)
            {
                return;
            }

            // No 8-byte window of the key may appear in hex or Base64.
            for (int i = 0; i + 8 <= key.Length; i += 4)
            {
                byte[] window = key[i..(i + 8)];
                Assert.DoesNotContain(Convert.ToHexString(window), message, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(Convert.ToBase64String(window)[..8], message);
            }
        }

        private static string Pkcs8Algorithm(byte[] pkcs8)
        {
            var reader = new System.Formats.Asn1.AsnReader(pkcs8, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
            reader.ReadInteger();
            return reader.ReadSequence().ReadObjectIdentifier();
        }

        private static byte[] SelfSignedByOpenSsl(TempDir dir, string keyPem, string name)
        {
            string output = dir.PathOf(name + ".crt");
            OpenSsl.Ok("req", "-new", "-x509", "-key", keyPem, "-subj", "/CN=" + name, "-days", "2", "-outform", "DER", "-out", output);
            return System.IO.File.ReadAllBytes(output);
        }

        private static byte[] ConvertKey(TempDir dir, string command, string keyPem, string name, params string[] extra)
        {
            string output = dir.PathOf(name);
            string[] arguments = [command, "-in", keyPem, "-outform", "DER", "-out", output, .. extra];
            OpenSsl.Ok(arguments);
            return System.IO.File.ReadAllBytes(output);
        }

        private static byte[] EncryptWithOpenSsl(TestKeys keys, string password, string option, string scheme, string prfOption, string prf)
        {
            using var dir = new TempDir();
            string key = dir.WriteSecret("key.pem", Encoding.ASCII.GetBytes(keys.Key.ExportPkcs8PrivateKeyPem()));
            string output = dir.PathOf("key.enc");
            string[] arguments = ["pkcs8", "-topk8", "-in", key, "-outform", "DER", "-out", output, "-passout", "pass:" + password, option];
            if (scheme.Length > 0)
            {
                arguments = [.. arguments, scheme];
            }

            if (prfOption.Length > 0)
            {
                arguments = [.. arguments, prfOption, prf];
            }

            OpenSsl.Ok(arguments);
            return System.IO.File.ReadAllBytes(output);
        }
    }
}
