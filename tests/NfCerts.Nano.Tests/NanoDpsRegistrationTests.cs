using System;
using System.Threading;
using System.Threading.Tasks;
using NfCerts.Core.Provisioning;
using NfCerts.Emulators.Pki;
using NfCerts.Hal.Host;
using NfCerts.Hal.Nano;
using NfCerts.Tests.Dps;
using NfCerts.Tests.Tls;
using Xunit;

namespace NfCerts.Nano.Tests
{
    /// <summary>The core DPS client on the board's MQTT transport (M2Mqtt over the board's SslStream, stand-in) against the
    /// DPS emulator: a group enrollment on the device root needs the intermediate the transport presents.</summary>
    public sealed class NanoDpsRegistrationTests
    {
        private static DpsResult Register(DpsWorld w, DevCredential identity, byte[] chain)
        {
            using var clock = new SystemClock();
            var options = new DpsClientOptions { ReplyTimeout = TimeSpan.FromSeconds(15), TotalTimeout = TimeSpan.FromMinutes(2) };
            var mqtt = new NanoMqttTransport();
            try
            {
                var client = new DpsClient(mqtt, clock, span => Thread.Sleep(span), options);
                return client.Register("localhost", w.Dps.Port, w.Dps.IdScope, chain, TlsPki.KeyDer(identity), new[] { w.ServerRoot.Der });
            }
            finally
            {
                mqtt.Disconnect();
            }
        }

        [Fact]
        public async Task A_device_whose_chain_has_an_intermediate_is_assigned_a_hub_through_a_group_on_the_root()
        {
            await using var w = await DpsWorld.StartAsync();
            w.Dps.PutEnrollmentGroup("est-ca", w.DeviceRoot.Certificate);
            DevCredential identity = w.Device("nano-001");

            DpsResult r = Register(w, identity, TlsPki.Chain(identity, w.DeviceIssuing));

            Assert.Equal(DpsOutcome.Assigned, r.Outcome);
            Assert.Equal("nano-001", r.DeviceId);
            Assert.Contains(r.AssignedHub, new[] { DpsWorld.HubA, DpsWorld.HubB });
            Assert.Equal("assigned", w.Dps.GetRegistration("nano-001")!.Status);
        }

        [Fact]
        public async Task Without_the_intermediate_the_group_on_the_root_refuses_the_device()
        {
            await using var w = await DpsWorld.StartAsync();
            w.Dps.PutEnrollmentGroup("est-ca", w.DeviceRoot.Certificate);
            DevCredential identity = w.Device("nano-002");

            DpsResult r = Register(w, identity, identity.Der);

            Assert.Equal(DpsOutcome.Refused, r.Outcome);
            Assert.Contains("no enrollment group's CA verifies the device chain", r.Reason);
        }
    }
}
