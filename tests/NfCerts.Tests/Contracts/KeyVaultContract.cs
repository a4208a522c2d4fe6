using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NfCerts.Hal;
using Xunit;

namespace NfCerts.Tests.Contracts
{
    /// <summary>
    /// What every <see cref="IKeyVault"/> promises (hal/NfCerts.Hal/IKeyVault.cs) for hashing, key/certificate matching,
    /// decryption, generation, CSRs and signature checks, run against the host's HostKeyVault and the Nano HAL's
    /// NanoKeyVault. Expected values come from .NET's own cryptography, never from the vault under test.
    /// </summary>
    public abstract class KeyVaultContract
    {
        private static readonly Lazy<(ECDsa Key, byte[] Cert)> Ec1 = new Lazy<(ECDsa, byte[])>(() => NewEc("contract-ec-1"));
        private static readonly Lazy<(ECDsa Key, byte[] Cert)> Ec2 = new Lazy<(ECDsa, byte[])>(() => NewEc("contract-ec-2"));
        private static readonly Lazy<(RSA Key, byte[] Cert)> Rsa1 = new Lazy<(RSA, byte[])>(NewRsa);

        /// <summary>The vault under test.</summary>
        protected abstract IKeyVault CreateVault();

        private static (ECDsa, byte[]) NewEc(string name)
        {
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
            using X509Certificate2 cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            return (key, cert.RawData);
        }

        private static (RSA, byte[]) NewRsa()
        {
            var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=contract-rsa", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using X509Certificate2 cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            return (key, cert.RawData);
        }

        [Fact]
        public void HashesAreSha1AndSha256OfTheGivenSlice()
        {
            IKeyVault vault = CreateVault();
            byte[] data = Encoding.ASCII.GetBytes("--abc--");
            Assert.Equal(SHA1.HashData(data.AsSpan(2, 3)), vault.Sha1(data, 2, 3));
            Assert.Equal(SHA256.HashData(data.AsSpan(2, 3)), vault.Sha256(data, 2, 3));
            Assert.Equal(SHA256.HashData(Array.Empty<byte>()), vault.Sha256(data, 7, 0));
        }

        [Fact]
        public void HashRangesOutsideTheDataAreRefused()
        {
            IKeyVault vault = CreateVault();
            var data = new byte[4];
            Assert.Throws<ArgumentOutOfRangeException>(() => vault.Sha256(data, -1, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => vault.Sha1(data, 2, 3));
            Assert.Throws<ArgumentNullException>(() => vault.Sha1(null!, 0, 0));
        }

        [Fact]
        public void AKeyMatchesItsOwnCertificateOnly()
        {
            IKeyVault vault = CreateVault();
            byte[] key1 = Ec1.Value.Key.ExportPkcs8PrivateKey();
            Assert.True(vault.KeyMatchesCertificate(Ec1.Value.Cert, key1));
            Assert.False(vault.KeyMatchesCertificate(Ec2.Value.Cert, key1));
            Assert.True(vault.KeyMatchesCertificate(Rsa1.Value.Cert, Rsa1.Value.Key.ExportPkcs8PrivateKey()));
            Assert.False(vault.KeyMatchesCertificate(Rsa1.Value.Cert, key1));
        }

        [Fact]
        public void AnUnparsableKeyIsInvalidDataAndTheMessageCarriesNoKeyBytes()
        {
            IKeyVault vault = CreateVault();
            byte[] garbage = { 0x30, 0x03, 0xA7, 0xB3, 0xC9 };
            var e = Assert.Throws<KeyVaultException>(() => vault.KeyMatchesCertificate(Ec1.Value.Cert, garbage));
            Assert.Equal(KeyVaultError.InvalidData, e.Error);
            string flat = e.Message.Replace("-", "").Replace(" ", "").ToUpperInvariant();
            Assert.DoesNotContain("A7B3C9", flat);
            Assert.DoesNotContain(Convert.ToBase64String(garbage), e.Message);
        }

        [Fact]
        public void AnEncryptedKeyDecryptsWithItsPasswordOnly()
        {
            IKeyVault vault = CreateVault();
            var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 2048);
            byte[] encrypted = Ec1.Value.Key.ExportEncryptedPkcs8PrivateKey("s3cret-pass", pbe);

            byte[] key = vault.DecryptPrivateKey(encrypted, "s3cret-pass");
            Assert.True(vault.KeyMatchesCertificate(Ec1.Value.Cert, key));

            var e = Assert.Throws<KeyVaultException>(() => vault.DecryptPrivateKey(encrypted, "wrong-pass"));
            Assert.Equal(KeyVaultError.WrongPassword, e.Error);
            Assert.DoesNotContain("wrong-pass", e.Message);
        }

        [Fact]
        public void GeneratedKeysAreFreshPkcs8OfTheRequestedAlgorithm()
        {
            IKeyVault vault = CreateVault();
            byte[] a = vault.GenerateKey(KeyAlgorithm.EcP256);
            byte[] b = vault.GenerateKey(KeyAlgorithm.EcP256);
            Assert.NotEqual(a, b);
            using var ec = ECDsa.Create();
            ec.ImportPkcs8PrivateKey(a, out int read);
            Assert.Equal(a.Length, read);
            Assert.Equal(256, ec.KeySize);
        }

        [Fact]
        public void ACertificateRequestCarriesTheSubjectAndIsSignedByTheKey()
        {
            IKeyVault vault = CreateVault();
            byte[] key = vault.GenerateKey(KeyAlgorithm.EcP256);
            byte[] csr = vault.CreateCertificateRequest(key, "CN=device-001,O=Contoso");

            CertificateRequest parsed = CertificateRequest.LoadSigningRequest(csr, HashAlgorithmName.SHA256);
            Assert.Contains("CN=device-001", parsed.SubjectName.Name);
            Assert.Contains("O=Contoso", parsed.SubjectName.Name);
            using var ec = ECDsa.Create();
            ec.ImportPkcs8PrivateKey(key, out _);
            Assert.Equal(ec.ExportSubjectPublicKeyInfo(), parsed.PublicKey.ExportSubjectPublicKeyInfo());
        }

        [Fact]
        public void SignaturesByTheCertificatesKeyVerifyAndTamperedOnesDoNot()
        {
            IKeyVault vault = CreateVault();
            byte[] data = Encoding.UTF8.GetBytes("the hub said hello");
            byte[] ecSignature = Ec1.Value.Key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            byte[] rsaSignature = Rsa1.Value.Key.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

            Assert.True(vault.VerifySignature(Ec1.Value.Cert, data, ecSignature));
            Assert.True(vault.VerifySignature(Rsa1.Value.Cert, data, rsaSignature));
            Assert.False(vault.VerifySignature(Ec2.Value.Cert, data, ecSignature));
            data[0] ^= 1;
            Assert.False(vault.VerifySignature(Ec1.Value.Cert, data, ecSignature));
            Assert.False(vault.VerifySignature(Rsa1.Value.Cert, data, rsaSignature));
        }

        /// <summary>A second vault of the same device (after a reboot), and one of another device; null when the vault
        /// under test cannot seal.</summary>
        protected virtual IKeyVault? CreateOtherDeviceVault() => null;

        [Fact]
        public void SealedKeysRoundTripOnlyOnTheirDeviceAndTamperingIsRefused()
        {
            IKeyVault vault = CreateVault();
            byte[] key = vault.GenerateKey(KeyAlgorithm.EcP256);
            if (!vault.CanSealKeys)
            {
                Assert.Equal(KeyVaultError.NotSupported, Assert.Throws<KeyVaultException>(() => vault.SealPrivateKey(key)).Error);
                return;
            }
            byte[] sealedKey = vault.SealPrivateKey(key);
            Assert.Equal(key.Length + 29, sealedKey.Length);
            Assert.Equal(1, sealedKey[0]);
            Assert.True(sealedKey.AsSpan().IndexOf(key.AsSpan(key.Length - 16)) < 0, "the sealed key holds clear key bytes");
            Assert.NotEqual(sealedKey, vault.SealPrivateKey(key)); // a fresh nonce every time
            Assert.Equal(key, vault.UnsealPrivateKey(sealedKey));
            for (int i = 0; i < sealedKey.Length; i += 7)
            {
                byte[] altered = (byte[])sealedKey.Clone();
                altered[i] ^= 0x20;
                var e = Assert.Throws<KeyVaultException>(() => vault.UnsealPrivateKey(altered));
                Assert.Equal(KeyVaultError.InvalidData, e.Error);
            }
            IKeyVault? other = CreateOtherDeviceVault();
            if (other != null)
            {
                Assert.Equal(KeyVaultError.InvalidData, Assert.Throws<KeyVaultException>(() => other.UnsealPrivateKey(sealedKey)).Error);
            }
        }
    }
}
