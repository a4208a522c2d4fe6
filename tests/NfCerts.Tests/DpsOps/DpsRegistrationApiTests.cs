using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Core.Provisioning;
using NfCerts.Emulators.Pki;
using NfCerts.Hal;
using NfCerts.Hal.Host.Hub;
using Xunit;

namespace NfCerts.Tests.DpsOps
{
    /// <summary>What a real device's registration over MQTT leaves in the operator API, and the emulator's throttling and
    /// outage switches as a device meets them.</summary>
    public sealed class DpsRegistrationApiTests : IClassFixture<DpsOpsFixture>
    {
        private readonly DpsOpsFixture _f;

        public DpsRegistrationApiTests(DpsOpsFixture f) => _f = f;

        /// <summary>Enrolls a group on a CA of its own (so that no other test's group matches its devices) and returns the CA.</summary>
        private async Task<DevCredential> Enroll(string group, string? status = null)
        {
            DevCredential ca = DevPki.Root("CN=" + group + " CA", DpsOpsFixture.From, DpsOpsFixture.To);
            ApiAnswer a = await _f.Send(HttpMethod.Put, "enrollmentGroups/" + group, DpsOpsFixture.Group(group, ca.Pem, status), ifMatch: "*");
            Assert.Equal(200, a.Status);
            return ca;
        }

        private async Task<JsonNode> Status() => (await _f.Send(HttpMethod.Get, "emulator/status", apiVersion: false)).Body!;

        [Fact]
        public async Task A_device_registered_over_MQTT_has_a_registration_state_and_can_connect_to_the_embedded_hub()
        {
            Assert.Equal(200, (await _f.Send(HttpMethod.Put, "enrollmentGroups/reg-group", DpsOpsFixture.Group("reg-group", _f.DeviceRoot.Pem), ifMatch: "*")).Status);
            DevCredential identity = _f.Device("reg-dev-1");
            DpsResult r = await Task.Run(() => _f.Register(identity));
            Assert.Equal(DpsOutcome.Assigned, r.Outcome);
            Assert.Equal("localhost", r.AssignedHub);

            ApiAnswer state = await _f.Send(HttpMethod.Get, "registrations/reg-dev-1");
            Assert.Equal(200, state.Status);
            Assert.Equal("reg-dev-1", (string?)state.Body!["registrationId"]);
            Assert.Equal("assigned", (string?)state.Body["status"]);
            Assert.Equal("localhost", (string?)state.Body["assignedHub"]);
            Assert.Equal("reg-dev-1", (string?)state.Body["deviceId"]);
            Assert.Equal("initialAssignment", (string?)state.Body["substatus"]);
            Assert.True(DateTimeOffset.Parse((string)state.Body["createdDateTimeUtc"]!) <= DateTimeOffset.Parse((string)state.Body["lastUpdatedDateTimeUtc"]!));
            Assert.Equal((string?)state.Body["etag"], state.Etag);

            ApiAnswer query = await _f.Send(HttpMethod.Post, "registrations/reg-group/query");
            Assert.Equal(200, query.Status);
            Assert.Contains(query.Body!.AsArray(), s => (string?)s!["registrationId"] == "reg-dev-1");
            Assert.Equal(404, (await _f.Send(HttpMethod.Post, "registrations/no-such-group/query")).Status);

            // DPS registered it in the embedded hub by CA, and the hub trusts the group's CA: the device connects.
            var device = Assert.Single(await _f.Server.EmbeddedHub!.Emulator.ListDevicesAsync(), d => d.DeviceId == "reg-dev-1");
            Assert.Equal("certificateAuthority", device.Authentication);
            using var hub = new MqttHubTransport();
            await Task.Run(() => hub.Connect(new HubConnectOptions
            {
                HostName = r.AssignedHub,
                Port = _f.Server.EmbeddedHub.Emulator.Port,
                DeviceId = r.DeviceId,
                ClientCertificate = identity.Der.Concat(_f.DeviceIssuing.Der).ToArray(),  // the group is on the root: send the issuing CA
                ClientKey = identity.Certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKey(),
                TrustedRoots = _f.Server.EmbeddedHub.Pki.Roots().Select(c => c.RawData).ToArray(),
                Timeout = TimeSpan.FromSeconds(30),
            }));
            Assert.True(hub.IsConnected);

            Assert.Equal(412, (await _f.Send(HttpMethod.Delete, "registrations/reg-dev-1", ifMatch: "not-the-etag")).Status);
            Assert.Equal(204, (await _f.Send(HttpMethod.Delete, "registrations/reg-dev-1", ifMatch: state.Etag)).Status);
            Assert.Equal(404, (await _f.Send(HttpMethod.Get, "registrations/reg-dev-1")).Status);
        }

        [Fact]
        public async Task A_device_of_a_disabled_group_and_one_of_another_CA_leave_refusals_in_their_registration_states()
        {
            DevCredential ca = await Enroll("off-group", "disabled");
            DpsResult disabled = await Task.Run(() => _f.Register(_f.Device("off-dev-1", ca)));
            Assert.Equal(DpsOutcome.Disabled, disabled.Outcome);
            JsonNode state = (await _f.Send(HttpMethod.Get, "registrations/off-dev-1")).Body!;
            Assert.Equal("disabled", (string?)state["status"]);
            Assert.Null(state["assignedHub"]);

            DpsResult stranger = await Task.Run(() => _f.Register(_f.Device("stranger-1", _f.OtherRoot)));
            Assert.Equal(DpsOutcome.Refused, stranger.Outcome);
            JsonNode failed = (await _f.Send(HttpMethod.Get, "registrations/stranger-1")).Body!;
            Assert.Equal("failed", (string?)failed["status"]);
            Assert.Equal(401002, (int?)failed["errorCode"]);
            Assert.Contains("no enrollment group's CA verifies the device chain", (string?)failed["errorMessage"]);
            await _f.Send(HttpMethod.Delete, "enrollmentGroups/off-group");
        }

        [Fact]
        public async Task Throttling_switched_on_through_the_API_answers_the_next_requests_429_and_the_device_waits_as_told()
        {
            DevCredential ca = await Enroll("throttle-group");
            long before = (long)(await Status())["counters"]!["throttled"]!;
            ApiAnswer on = await _f.Send(HttpMethod.Put, "emulator/throttle", new JsonObject { ["requests"] = 2, ["retryAfterSeconds"] = 2 }, apiVersion: false);
            Assert.Equal(200, on.Status);
            Assert.Equal(2, (int?)on.Body!["throttle"]!["requests"]);

            var pauses = new List<TimeSpan>();
            DpsResult r = await Task.Run(() => _f.Register(_f.Device("throttled-1", ca), pauses));

            Assert.Equal(DpsOutcome.Assigned, r.Outcome);
            JsonNode after = await Status();
            Assert.Equal(before + 2, (long)after["counters"]!["throttled"]!);
            Assert.Equal(0, (int)after["throttle"]!["requests"]!);
            Assert.Equal(0, (long)after["counters"]!["earlyPolls"]!);
            Assert.Equal(2, pauses.Count(p => p == TimeSpan.FromSeconds(2)));
            Assert.Equal(400, (await _f.Send(HttpMethod.Put, "emulator/throttle", new JsonObject { ["requests"] = -1 }, apiVersion: false)).Status);
        }

        [Fact]
        public async Task An_outage_switched_on_through_the_API_refuses_devices_until_it_is_switched_off()
        {
            DevCredential ca = await Enroll("outage-group");
            long before = (long)(await Status())["counters"]!["refusedConnections"]!;
            Assert.Equal(200, (await _f.Send(HttpMethod.Put, "emulator/outage", new JsonObject { ["down"] = true }, apiVersion: false)).Status);
            try
            {
                DpsResult down = await Task.Run(() => _f.Register(_f.Device("outage-dev-1", ca)));
                Assert.False(down.Succeeded);
                JsonNode status = await Status();
                Assert.True((bool)status["outage"]!);
                Assert.Equal(before + 1, (long)status["counters"]!["refusedConnections"]!);
                Assert.Equal(404, (await _f.Send(HttpMethod.Get, "registrations/outage-dev-1")).Status);
            }
            finally
            {
                Assert.Equal(200, (await _f.Send(HttpMethod.Put, "emulator/outage", new JsonObject { ["down"] = false }, apiVersion: false)).Status);
            }
            DpsResult up = await Task.Run(() => _f.Register(_f.Device("outage-dev-1", ca)));
            Assert.Equal(DpsOutcome.Assigned, up.Outcome);
        }
    }
}
