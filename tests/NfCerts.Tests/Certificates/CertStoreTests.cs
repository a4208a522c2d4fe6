using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Hal.Host;
using NfCerts.Tests.Support;
using Xunit;

namespace NfCerts.Tests.Certificates
{
    public class CertStoreTests
    {
        private readonly NorFlash _flash;
        private readonly CertStore _store;
        private static readonly Issued Ca = TestPki.Root("Test Root");
        private static readonly Issued Ca2 = TestPki.Root("Other Root");
        private static readonly Issued EcClient = TestPki.Client(Ca, "device-001");
        private static readonly Issued RsaClient = TestPki.Client(Ca, "device-rsa", rsa: true);

        public CertStoreTests()
        {
            _flash = new NorFlash(64 * 4096, 4096);
            RecordLog.Format(_flash, CertStore.MaxEntrySize);
            _store = Open();
        }

        private CertStore Open() => new CertStore(RecordLog.Mount(_flash, CertStore.MaxEntrySize), new HostKeyVault());

        private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

        /// <summary>Runs <paramref name="act"/>, expects <paramref name="error"/>, and checks that nothing was written.</summary>
        private void Refused(CertStoreError error, Action act)
        {
            var before = _flash.Snapshot();
            long writes = _flash.WriteOperations;
            var e = Assert.Throws<CertStoreException>(act);
            Assert.Equal(error, e.Error);
            Assert.Equal(writes, _flash.WriteOperations);
            Assert.Equal(before, _flash.Snapshot());
        }

        [Fact]
        public void RootCaInstalledFromPemOrDerReportsItsFields()
        {
            _store.InstallRootCACertificate("RootCA1", Utf8(Ca.Pem));
            _store.InstallRootCACertificate("RootCA2", Ca2.Der);
            Assert.Equal(2, _store.GetCertificateCount());
            Assert.Equal(CertificateType.RootCA, _store.GetCertificateType("RootCA1"));
            Assert.Equal(Ca.Der, _store.GetCertificate("RootCA1"));
            Assert.Equal(Ca.Certificate.NotAfter.ToUniversalTime(), _store.GetCertificateNotAfter("RootCA1"));
            Assert.Equal(Ca.Certificate.NotBefore.ToUniversalTime(), _store.GetCertificateNotBefore("RootCA1"));
            Assert.Equal("CN=Other Root,O=nf.Certs Test", _store.GetCertificateSubjectName("RootCA2"));
            Assert.Equal("CN=Other Root,O=nf.Certs Test", _store.GetCertificateIssuerName("RootCA2"));
            Assert.Equal(Convert.ToHexString(SHA1.HashData(Ca.Der)).ToLowerInvariant(), _store.GetThumbprintSha1("RootCA1"));
            Assert.Equal(Convert.ToHexString(SHA256.HashData(Ca.Der)).ToLowerInvariant(), _store.GetThumbprintSha256("RootCA1"));
            // Survives a reboot.
            var again = Open();
            Assert.Equal(Ca2.Der, again.GetCertificate("RootCA2"));
        }

        [Fact]
        public void ClientCertificatesAcceptEveryKeyFormat()
        {
            var ec = (ECDsa)EcClient.Key;
            var rsa = (RSA)RsaClient.Key;
            _store.InstallClientCertificate("p8", Utf8(EcClient.Pem), Utf8(ec.ExportPkcs8PrivateKeyPem()), null);
            _store.InstallClientCertificate("sec1", EcClient.Der, Utf8(ec.ExportECPrivateKeyPem()), null);
            _store.InstallClientCertificate("pkcs1", Utf8(RsaClient.Pem), Utf8(rsa.ExportRSAPrivateKeyPem()), null);
            _store.InstallClientCertificate("der", RsaClient.Der, rsa.ExportPkcs8PrivateKey(), null);
            Assert.Equal(ec.ExportPkcs8PrivateKey(), _store.GetPrivateKey("p8"));
            Assert.Equal(ec.ExportECPrivateKey(), _store.GetPrivateKey("sec1"));
            Assert.Equal(rsa.ExportRSAPrivateKey(), _store.GetPrivateKey("pkcs1"));
            Assert.Equal(CertificateType.Client, _store.GetCertificateType("der"));
            Assert.Equal(EcClient.Der, _store.GetCertificate("sec1"));
        }

        [Fact]
        public void EncryptedKeysAreDecryptedOrRefusedClearly()
        {
            var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000);
            var enc = Utf8(((ECDsa)EcClient.Key).ExportEncryptedPkcs8PrivateKeyPem("s3cret", pbe));
            Refused(CertStoreError.WrongPassword, () => _store.InstallClientCertificate("c", EcClient.Der, enc, "wrong"));
            Refused(CertStoreError.InvalidData, () => _store.InstallClientCertificate("c", EcClient.Der, enc, null));
            Refused(CertStoreError.InvalidData, () => _store.InstallClientCertificate("c", EcClient.Der, Utf8(EcClient.Pkcs8Pem), "pw"));
            Refused(CertStoreError.OutOfRange, () => _store.InstallClientCertificate("c", EcClient.Der, enc, new string('x', 257)));
            _store.InstallClientCertificate("c", EcClient.Der, enc, "s3cret");
            Assert.Equal(EcClient.Pkcs8, _store.GetPrivateKey("c"));
        }

        [Fact]
        public void KeyOfAnotherPairIsRefused()
        {
            var other = TestPki.Client(Ca, "someone-else");
            Refused(CertStoreError.KeyMismatch, () => _store.InstallClientCertificate("c", EcClient.Der, other.Pkcs8, null));
            Refused(CertStoreError.KeyMismatch, () => _store.InstallClientCertificate("c", EcClient.Der, RsaClient.Pkcs8, null));
            Assert.Equal(0, _store.GetCertificateCount());
        }

        [Fact]
        public void InstallingUnderAnExistingIdReplacesItWhateverItsType()
        {
            _store.InstallClientCertificate("X", EcClient.Der, EcClient.Pkcs8, null);
            _store.InstallRootCACertificate("X", Ca.Der);
            Assert.Equal(1, _store.GetCertificateCount());
            Assert.Equal(CertificateType.RootCA, _store.GetCertificateType("X"));
            Assert.Equal(CertStoreError.InvalidData, Assert.Throws<CertStoreException>(() => _store.GetPrivateKey("X")).Error);
        }

        [Fact]
        public void MoveOverwritesTheDestinationAndRemovesTheSource()
        {
            _store.InstallRootCACertificate("RootCA1", Ca.Der);
            _store.InstallRootCACertificate("RootCA2", Ca2.Der);
            _store.MoveCertificate("RootCA2", "RootCA1");
            Assert.False(_store.ContainsCertificate("RootCA2"));
            Assert.Equal(Ca2.Der, _store.GetCertificate("RootCA1"));
            Assert.Equal(Ca2.Der, Open().GetCertificate("RootCA1"));
            Refused(CertStoreError.NotFound, () => _store.MoveCertificate("RootCA2", "RootCA1"));
            _store.InstallClientCertificate("ClientCert2", EcClient.Der, EcClient.Pkcs8, null);
            _store.MoveCertificate("ClientCert2", "ClientCert1");
            Assert.Equal(EcClient.Pkcs8, _store.GetPrivateKey("ClientCert1"));
        }

        [Fact]
        public void EnumerationDeletionAndIndexErrors()
        {
            foreach (var id in new[] { "b", "a", "C" })
            {
                _store.InstallRootCACertificate(id, Ca.Der);
            }
            Assert.Equal(new[] { "C", "a", "b" }, new[] { _store.GetCertificateIdentifierAt(0), _store.GetCertificateIdentifierAt(1), _store.GetCertificateIdentifierAt(2) });
            Refused(CertStoreError.OutOfRange, () => _store.GetCertificateIdentifierAt(3));
            Refused(CertStoreError.OutOfRange, () => _store.GetCertificateIdentifierAt(-1));
            _store.DeleteCertificate("a");
            Assert.Equal(2, _store.GetCertificateCount());
            Refused(CertStoreError.NotFound, () => _store.DeleteCertificate("a"));
            Refused(CertStoreError.NotFound, () => _store.GetCertificateNotAfter("a"));
        }

        [Theory]
        [InlineData("")]
        [InlineData("ABCDEFGHIJKLMNOPQ")]
        [InlineData("has space")]
        [InlineData("slash/no")]
        [InlineData("ümlaut")]
        public void BadIdentifiersAreRefused(string id)
        {
            Refused(CertStoreError.InvalidIdentifier, () => _store.InstallRootCACertificate(id, Ca.Der));
            Refused(CertStoreError.InvalidIdentifier, () => _store.MoveCertificate(id, "ok"));
        }

        [Fact]
        public void SixteenCharacterIdentifiersWork()
        {
            _store.InstallRootCACertificate("Abc.def_ghi-1234", Ca.Der);
            Assert.Equal("Abc.def_ghi-1234", _store.GetCertificateIdentifierAt(0));
        }

        [Fact]
        public void MalformedInputIsInvalidData()
        {
            Refused(CertStoreError.OutOfRange, () => _store.InstallRootCACertificate("r", Array.Empty<byte>()));
            Refused(CertStoreError.InvalidData, () => _store.InstallRootCACertificate("r", Utf8("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n")));
            Refused(CertStoreError.InvalidData, () => _store.InstallRootCACertificate("r", Ca.Der[..(Ca.Der.Length / 2)]));
            Refused(CertStoreError.InvalidData, () => _store.InstallRootCACertificate("r", Utf8(Ca.Pem)[..40]));
            var garbage = new byte[500];
            new Random(3).NextBytes(garbage);
            Refused(CertStoreError.InvalidData, () => _store.InstallRootCACertificate("r", garbage));
            Refused(CertStoreError.InvalidData, () => _store.InstallClientCertificate("c", EcClient.Der, garbage, null));
            Refused(CertStoreError.InvalidData, () => _store.InstallClientCertificate("c", EcClient.Der, Utf8(EcClient.Pem), null));
        }

        [Fact]
        public void OversizeCertificateIsOutOfRange()
        {
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var req = new CertificateRequest("CN=big", key, HashAlgorithmName.SHA256);
            req.CertificateExtensions.Add(new X509Extension("1.2.3.4.5", new byte[8300], false));
            var big = req.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
            Assert.True(big.RawData.Length > CertStore.MaxCertificateSize);
            Refused(CertStoreError.OutOfRange, () => _store.InstallRootCACertificate("big", big.RawData));
        }

        [Fact]
        public void FullStoreSaysNoSpaceAndKeepsWhatItHas()
        {
            var flash = new NorFlash(16 * 4096, 4096);
            RecordLog.Format(flash, CertStore.MaxEntrySize);
            var store = new CertStore(RecordLog.Mount(flash, CertStore.MaxEntrySize), new HostKeyVault());
            int n = 0;
            CertStoreException? full = null;
            int lastSpace = store.GetAvailableSpace();
            while (full == null && n < 200)
            {
                try
                {
                    store.InstallRootCACertificate("R" + n, Ca.Der);
                    n++;
                    Assert.True(store.GetAvailableSpace() <= lastSpace);
                    lastSpace = store.GetAvailableSpace();
                }
                catch (CertStoreException e)
                {
                    full = e;
                }
            }
            Assert.NotNull(full);
            Assert.Equal(CertStoreError.NoSpace, full!.Error);
            Assert.True(n > 5);
            Assert.True(store.GetAvailableSpace() < Ca.Der.Length + 64, "reports " + store.GetAvailableSpace() + " free when full");
            var again = new CertStore(RecordLog.Mount(flash, CertStore.MaxEntrySize), new HostKeyVault());
            Assert.Equal(n, again.GetCertificateCount());
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(Ca.Der, again.GetCertificate("R" + i));
            }
        }
    }
}
