using System;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Core.Renewal;
using NfCerts.Tests.Est.Month;
using Xunit;

namespace NfCerts.Tests.FirstBoot;

/// <summary>A fresh device whose synchronised clock is behind the EST CA's: the first boot's enrollment (bootstrap
/// credential, no certificate in use yet) takes a certificate that begins after the device's clock, once, and the device's
/// time moves forward; a certificate beginning days ahead is refused and retried on the longest backoff.</summary>
public sealed class FirstBootClockTests
{
    [Theory]
    [InlineData(10)]
    [InlineData(180)]
    public async Task A_first_boot_with_the_clock_behind_enrolls_once_and_reports_the_clock_moved_forward(int behindMinutes)
    {
        TimeSpan behind = TimeSpan.FromMinutes(behindMinutes);
        var time = new WorldTime();
        // No backdating: NotBefore is the server's now, after the device's clock.
        await using var w = await FirstBootWorld.StartAsync(backdate: TimeSpan.Zero, estClock: time);
        using var d = new FirstBootDevice(w).Manufacture();
        time.Clock = d.D.Clock;
        d.D.Clock.SetWallClock(d.D.Clock.TrueUtc - behind);

        d.Boot();
        string host = d.WaitForHub("first boot with the clock " + behindMinutes + " minutes behind").Settings.HostName;

        Assert.Single(w.Est.Server.Log.ReadAll());
        Assert.Equal(1, w.Est.Server.RequestCount("simpleenroll"));
        Assert.Equal(1, d.Runtime.Provisioning!.Enrollments);
        RenewalEngine engine = d.Runtime.Renewal!;
        Assert.True(d.Until(() => engine.Status.ClockLag > TimeSpan.Zero), "the clock judgement did not move");
        Assert.Equal(ClockTrust.Believed, engine.Status.Clock);
        Assert.InRange(engine.Status.ClockLag, behind - TimeSpan.FromMinutes(1), behind);
        JsonObject reported = d.ReportedWhen(host, r => r["renewal"]?["clockLagSeconds"] is JsonNode n && (long)n > 0, "the clock's lag");
        Assert.InRange((long)reported["renewal"]!["clockLagSeconds"]!, (long)behind.TotalSeconds - 60, (long)behind.TotalSeconds);
    }

    [Fact]
    public async Task A_first_boot_refuses_a_certificate_beginning_days_ahead_and_waits_the_longest_backoff_between_enrollments()
    {
        await using var w = await FirstBootWorld.StartAsync(backdate: -TimeSpan.FromDays(2));
        using var d = new FirstBootDevice(w).Manufacture();
        d.Boot();

        // Three simulated hours: with the 1 h cap, jittered to 30-60 minutes, at most 7 enrollments (the ramp from 30 s
        // would have made 8 in the first hour alone).
        TimeSpan end = d.D.Clock.Uptime + TimeSpan.FromHours(3);
        Assert.True(d.Until(() => d.D.Clock.Uptime >= end, TimeSpan.FromMinutes(1)), "the simulated hours did not pass");
        Assert.InRange(w.Est.Server.RequestCount("simpleenroll"), 3, 7);
        Assert.Contains("h after this device's clock, over the 24 h a clock may lag its CA", d.Runtime.Provisioning!.LastFailure);
        Assert.Equal("retrying", d.Runtime.Provisioning.State);
        Assert.False(d.Runtime.Store!.ContainsCertificate("ClientCert1"));
        Assert.True(d.Runtime.Store.ContainsCertificate("Bootstrap"));
    }
}
