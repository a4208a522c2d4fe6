using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Hal;
using NfCerts.Hal.Host.Hub;
using NfCerts.Tests.Contracts;
using Xunit;

namespace NfCerts.Tests.HubEmulator
{
    /// <summary>The host transport against the emulator over real TLS and MQTT on 127.0.0.1.</summary>
    public sealed class MqttHubTransportTests
    {
        [Fact]
        public async Task A_registered_device_connects_and_reads_its_twin_with_versions()
        {
            await using HubFixture hub = await HubFixture.StartAsync();
            HubDeviceCredential device = await hub.AddDeviceAsync("dev-1");
            await hub.Hub.PatchDesiredAsync("dev-1", new JsonObject { ["interval"] = 30 });
            using var probe = new TransportProbe();

            probe.Transport.Connect(hub.Options(device));

            Assert.True(probe.Transport.IsConnected);
            JsonObject twin = JsonNode.Parse(probe.Transport.GetTwin())!.AsObject();
            Assert.Equal(30, (int)twin["desired"]!["interval"]!);
            Assert.Equal(2, (int)twin["desired"]!["$version"]!);
            Assert.Equal(1, (int)twin["reported"]!["$version"]!);
            Assert.True((await hub.Hub.ListDevicesAsync()).Single().Connected);
        }

        [Fact]
        public async Task Reported_patches_return_the_new_version_and_reach_the_service_twin()
        {
            await using HubFixture hub = await HubFixture.StartAsync();
            HubDeviceCredential device = await hub.AddDeviceAsync("dev-1");
            using var probe = new TransportProbe();
            probe.Transport.Connect(hub.Options(device));

            int first = probe.Transport.PatchReported("{\"certs\":{\"ClientCert1\":{\"daysLeft\":300}},\"fw\":\"1.0\"}");
            int second = probe.Transport.PatchReported("{\"fw\":null,\"certs\":{\"ClientCert1\":{\"daysLeft\":299}}}");

            Assert.Equal(2, first);
            Assert.Equal(3, second);
            JsonObject reported = (await hub.Hub.GetTwinAsync("dev-1"))["properties"]!["reported"]!.AsObject();
            Assert.Equal(299, (int)reported["certs"]!["ClientCert1"]!["daysLeft"]!);
            Assert.False(reported.ContainsKey("fw"));
            Assert.Equal(3, (int)reported["$version"]!);
        }

        [Fact]
        public async Task A_throttled_twin_request_fails_with_the_status_and_the_next_succeeds()
        {
            await using HubFixture hub = await HubFixture.StartAsync();
            HubDeviceCredential device = await hub.AddDeviceAsync("dev-1");
            using var probe = new TransportProbe();
            probe.Transport.Connect(hub.Options(device));
            hub.Hub.FailNextTwinRequests(429, 2);

            var get = Assert.Throws<HubException>(() => probe.Transport.GetTwin());
            var patch = Assert.Throws<HubException>(() => probe.Transport.PatchReported("{\"a\":1}"));

            Assert.Equal((HubFailure.Status, 429), (get.Failure, get.Status));
            Assert.Equal((HubFailure.Status, 429), (patch.Failure, patch.Status));
            Assert.Equal(2, probe.Transport.PatchReported("{\"a\":1}"));
        }

        [Fact]
        public async Task A_desired_patch_is_pushed_to_the_connected_device_with_its_version()
        {
            await using HubFixture hub = await HubFixture.StartAsync();
            HubDeviceCredential device = await hub.AddDeviceAsync("dev-1");
            using var probe = new TransportProbe();
            probe.Transport.Connect(hub.Options(device));

            await hub.Hub.PatchDesiredAsync("dev-1", new JsonObject { ["renewal"] = new JsonObject { ["threshold"] = "80%" } });

            (string Json, int Version) patch = default;
            Assert.True(RealTime.Eventually(() => probe.Desired.TryDequeue(out patch)));
            Assert.Equal(2, patch.Version);
            JsonObject body = JsonNode.Parse(patch.Json!)!.AsObject();
            Assert.Equal("80%", (string)body["renewal"]!["threshold"]!);
            Assert.Equal(2, (int)body["$version"]!);
        }

        [Fact]
        public async Task A_C2D_message_arrives_with_its_body_and_property_bag()
        {
            await using HubFixture hub = await HubFixture.StartAsync();
            HubDeviceCredential device = await hub.AddDeviceAsync("dev-1");
            using var probe = new TransportProbe();
            probe.Transport.Connect(hub.Options(device));

            await hub.Hub.SendC2dAsync("dev-1", Encoding.UTF8.GetBytes("{\"type\":\"rootCa\",\"seq\":7}"),
                new Dictionary<string, string> { ["type"] = "root-ca notice", ["seq"] = "7" });

            HubMessage message = probe.NextMessage();
            Assert.Equal("{\"type\":\"rootCa\",\"seq\":7}", TransportProbe.Text(message));
            Dictionary<string, string> bag = HubTopics.ParseQuery(message.Properties);
            Assert.Equal("root-ca notice", bag["type"]);
            Assert.Equal("7", bag["seq"]);
            Assert.Equal("/devices/dev-1/messages/deviceBound", bag["$.to"]);
            Assert.True(RealTime.Eventually(() => hub.Hub.Counters.C2dCompleted == 1), "the hub saw no acknowledgement");
            Assert.Equal(0, (await hub.Hub.ListDevicesAsync()).Single().PendingC2d);
        }

        [Fact]
        public async Task A_direct_method_round_trips_and_an_offline_device_gives_404()
        {
            await using HubFixture hub = await HubFixture.StartAsync();
            HubDeviceCredential device = await hub.AddDeviceAsync("dev-1");
            using var probe = new TransportProbe();
            var offline = await Assert.ThrowsAsync<NfCerts.Emulators.Hub.HubServiceException>(
                () => hub.Hub.InvokeMethodAsync("dev-1", "reboot", null, TimeSpan.FromSeconds(5)));
            probe.Transport.Connect(hub.Options(device));

            var result = await hub.Hub.InvokeMethodAsync("dev-1", "getHealth", new JsonObject { ["verbose"] = true }, TimeSpan.FromSeconds(20));

            Assert.Equal(404, offline.Status);
            Assert.Equal(200, result.Status);
            Assert.True((bool)result.Payload!["echo"]!["verbose"]!);
            Assert.Equal("getHealth {\"verbose\":true}", probe.Methods.Single());
        }

        [Fact]
        public async Task A_method_the_device_does_not_answer_in_time_gives_504()
        {
            await using HubFixture hub = await HubFixture.StartAsync();
            HubDeviceCredential device = await hub.AddDeviceAsync("dev-1");
            using var transport = new MqttHubTransport();
            var release = new System.Threading.ManualResetEventSlim();
            transport.MethodCalled += (_, call) => release.Wait(TimeSpan.FromSeconds(30));
            transport.Connect(hub.Options(device));

            var timedOut = await Assert.ThrowsAsync<NfCerts.Emulators.Hub.HubServiceException>(
                () => hub.Hub.InvokeMethodAsync("dev-1", "slow", null, TimeSpan.FromSeconds(1)));
            release.Set();

            Assert.Equal(504, timedOut.Status);
        }

        [Fact]
        public async Task A_second_connection_with_the_same_device_ID_drops_the_first()
        {
            await using HubFixture hub = await HubFixture.StartAsync();
            HubDeviceCredential device = await hub.AddDeviceAsync("dev-1");
            using var first = new TransportProbe();
            using var second = new TransportProbe();
            first.Transport.Connect(hub.Options(device));

            second.Transport.Connect(hub.Options(device));

            Assert.True(RealTime.Eventually(() => !first.Disconnects.IsEmpty), "the first connection was not dropped");
            Assert.False(first.Transport.IsConnected);
            Assert.True(second.Transport.IsConnected);
            Assert.Equal(1, second.Transport.PatchReported("{}") - 1);
            Assert.True((await hub.Hub.ListDevicesAsync()).Single().Connected);
        }

        [Fact]
        public async Task A_certificate_whose_CN_is_not_the_device_ID_is_refused_not_authorized()
        {
            await using HubFixture hub = await HubFixture.StartAsync();
            await hub.AddDeviceAsync("dev-1");
            HubDeviceCredential impostor = await hub.AddDeviceAsync("dev-1", cn: "dev-2", register: false);
            using var probe = new TransportProbe();

            var refused = Assert.Throws<HubException>(() => probe.Transport.Connect(hub.Options(impostor)));

            Assert.Equal(HubFailure.Refused, refused.Failure);
            Assert.Equal((int)MQTTnet.MqttClientConnectResultCode.NotAuthorized, refused.Status);
            Assert.Contains(hub.Log, l => l.Contains("refused dev-1") && l.Contains("CN 'dev-2'"));
            Assert.False(probe.Transport.IsConnected);
        }

        [Fact]
        public async Task An_unregistered_device_is_refused_and_a_thumbprint_device_needs_its_own_certificate()
        {
            await using HubFixture hub = await HubFixture.StartAsync();
            HubDeviceCredential stranger = await hub.AddDeviceAsync("stranger", register: false);
            HubDeviceCredential pinned = await hub.AddDeviceAsync("pinned", byThumbprint: true);
            HubDeviceCredential other = await hub.AddDeviceAsync("pinned", byThumbprint: true, register: false);
            using var probe = new TransportProbe();

            var unregistered = Assert.Throws<HubException>(() => probe.Transport.Connect(hub.Options(stranger)));
            var wrongThumbprint = Assert.Throws<HubException>(() => probe.Transport.Connect(hub.Options(other)));
            probe.Transport.Connect(hub.Options(pinned));

            Assert.Equal(HubFailure.Refused, unregistered.Failure);
            Assert.Equal(HubFailure.Refused, wrongThumbprint.Failure);
            Assert.True(probe.Transport.IsConnected);
            Assert.Equal(2, hub.Hub.Counters.Refusals);
        }

        [Fact]
        public async Task A_C2D_message_sent_while_the_device_is_offline_is_delivered_when_it_comes_back()
        {
            await using HubFixture hub = await HubFixture.StartAsync();
            HubDeviceCredential device = await hub.AddDeviceAsync("dev-1");
            using (var before = new TransportProbe())
            {
                before.Transport.Connect(hub.Options(device));
                before.Transport.Disconnect();
            }

            await hub.Hub.SendC2dAsync("dev-1", Encoding.UTF8.GetBytes("while you were away"));
            Assert.Equal(1, (await hub.Hub.ListDevicesAsync()).Single().PendingC2d);
            using var after = new TransportProbe();
            after.Transport.Connect(hub.Options(device));

            Assert.Equal("while you were away", TransportProbe.Text(after.NextMessage()));
            Assert.True(RealTime.Eventually(() => hub.Hub.Counters.C2dCompleted == 1));
        }

        [Fact]
        public async Task A_restarted_emulator_with_a_state_file_keeps_the_twin_and_the_C2D_queue()
        {
            await using HubFixture hub = await HubFixture.StartAsync(keepState: true);
            HubDeviceCredential device = await hub.AddDeviceAsync("dev-1");
            using var probe = new TransportProbe();
            probe.Transport.Connect(hub.Options(device));
            probe.Transport.PatchReported("{\"fw\":\"1.2\"}");
            probe.Transport.Disconnect();
            await hub.Hub.PatchDesiredAsync("dev-1", new JsonObject { ["interval"] = 60 });
            await hub.Hub.SendC2dAsync("dev-1", Encoding.UTF8.GetBytes("kept"));

            await hub.RestartAsync();
            probe.Transport.Connect(hub.Options(device));

            Assert.Equal("kept", TransportProbe.Text(probe.NextMessage()));
            JsonObject twin = JsonNode.Parse(probe.Transport.GetTwin())!.AsObject();
            Assert.Equal("1.2", (string)twin["reported"]!["fw"]!);
            Assert.Equal(2, (int)twin["reported"]!["$version"]!);
            Assert.Equal(60, (int)twin["desired"]!["interval"]!);
            Assert.Equal(2, (int)twin["desired"]!["$version"]!);
        }

        [Fact]
        public async Task An_unexpected_drop_raises_Disconnected_and_requests_fail_not_connected()
        {
            await using HubFixture hub = await HubFixture.StartAsync();
            HubDeviceCredential device = await hub.AddDeviceAsync("dev-1");
            using var probe = new TransportProbe();
            probe.Transport.Connect(hub.Options(device));

            await hub.Hub.DisconnectDeviceAsync("dev-1");

            Assert.True(RealTime.Eventually(() => !probe.Disconnects.IsEmpty));
            Assert.False(probe.Transport.IsConnected);
            Assert.Equal(HubFailure.NotConnected, Assert.Throws<HubException>(() => probe.Transport.GetTwin()).Failure);
            probe.Transport.Connect(hub.Options(device));
            Assert.True(probe.Transport.IsConnected);
        }

        [Fact]
        public void The_username_carries_the_api_version_and_the_model_id()
        {
            var options = new HubConnectOptions { HostName = "contoso.azure-devices.net", DeviceId = "dev-1" };
            Assert.Equal("contoso.azure-devices.net/dev-1/?api-version=2021-04-12", MqttHubTransport.UserName(options));
            options.ModelId = "dtmi:nfcerts:device;1";
            Assert.Equal("contoso.azure-devices.net/dev-1/?api-version=2021-04-12&model-id=dtmi%3Anfcerts%3Adevice%3B1", MqttHubTransport.UserName(options));
        }
    }
}
