using System;
using System.Text;
using NfCerts.Core.Certificates;
using NfCerts.Core.Hub;
using NfCerts.Core.Storage;
using Xunit;

namespace NfCerts.Tests.Device
{
    /// <summary>The hub settings are written once per change: in the DPS assignment's own commit, and by the provisioning
    /// driver only when the store's settings are not the assignment's.</summary>
    public class HubSettingsWriteTests
    {
        [Fact]
        public void ARegistrationWritesTheHubSettingsOnceInTheAssignmentsCommit()
        {
            using var s = new HubSwapDevice();
            s.BootOnHubA();                                    // (the first boot seals the key: records move)
            var writes = new HubSettingsWrites(s.D);

            s.ReprovisionTo(HubSwapDevice.HubB);
            s.D.Clock.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(HubSwapDevice.HubB, s.Runtime.Hub!.Settings.HostName);
            Assert.Equal(1, writes.Count);
        }

        [Fact]
        public void AnAssignmentWithoutHubSettingsGetsThemOnceAndAnOrdinaryBootWritesNone()
        {
            using var s = new HubSwapDevice();
            s.BootOnHubA();                                    // (the first boot seals the key: records move)
            s.Runtime.Stop();
            // A store written before DPS kept the hub settings with the assignment: the assignment alone.
            HubSettings.Clear(RecordLog.Mount(s.D.Flash, CertStore.MaxEntrySize));
            var writes = new HubSettingsWrites(s.D);

            s.D.Reboot();
            s.D.Clock.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(HubSwapDevice.HubA, s.Runtime.Hub?.Settings.HostName);
            Assert.True(s.Runtime.Hub!.Status.Connected, s.Runtime.Hub.Status.LastError);
            Assert.Equal(1, writes.Count);
            Assert.Equal(0, s.Dps.Publishes);

            s.D.Reboot();
            s.D.Clock.Advance(TimeSpan.FromSeconds(30));
            Assert.True(s.Runtime.Hub!.Status.Connected, s.Runtime.Hub.Status.LastError);
            Assert.Equal(1, writes.Count);
        }

        /// <summary>Counts the records programmed with the hub settings' key (a record's header and key go in one program).</summary>
        private sealed class HubSettingsWrites
        {
            private static readonly byte[] Key = Encoding.ASCII.GetBytes(HubSettings.StoreKey);
            public int Count;

            public HubSettingsWrites(HostDevice d)
            {
                d.FlashPort.BeforeWrite = bytes =>
                {
                    if (bytes.AsSpan().IndexOf(Key) >= 0)
                    {
                        Count++;
                    }
                };
            }
        }
    }
}
