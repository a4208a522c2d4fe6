using System;
using System.Text;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Hal.Host;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.Certificates
{
    /// <summary>
    /// The store's transient allocations at ESP32 sizes (8 KiB certificate, 4 KiB key), counted on the managed heap as
    /// the device would see them (the crypto itself runs natively there: <see cref="NativeCryptoVault"/>). The budget is
    /// the one stated in firmware/NfCerts.Core/Certificates/README.md.
    /// </summary>
    public class CertStoreMemoryTests
    {
        private readonly ITestOutputHelper _output;
        private readonly NorFlash _flash = new NorFlash(64 * 4096, 4096);
        private readonly int _cert = EspSizedEntry.Client.Der.Length;
        private readonly int _key = EspSizedEntry.Key.Length;

        public CertStoreMemoryTests(ITestOutputHelper output)
        {
            _output = output;
            RecordLog.Format(_flash, CertStore.MaxEntrySize);
        }

        private (CertStore Store, NativeCryptoVault Vault) Open(bool sealing)
        {
            var vault = new NativeCryptoVault(sealing ? new HostKeyVault(new byte[32]) : new HostKeyVault());
            return (new CertStore(RecordLog.Mount(_flash, CertStore.MaxEntrySize), vault), vault);
        }

        /// <summary>Bytes the managed heap sees for <paramref name="act"/>, after one warm-up run.</summary>
        private long Allocated(string what, NativeCryptoVault vault, Action act)
        {
            act();
            long native = vault.NativeBytes;
            long before = GC.GetAllocatedBytesForCurrentThread() - NorFlash.CellBytesAllocatedOnThisThread;
            act();
            // The vault's native work and the flash model's cells are not the board's managed heap.
            long bytes = GC.GetAllocatedBytesForCurrentThread() - NorFlash.CellBytesAllocatedOnThisThread - before - (vault.NativeBytes - native);
            _output.WriteLine(what + ": " + bytes + " bytes (certificate " + _cert + ", key " + _key + ")");
            return bytes;
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void MetadataQueriesReadAndAllocateOnlyTheCertificate(bool sealing)
        {
            var (store, vault) = Open(sealing);
            store.InstallClientCertificate("ClientCert1", EspSizedEntry.Client.Der, EspSizedEntry.Key, null);
            var queries = new (string, Action)[]
            {
                ("NotAfter", () => store.GetCertificateNotAfter("ClientCert1")),
                ("NotBefore", () => store.GetCertificateNotBefore("ClientCert1")),
                ("SubjectName", () => store.GetCertificateSubjectName("ClientCert1")),
                ("IssuerName", () => store.GetCertificateIssuerName("ClientCert1")),
                ("Type", () => store.GetCertificateType("ClientCert1")),
                ("Sha256", () => store.GetThumbprintSha256("ClientCert1")),
            };
            foreach (var (name, query) in queries)
            {
                long read = _flash.BytesRead;
                long bytes = Allocated(name, vault, query);
                long readOnce = (_flash.BytesRead - read) / 2;
                Assert.True(readOnce <= _cert, name + " read " + readOnce + " bytes of flash for a certificate of " + _cert);
                Assert.True(bytes <= _cert + 4096, name + " allocated " + bytes + " bytes for a certificate of " + _cert);
            }
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void InstallingFromPemStaysWithinTheBudget(bool sealing)
        {
            var (store, vault) = Open(sealing);
            var cert = Encoding.ASCII.GetBytes(EspSizedEntry.Client.Pem);
            var key = Encoding.ASCII.GetBytes(EspSizedEntry.KeyPem);
            long bytes = Allocated("InstallClientCertificate from PEM, sealing " + sealing, vault,
                () => store.InstallClientCertificate("ClientCert1", cert, key, null));
            // The bound for every operation, the log's commit included: twice the largest entry plus 4 KiB.
            Assert.True(bytes <= 2 * (_cert + _key) + 4096, "install allocated " + bytes + " bytes");
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void KeyAndMoveStayWithinTheBudget(bool sealing)
        {
            var (store, vault) = Open(sealing);
            store.InstallClientCertificate("ClientCert1", EspSizedEntry.Client.Der, EspSizedEntry.Key, null);
            long bytes = Allocated("GetPrivateKey, sealing " + sealing, vault, () => Array.Clear(store.GetPrivateKey("ClientCert1")));
            Assert.True(bytes <= 2 * _key + 1024, "GetPrivateKey allocated " + bytes + " bytes");
            long read = _flash.BytesRead;
            bytes = Allocated("MoveCertificate there and back", vault, () =>
            {
                store.MoveCertificate("ClientCert1", "ClientCert2");
                store.MoveCertificate("ClientCert2", "ClientCert1");
            });
            // A move copies no data: the log may look at a sector it opens, but the entry is not read.
            Assert.True(_flash.BytesRead - read < _cert, "moves read " + (_flash.BytesRead - read) + " bytes of flash");
            Assert.True(bytes <= 2 * 4096, "two moves allocated " + bytes + " bytes");
        }
    }
}
