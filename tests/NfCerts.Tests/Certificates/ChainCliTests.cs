using System;
using System.IO;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Emulators.Pki;
using NfCerts.Hal.Host;
using NfCerts.Tests.Cli;
using Xunit;

namespace NfCerts.Tests.Certificates
{
    /// <summary><c>nfcerts store install-client</c> keeps a chain; <c>install-root</c> refuses a bundle instead of keeping its first certificate.</summary>
    public sealed class ChainCliTests : IDisposable
    {
        private static readonly DateTimeOffset From = DateTimeOffset.UtcNow.AddDays(-1);
        private static readonly DateTimeOffset To = DateTimeOffset.UtcNow.AddYears(1);
        private static readonly DevCredential Root = DevPki.Root("CN=CLI Chain Root", From, To);
        private static readonly DevCredential Issuing = DevPki.Intermediate(Root, "CN=CLI Issuing CA", From, To);
        private static readonly DevCredential Device = DevPki.Client(Issuing, "CN=device-cli", From, To);

        private readonly string _dir = Directory.CreateTempSubdirectory("nfcerts-chain-cli-").FullName;

        public void Dispose() => Directory.Delete(_dir, true);

        private string Write(string name, string text)
        {
            string path = Path.Combine(_dir, name);
            File.WriteAllText(path, text);
            return path;
        }

        private string NewImage()
        {
            string img = Path.Combine(_dir, "dev.img");
            Assert.Equal(0, Nfcerts.Run("store", "init", img, "--size", "65536").Code);
            return img;
        }

        private static T Read<T>(string img, Func<CertStore, T> read)
        {
            using var flash = NorFlash.OpenImage(img, 4096, writable: false);
            return read(new CertStore(RecordLog.Mount(flash, CertStore.MaxEntrySize), new HostKeyVault()));
        }

        [Fact]
        public void InstallClientKeepsTheIntermediatesOfTheFile()
        {
            string img = NewImage();
            var (code, stdout, stderr) = Nfcerts.Run("store", "install-client", img, "ClientCert1",
                Write("chain.pem", Device.Pem + "\n" + Issuing.Pem + "\n"), Write("device.key", Device.KeyPem));
            Assert.True(code == 0, stderr);
            Assert.Equal("installed client certificate ClientCert1 with 1 intermediate", stdout.Trim());
            Assert.Equal(Device.Der, Read(img, s => s.GetCertificate("ClientCert1")));
            Assert.Equal(2, Read(img, s => s.GetCertificateChainCount("ClientCert1")));
        }

        [Fact]
        public void InstallClientRefusesABundleThatStartsWithTheRoot()
        {
            string img = NewImage();
            var (code, _, stderr) = Nfcerts.Run("store", "install-client", img, "ClientCert1",
                Write("wrong.pem", Root.Pem + "\n" + Issuing.Pem + "\n" + Device.Pem + "\n"), Write("device.key", Device.KeyPem));
            Assert.Equal(1, code);
            Assert.Contains("starts with the self-signed CA 'CN=CLI Chain Root'", stderr);
            Assert.Contains("[InvalidData]", stderr);
            Assert.DoesNotContain("PRIVATE", stderr);
            Assert.Equal(0, Read(img, s => s.GetCertificateCount()));
        }

        [Fact]
        public void InstallRootRefusesABundleWithItsCount()
        {
            string img = NewImage();
            string bundle = Write("bundle.pem", Issuing.Pem + "\n" + Root.Pem + "\n" + Device.Pem + "\n");
            var (code, _, stderr) = Nfcerts.Run("store", "install-root", img, "RootCA1", bundle);
            Assert.Equal(1, code);
            Assert.Contains("bundle.pem: install-root expects one certificate; the file holds 3", stderr);
            Assert.Equal(0, Read(img, s => s.GetCertificateCount()));
            Assert.Equal(0, Nfcerts.Run("store", "install-root", img, "RootCA1", Write("root.pem", Root.Pem)).Code);
        }
    }
}
