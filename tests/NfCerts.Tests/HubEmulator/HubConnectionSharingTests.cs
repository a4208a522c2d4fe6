using System.Linq;
using System.Threading.Tasks;
using NfCerts.Emulators.Hub;
using Xunit;

namespace NfCerts.Tests.HubEmulator
{
    /// <summary>The hub connections of many devices in one process share what they can (the roots they trust, parsed once)
    /// and let go of what they no longer need (the certificates a client sent, once CONNECT has judged them), without any
    /// connection depending on another.</summary>
    public sealed class HubConnectionSharingTests
    {
        [Fact]
        public async Task Devices_trusting_the_same_roots_keep_connecting_after_others_disconnect()
        {
            await using HubFixture hub = await HubFixture.StartAsync();
            HubDeviceCredential one = await hub.AddDeviceAsync("dev-1");
            HubDeviceCredential two = await hub.AddDeviceAsync("dev-2");
            using var second = new TransportProbe();
            using (var first = new TransportProbe())
            {
                first.Transport.Connect(hub.Options(one));
                second.Transport.Connect(hub.Options(two));
            }

            second.Transport.Disconnect();
            second.Transport.Connect(hub.Options(two));
            using var third = new TransportProbe();
            third.Transport.Connect(hub.Options(one));

            Assert.True(second.Transport.IsConnected);
            Assert.True(third.Transport.IsConnected);
            Assert.Equal(2, (await hub.Hub.ListDevicesAsync()).Count(d => d.Connected));
        }

        [Fact]
        public async Task A_device_registered_by_its_CA_is_authorized_on_every_connection()
        {
            await using HubFixture hub = await HubFixture.StartAsync();
            HubDeviceCredential device = await hub.AddDeviceAsync("dev-ca");
            using var probe = new TransportProbe();

            for (int i = 0; i < 3; i++)
            {
                probe.Transport.Connect(hub.Options(device));
                Assert.True(probe.Transport.IsConnected);
                probe.Transport.Disconnect();
            }

            HubCounters counters = hub.Hub.Counters;
            Assert.Equal((3L, 3L, 0L), (counters.Handshakes, counters.Connections, counters.Refusals));
        }
    }
}
