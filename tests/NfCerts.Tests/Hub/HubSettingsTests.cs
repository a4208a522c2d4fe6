using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Hub;
using NfCerts.Core.Storage;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Hub
{
    public class HubSettingsTests
    {
        private static (NorFlash, RecordLog) Fresh()
        {
            var flash = new NorFlash(16 * 4096, 4096);
            RecordLog.Format(flash, CertStore.MaxEntrySize);
            return (flash, RecordLog.Mount(flash, CertStore.MaxEntrySize));
        }

        private static HubSettings Good() => new HubSettings
        {
            HostName = "contoso-hub.azure-devices.net",
            Port = 8883,
            DeviceId = "dev-001.a_b%c*d?e!(f),g:h=i@j$k'l",
            ModelId = "dtmi:nfcerts:device;1",
        };

        [Fact]
        public void SettingsRoundTripThroughTheStoreAndAMount()
        {
            var (flash, log) = Fresh();
            Assert.False(HubSettings.TryLoad(log, out _));
            Good().Save(log);
            Assert.True(HubSettings.TryLoad(RecordLog.Mount(flash, CertStore.MaxEntrySize), out var back));
            Assert.Equal(Good().HostName, back.HostName);
            Assert.Equal(8883, back.Port);
            Assert.Equal(Good().DeviceId, back.DeviceId);
            Assert.Equal(Good().ModelId, back.ModelId);
            Assert.True(HubSettings.Clear(log));
            Assert.False(HubSettings.TryLoad(log, out _));
        }

        [Theory]
        [InlineData("", "d", 8883, "", "host name is empty")]
        [InlineData("-bad.example", "d", 8883, "", "start or end")]
        [InlineData("a..b", "d", 8883, "", "1-63")]
        [InlineData("hub_x.example", "d", 8883, "", "only letters")]
        [InlineData("hub.example", "", 8883, "", "device ID is empty")]
        [InlineData("hub.example", "dev 1", 8883, "", "device ID may hold")]
        [InlineData("hub.example", "dev/1", 8883, "", "device ID may hold")]
        [InlineData("hub.example", "d", 0, "", "port")]
        [InlineData("hub.example", "d", 70000, "", "port")]
        [InlineData("hub.example", "d", 8883, "urn:x", "DTMI")]
        [InlineData("hub.example", "d", 8883, "dtmi:x;", "DTMI")]
        [InlineData("hub.example", "d", 8883, "dtmi:x-y;1", "DTMI")]
        public void BadSettingsAreRefusedWithTheReasonAndNothingChanges(string host, string device, int port, string model, string reason)
        {
            var (_, log) = Fresh();
            Good().Save(log);
            var bad = new HubSettings { HostName = host, DeviceId = device, Port = port, ModelId = model };
            var e = Assert.Throws<ArgumentException>(() => bad.Save(log));
            Assert.Contains(reason, e.Message);
            Assert.True(HubSettings.TryLoad(log, out var kept));
            Assert.Equal(Good().HostName, kept.HostName);
        }

        [Fact]
        public void LimitsAreThoseOfIotHub()
        {
            Assert.Equal("", HubSettings.CheckDeviceId(new string('a', 128)));
            Assert.NotEqual("", HubSettings.CheckDeviceId(new string('a', 129)));
            Assert.Equal("", HubSettings.CheckHostName(new string('a', 63) + ".net"));
            Assert.NotEqual("", HubSettings.CheckHostName(new string('a', 64) + ".net"));
            Assert.Equal("", HubSettings.CheckHostName("127.0.0.1"));
            Assert.Equal("", HubSettings.CheckHostName("localhost"));
        }

        [Fact]
        public void ADamagedOrOversizedStoredValueIsNoneAndKeptUntouched()
        {
            var (_, log) = Fresh();
            var bytes = Good().Encode();
            bytes[3] = 0xFF; // host length beyond its limit
            var t = log.Begin();
            t.Put(HubSettings.StoreKey, bytes);
            t.Commit();
            Assert.False(HubSettings.TryLoad(log, out _, out var problem));
            Assert.Contains("truncated", problem);
            Assert.True(log.Contains(HubSettings.StoreKey));

            t = log.Begin();
            t.Put(HubSettings.StoreKey, new byte[HubSettings.MaxEncodedLength + 1]);
            t.Commit();
            Assert.False(HubSettings.TryLoad(log, out _, out problem));
            Assert.Contains("longer", problem);
        }

        /// <summary>A power cut at every write of a save leaves the old settings or the new ones.</summary>
        [Fact]
        public void APowerCutDuringASaveKeepsTheOldOrTheNewSettings()
        {
            int runs = 0;
            for (int n = 0; ; n++)
            {
                var (flash, log) = Fresh();
                Good().Save(log);
                var next = Good();
                next.HostName = "other-hub.azure-devices.net";
                next.Port = 18883;
                flash.ArmPowerCut(n, seed: n);
                bool cut = false;
                try
                {
                    next.Save(log);
                }
                catch (StorageException) when (flash.PowerLost)
                {
                    cut = true;
                }
                runs++;
                flash.PowerOn();
                Assert.True(HubSettings.TryLoad(RecordLog.Mount(flash, CertStore.MaxEntrySize), out var after), $"n={n}");
                if (!cut)
                {
                    Assert.Equal("other-hub.azure-devices.net", after.HostName);
                    break;
                }
                Assert.True(after.HostName == Good().HostName && after.Port == 8883
                    || after.HostName == next.HostName && after.Port == 18883, $"n={n}: {after.HostName}:{after.Port}");
                Assert.True(n < 1000);
            }
            Assert.True(runs > 2);
        }
    }
}
