using System;
using System.IO;
using System.Text.Json;
using NfCerts.Core.Certificates;
using NfCerts.Core.Hub;
using NfCerts.Core.Storage;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Cli
{
    /// <summary>`nfcerts store hub`: the settings the device's hub client reads, set and shown on an image.</summary>
    public sealed class StoreHubCliTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("nfcerts-hub-cli-").FullName;
        private readonly string _img;

        public StoreHubCliTests()
        {
            _img = Path.Combine(_dir, "dev.img");
            Assert.Equal(0, Nfcerts.Run("store", "init", _img, "--size", "65536").Code);
        }

        public void Dispose() => Directory.Delete(_dir, true);

        [Fact]
        public void SetShowAndChangeTheHubSettings()
        {
            var (code, text, _) = Nfcerts.Run("store", "hub", _img);
            Assert.Equal(0, code);
            Assert.Contains("no hub settings", text);
            Assert.Equal("null", Nfcerts.Run("store", "hub", _img, "--json").Out.Trim());

            var set = Nfcerts.Run("store", "hub", _img, "--host", "contoso.azure-devices.net", "--device-id", "device-001", "--json");
            Assert.True(set.Code == 0, set.Err);
            using (var doc = JsonDocument.Parse(set.Out))
            {
                Assert.Equal("contoso.azure-devices.net", doc.RootElement.GetProperty("host").GetString());
                Assert.Equal(8883, doc.RootElement.GetProperty("port").GetInt32());
            }
            Assert.Equal(0, Nfcerts.Run("store", "hub", _img, "--port", "18883", "--model-id", "dtmi:nfcerts:device;1").Code);

            // What the device reads at boot.
            using var flash = NorFlash.OpenImage(_img, 4096, writable: false);
            Assert.True(HubSettings.TryLoad(RecordLog.Mount(flash, CertStore.MaxEntrySize), out var s));
            Assert.Equal(("contoso.azure-devices.net", 18883, "device-001", "dtmi:nfcerts:device;1"), (s.HostName, s.Port, s.DeviceId, s.ModelId));
            Assert.Contains("18883", Nfcerts.Run("store", "hub", _img).Out);
        }

        [Fact]
        public void BadValuesFailWithTheReasonAndChangeNothing()
        {
            Assert.Equal(0, Nfcerts.Run("store", "hub", _img, "--host", "hub.example.net", "--device-id", "d1").Code);
            var bad = Nfcerts.Run("store", "hub", _img, "--device-id", "has space");
            Assert.Equal(1, bad.Code);
            Assert.Contains("device ID may hold only", bad.Err);
            Assert.Equal(1, Nfcerts.Run("store", "hub", _img, "--host", "bad_host").Code);
            Assert.Equal(1, Nfcerts.Run("store", "hub", _img, "--port", "0").Code);
            Assert.Equal(2, Nfcerts.Run("store", "hub", _img, "--port", "x").Code);
            Assert.Contains("\"deviceId\": \"d1\"", Nfcerts.Run("store", "hub", _img, "--json").Out);

            var fresh = Path.Combine(_dir, "fresh.img");
            Assert.Equal(0, Nfcerts.Run("store", "init", fresh, "--size", "65536").Code);
            var partial = Nfcerts.Run("store", "hub", fresh, "--port", "18883");
            Assert.Equal(1, partial.Code);
            Assert.Contains("--host and --device-id", partial.Err);
        }
    }
}
