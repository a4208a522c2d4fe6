using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NfCerts.Cli;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Hal.Host;
using NfCerts.Tests.Support;
using Xunit;

namespace NfCerts.Tests.Certificates
{
    /// <summary>What the store does with an entry it cannot read (bit rot, an outside writer) or a key it cannot decrypt:
    /// it reports that entry and goes on with the others.</summary>
    public sealed class CertStoreDamageTests : IDisposable
    {
        private static readonly Issued Ca = TestPki.Root("Damage Root");
        private static readonly Issued Ca2 = TestPki.Root("Damage Root 2");
        private static readonly Issued Client = TestPki.Client(Ca, "device-bitrot");
        private readonly string _dir = Directory.CreateTempSubdirectory("nfcerts-damage-").FullName;

        public void Dispose() => Directory.Delete(_dir, true);

        /// <summary>Clears one bit of flash inside the first run of <paramref name="content"/> (programming only clears bits).</summary>
        internal static void ClearOneBitIn(byte[] image, byte[] content, Action<int, byte> program)
        {
            int at = image.AsSpan().IndexOf(content.AsSpan(content.Length / 2, 24));
            Assert.True(at >= 0, "content not found on flash");
            byte old = image[at + 5];
            program(at + 5, (byte)(old & (old - 1))); // clears the lowest set bit
        }

        private static void Fill(CertStore store)
        {
            store.InstallRootCACertificate("RootCA1", Ca.Der);
            store.InstallRootCACertificate("RootCA2", Ca2.Der);
            store.InstallClientCertificate("ClientCert1", Client.Der, Client.Pkcs8, null);
        }

        [Fact]
        public void ACorruptEntryIsReportedWhileTheOthersStayReadable()
        {
            var flash = new NorFlash(32 * 4096, 4096);
            RecordLog.Format(flash, CertStore.MaxEntrySize);
            Fill(new CertStore(RecordLog.Mount(flash, CertStore.MaxEntrySize), new HostKeyVault()));
            ClearOneBitIn(flash.Snapshot(), Ca2.Der, (a, b) => flash.Program(a, new[] { b }, 0, 1));

            var store = new CertStore(RecordLog.Mount(flash, CertStore.MaxEntrySize), new HostKeyVault());
            Assert.Equal(3, store.GetCertificateCount());
            var types = new CertificateType[3];
            for (int i = 0; i < 3; i++)
            {
                types[i] = store.GetCertificateType(store.GetCertificateIdentifierAt(i));
            }
            Assert.Equal(new[] { CertificateType.Client, CertificateType.RootCA, CertificateType.RootCA }, types);
            var bad = Assert.Throws<CertStoreException>(() => store.GetCertificateInfo("RootCA2"));
            Assert.Equal(CertStoreError.StorageFailure, bad.Error);
            Assert.Contains("RootCA2", bad.Message);
            Assert.Equal(Ca.Der, store.GetCertificate("RootCA1"));
            Assert.Equal(Client.Pkcs8, store.GetPrivateKey("ClientCert1"));
            // The damaged entry can still be replaced or removed.
            store.DeleteCertificate("RootCA2");
            Assert.Equal(2, store.GetCertificateCount());
        }

        [Fact]
        public void StoreLsListsTheOthersAndMarksTheCorruptEntry()
        {
            var img = Path.Combine(_dir, "dev.img");
            using (var flash = NorFlash.CreateImage(img, 32 * 4096, 4096))
            {
                RecordLog.Format(flash, CertStore.MaxEntrySize);
                Fill(new CertStore(RecordLog.Mount(flash, CertStore.MaxEntrySize), new HostKeyVault()));
            }
            var image = File.ReadAllBytes(img);
            ClearOneBitIn(image, Ca2.Der, (a, b) => image[a] = b);
            File.WriteAllBytes(img, image);

            var o = new StringWriter();
            var e = new StringWriter();
            Assert.True(CommandLine.Run(new[] { "store", "ls", img, "--json" }, o, e) == 0, e.ToString());
            using var doc = JsonDocument.Parse(o.ToString());
            var rows = doc.RootElement;
            Assert.Equal(3, rows.GetArrayLength());
            Assert.Equal("CN=device-bitrot", rows[0].GetProperty("subject").GetString());
            Assert.Equal("CN=Damage Root,O=nf.Certs Test", rows[1].GetProperty("subject").GetString());
            Assert.Equal("RootCA2", rows[2].GetProperty("id").GetString());
            Assert.Contains("CRC", rows[2].GetProperty("error").GetString());

            o = new StringWriter();
            Assert.Equal(0, CommandLine.Run(new[] { "store", "ls", img }, o, e));
            Assert.Contains("RootCA1", o.ToString());
            Assert.Matches("RootCA2 .*unreadable", o.ToString());
        }

        [Fact]
        public void AnScryptKeyIsRefusedByNamingItsScheme()
        {
            using var dir = new Host.TempDir();
            string plain = dir.WriteSecret("key.pem", Encoding.ASCII.GetBytes(Client.Pkcs8Pem));
            string output = dir.PathOf("key.enc");
            Host.OpenSsl.Ok("pkcs8", "-topk8", "-in", plain, "-out", output, "-passout", "pass:pw", "-scrypt");
            var flash = new NorFlash(32 * 4096, 4096);
            RecordLog.Format(flash, CertStore.MaxEntrySize);
            var store = new CertStore(RecordLog.Mount(flash, CertStore.MaxEntrySize), new HostKeyVault());
            var before = flash.Snapshot();

            var e = Assert.Throws<CertStoreException>(() => store.InstallClientCertificate("c", Client.Der, File.ReadAllBytes(output), "pw"));

            Assert.Equal(CertStoreError.NotSupported, e.Error);
            Assert.Contains("scrypt", e.Message);
            Assert.Contains("not supported", e.Message);
            Assert.DoesNotContain("cannot decrypt keys", e.Message);
            Assert.Equal(before, flash.Snapshot());
            // Schemes the vault does decrypt still install.
            string pbes2 = dir.PathOf("key.aes");
            Host.OpenSsl.Ok("pkcs8", "-topk8", "-in", plain, "-out", pbes2, "-passout", "pass:pw", "-v2", "aes-256-cbc");
            store.InstallClientCertificate("c", Client.Der, File.ReadAllBytes(pbes2), "pw");
            Assert.Equal(Client.Pkcs8, store.GetPrivateKey("c"));
        }
    }
}
