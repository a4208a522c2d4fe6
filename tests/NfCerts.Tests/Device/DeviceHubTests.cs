using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Device;
using NfCerts.Core.Hub;
using NfCerts.Core.Storage;
using NfCerts.Tests.Hub;
using NfCerts.Tests.Support;
using Xunit;

namespace NfCerts.Tests.Device
{
    /// <summary>The device's own wiring of the hub client: after Wi-Fi, with the store's settings, ClientCert1 and trust.</summary>
    public class DeviceHubTests
    {
        private static readonly Issued ServerRoot = TestPki.Root("Device Hub Server Root");

        private static (HostDevice, TestHub) Provisioned(bool withSettings = true)
        {
            var d = new HostDevice();
            var client = d.Provision();
            var log = RecordLog.Mount(d.Flash, CertStore.MaxEntrySize);
            if (withSettings)
            {
                new HubSettings { HostName = "hub.example.net", DeviceId = "device-001" }.Save(log);
            }
            new HubTrust(log).AddRoot(ServerRoot.Der);
            var hub = new TestHub(d.Clock, client.Der, ServerRoot.Der);
            d.Hub = hub;
            return (d, hub);
        }

        [Fact]
        public void TheDeviceReachesItsHubAfterWifiAndLetsGoOnStop()
        {
            var (d, hub) = Provisioned();
            using (d)
            {
                var runtime = d.Boot();
                d.Clock.Advance(TimeSpan.FromSeconds(30));
                Assert.Equal("Network1", d.ConnectedName);
                Assert.NotNull(runtime.Hub);
                Assert.True(runtime.Hub!.Status.Connected, runtime.Hub.Status.LastError);
                Assert.Equal(1, hub.TwinGets);
                Assert.Equal(0, runtime.Supervisor.GetRestartCount("hub"));
                runtime.Stop();
                Assert.False(hub.IsConnected);
            }
        }

        [Fact]
        public void WifiLostAndBackBringsTheHubBackWithAFreshTwin()
        {
            var (d, hub) = Provisioned();
            using (d)
            {
                var runtime = d.Boot();
                d.Clock.Advance(TimeSpan.FromSeconds(30));
                Assert.True(runtime.Hub!.Status.Connected);
                d.Radio.DropLink();
                hub.Drop("keep-alive timeout");
                d.Clock.Advance(TimeSpan.FromMinutes(2));
                Assert.Equal("Network1", d.ConnectedName);
                Assert.True(runtime.Hub.Status.Connected, runtime.Hub.Status.LastError);
                Assert.Equal(2, hub.TwinGets);
            }
        }

        [Fact]
        public void WithoutHubSettingsThereIsNoHubClientAndNoFault()
        {
            var (d, hub) = Provisioned(withSettings: false);
            using (d)
            {
                var runtime = d.Boot();
                d.Clock.Advance(TimeSpan.FromSeconds(30));
                Assert.Null(runtime.Hub);
                Assert.Empty(hub.ConnectAttempts);
                Assert.False(d.HasFault(DeviceRuntime.HubComponent, out _));
            }
        }

        [Fact]
        public void TheHandlersFactoryGivesTheRuntimesHandlersToTheClient()
        {
            var (d, hub) = Provisioned();
            using (d)
            {
                var handlers = new CountingHandlers();
                DeviceRuntime? seen = null;
                d.Options.HubHandlers = r => { seen = r; return handlers; };
                var runtime = d.Boot();
                d.Clock.Advance(TimeSpan.FromSeconds(30));
                Assert.Same(runtime, seen);
                Assert.Single(handlers.Twins);
                Assert.Equal("{\"events\":1}", Assert.Single(hub.AcceptedPatches));
            }
        }

        [Fact]
        public void AHubClientWhoseTimerDiedIsRestartedByTheSupervisor()
        {
            var (d, hub) = Provisioned();
            using (d)
            {
                var runtime = d.Boot();
                d.Clock.Advance(TimeSpan.FromSeconds(30));
                Assert.True(runtime.Hub!.Status.Connected);
                // The hub drops the device and the reconnect timer cannot be started (out of native timers).
                d.Timers.FailNext = 1;
                hub.Drop();
                d.Clock.Advance(TimeSpan.FromMinutes(40));
                Assert.Equal(1, runtime.Supervisor.GetRestartCount("hub"));
                Assert.True(runtime.Hub.Status.Connected, runtime.Hub.Status.LastError);
            }
        }
    }
}
