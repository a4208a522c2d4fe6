using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Core.Renewal;
using NfCerts.Tests.Hub;
using NfCerts.Tests.Wifi;
using Xunit;

namespace NfCerts.Tests.HubE2E
{
    /// <summary>Root CA notices from the hub to the device over real TLS and MQTT: C2D and twin, online and offline.</summary>
    public sealed class RootCaNoticeE2ETests
    {
        private static readonly Dictionary<string, string> NoticeType = new() { ["type"] = "rootCaNotice" };

        internal static Task SendNoticeAsync(E2eDevice e, string body)
            => e.Hub.Hub.SendC2dAsync(E2eDevice.DeviceId, Encoding.UTF8.GetBytes(body), NoticeType);

        [Fact]
        public async Task A_C2D_notice_through_the_hub_starts_the_rotation_and_is_reported_started()
        {
            await using E2eDevice e = await E2eDevice.CreateAsync();
            e.BootConnected();

            await SendNoticeAsync(e, HubDevice.Notice(1, WifiDevice.RootCa2.Pem));

            JsonObject reported = e.ReportedWhen(r => E2eDevice.NoticeIs(r, "started", 1), "the notice started");
            Assert.Equal("c2d", (string)E2eDevice.Notice(reported)!["source"]!);
            Assert.Equal(WifiDevice.RootCa2.Der, e.D.Runtime.Store!.GetCertificate("RootCA2"));
            Assert.True(e.D.Runtime.Wifi!.GetNetworkIdByConfigName("Network2") >= 0);
            Assert.Equal(RenewalState.WaitingForNetwork2, e.D.Runtime.Renewal!.Status.State);
            Assert.Equal("waitingForNetwork2", (string)reported["renewal"]!["state"]!);
            Assert.True(e.Until(() => e.Hub.Hub.Counters.C2dCompleted == 1), "the C2D message was not completed");
        }

        [Fact]
        public async Task A_rollout_set_in_the_twin_while_the_device_is_off_is_applied_on_reconnect_and_answered_with_ac_and_av()
        {
            await using E2eDevice e = await E2eDevice.CreateAsync();
            e.BootConnected();
            e.PowerOff();
            Assert.True(e.Until(() => !e.HubSeesDevice()), "the hub still sees the device");

            JsonObject twin = await e.Hub.Hub.PatchDesiredAsync(E2eDevice.DeviceId,
                new JsonObject { ["rootCaRollout"] = JsonNode.Parse(HubDevice.Notice(3, WifiDevice.RootCa2.Pem, type: false)) });
            int version = (int)twin["properties"]!["desired"]!["$version"]!;
            e.PowerOn();

            JsonObject reported = e.ReportedWhen(r => r["rootCaRollout"] is JsonObject, "the rollout's answer");
            JsonObject answer = reported["rootCaRollout"]!.AsObject();
            Assert.Equal(200, (int)answer["ac"]!);
            Assert.Equal(version, (int)answer["av"]!);
            Assert.Equal(3, (long)answer["value"]!["seq"]!);
            Assert.True(E2eDevice.NoticeIs(reported, "started", 3), reported.ToJsonString());
            Assert.Equal("twin", (string)E2eDevice.Notice(reported)!["source"]!);
            Assert.Equal(WifiDevice.RootCa2.Der, e.D.Runtime.Store!.GetCertificate("RootCA2"));
        }
    }
}
