using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Hal.Host;
using NfCerts.Tests.Support;
using Xunit;

namespace NfCerts.Tests.Certificates
{
    /// <summary>Private keys at rest: sealed under the device key where the vault can seal, so that a dump of the flash
    /// (<c>esptool read_flash</c>) does not give the device's identity away; pending or unsealed, and said so, elsewhere.</summary>
    public class CertStoreSealingTests
    {
        private static readonly Issued Ca = TestPki.Root("Sealing Root");
        private static readonly Issued EcClient = TestPki.Client(Ca, "device-sealed");
        private static readonly Issued RsaClient = TestPki.Client(Ca, "device-sealed-rsa", rsa: true);
        private static readonly byte[] DeviceKey = RandomNumberGenerator.GetBytes(32);
        private readonly NorFlash _flash = new NorFlash(32 * 4096, 4096);

        public CertStoreSealingTests()
        {
            RecordLog.Format(_flash, CertStore.MaxEntrySize);
        }

        private CertStore Open(HostKeyVault vault) => new CertStore(RecordLog.Mount(_flash, CertStore.MaxEntrySize), vault);

        private CertStore Device() => Open(new HostKeyVault(DeviceKey));

        /// <summary>The secrets a flash dump must not show: the PKCS#8 DER and the raw private values.</summary>
        private static IEnumerable<(string, byte[])> Secrets(Issued client)
        {
            yield return ("PKCS#8 DER", client.Pkcs8);
            if (client.Key is ECDsa ec)
            {
                yield return ("EC private scalar", ec.ExportParameters(true).D!);
            }
            else
            {
                var p = ((RSA)client.Key).ExportParameters(true);
                yield return ("RSA private exponent", p.D!);
                yield return ("RSA prime p", p.P!);
                yield return ("RSA prime q", p.Q!);
                yield return ("RSA CRT coefficient", p.InverseQ!);
            }
        }

        /// <summary>Fails when any 16-byte window of <paramref name="secret"/> appears anywhere in <paramref name="image"/>,
        /// except windows that are public, because the certificate holds them too (a PKCS#8 key carries its public key).</summary>
        internal static void AssertNoRunOf(byte[] image, string what, byte[] secret, byte[] certificate)
        {
            const int W = 16;
            var windows = new HashSet<UInt128>();
            for (int i = 0; i + W <= secret.Length; i++)
            {
                windows.Add(BitConverter.ToUInt128(secret, i));
            }
            for (int i = 0; i + W <= certificate.Length; i++)
            {
                windows.Remove(BitConverter.ToUInt128(certificate, i));
            }
            Assert.True(windows.Count > secret.Length / 4, "the " + what + " has too few secret windows to test");
            for (int i = 0; i + W <= image.Length; i++)
            {
                Assert.False(windows.Contains(BitConverter.ToUInt128(image, i)), "16 bytes of the " + what + " lie in clear at flash offset " + i);
            }
        }

        private void AssertFlashHoldsNoKeyOf(Issued client)
        {
            var image = _flash.Snapshot();
            foreach (var (what, secret) in Secrets(client))
            {
                AssertNoRunOf(image, what, secret, client.Der);
            }
        }

        [Fact]
        public void KeysInstalledWithASealingVaultAreNotInTheFlashImage()
        {
            var store = Device();
            var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000);
            store.InstallClientCertificate("ClientCert1", Encoding.ASCII.GetBytes(EcClient.Pem), Encoding.ASCII.GetBytes(EcClient.Pkcs8Pem), null);
            store.InstallClientCertificate("ClientCert2", RsaClient.Der, RsaClient.Key.ExportEncryptedPkcs8PrivateKey("pw", pbe), "pw");
            store.InstallClientCertificate("ClientCert3", RsaClient.Der, ((RSA)RsaClient.Key).ExportRSAPrivateKey(), null);

            AssertFlashHoldsNoKeyOf(EcClient);
            AssertFlashHoldsNoKeyOf(RsaClient);
            // The certificate itself is stored as it is, and every key is handed back intact.
            Assert.True(_flash.Snapshot().AsSpan().IndexOf(EcClient.Der) >= 0);
            var again = Device();
            Assert.Equal(EcClient.Pkcs8, again.GetPrivateKey("ClientCert1"));
            Assert.Equal(RsaClient.Pkcs8, again.GetPrivateKey("ClientCert2"));
            Assert.Equal(((RSA)RsaClient.Key).ExportRSAPrivateKey(), again.GetPrivateKey("ClientCert3"));
            Assert.Equal(KeyProtection.Sealed, again.GetKeyProtection("ClientCert1"));
            // Moves and replacements keep keys sealed and with their certificate.
            again.MoveCertificate("ClientCert1", "ClientCert3");
            again.InstallRootCACertificate("ClientCert2", Ca.Der);
            Assert.Equal(EcClient.Pkcs8, again.GetPrivateKey("ClientCert3"));
            Assert.Equal(KeyProtection.None, again.GetKeyProtection("ClientCert2"));
            Assert.Equal(CertificateType.RootCA, Device().GetCertificateType("ClientCert2"));
            AssertFlashHoldsNoKeyOf(EcClient);
        }

        [Fact]
        public void TheKeyTheStoreDecodedIsWipedOnceSealed()
        {
            var vault = new NativeCryptoVault(new HostKeyVault(DeviceKey));
            var store = new CertStore(RecordLog.Mount(_flash, CertStore.MaxEntrySize), vault);
            store.InstallClientCertificate("ClientCert1", EcClient.Der, Encoding.ASCII.GetBytes(EcClient.Pkcs8Pem), null);
            Assert.NotNull(vault.LastSealed);
            Assert.Equal(EcClient.Pkcs8.Length, vault.LastSealed!.Length);
            Assert.All(vault.LastSealed, b => Assert.Equal(0, b));
        }

        [Fact]
        public void ATamperedSealIsRefusedAndChangesNothing()
        {
            var log = RecordLog.Mount(_flash, CertStore.MaxEntrySize);
            new CertStore(log, new HostKeyVault(DeviceKey)).InstallClientCertificate("ClientCert1", EcClient.Der, EcClient.Pkcs8, null);
            // Someone with the flash rewrites the sealed key with valid CRCs: a CRC protects against bit rot, not against people.
            Assert.True(log.TryGet("KClientCert1", out var blob));
            blob[blob.Length - 3] ^= 0x40;
            var t = log.Begin();
            t.Put("KClientCert1", blob);
            t.Commit();
            var before = _flash.Snapshot();

            var store = Device();
            var e = Assert.Throws<CertStoreException>(() => store.GetPrivateKey("ClientCert1"));
            Assert.Equal(CertStoreError.KeyUnreadable, e.Error);
            Assert.Contains("ClientCert1", e.Message);
            Assert.Equal(KeyProtection.Unreadable, store.GetKeyProtection("ClientCert1"));
            Assert.Equal(0, store.SealPendingKeys());
            Assert.Equal("CN=device-sealed", store.GetCertificateSubjectName("ClientCert1"));
            Assert.Equal(before, _flash.Snapshot());
        }

        [Fact]
        public void AStoreMountedWithAnotherDeviceKeyReportsTheKeyUnreadable()
        {
            Device().InstallClientCertificate("ClientCert1", EcClient.Der, EcClient.Pkcs8, null);
            Device().InstallRootCACertificate("RootCA1", Ca.Der);
            var before = _flash.Snapshot();

            var other = Open(new HostKeyVault(RandomNumberGenerator.GetBytes(32)));
            Assert.Equal(KeyProtection.Unreadable, other.GetKeyProtection("ClientCert1"));
            Assert.Equal(CertStoreError.KeyUnreadable, Assert.Throws<CertStoreException>(() => other.GetPrivateKey("ClientCert1")).Error);
            Assert.Equal(0, other.SealPendingKeys());
            Assert.Equal(2, other.GetCertificateCount());
            Assert.Equal(CertificateType.Client, other.GetCertificateType("ClientCert1"));
            Assert.Equal(Ca.Der, other.GetCertificate("RootCA1"));
            // A firmware without any device key cannot check the seal: it reports what lies in flash.
            var stock = Open(new HostKeyVault());
            Assert.Equal(KeyProtection.Sealed, stock.GetKeyProtection("ClientCert1"));
            Assert.Equal(CertStoreError.KeyUnreadable, Assert.Throws<CertStoreException>(() => stock.GetPrivateKey("ClientCert1")).Error);
            Assert.Equal(before, _flash.Snapshot());
            // The entry can be replaced.
            other.InstallClientCertificate("ClientCert1", EcClient.Der, EcClient.Pkcs8, null);
            Assert.Equal(EcClient.Pkcs8, other.GetPrivateKey("ClientCert1"));
        }

        [Fact]
        public void ADesktopPreparedImageIsSealedAtFirstBoot()
        {
            var desktop = Open(new HostKeyVault());
            desktop.InstallClientCertificate("ClientCert1", EcClient.Der, EcClient.Pkcs8, null);
            desktop.InstallClientCertificate("ClientCert2", RsaClient.Der, RsaClient.Pkcs8, null);
            desktop.InstallRootCACertificate("RootCA1", Ca.Der);
            Assert.Equal(KeyProtection.PendingSeal, desktop.GetKeyProtection("ClientCert1"));
            Assert.Equal(KeyProtection.None, desktop.GetKeyProtection("RootCA1"));

            var device = Device();
            Assert.Equal(KeyProtection.PendingSeal, device.GetKeyProtection("ClientCert2"));
            Assert.Equal(2, device.SealPendingKeys());
            Assert.Equal(KeyProtection.Sealed, device.GetKeyProtection("ClientCert1"));
            Assert.Equal(KeyProtection.Sealed, device.GetKeyProtection("ClientCert2"));
            long writes = _flash.WriteOperations;
            Assert.Equal(0, Device().SealPendingKeys()); // the next boot has nothing to do
            Assert.Equal(writes, _flash.WriteOperations);
            var rebooted = Device();
            Assert.Equal(EcClient.Pkcs8, rebooted.GetPrivateKey("ClientCert1"));
            Assert.Equal(RsaClient.Pkcs8, rebooted.GetPrivateKey("ClientCert2"));
            Assert.Equal(Ca.Der, rebooted.GetCertificate("RootCA1"));
            // Sealing superseded the clear copies; the purge erased them.
            AssertFlashHoldsNoKeyOf(EcClient);
            AssertFlashHoldsNoKeyOf(RsaClient);
        }

        [Fact]
        public void StockFirmwareKeepsKeysInClearAndSaysSo()
        {
            Open(new HostKeyVault()).InstallClientCertificate("ClientCert1", EcClient.Der, EcClient.Pkcs8, null);
            var before = _flash.Snapshot();
            var stock = Open(new HostKeyVault());
            Assert.Equal(0, stock.SealPendingKeys());
            Assert.Equal(before, _flash.Snapshot());
            Assert.Equal(KeyProtection.Unsealed, stock.GetKeyProtection("ClientCert1"));
            Assert.Equal(EcClient.Pkcs8, stock.GetPrivateKey("ClientCert1"));
        }

        [Fact]
        public void APowerCutWhileSealingLeavesEachKeyClearOrSealedNeverLost()
        {
            for (int n = 0; ; n++)
            {
                var flash = new NorFlash(32 * 4096, 4096);
                RecordLog.Format(flash, CertStore.MaxEntrySize);
                var desktop = new CertStore(RecordLog.Mount(flash, CertStore.MaxEntrySize), new HostKeyVault());
                desktop.InstallClientCertificate("ClientCert1", EcClient.Der, EcClient.Pkcs8, null);
                desktop.InstallClientCertificate("ClientCert2", RsaClient.Der, RsaClient.Pkcs8, null);
                flash.ArmPowerCut(n, seed: n);
                bool completed;
                try
                {
                    new CertStore(RecordLog.Mount(flash, CertStore.MaxEntrySize), new HostKeyVault(DeviceKey)).SealPendingKeys();
                    completed = true;
                }
                catch (CertStoreException e) when (e.Error == CertStoreError.StorageFailure && flash.PowerLost)
                {
                    completed = false;
                }
                flash.PowerOn();
                var rebooted = new CertStore(RecordLog.Mount(flash, CertStore.MaxEntrySize), new HostKeyVault(DeviceKey));
                Assert.Equal(EcClient.Pkcs8, rebooted.GetPrivateKey("ClientCert1"));
                Assert.Equal(RsaClient.Pkcs8, rebooted.GetPrivateKey("ClientCert2"));
                rebooted.SealPendingKeys();
                Assert.Equal(KeyProtection.Sealed, rebooted.GetKeyProtection("ClientCert1"));
                Assert.Equal(KeyProtection.Sealed, rebooted.GetKeyProtection("ClientCert2"));
                // A purge cut short is finished at the next boot: no clear copy survives a cut anywhere.
                foreach (var client in new[] { EcClient, RsaClient })
                {
                    foreach (var (what, secret) in Secrets(client))
                    {
                        AssertNoRunOf(flash.Snapshot(), what + " (cut after " + n + " writes)", secret, client.Der);
                    }
                }
                Assert.False(rebooted.Log.Contains(CertStore.PurgeMarkerKey));
                if (completed)
                {
                    Assert.True(n > 2, "sealing took only " + n + " writes");
                    return;
                }
            }
        }

        [Fact]
        public void APowerCutDuringAMoveKeepsCertificateAndKeyTogether()
        {
            for (int n = 0; ; n++)
            {
                var flash = new NorFlash(32 * 4096, 4096);
                RecordLog.Format(flash, CertStore.MaxEntrySize);
                var store = new CertStore(RecordLog.Mount(flash, CertStore.MaxEntrySize), new HostKeyVault(DeviceKey));
                store.InstallClientCertificate("ClientCert1", RsaClient.Der, RsaClient.Pkcs8, null);
                store.InstallClientCertificate("ClientCert2", EcClient.Der, EcClient.Pkcs8, null);
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
                var after = new CertStore(RecordLog.Mount(flash, CertStore.MaxEntrySize), new HostKeyVault(DeviceKey));
                bool moved = !after.ContainsCertificate("ClientCert2");
                Assert.Equal(moved ? EcClient.Der : RsaClient.Der, after.GetCertificate("ClientCert1"));
                Assert.Equal(moved ? EcClient.Pkcs8 : RsaClient.Pkcs8, after.GetPrivateKey("ClientCert1"));
                if (!moved)
                {
                    Assert.Equal(EcClient.Pkcs8, after.GetPrivateKey("ClientCert2"));
                }
                if (completed)
                {
                    Assert.True(moved);
                    return;
                }
            }
        }
    }
}
