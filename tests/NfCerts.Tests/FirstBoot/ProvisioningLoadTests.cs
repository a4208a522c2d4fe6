using System;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Core.Provisioning;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.FirstBoot;

/// <summary>A DPS that throttles or is down for a simulated day does not make the device hammer it: it retries on the
/// capped, jittered backoff, never sooner than retry-after, and says why once it reaches a hub.</summary>
public sealed class ProvisioningLoadTests
{
    private readonly ITestOutputHelper _out;

    public ProvisioningLoadTests(ITestOutputHelper output) => _out = output;

    /// <summary>With a 1 h cap and a jitter factor in [0.5, 1), a day holds at most 48 attempts at the cap plus the ramp.</summary>
    private const int MostInADay = 60;

    [Fact]
    public async Task ADayOfThrottlingCostsDpsAFewDozenRequestsAndTheReasonIsReportedAfterwards()
    {
        await using var w = await FirstBootWorld.StartAsync();
        using var d = new FirstBootDevice(w).Manufacture();
        w.Dps.Dps.Throttle(requests: 1_000_000, retryAfterSeconds: 120);
        d.Boot();

        TimeSpan end = d.D.Clock.Uptime + TimeSpan.FromDays(1);
        Assert.True(d.Until(() => d.D.Clock.Uptime >= end, TimeSpan.FromMinutes(1)), "the simulated day did not pass");
        var seen = w.Dps.Dps.Counters;
        _out.WriteLine($"a throttled day: {seen.RegisterRequests} register requests, {seen.Throttled} answered 429, {seen.Connections} connections");
        Assert.InRange(seen.RegisterRequests, 10, MostInADay);
        Assert.Equal(seen.RegisterRequests, seen.Throttled);
        Assert.Equal(0, seen.EarlyPolls);
        Assert.Null(d.Runtime.Hub);
        Assert.Contains("throttled", d.Runtime.Provisioning!.LastFailure);

        w.Dps.Dps.Throttle(0, 1);                                          // DPS recovers
        string host = d.WaitForHub("after the throttling").Settings.HostName;
        JsonObject reported = d.ReportedWhen(host, r => r["provisioning"] is JsonObject p && (string?)p["state"] == "assigned", "assigned");
        Assert.Contains("throttled", (string)reported["provisioning"]!["lastDpsFailure"]!);
        Assert.True((int)reported["provisioning"]!["dpsFailures"]! == 0);
        Assert.True(DpsState.Load(d.Runtime.Log!).LastFailureReported);
    }

    [Fact]
    public async Task ADayOfDpsOutageCostsAFewDozenAttempts()
    {
        await using var w = await FirstBootWorld.StartAsync();
        using var d = new FirstBootDevice(w).Manufacture();
        await w.Dps.StopDpsAsync();
        d.Boot();

        TimeSpan end = d.D.Clock.Uptime + TimeSpan.FromDays(1);
        Assert.True(d.Until(() => d.D.Clock.Uptime >= end, TimeSpan.FromMinutes(1)), "the simulated day did not pass");
        int attempts = d.Runtime.Provisioning!.Attempts;
        var state = DpsState.Load(d.Runtime.Log!);
        _out.WriteLine($"a day of outage: {attempts} attempts (1 EST enrollment + DPS), {state.Failures} DPS failures in a row");
        Assert.InRange(attempts, 10, MostInADay);
        Assert.Equal(attempts - 1, state.Failures);
        Assert.Contains("unavailable", state.LastFailure);
        Assert.Single(w.Est.Server.Log.ReadAll());                         // EST succeeded once and is not asked again
    }
}
