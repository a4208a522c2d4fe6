using System;
using System.Linq;
using System.Threading.Tasks;
using NfCerts.Core.Certificates;
using NfCerts.Core.Device;
using NfCerts.Core.Storage;
using NfCerts.Emulators.Pki;
using NfCerts.Emulators.World;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Demo
{
    /// <summary>The demo's observer judges the store it reads back (from flash, or from the running firmware): every committed certificate that changed
    /// between two read-backs is judged, even when ClientCert1 and RootCA1 both changed in between.</summary>
    public sealed class DemoObserverTests
    {
        /// <summary>A world without rollout and one device provisioned at the factory (off), watched by an observer.</summary>
        private sealed class Watched : IAsyncDisposable
        {
            public DemoWorld World = null!;
            public SimulatedRadio Radio = null!;
            public EmulatedDevice Device = null!;
            public readonly DemoResult Result = new();
            public DemoObserver Observer = null!;

            public static async Task<Watched> StartAsync()
            {
                Scenario plan = ScenarioFile.Parse(DemoScenarios.NoRollout, "plan.json");
                var w = new Watched { World = await DemoWorld.StartAsync(plan, ScenarioTimes.End(plan), RadiusKind.InProcess) };
                w.Radio = new SimulatedRadio(w.World.Clock);
                w.Device = new EmulatedDevice(w.World.Clock, w.Radio, new DeviceOptions(), w.World.HubPorts);
                w.World.ProvisionAtFactory(w.Device, 1);
                w.Observer = new DemoObserver(w.World, w.Device, w.Result, null);
                return w;
            }

            public async ValueTask DisposeAsync()
            {
                Device.Dispose();
                Radio.Dispose();
                await World.DisposeAsync();
            }
        }

        [Fact]
        public async Task A_renewal_and_a_root_change_between_two_read_backs_are_both_judged()
        {
            await using var w = await Watched.StartAsync();
            var (world, device, result, observer) = (w.World, w.Device, w.Result, w.Observer);
            DateTimeOffset from = world.Start.AddDays(-1), until = world.Start.AddDays(30);
            DevCredential Client(string cn) => DevPki.Client(world.Pki.EstRoot, "CN=" + cn, from, until);
            void Write(DevCredential client, byte[] root)
            {
                var store = new CertStore(RecordLog.Mount(device.Flash, CertStore.MaxEntrySize), device.Vault);
                store.InstallClientCertificate("ClientCert1", client.Der, DemoWorld.KeyDer(client), null);
                store.InstallRootCACertificate("RootCA1", root);
                world.Clock.Advance(TimeSpan.FromDays(1));
                observer.Sample();
            }

            Write(Client("device-001"), world.Pki.RadiusRoot1.Der);
            Assert.Empty(result.Breaches);

            // ClientCert1 replaced by a certificate EST never issued, and RootCA1 by the rolled-out RootCA2, in one read-back.
            Write(Client("not-from-est"), world.Pki.RadiusRoot2.Der);
            Assert.Single(result.Breaches, b => b.Contains("ClientCert1 was replaced by a certificate the EST server never issued", StringComparison.Ordinal));
            Assert.Equal(1, result.RootRotations);

            // Both replaced again by what nobody brought: both are breaches.
            DevCredential rogueRoot = DevPki.Root("CN=Rogue Root,O=Elsewhere", from, until);
            Write(Client("again-not-from-est"), rogueRoot.Der);
            Assert.Equal(3, result.Breaches.Count);
            Assert.Contains(result.Breaches, b => b.Contains("RootCA1 was replaced by a certificate nobody rolled out", StringComparison.Ordinal) && b.Contains("Rogue Root", StringComparison.Ordinal));
            Assert.Equal(2, result.Breaches.Count(b => b.Contains("ClientCert1 was replaced", StringComparison.Ordinal)));
        }

        [Fact]
        public async Task A_certificate_lost_from_a_running_devices_flash_is_a_breach_the_next_day()
        {
            await using var w = await Watched.StartAsync();
            var (world, device, result, observer) = (w.World, w.Device, w.Result, w.Observer);
            device.PowerOn(false);
            for (int day = 0; day < 3; day++)
            {
                world.Clock.Advance(TimeSpan.FromDays(1));
                observer.Sample();
            }
            Assert.Empty(result.Breaches);

            // The sector that holds RootCA1's record loses its contents under the running firmware.
            byte[] der = device.Runtime!.Store!.GetCertificate("RootCA1");
            int at = device.Flash.Snapshot().AsSpan().IndexOf(der);
            Assert.True(at >= 0, "RootCA1 is not on flash");
            device.Flash.EraseSector(at / device.Flash.SectorSize);
            world.Clock.Advance(TimeSpan.FromDays(1));
            observer.Sample();
            Assert.Contains(result.Breaches, b => b.Contains("lost certificate: RootCA1", StringComparison.Ordinal));
        }
    }
}
