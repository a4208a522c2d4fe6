using System;
using System.Threading.Tasks;
using NfCerts.Core.Hub;
using NfCerts.Core.Provisioning;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.FirstBoot;

/// <summary>A power cut anywhere in the first boot (sealing the bootstrap key, the EST CA set, ClientCert1, the DPS
/// assignment with the hub settings, the journal and the twin's state) leaves a device that boots again and reaches its
/// hub with one identity, enrolled and registered at most once more.</summary>
public sealed class FirstBootPowerCutTests
{
    private readonly ITestOutputHelper _out;

    public FirstBootPowerCutTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public async Task ACutAtAnyFlashWriteOfTheFirstBootResumes()
    {
        await using var w = await FirstBootWorld.StartAsync();
        // How many flash operations a first boot takes up to its first accepted report.
        long total;
        using (var dry = new FirstBootDevice(w).Manufacture())
        {
            long before = dry.D.Flash.WriteOperations;
            dry.Boot();
            dry.WaitForHub("the dry run");
            total = dry.D.Flash.WriteOperations - before;
        }
        // Every operation when there are few; else evenly spread cuts, so the test stays within minutes under load.
        int stride = (int)Math.Max(1, total / 40);
        int runs = 0, cuts = 0;
        for (int n = 0; n < total; n += stride)
        {
            long issuedBefore = w.Est.Server.Log.ReadAll().Count;
            long registersBefore = w.Dps.Dps.Counters.RegisterRequests;
            using var d = new FirstBootDevice(w).Manufacture();
            d.D.Flash.ArmPowerCut(n, seed: 7000 + n);
            runs++;
            try
            {
                d.Boot();
            }
            catch (Exception)
            {
                // The runtime never throws; a cut inside Start leaves it in safe mode or half started, as a board would be.
            }
            Assert.True(d.Until(() => d.D.Flash.PowerCuts > 0 || (d.HubConnected && d.Runtime.Hub!.Status.PatchesAccepted > 0)),
                $"cut after {n} operations: neither a cut nor the hub");
            d.D.Flash.Disarm();
            if (d.D.Flash.PowerCuts > 0)
            {
                cuts++;
                d.PowerCycle();
            }
            HubClient hub = d.WaitForHub($"after a cut at operation {n}");
            Assert.Equal("CN=device-001", d.Runtime.Store!.GetCertificateSubjectName("ClientCert1"));
            DpsState state = DpsState.Load(d.Runtime.Log!);
            Assert.Equal(state.AssignedHub, hub.Settings.HostName);
            Assert.Equal(state.DeviceId, hub.Settings.DeviceId);
            Assert.Equal("", state.ReprovisionReason);
            Assert.InRange(w.Est.Server.Log.ReadAll().Count - issuedBefore, 1, 2);
            Assert.InRange(w.Dps.Dps.Counters.RegisterRequests - registersBefore, 1, 2);
        }
        _out.WriteLine($"first boot: {total} flash operations; {runs} runs with a cut armed every {stride} operation(s), {cuts} cuts fell");
        Assert.True(cuts >= runs - 1, "the cuts did not fall inside the first boot");
    }
}
