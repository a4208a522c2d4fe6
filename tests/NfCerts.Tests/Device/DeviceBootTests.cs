using System;
using System.IO;
using System.Linq;
using NfCerts.Core.Certificates;
using NfCerts.Core.Device;
using NfCerts.Core.Renewal;
using NfCerts.Core.Storage;
using NfCerts.Core.Wifi;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using NfCerts.Tests.Support;
using Xunit;

namespace NfCerts.Tests.Device
{
    /// <summary>No way into a boot loop (issue 9, finding 5): what cannot be read is kept untouched and reported, the device
    /// goes on in safe mode and tries again; only a new region is formatted.</summary>
    public class DeviceBootTests
    {
        [Fact]
        public void ProvisionedDeviceBootsConnectsAndRenewsThroughTheRuntime()
        {
            using var d = new HostDevice();
            d.Provision();
            d.Boot();
            d.Clock.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(DeviceState.Running, d.Runtime.State);
            Assert.Equal("Network1", d.ConnectedName);
            Assert.Empty(d.Runtime.GetFaults());
            Assert.Equal(7u, d.Runtime.DeviceSeed);
            d.Clock.Advance(TimeSpan.FromDays(33));
            Assert.Equal(1, d.Runtime.Renewal!.Status.Renewals);
            Assert.Equal("Network1", d.ConnectedName);
        }

        [Fact]
        public void ARenewalThatWaitedForNetwork1GoesOnWhenItConnectsNotAtTheNextDailyCheck()
        {
            using var d = new HostDevice();
            // Valid from yesterday to 8.5 hours from now: past two thirds of its life, due at boot.
            d.Provision(TimeSpan.FromMinutes(510));
            d.AccessPoint.GoDown();
            d.Boot();
            d.Clock.Advance(TimeSpan.FromMinutes(10));
            var status = d.Runtime.Renewal!.Status;
            Assert.Equal("", d.ConnectedName);
            Assert.Equal(0, d.Issuer.Calls);
            Assert.Contains("not connected to Network1", status.LastReason);
            DateTime dailyCheck = status.NextCheckUtc;
            Assert.True(dailyCheck > d.Clock.UtcNow, "no check scheduled: " + dailyCheck);

            d.AccessPoint.ComeBack();
            DateTime back = d.Clock.UtcNow;
            DateTime connected = DateTime.MinValue;
            d.Runtime.Connection!.Connected += (_, name) => { if (connected == DateTime.MinValue) connected = d.Clock.UtcNow; };
            while (d.Issuer.Calls == 0 && d.Clock.UtcNow < back + TimeSpan.FromHours(2))
            {
                d.Clock.Advance(TimeSpan.FromSeconds(10));
            }
            Assert.NotEqual(DateTime.MinValue, connected);
            Assert.Equal(1, d.Issuer.Calls);
            Assert.True(d.Issuer.CallTimes[0] < dailyCheck, "renewed at the daily check " + dailyCheck + ", not on connecting");
            Assert.InRange(d.Issuer.CallTimes[0], connected, connected + TimeSpan.FromSeconds(15));
            d.Clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(1, d.Runtime.Renewal.Status.Renewals);
            Assert.Equal("Network1", d.ConnectedName);
        }

        [Fact]
        public void FirstBootSealsTheDesktopPreparedKeyAndLeavesNoClearCopyOnFlash()
        {
            using var d = new HostDevice();
            Issued client = d.Provision(); // written by a vault without device key, as `nfcerts store install-client` does
            Assert.True(d.Flash.Snapshot().AsSpan().IndexOf(client.Pkcs8) >= 0, "the prepared image should hold the key in clear");
            d.Boot();
            d.Clock.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(KeyProtection.Sealed, d.Runtime.Store!.GetKeyProtection("ClientCert1"));
            Assert.False(d.HasFault(DeviceRuntime.KeysComponent, out _));
            Assert.Equal("Network1", d.ConnectedName); // the sealed key still authenticates
            Certificates.CertStoreSealingTests.AssertNoRunOf(d.Flash.Snapshot(), "client key", client.Pkcs8, client.Der);
        }

        [Fact]
        public void StockFirmwareWithoutDeviceKeyReportsItsClearKeys()
        {
            using var d = new HostDevice { Vault = new HostKeyVault() };
            d.Provision();
            d.Boot();
            d.Clock.Advance(TimeSpan.FromSeconds(30));
            Assert.True(d.HasFault(DeviceRuntime.KeysComponent, out DeviceFault fault));
            Assert.Contains("unsealed", fault.Message);
            Assert.Equal(KeyProtection.Unsealed, d.Runtime.Store!.GetKeyProtection("ClientCert1"));
            Assert.Equal("Network1", d.ConnectedName);
        }

        [Fact]
        public void AKeyTheVaultWillNotSealStaysPendingAndIsReported()
        {
            using var d = new HostDevice { Vault = new SealRefusingVault() };
            d.Provision();
            d.Boot();
            d.Clock.Advance(TimeSpan.FromSeconds(30));
            Assert.True(d.HasFault(DeviceRuntime.KeysComponent, out DeviceFault fault));
            Assert.Contains("could not be sealed", fault.Message);
            Assert.Equal(KeyProtection.PendingSeal, d.Runtime.Store!.GetKeyProtection("ClientCert1"));
            Assert.Equal("Network1", d.ConnectedName); // the clear key still authenticates
        }

        /// <summary>A vault with a device key whose sealing fails, as a native engine refusing a key would.</summary>
        private sealed class SealRefusingVault : IKeyVault
        {
            private readonly HostKeyVault _inner = new HostKeyVault(new byte[32]);
            public bool CanSealKeys => true;
            public byte[] SealPrivateKey(byte[] privateKey) => throw new KeyVaultException(KeyVaultError.Failed, "the engine refused the key");
            public byte[] UnsealPrivateKey(byte[] sealedKey) => _inner.UnsealPrivateKey(sealedKey);
            public byte[] Sha1(byte[] data, int offset, int count) => _inner.Sha1(data, offset, count);
            public byte[] Sha256(byte[] data, int offset, int count) => _inner.Sha256(data, offset, count);
            public bool KeyMatchesCertificate(byte[] certificate, byte[] privateKey) => _inner.KeyMatchesCertificate(certificate, privateKey);
            public byte[] DecryptPrivateKey(byte[] encryptedPkcs8, string password) => _inner.DecryptPrivateKey(encryptedPkcs8, password);
            public byte[] GenerateKey(KeyAlgorithm algorithm) => _inner.GenerateKey(algorithm);
            public byte[] CreateCertificateRequest(byte[] privateKey, string subject) => _inner.CreateCertificateRequest(privateKey, subject);
            public byte[] CreateCertificateRequest(byte[] privateKey, string subject, byte[]? attributes) => _inner.CreateCertificateRequest(privateKey, subject, attributes);
            public bool VerifySignature(byte[] certificate, byte[] data, byte[] signature) => _inner.VerifySignature(certificate, data, signature);
        }

        [Fact]
        public void ErasedRegionIsFormattedOnce()
        {
            using var d = new HostDevice();
            d.Boot();
            Assert.Equal(DeviceState.Running, d.Runtime.State);
            Assert.Empty(d.Runtime.GetFaults());
            RecordLog.Mount(d.Flash, CertStore.MaxEntrySize);
            long erases = d.Flash.TotalErases;
            d.Reboot();
            Assert.Equal(erases, d.Flash.TotalErases);
            Assert.Equal(DeviceState.Running, d.Runtime.State);
        }

        [Fact]
        public void FormatCutShortByPowerLossIsFinishedAtTheNextBoot()
        {
            using var d = new HostDevice();
            // The first boot's format lost power while it wrote the first sector header: a torn header, nothing else.
            var header = RecordLog.BuildSectorHeader(4096, 1, 1);
            var torn = header.Select((b, i) => i < 7 ? b : (byte)0xFF).ToArray();
            d.Flash.Program(0, torn, 0, torn.Length);
            d.Boot();
            Assert.Equal(DeviceState.Running, d.Runtime.State);
            RecordLog.Mount(d.Flash, CertStore.MaxEntrySize);
        }

        [Theory]
        [InlineData("foreign")]
        [InlineData("damaged")]
        public void RegionThatIsNotAStoreIsKeptUntouchedAndReported(string kind)
        {
            using var d = new HostDevice();
            if (kind == "foreign")
            {
                var junk = new byte[300];
                new Random(5).NextBytes(junk);
                d.Flash.Program(5 * 4096 + 100, junk, 0, junk.Length);
            }
            else
            {
                d.Provision();
                // Every sector header is damaged (bit rot, an outside writer): no sector reads as the store's.
                for (int s = 0; s < d.Flash.SectorCount; s++)
                {
                    d.Flash.Program(s * 4096 + 1, new byte[] { 0x00 }, 0, 1);
                }
            }
            var before = d.Flash.Snapshot();
            d.Boot();
            d.Clock.Advance(TimeSpan.FromHours(3));
            Assert.Equal(DeviceState.SafeMode, d.Runtime.State);
            Assert.True(d.HasFault(DeviceRuntime.StoreComponent, out var fault));
            Assert.Contains("kept untouched", fault.Message);
            Assert.True(fault.Count >= 3, "the mount was not retried hourly");
            Assert.Equal(before, d.Flash.Snapshot());
        }

        [Fact]
        public void StoreOfAnotherGeometryIsKeptUntouched()
        {
            string path = Path.Combine(Path.GetTempPath(), "nfcerts-geometry-" + Guid.NewGuid().ToString("N") + ".bin");
            try
            {
                using (var wide = NorFlash.CreateImage(path, 64 * 4096, 8192))
                {
                    RecordLog.Format(wide, CertStore.MaxEntrySize);
                }
                using var flash = NorFlash.OpenImage(path, 4096);
                var before = flash.Snapshot();
                using var d = new HostDevice(flash);
                d.Boot();
                Assert.Equal(DeviceState.SafeMode, d.Runtime.State);
                Assert.True(d.HasFault(DeviceRuntime.StoreComponent, out var fault));
                Assert.Contains("8192", fault.Message);
                Assert.Equal(before, flash.Snapshot());
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void StoreThatCannotBeReadIsRetriedUntilItReadsThenTheDeviceConnects()
        {
            using var d = new HostDevice();
            d.Provision();
            d.FlashPort.ReadErrors = true;
            d.Boot();
            Assert.Equal(DeviceState.SafeMode, d.Runtime.State);
            Assert.True(d.HasFault(DeviceRuntime.StoreComponent, out var fault));
            Assert.Contains("read error", fault.Message);
            Assert.Null(d.Runtime.Store);
            d.FlashPort.ReadErrors = false;
            d.Clock.Advance(d.Options.MountRetry + TimeSpan.FromSeconds(30));
            Assert.Equal(DeviceState.Running, d.Runtime.State);
            Assert.False(d.HasFault(DeviceRuntime.StoreComponent, out _));
            Assert.Equal("Network1", d.ConnectedName);
        }

        [Fact]
        public void FlashRegionThatCannotBeOpenedIsTriedAgain()
        {
            using var d = new HostDevice();
            d.Provision();
            d.OpenFailures = 1;
            d.Boot();
            Assert.Equal(DeviceState.SafeMode, d.Runtime.State);
            Assert.True(d.HasFault(DeviceRuntime.StoreComponent, out var fault));
            Assert.Contains("not mounted", fault.Message);
            d.Clock.Advance(d.Options.MountRetry + TimeSpan.FromSeconds(30));
            Assert.Equal(DeviceState.Running, d.Runtime.State);
            Assert.Equal("Network1", d.ConnectedName);
        }

        [Fact]
        public void UnusableOptionsDoNotStopTheBoot()
        {
            using var d = new HostDevice();
            d.Provision();
            d.Options.Renewal.Policy.RetryInitial = TimeSpan.Zero;
            d.Boot();
            Assert.Equal(DeviceState.SafeMode, d.Runtime.State);
            Assert.True(d.HasFault("runtime", out var fault));
            Assert.Contains("renewal policy", fault.Message);
        }

        [Fact]
        public void WifiConfigurationThatCannotBeReadIsKeptAndReported()
        {
            using var d = new HostDevice();
            d.Provision();
            var log = RecordLog.Mount(d.Flash, CertStore.MaxEntrySize);
            var t = log.Begin();
            t.Put(WifiConfig.LogKey, new byte[] { 99, 1, 2 });
            t.Commit();
            d.Boot();
            Assert.Equal(DeviceState.SafeMode, d.Runtime.State);
            Assert.True(d.HasFault(DeviceRuntime.WifiComponent, out var fault));
            Assert.Contains("kept untouched", fault.Message);
            Assert.True(RecordLog.Mount(d.Flash, CertStore.MaxEntrySize).TryGet(WifiConfig.LogKey, out var kept));
            Assert.Equal(new byte[] { 99, 1, 2 }, kept);
        }

        [Fact]
        public void CorruptJournalIsReportedAndTheDeviceRuns()
        {
            using var d = new HostDevice();
            d.Provision();
            var log = RecordLog.Mount(d.Flash, CertStore.MaxEntrySize);
            var t = log.Begin();
            t.Put(RenewalJournal.LogKey, new byte[] { 42 });
            t.Commit();
            d.Boot();
            d.Clock.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(DeviceState.Running, d.Runtime.State);
            Assert.True(d.HasFault("journal", out var fault));
            Assert.Contains(RenewalJournal.SetAsideKey, fault.Message);
            Assert.Equal("Network1", d.ConnectedName);
        }

        [Fact]
        public void WithoutAnIssuerTheClientFlowSaysSoAndTheRootFlowRuns()
        {
            using var d = new HostDevice(withIssuer: false);
            d.Provision();
            d.Boot();
            d.Clock.Advance(TimeSpan.FromDays(33));
            var engine = d.Runtime.Renewal!;
            Assert.Contains("no certificate issuer configured", engine.Status.LastReason);
            Assert.Equal(0, engine.Status.Renewals);
            engine.BeginRootCaRotation(Wifi.WifiDevice.RootCa2.Der);
            d.Authenticator.ChangeServerCertificate(Wifi.WifiDevice.Server2.WithKey);
            d.Radio.DropLink();
            d.Clock.Advance(TimeSpan.FromDays(2));
            Assert.Equal(RootRotationStep.Idle, engine.Journal.Root);
            Assert.Equal("root CA rotated", engine.Status.LastResult);
            Assert.Equal(Wifi.WifiDevice.RootCa2.Der, d.Runtime.Store!.GetCertificate("RootCA1"));
            Assert.Equal("Network1", d.ConnectedName);
        }

        [Fact]
        public void FaultsAreBoundedInNumberAndLength()
        {
            using var d = new HostDevice();
            d.Boot();
            d.Runtime.ReportFault("driver", new string('x', 70000));
            for (int i = 0; i < 20; i++)
            {
                d.Runtime.ReportFault("c" + i + "-with-a-name-longer-than-16", "m" + i);
            }
            var faults = d.Runtime.GetFaults();
            Assert.Equal(FaultList.MaxFaults, faults.Length);
            Assert.All(faults, f => Assert.InRange(f.Message.Length, 1, FaultList.MaxMessageChars));
            Assert.All(faults, f => Assert.InRange(f.Component.Length, 1, FaultList.MaxComponentChars));
            d.Runtime.ReportFault("driver", new string('y', 70000));
            Assert.True(d.HasFault("driver", out var driver));
            Assert.Equal(FaultList.MaxMessageChars, driver.Message.Length);
            Assert.EndsWith("...", driver.Message);
        }
    }
}
