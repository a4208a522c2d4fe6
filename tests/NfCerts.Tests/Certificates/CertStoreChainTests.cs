using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Emulators.Pki;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Certificates
{
    /// <summary>Client entries hold their chain (leaf + intermediates); a bundle where one certificate is expected is refused, never cut.</summary>
    public class CertStoreChainTests
    {
        private static readonly DateTimeOffset From = DateTimeOffset.UtcNow.AddDays(-1);
        private static readonly DateTimeOffset To = DateTimeOffset.UtcNow.AddYears(2);
        private static readonly DevCredential Root = DevPki.Root("CN=Chain Test Root,O=nf.Certs Tests", From, To);
        private static readonly DevCredential Issuing1 = DevPki.Intermediate(Root, "CN=Chain Test Intermediate 1,O=nf.Certs Tests", From, To);
        private static readonly DevCredential Issuing2 = DevPki.Intermediate(Issuing1, "CN=Chain Test Intermediate 2,O=nf.Certs Tests", From, To);
        private static readonly DevCredential Leaf = DevPki.Client(Issuing2, "CN=device-chain", From, To);
        private static readonly DevCredential Direct = DevPki.Client(Root, "CN=device-direct", From, To);
        private static readonly byte[] DeviceKey = RandomNumberGenerator.GetBytes(32);

        private readonly NorFlash _flash;
        private readonly CertStore _store;

        public CertStoreChainTests()
        {
            _flash = new NorFlash(64 * 4096, 4096);
            RecordLog.Format(_flash, CertStore.MaxEntrySize);
            _store = Open(_flash);
        }

        private static CertStore Open(NorFlash flash) => new(RecordLog.Mount(flash, CertStore.MaxEntrySize), new HostKeyVault(DeviceKey));

        private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

        /// <summary>PEM blocks one per line, as files hold them (ExportCertificatePem ends without a line break).</summary>
        private static byte[] Bundle(params string[] pems) => Ascii(string.Join("\n", pems) + "\n");

        private static byte[] Key(DevCredential c) => c.Certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKey();

        private static byte[] Concat(params byte[][] parts)
        {
            int n = 0;
            foreach (var p in parts)
            {
                n += p.Length;
            }
            var all = new byte[n];
            int at = 0;
            foreach (var p in parts)
            {
                Array.Copy(p, 0, all, at, p.Length);
                at += p.Length;
            }
            return all;
        }

        private static byte[] FullChain => Concat(Leaf.Der, Issuing2.Der, Issuing1.Der);

        private CertStoreException Refused(CertStoreError error, Action act)
        {
            var before = _flash.Snapshot();
            var e = Assert.Throws<CertStoreException>(act);
            Assert.Equal(error, e.Error);
            Assert.Equal(before, _flash.Snapshot());
            return e;
        }

        [Fact]
        public void APemBundleLeafFirstIsKeptWholeAndTheLeafAnswersTheCertificateQueries()
        {
            _store.InstallClientCertificate("ClientCert1", Bundle(Leaf.Pem, Issuing2.Pem, Issuing1.Pem), Ascii(Leaf.KeyPem), null);

            Assert.Equal(Leaf.Der, _store.GetCertificate("ClientCert1"));
            Assert.Equal(FullChain, _store.GetCertificateChain("ClientCert1"));
            Assert.Equal(3, _store.GetCertificateChainCount("ClientCert1"));
            Assert.Equal("CN=device-chain", _store.GetCertificateSubjectName("ClientCert1"));
            Assert.Equal(Key(Leaf), _store.GetPrivateKey("ClientCert1"));
            Assert.Equal(FullChain, Open(_flash).GetCertificateChain("ClientCert1"));
        }

        [Fact]
        public void DerCertificatesBackToBackAreAChainToo()
        {
            _store.InstallClientCertificate("ClientCert1", FullChain, Key(Leaf), null);
            Assert.Equal(FullChain, _store.GetCertificateChain("ClientCert1"));
        }

        [Fact]
        public void AnEntryOfOneCertificateIsAChainOfOneAndReinstallingItDropsTheOldIntermediates()
        {
            _store.InstallClientCertificate("ClientCert1", Direct.Der, Key(Direct), null);
            Assert.Equal(Direct.Der, _store.GetCertificateChain("ClientCert1"));
            Assert.Equal(1, _store.GetCertificateChainCount("ClientCert1"));

            _store.InstallClientCertificate("ClientCert1", FullChain, Key(Leaf), null);
            _store.InstallClientCertificate("ClientCert1", Ascii(Direct.Pem), Ascii(Direct.KeyPem), null);
            Assert.Equal(Direct.Der, _store.GetCertificateChain("ClientCert1"));
        }

        [Fact]
        public void ABundleStartingWithTheRootIsRefusedWithWhatToDo()
        {
            var e = Refused(CertStoreError.InvalidData, () =>
                _store.InstallClientCertificate("ClientCert1", Bundle(Root.Pem, Direct.Pem), Ascii(Direct.KeyPem), null));
            Assert.Contains("starts with the self-signed CA 'CN=Chain Test Root,O=nf.Certs Tests'", e.Message);
            Assert.Contains("device's certificate first", e.Message);
        }

        [Fact]
        public void IntermediatesOutOfOrderAreRefusedNamingTheBrokenLink()
        {
            var e = Refused(CertStoreError.InvalidData, () =>
                _store.InstallClientCertificate("ClientCert1", Concat(Leaf.Der, Issuing1.Der, Issuing2.Der), Key(Leaf), null));
            Assert.Contains("not a chain: certificate 1 ('CN=device-chain') is issued by 'CN=Chain Test Intermediate 2,O=nf.Certs Tests'", e.Message);
            Assert.Contains("certificate 2 is 'CN=Chain Test Intermediate 1,O=nf.Certs Tests'", e.Message);
            Assert.False(_store.ContainsCertificate("ClientCert1"));
        }

        [Fact]
        public void MoreThanFourCertificatesAreRefusedWithTheCount()
        {
            var e = Refused(CertStoreError.OutOfRange, () =>
                _store.InstallClientCertificate("ClientCert1", Concat(FullChain, Root.Der, Root.Der), Key(Leaf), null));
            Assert.Equal("a chain holds at most 4 certificates; the input holds 5", e.Message);
        }

        [Fact]
        public void TheKeyMustBelongToTheLeafNotToAnIntermediate()
        {
            Refused(CertStoreError.KeyMismatch, () => _store.InstallClientCertificate("ClientCert1", FullChain, Key(Issuing2), null));
        }

        [Fact]
        public void IntermediatesBeyondTheirBudgetAreRefusedBeforeParsing()
        {
            var big = new byte[CertificateChain.MaxChainInputSize + 1];
            big[0] = 0x30;
            var e = Refused(CertStoreError.OutOfRange, () => _store.InstallClientCertificate("ClientCert1", big, Key(Leaf), null));
            Assert.Contains("the certificate input is " + big.Length + " bytes", e.Message);
        }

        [Fact]
        public void ARootInstallRefusesABundleOfSeveralCertificatesAndNeverCutsIt()
        {
            var pem = Refused(CertStoreError.OutOfRange, () =>
                _store.InstallRootCACertificate("RootCA1", Bundle(Issuing2.Pem, Issuing1.Pem, Root.Pem)));
            Assert.Equal("expects one certificate; the input holds 3", pem.Message);
            var der = Refused(CertStoreError.OutOfRange, () => _store.InstallRootCACertificate("RootCA1", Concat(Root.Der, Issuing1.Der)));
            Assert.Equal("expects one certificate; the input holds 2", der.Message);
            Assert.Equal(2, CertificateChain.Count(Bundle(Issuing1.Pem, Root.Pem, Direct.KeyPem)));
        }

        [Fact]
        public void MoveCarriesTheChainWithTheKeyAndDropsTheDestinationsOwn()
        {
            _store.InstallClientCertificate("ClientCert1", Direct.Der, Key(Direct), null);
            _store.InstallClientCertificate("ClientCert2", FullChain, Key(Leaf), null);
            _store.MoveCertificate("ClientCert2", "ClientCert1");
            Assert.False(_store.ContainsCertificate("ClientCert2"));
            Assert.Equal(FullChain, _store.GetCertificateChain("ClientCert1"));
            Assert.Equal(Key(Leaf), _store.GetPrivateKey("ClientCert1"));

            _store.InstallClientCertificate("ClientCert2", Direct.Der, Key(Direct), null);
            _store.MoveCertificate("ClientCert2", "ClientCert1");
            Assert.Equal(Direct.Der, _store.GetCertificateChain("ClientCert1"));

            _store.InstallClientCertificate("ClientCert2", FullChain, Key(Leaf), null);
            _store.InstallRootCACertificate("ClientCert2", Root.Der);
            Assert.Equal(Root.Der, _store.GetCertificateChain("ClientCert2"));
            _store.InstallClientCertificate("ClientCert2", FullChain, Key(Leaf), null);
            _store.DeleteCertificate("ClientCert2");
            _store.InstallRootCACertificate("ClientCert2", Root.Der);
            Assert.Equal(Root.Der, _store.GetCertificateChain("ClientCert2"));
        }

        [Fact]
        public void APowerCutDuringAMoveKeepsLeafKeyAndChainTogether()
        {
            for (int n = 0; ; n++)
            {
                var flash = new NorFlash(32 * 4096, 4096);
                RecordLog.Format(flash, CertStore.MaxEntrySize);
                var store = Open(flash);
                store.InstallClientCertificate("ClientCert1", Direct.Der, Key(Direct), null);
                store.InstallClientCertificate("ClientCert2", FullChain, Key(Leaf), null);
                flash.ArmPowerCut(n, seed: n);
                bool completed = true;
                try
                {
                    store.MoveCertificate("ClientCert2", "ClientCert1");
                }
                catch (CertStoreException e) when (e.Error == CertStoreError.StorageFailure && flash.PowerLost)
                {
                    completed = false;
                }
                flash.PowerOn();
                var after = Open(flash);
                bool moved = !after.ContainsCertificate("ClientCert2");
                Assert.Equal(moved ? FullChain : Direct.Der, after.GetCertificateChain("ClientCert1"));
                Assert.Equal(moved ? Key(Leaf) : Key(Direct), after.GetPrivateKey("ClientCert1"));
                if (!moved)
                {
                    Assert.Equal(FullChain, after.GetCertificateChain("ClientCert2"));
                }
                if (completed)
                {
                    Assert.True(moved, "the move completed but ClientCert2 is still there (cut " + n + ")");
                    Assert.True(n > 0);
                    return;
                }
            }
        }
    }
}
