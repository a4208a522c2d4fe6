using System;
using System.Threading.Tasks;
using NfCerts.Core.Provisioning;
using NfCerts.Core.Storage;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Dps;

/// <summary>What a misbehaving DPS answers is refused and the old assignment is kept; what a device keeps survives power cuts.</summary>
public sealed class DpsHostileAnswerTests
{
    public static TheoryData<string, string, string> Hostile => new()
    {
        { "200", "{\"operationId\":\"op1\",\"status\":\"assigned\",", "malformed JSON" },
        { "200", "{\"operationId\":\"op1\",\"status\":\"wonderful\",\"registrationState\":{\"status\":\"wonderful\"}}", "unknown operation status" },
        { "200", "{\"operationId\":\"op1\",\"status\":\"assigned\",\"registrationState\":{\"status\":\"assigned\",\"deviceId\":\"device-001\"}}", "missing 'assignedHub'" },
        { "200", ScriptedDps.Assigned("evil.example.com/../x"), "is not a host name" },
        { "200", ScriptedDps.Assigned("https://hub.example.com"), "is not a host name" },
        { "200", ScriptedDps.Assigned("hub.example.com", deviceId: "dev ice"), "not a valid IoT Hub device ID" },
        { "200", ScriptedDps.Assigned("hub.example.com", op: "other"), "operationId changed" },
        { "200", "{\"operationId\":\"op1\",\"status\":\"assigned\",\"status\":\"failed\"}", "duplicate member" },
        { "200", "{\"operationId\":\"op1\",\"status\":\"assigned\",\"registrationState\":{\"status\":\"failed\"}}", "differs from operation status" },
        { "200", "[1,2,3]", "not an object" },
        { "200", "{\"a\":" + new string('[', 20) + new string(']', 20) + "}", "nested deeper" },
        { "200", "{\"operationId\":\"" + new string('x', 5000) + "\"}", "over the 4096-byte limit" },
        { "202", "{\"operationId\":\"op1/#\",\"status\":\"assigning\"}", "operationId is longer" },
        { "302", "{}", "DPS answered 302" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void AHostileAnswerIsRefusedAndTheOldAssignmentKept(string status, string body, string why)
    {
        using var w = new StoredDevice();
        w.Assign("hub-old.example.com");
        var dps = new ScriptedDps();
        if (status == "200")
        {
            dps.Then("202", ScriptedDps.Assigning);
        }
        dps.Then(status, body);
        var p = w.Provisioner(dps);
        p.RequestReprovision("operator asked");

        DpsResult r = p.Run();

        Assert.False(r.Succeeded);
        Assert.Contains(why, r.Reason);
        Assert.Equal("hub-old.example.com", p.State.AssignedHub);
        var reloaded = DpsState.Load(w.Log);
        Assert.Equal("hub-old.example.com", reloaded.AssignedHub);
        Assert.Equal("operator asked", reloaded.ReprovisionReason);
        Assert.Equal(1, reloaded.Failures);
    }

    [Fact]
    public void ADpsThatNeverFinishesIsPolledAtMostTheCap()
    {
        using var w = new StoredDevice();
        var dps = new ScriptedDps();
        for (int i = 0; i < 50; i++)
        {
            dps.Then("202", ScriptedDps.Assigning);
        }
        w.Options.MaxRequests = 5;
        DpsResult r = w.Provisioner(dps).Run();
        Assert.Equal(DpsOutcome.Timeout, r.Outcome);
        Assert.Equal(5, dps.Publishes);
        Assert.Equal(4, w.Pauses.Count);
        Assert.All(w.Pauses, x => Assert.Equal(TimeSpan.FromSeconds(1), x));
        Assert.StartsWith("$dps/registrations/PUT/iotdps-register/?$rid=", dps.Topics[0]);
        Assert.StartsWith("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=", dps.Topics[1]);
        Assert.EndsWith("&operationId=op1", dps.Topics[1]);
    }

    [Fact]
    public void ADroppedConnectionOrSilenceIsAFailureNotAHang()
    {
        using var w = new StoredDevice();
        w.Options.ReplyTimeout = TimeSpan.FromSeconds(1);
        Assert.Equal(DpsOutcome.Unavailable, w.Provisioner(new ScriptedDps().Then("drop", "")).Run().Outcome);
        Assert.Equal(DpsOutcome.Timeout, w.Provisioner(new ScriptedDps()).Run().Outcome);
    }

    [Fact]
    public void AGoodAnswerReplacesTheAssignmentAndAPowerCutWhileSavingKeepsOldOrNew()
    {
        for (int n = 0; ; n++)
        {
            using var w = new StoredDevice();
            w.Assign("hub-old.example.com");
            var p = w.Provisioner(new ScriptedDps().Then("202", ScriptedDps.Assigning).Then("200", ScriptedDps.Assigned("hub-new.example.com")));
            p.RequestReprovision("hub refused the device");
            w.Flash.ArmPowerCut(n, seed: n);
            bool cut = false;
            try
            {
                p.Run();
            }
            catch (Exception e) when (e is FlashException || e is StorageException)
            {
                cut = true;
            }
            w.Flash.Disarm();
            w.Reboot();
            var s = DpsState.Load(w.Log);
            Assert.True(s.AssignedHub == "hub-old.example.com" || s.AssignedHub == "hub-new.example.com", $"n={n}: '{s.AssignedHub}'");
            if (s.AssignedHub == "hub-old.example.com")
            {
                Assert.Equal("hub refused the device", s.ReprovisionReason);
            }
            else
            {
                Assert.Equal("", s.ReprovisionReason);
                Assert.Equal(0, s.Failures);
            }
            if (!cut)
            {
                Assert.Equal("hub-new.example.com", s.AssignedHub);
                return;
            }
        }
    }

    [Theory]
    [InlineData("", "", "device-001", DpsDecision.Provision, "first provisioning")]
    [InlineData("hub.example.com", "", "device-001", DpsDecision.UseAssignment, "assigned to hub.example.com")]
    [InlineData("hub.example.com", "hub refused the device", "device-001", DpsDecision.Provision, "reprovision asked: hub refused")]
    [InlineData("hub.example.com", "operator asked", "device-001", DpsDecision.Provision, "operator asked")]
    [InlineData("hub.example.com", "", "device-002", DpsDecision.Provision, "identity changed")]
    public void ReprovisionDecisions(string hub, string asked, string currentId, DpsDecision expected, string why)
    {
        var s = new DpsState { AssignedHub = hub, DeviceId = hub.Length > 0 ? "device-001" : "", RegistrationId = hub.Length > 0 ? "device-001" : "" };
        s.ReprovisionReason = asked;
        Assert.Equal(expected, ReprovisionPolicy.Decide(s, currentId, out string reason));
        Assert.Contains(why, reason);
    }

    [Theory]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    [InlineData(false, false, false)]
    public void OnlyARefusalOrAnUnknownDeviceAtTheHubAsksForAReprovision(bool refused, bool unknown, bool expected)
        => Assert.Equal(expected, ReprovisionPolicy.HubAsksReprovision(refused, unknown));

    [Fact]
    public void BackoffDoublesToItsCapWithJitterAndNeverUndercutsRetryAfter()
    {
        var initial = TimeSpan.FromSeconds(30);
        var max = TimeSpan.FromHours(1);
        Assert.Equal(TimeSpan.Zero, DpsBackoff.After(0, initial, max, 7, TimeSpan.Zero));
        for (int n = 1; n < 20; n++)
        {
            var d = DpsBackoff.After(n, initial, max, 7, TimeSpan.Zero);
            long nominal = Math.Min(initial.Ticks << Math.Min(n - 1, 20), max.Ticks);
            Assert.InRange(d.Ticks, nominal / 2, nominal);
        }
        Assert.Equal(TimeSpan.FromHours(2), DpsBackoff.After(1, initial, max, 7, TimeSpan.FromHours(2)));
        Assert.NotEqual(DpsBackoff.After(3, initial, max, 1, TimeSpan.Zero), DpsBackoff.After(3, initial, max, 2, TimeSpan.Zero));
    }
}
