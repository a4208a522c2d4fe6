using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Tests.Hub;
using NfCerts.Tests.Wifi;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.HubE2E
{
    /// <summary>Drops and emulator restarts (with its state file): the device comes back by itself, takes what changed while
    /// it was away from the full twin once, and gets a C2D queued meanwhile exactly once.</summary>
    public sealed class ReconnectE2ETests
    {
        private readonly ITestOutputHelper _out;

        public ReconnectE2ETests(ITestOutputHelper output) => _out = output;

        private const string C2dTopic = "devices/" + E2eDevice.DeviceId + "/messages/devicebound";

        [Fact]
        public async Task After_an_emulator_restart_the_device_reconnects_by_itself_and_the_time_is_printed()
        {
            await using E2eDevice e = await E2eDevice.CreateAsync(keepState: true);
            e.BootConnected();
            int connects = e.Client.Status.Connects;

            await e.Hub.RestartAsync();
            TimeSpan? took = e.RealPaced(() => e.Client.Status.Connects > connects && e.Client.Status.Connected);

            Assert.True(took.HasValue, "no reconnect: " + e.Client.Status.LastError);
            _out.WriteLine($"reconnect after emulator restart: {took!.Value.TotalSeconds:F2} s real time (listening again -> connected), "
                + $"{e.Client.Status.FailedAttempts} failed attempt(s), device backoff starts at {e.Client.InitialBackoff.TotalSeconds} s");
            Assert.True(e.HubSeesDevice());
        }

        [Fact]
        public async Task A_desired_change_made_during_a_drop_is_applied_once_from_the_full_twin()
        {
            await using E2eDevice e = await E2eDevice.CreateAsync();
            e.BootConnected();
            int connects = e.Client.Status.Connects;
            // Wi-Fi goes and the hub notices the dead connection; the device's clock stands still meanwhile, so it stays away.
            e.D.Radio.DropLink();
            await e.Hub.Hub.DisconnectDeviceAsync(E2eDevice.DeviceId);
            Assert.True(NfCerts.Tests.Contracts.RealTime.Eventually(() => !e.HubSeesDevice()), "the hub still sees the device");

            JsonObject twin = await e.Hub.Hub.PatchDesiredAsync(E2eDevice.DeviceId, new JsonObject { ["renewalPolicy"] = new JsonObject { ["threshold"] = "80%" } });
            int version = (int)twin["properties"]!["desired"]!["$version"]!;

            Assert.True(e.Until(() => e.Client.Status.Connects > connects && e.Client.Status.Connected), "no reconnect: " + e.Client.Status.LastError);
            JsonObject reported = e.ReportedWhen(r => r["renewalPolicy"] is JsonObject p && (int?)p["av"] == version, "the policy's answer");
            Assert.Equal(200, (int)reported["renewalPolicy"]!["ac"]!);
            // A later connect reads the same twin again and answers nothing new.
            await e.Hub.Hub.DisconnectDeviceAsync(E2eDevice.DeviceId);
            Assert.True(e.Until(() => e.Client.Status.Connects > connects + 1 && e.Client.Status.Connected), "no second reconnect");
            e.Idle(TimeSpan.FromMinutes(20));
            Assert.Single(e.LogWith("in  " + E2eDevice.DeviceId), l => l.Contains("\"renewalPolicy\""));
        }

        [Fact]
        public async Task A_notice_and_a_desired_change_made_while_the_device_is_off_across_a_restart_are_acted_on_once()
        {
            await using E2eDevice e = await E2eDevice.CreateAsync(keepState: true);
            e.BootConnected();
            e.PowerOff();
            await e.Hub.RestartAsync();
            await RootCaNoticeE2ETests.SendNoticeAsync(e, HubDevice.Notice(2, WifiDevice.RootCa2.Pem));
            JsonObject twin = await e.Hub.Hub.PatchDesiredAsync(E2eDevice.DeviceId, new JsonObject { ["renewalPolicy"] = new JsonObject { ["retry"] = "2h" } });
            int version = (int)twin["properties"]!["desired"]!["$version"]!;
            // The emulator restarts again with both kept in its state file.
            await e.Hub.RestartAsync();
            Assert.Equal(1, (await e.Hub.Hub.ListDevicesAsync()).Single().PendingC2d);

            e.PowerOn();

            JsonObject reported = e.ReportedWhen(r => E2eDevice.NoticeIs(r, "started", 2) && r["renewalPolicy"] is JsonObject p && (int?)p["av"] == version, "the notice and the policy");
            Assert.True(e.Until(() => (e.Hub.Hub.ListDevicesAsync().GetAwaiter().GetResult()).Single().PendingC2d == 0), "the C2D was not completed");
            // Another drop and reconnect: nothing is delivered or acted on again.
            int connects = e.Client.Status.Connects;
            await e.Hub.Hub.DisconnectDeviceAsync(E2eDevice.DeviceId);
            Assert.True(e.Until(() => e.Client.Status.Connects > connects && e.Client.Status.Connected), "no reconnect");
            e.Idle(TimeSpan.FromMinutes(20));
            Assert.Single(e.LogWith("out " + E2eDevice.DeviceId + " " + C2dTopic));
            JsonObject after = await e.ReportedAsync();
            Assert.True(E2eDevice.NoticeIs(after, "started", 2), after.ToJsonString());
            Assert.Equal(WifiDevice.RootCa2.Der, e.D.Runtime.Store!.GetCertificate("RootCA2"));
        }

        [Fact]
        public async Task The_wire_shows_one_C2D_notice_and_one_reported_document()
        {
            await using E2eDevice e = await E2eDevice.CreateAsync();
            e.BootConnected();

            await RootCaNoticeE2ETests.SendNoticeAsync(e, HubDevice.Notice(1, WifiDevice.RootCa2.Pem));
            e.ReportedWhen(r => E2eDevice.NoticeIs(r, "started", 1), "the notice started");

            string c2d = Assert.Single(e.LogWith("out " + E2eDevice.DeviceId + " " + C2dTopic));
            string patch = e.LogWith("in  " + E2eDevice.DeviceId + " $iothub/twin/PATCH/properties/reported/").Last(l => l.Contains("rootCaNotice"));
            _out.WriteLine(c2d);
            _out.WriteLine(patch);
            Assert.Contains("rootCaNotice", c2d);
            Assert.DoesNotContain("PRIVATE", patch);
        }
    }
}
