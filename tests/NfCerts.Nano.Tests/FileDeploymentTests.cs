using System;
using System.IO;
using System.Text.Json;
using System.Text.RegularExpressions;
using NfCerts.Cli;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using NfCerts.Hal.Nano;
using NfCerts.NanoStandIn;
using Xunit;

namespace NfCerts.Nano.Tests
{
    /// <summary>Provisioning the stock-firmware store (issue 9, finding 7): an image, nanoff's deployment file, the board.</summary>
    public sealed class FileDeploymentTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("nfcerts-deploy-").FullName;

        public FileDeploymentTests()
        {
            Firmware.Boot(withInterop: false);
        }

        public void Dispose() => Directory.Delete(_dir, true);

        private string Image(int size, int sector)
        {
            string path = Path.Combine(_dir, "store-" + size + ".img");
            using (NorFlash flash = NorFlash.CreateImage(path, size, sector))
            {
                RecordLog.Format(flash, CertStore.MaxEntrySize);
                RecordLog log = RecordLog.Mount(flash, CertStore.MaxEntrySize);
                var t = log.Begin();
                t.Put("Dseed", new byte[] { 1, 2, 3, 4 });
                t.Commit();
            }

            return path;
        }

        [Fact]
        public void TheDescriptionHasTheFieldsNanoffReadsAndTheBoardOpensTheStoreItPutsThere()
        {
            string image = Image(FileDeployment.DeviceRegionSize, FileDeployment.DeviceSectorSize);
            string json = Path.Combine(_dir, "deploy.json");
            var output = new StringWriter();

            Assert.Equal(0, FileDeployment.Write(image, "COM3", json, output));

            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
            Assert.Equal("COM3", doc.RootElement.GetProperty("SerialPort").GetString());
            JsonElement files = doc.RootElement.GetProperty("Files");
            Assert.Equal(1, files.GetArrayLength());
            string destination = files[0].GetProperty("DestinationFilePath").GetString()!;
            string source = files[0].GetProperty("SourceFilePath").GetString()!;
            Assert.Equal(FileFlash.DefaultPath, destination);
            Assert.True(Path.IsPathFullyQualified(source));
            Assert.Contains("nanoff --filedeployment " + json, output.ToString());

            // What nanoff does with it: AddStorageFile(destination, bytes of source). Then the device boots.
            NanoDrive.Deploy(source, destination);
            IFlash flash = StoreFlash.Open(FileFlash.DefaultPath, FileDeployment.DeviceRegionSize, FileDeployment.DeviceSectorSize, out bool onPartition);
            using (flash as IDisposable)
            {
                Assert.False(onPartition);
                RecordLog log = RecordLog.Mount(flash, CertStore.MaxEntrySize);
                Assert.True(log.TryGet("Dseed", out byte[] seed));
                Assert.Equal(new byte[] { 1, 2, 3, 4 }, seed);
            }
        }

        [Fact]
        public void WithoutAPortTheDescriptionLeavesItToNanoffsCommandLine()
        {
            string image = Image(FileDeployment.DeviceRegionSize, FileDeployment.DeviceSectorSize);
            string json = Path.Combine(_dir, "deploy.json");
            var output = new StringWriter();

            Assert.Equal(0, FileDeployment.Write(image, null, json, output));

            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
            Assert.False(doc.RootElement.TryGetProperty("SerialPort", out _));
            Assert.Contains("--serialport PORT", output.ToString());
        }

        [Fact]
        public void AnImageOfAnotherGeometryIsRefusedWithTheCommandThatMakesARightOne()
        {
            string image = Image(256 * 1024, 4096); // 'nfcerts store init' default
            string json = Path.Combine(_dir, "deploy.json");
            var output = new StringWriter();

            var e = Assert.Throws<CommandException>(() => FileDeployment.Write(image, "COM3", json, output));

            Assert.False(File.Exists(json));
            Assert.Contains("--size 65536 --sector 4096", e.Message);
            Assert.Equal("", output.ToString());
        }

        [Fact]
        public void AFileThatIsNoStoreIsRefused()
        {
            string notAStore = Path.Combine(_dir, "zeros.img");
            File.WriteAllBytes(notAStore, new byte[FileDeployment.DeviceRegionSize]);
            var output = new StringWriter();

            var e = Assert.Throws<CommandException>(() => FileDeployment.Write(notAStore, "COM3", Path.Combine(_dir, "deploy.json"), output));
            Assert.Contains("not an nf.Certs store image", e.Message);
        }

        [Fact]
        public void TheGeometryIsTheOneTheDeviceImageOpens()
        {
            string program = File.ReadAllText(Path.Combine(Repo.Root, "firmware", "NfCerts.Device", "Program.cs"));
            Assert.Matches(new Regex(@"FallbackFlashSize = 64 \* 1024;"), program);
            Assert.Matches(new Regex(@"SectorSize = 4096;"), program);
            Assert.Matches(new Regex(@"StoreFlash\.Open\(FileFlash\.DefaultPath, FallbackFlashSize, SectorSize"), program);
            Assert.Equal(64 * 1024, FileDeployment.DeviceRegionSize);
            Assert.Equal(FileFlash.DefaultPath, FileDeployment.DevicePath);
        }
    }
}
