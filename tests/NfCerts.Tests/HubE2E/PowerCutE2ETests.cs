using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Tests.Hub;
using NfCerts.Tests.Wifi;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.HubE2E
{
    /// <summary>A power cut while a C2D root CA notice arrives over the wire: cut at each flash write from its receipt on,
    /// the device boots again and, with the same notice in the twin as the README asks operators to send it, the rotation
    /// starts exactly once whether the cut fell before the save (C2D already acknowledged: the twin's copy is taken) or
    /// after it (resumed at boot).</summary>
    public sealed class PowerCutE2ETests
    {
        private readonly ITestOutputHelper _out;

        public PowerCutE2ETests(ITestOutputHelper output) => _out = output;

        [Fact]
        public async Task A_cut_before_or_after_the_notice_is_saved_loses_nothing_the_twin_also_carries()
        {
            int lost = 0, resumed = 0, runs = 0;
            bool completed = false;
            for (int n = 0; n < 40; n++)
            {
                await using E2eDevice e = await E2eDevice.CreateAsync();
                e.BootConnected();
                e.ReportedWhen(r => r["certificates"] is JsonObject, "the first report");
                runs++;
                e.D.Flash.ArmPowerCut(n, seed: 4000 + n);

                await RootCaNoticeE2ETests.SendNoticeAsync(e, HubDevice.Notice(4, WifiDevice.RootCa2.Pem));
                bool cut = e.Until(() => e.D.Flash.PowerCuts > 0 || E2eDevice.NoticeIs(e.ReportedAsync().GetAwaiter().GetResult(), "started", 4));
                Assert.True(cut, "neither a cut nor a start");
                e.D.Flash.Disarm();
                if (e.D.Flash.PowerCuts == 0)
                {
                    Assert.Equal(WifiDevice.RootCa2.Der, e.D.Runtime.Store!.GetCertificate("RootCA2"));
                    completed = true;
                    break;
                }
                Assert.True(e.Until(() => e.Hub.Hub.Counters.C2dCompleted == 1), "the C2D was not acknowledged");
                try
                {
                    e.PowerOff();
                }
                catch (Exception)
                {
                    // A runtime losing power mid-write may fail to stop cleanly; the board would simply be dark.
                }
                e.D.Flash.PowerOn();
                e.PowerOn();
                Assert.True(e.Until(() => e.Client.Status.Connected && e.Client.Status.PatchesAccepted > 0), "no report after the reboot: " + e.Client.Status.LastError);
                JsonObject? atBoot = E2eDevice.Notice(await e.ReportedAsync());
                bool resumedAtBoot = atBoot != null && (string?)atBoot["source"] == "boot" && (string?)atBoot["status"] == "started";
                // The operator's durable copy, as the README asks for it.
                await e.Hub.Hub.PatchDesiredAsync(E2eDevice.DeviceId,
                    new JsonObject { ["rootCaRollout"] = JsonNode.Parse(HubDevice.Notice(4, WifiDevice.RootCa2.Pem, type: false)) });

                JsonObject reported = e.ReportedWhen(r => r["rootCaRollout"] is JsonObject, $"the twin copy's answer (cut after write {n})");
                JsonObject notice = E2eDevice.Notice(reported)!;
                if (resumedAtBoot)
                {
                    resumed++;
                    Assert.Equal("ignored", (string)notice["status"]!);
                }
                else if ((string)notice["status"]! == "started")
                {
                    lost++;
                    Assert.Equal("twin", (string)notice["source"]!);
                }
                Assert.Equal(WifiDevice.RootCa2.Der, e.D.Runtime.Store!.GetCertificate("RootCA2"));
                Assert.True(e.D.Runtime.Wifi!.GetNetworkIdByConfigName("Network2") >= 0, $"no Network2 after the cut at write {n}");
                Assert.Equal(0, (await e.Hub.Hub.ListDevicesAsync()).Single().PendingC2d);
            }
            _out.WriteLine($"{runs} runs over the wire: C2D lost before the save in {lost} (taken from the twin), resumed at boot in {resumed} (the twin's copy then a repeat)");
            Assert.True(completed, "the flow never completed without a cut");
            Assert.True(lost > 0 && resumed > 0, "the cuts did not fall on both sides of the save");
        }
    }
}
