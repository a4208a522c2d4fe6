using System;
using System.Threading;
using NfCerts.Core.Device;
using NfCerts.Core.Hub;
using Xunit;

namespace NfCerts.Tests.Device
{
    /// <summary>DPS moves the device to another hub: the runtime replaces its hub client all or nothing, and never holds
    /// its lock across the old client's disconnect.</summary>
    public class HubSwapTests
    {
        /// <summary>Generous bound for a step that must not wait for a hung disconnect (it takes milliseconds).</summary>
        private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

        [Fact]
        public void ASwapWhoseClientCannotBeBuiltLeavesTheOldClientOnItsHub()
        {
            using var s = new HubSwapDevice();
            HubClient a = s.BootOnHubA();
            // The first client for hub B cannot be built: the board's heap is exhausted at that moment.
            int builds = 0;
            s.Runtime.BeforeHubBuild = settings =>
            {
                if (builds++ == 0)
                {
                    throw new OutOfMemoryException("heap exhausted");
                }
            };

            s.ReprovisionTo(HubSwapDevice.HubB);
            s.D.Clock.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(1, builds);
            Assert.Same(a, s.Runtime.Hub);                        // nothing changed: the old client is still the device's
            Assert.True(a.Status.Connected, a.Status.LastError);
            Assert.True(s.D.HasFault(DeviceRuntime.HubComponent, out DeviceFault fault));
            Assert.Contains("could not be set up", fault.Message);

            // The next assignment builds: the device moves, and the old client is stopped.
            s.ReprovisionTo(HubSwapDevice.HubB);
            s.D.Clock.Advance(TimeSpan.FromSeconds(30));
            HubClient b = s.Runtime.Hub!;
            Assert.Equal(HubSwapDevice.HubB, b.Settings.HostName);
            Assert.True(b.Status.Connected, b.Status.LastError);
            Assert.False(a.Heartbeat.IsRunning);
            Assert.Equal(2, s.Dps.Publishes);
        }

        [Fact]
        public void OneRefusalAfterASwapIsOneRegistration()
        {
            using var s = new HubSwapDevice();
            s.BootOnHubA();
            s.ReprovisionTo(HubSwapDevice.HubB);
            s.D.Clock.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(HubSwapDevice.HubB, s.Runtime.Hub!.Settings.HostName);
            int registrations = s.Dps.Publishes;

            // Hub B forgets the device and drops it: the reconnect is refused once, DPS is asked once.
            s.Dps.Then("200", NfCerts.Tests.Dps.ScriptedDps.Assigned(HubSwapDevice.HubB));
            s.Hub.Registered.Clear();
            s.Hub.Drop();
            s.D.Clock.Advance(TimeSpan.FromSeconds(8));
            Assert.Equal(registrations + 1, s.Dps.Publishes);
        }

        [Fact]
        public void StopDoesNotWaitForTheOldClientsHungDisconnectAndWins()
        {
            using var s = new HubSwapDevice();
            s.BootOnHubA();
            int attempts = s.Hub.ConnectAttempts.Count;
            s.Hub.HangDisconnect = new ManualResetEventSlim(false);
            s.ReprovisionTo(HubSwapDevice.HubB);

            // The swap runs on the clock's thread and hangs in hub A's disconnect.
            var swap = new Worker(() => s.D.Clock.Advance(TimeSpan.FromSeconds(30)));
            Assert.True(s.Hub.DisconnectHanging.Wait(Bound), "the swap never disconnected the old client");

            // Meanwhile the runtime's other entry points answer: the supervisor's tick, the state, Stop.
            var others = new Worker(() =>
            {
                s.Runtime.Supervisor.CheckNow();
                Assert.Equal(DeviceState.Running, s.Runtime.State);
                s.Runtime.Stop();
            });
            bool answered = others.Join(Bound);
            s.Hub.HangDisconnect.Set();
            Assert.True(swap.Join(Bound), "the swap did not finish once the disconnect returned");
            Assert.True(answered, "Stop waited for the old client's disconnect");
            others.Finish();
            swap.Finish();

            // Stop came in the middle of the swap: nothing of it starts afterwards.
            Assert.Equal(DeviceState.Stopped, s.Runtime.State);
            Assert.Null(s.Runtime.Hub);
            s.D.Clock.Advance(TimeSpan.FromMinutes(10));
            Assert.Equal(attempts, s.Hub.ConnectAttempts.Count);
            Assert.False(s.Hub.IsConnected);
        }

        [Fact]
        public void TheSwapFinishesOnceTheHungDisconnectReturns()
        {
            using var s = new HubSwapDevice();
            HubClient a = s.BootOnHubA();
            s.Hub.HangDisconnect = new ManualResetEventSlim(false);
            s.ReprovisionTo(HubSwapDevice.HubB);

            var swap = new Worker(() => s.D.Clock.Advance(TimeSpan.FromSeconds(1)));
            Assert.True(s.Hub.DisconnectHanging.Wait(Bound), "the swap never disconnected the old client");
            // While A is being disconnected, B is the device's client but has not started: one transport, one client.
            HubClient? seen = s.Runtime.Hub;
            Assert.Equal(HubSwapDevice.HubB, seen?.Settings.HostName);
            Assert.False(seen!.Heartbeat.IsRunning);
            s.Hub.HangDisconnect.Set();
            Assert.True(swap.Join(Bound));
            swap.Finish();

            s.Hub.HangDisconnect = null;
            s.D.Clock.Advance(TimeSpan.FromSeconds(30));
            HubClient b = s.Runtime.Hub!;
            Assert.NotSame(a, b);
            Assert.True(b.Status.Connected, b.Status.LastError);
            Assert.False(a.Heartbeat.IsRunning);
            Assert.Equal(DeviceState.Running, s.Runtime.State);
        }
    }
}
