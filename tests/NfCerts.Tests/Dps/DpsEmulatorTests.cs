using System;
using System.Linq;
using System.Threading.Tasks;
using NfCerts.Core.Provisioning;
using NfCerts.Emulators.Dps;
using Xunit;

namespace NfCerts.Tests.Dps;

/// <summary>The core's DPS client over the host MQTT transport, against the DPS emulator over real TLS and MQTT.</summary>
public sealed class DpsEmulatorTests
{
    [Fact]
    public async Task GroupEnrollmentAssignsADeviceWhoseChainHasAnIntermediateAndRegistersItInTheHub()
    {
        await using var w = await DpsWorld.StartAsync();
        w.Dps.PutEnrollmentGroup("est-ca", w.DeviceRoot.Certificate);
        using var d = new DpsDevice(w, w.Device("device-001"));
        var p = d.Provisioner();

        DpsResult r = p.Run();

        Assert.Equal(DpsOutcome.Assigned, r.Outcome);
        Assert.Contains(r.AssignedHub, new[] { DpsWorld.HubA, DpsWorld.HubB });
        Assert.Equal("device-001", r.DeviceId);
        Assert.Equal("device-001", p.State.RegistrationId);
        var hub = r.AssignedHub == DpsWorld.HubA ? w.A : w.B;
        var device = Assert.Single(await hub.ListDevicesAsync(), x => x.DeviceId == "device-001");
        Assert.Equal("certificateAuthority", device.Authentication);
        var record = w.Dps.GetRegistration("device-001")!;
        Assert.Equal("assigned", record.Status);
        Assert.Equal("est-ca", record.EnrollmentGroupId);
        // Register, then one poll after the 1 s retry-after: two requests, none early, one pause of what DPS asked.
        Assert.Equal(2, r.Requests);
        Assert.Equal(0, w.Dps.Counters.EarlyPolls);
        Assert.Equal(TimeSpan.FromSeconds(1), Assert.Single(d.Pauses));
    }

    [Fact]
    public async Task WithoutTheIntermediateInTheHandshakeTheGroupOnTheRootRefusesTheDevice()
    {
        await using var w = await DpsWorld.StartAsync();
        w.Dps.PutEnrollmentGroup("est-ca", w.DeviceRoot.Certificate);
        using var d = new DpsDevice(w, w.Device("device-002"), sendIntermediate: false);

        DpsResult r = d.Provisioner().Run();

        Assert.Equal(DpsOutcome.Refused, r.Outcome);
        Assert.Contains("no enrollment group's CA verifies the device chain", r.Reason);
    }

    [Fact]
    public async Task IndividualEnrollmentByThumbprintAssignsToItsStaticHub()
    {
        await using var w = await DpsWorld.StartAsync();
        var identity = w.Device("device-010", w.OtherRoot);
        w.Dps.PutIndividualEnrollment(identity.Certificate, allocation: DpsAllocation.Static, hubs: new[] { DpsWorld.HubB });
        using var d = new DpsDevice(w, identity, sendIntermediate: false);

        DpsResult r = d.Provisioner().Run();

        Assert.Equal(DpsOutcome.Assigned, r.Outcome);
        Assert.Equal(DpsWorld.HubB, r.AssignedHub);
        var device = Assert.Single(await w.B.ListDevicesAsync());
        Assert.Equal(identity.Certificate.Thumbprint, device.Thumbprint, ignoreCase: true);
    }

    [Fact]
    public async Task ARenewedIdentityFromTheSameCaKeepsItsHubWithoutAnyEnrollmentChange()
    {
        await using var w = await DpsWorld.StartAsync();
        w.Dps.PutEnrollmentGroup("est-ca", w.DeviceRoot.Certificate);
        using var d = new DpsDevice(w, w.Device("device-003"));
        var first = d.Provisioner().Run();
        Assert.True(first.Succeeded, first.Reason);

        d.Install(w.Device("device-003"));            // EST re-enrollment: new key, new certificate, same CN and CA
        var kept = d.Provisioner().Run();             // a reboot: no reason to provision
        Assert.Equal(0, kept.Requests);
        Assert.Equal(first.AssignedHub, kept.AssignedHub);

        var p = d.Provisioner();
        p.RequestReprovision("operator asked");       // and when asked, the new certificate registers as well
        var again = p.Run();
        Assert.Equal(DpsOutcome.Assigned, again.Outcome);
        Assert.Equal(first.AssignedHub, again.AssignedHub);
        Assert.Equal("", p.State.ReprovisionReason);
        Assert.Equal(2, w.Dps.Counters.RegisterRequests);
    }

    [Theory]
    [InlineData("disabled")]
    [InlineData("other-ca")]
    public async Task RefusedDevicesGetAClearReasonAndKeepTheirOldAssignment(string why)
    {
        await using var w = await DpsWorld.StartAsync();
        w.Dps.PutEnrollmentGroup("est-ca", w.DeviceRoot.Certificate);
        using var d = new DpsDevice(w, w.Device("device-004"));
        var first = d.Provisioner().Run();
        Assert.True(first.Succeeded, first.Reason);

        DpsOutcome expected;
        string text;
        if (why == "disabled")
        {
            w.Dps.PutEnrollmentGroup("est-ca", w.DeviceRoot.Certificate, enabled: false);
            expected = DpsOutcome.Disabled;
            text = "the enrollment is disabled";
        }
        else
        {
            d.Install(w.Device("device-004", w.OtherRoot));
            expected = DpsOutcome.Refused;
            text = "no enrollment group's CA verifies the device chain";
        }
        var p = d.Provisioner();
        p.RequestReprovision("hub refused the device");
        DpsResult r = p.Run();

        Assert.True(expected == r.Outcome, r.Outcome + ": " + r.Reason);
        Assert.Contains(text, r.Reason);
        Assert.Equal(first.AssignedHub, p.State.AssignedHub);
        Assert.Equal("device-004", p.State.DeviceId);
        Assert.Equal(1, p.State.Failures);
        Assert.Contains(text, p.TakeUnreportedFailure());
        Assert.Equal("", p.TakeUnreportedFailure());
        Assert.Equal(1, d.Provisioner().State.Failures);   // kept on flash
    }

    [Fact]
    public async Task ARegistrationIdThatIsNotTheCertificatesCnIsRefused()
    {
        await using var w = await DpsWorld.StartAsync();
        w.Dps.PutEnrollmentGroup("est-ca", w.DeviceRoot.Certificate);

        string reason = RawDpsDevice.Register(w, w.Device("device-006"), claimedId: "device-007");

        Assert.Contains("registration ID 'device-007' is not the certificate's CN 'device-006'", reason);
        Assert.Equal("failed", w.Dps.GetRegistration("device-007")!.Status);
        Assert.Empty(await w.A.ListDevicesAsync());
        Assert.Empty(await w.B.ListDevicesAsync());
    }

    [Fact]
    public async Task ThrottlingIsHonouredAndTheAttemptStopsAtItsCap()
    {
        await using var w = await DpsWorld.StartAsync();
        w.Dps.PutEnrollmentGroup("est-ca", w.DeviceRoot.Certificate);
        using var d = new DpsDevice(w, w.Device("device-020"));
        d.Options.MaxRequests = 4;
        w.Dps.Throttle(requests: 100, retryAfterSeconds: 1);

        var p = d.Provisioner();
        DpsResult r = p.Run();

        Assert.Equal(DpsOutcome.Throttled, r.Outcome);
        Assert.Equal(4, r.Requests);
        Assert.Equal(4, w.Dps.Counters.Throttled);
        Assert.Equal(0, w.Dps.Counters.EarlyPolls);
        Assert.All(d.Pauses, x => Assert.True(x >= TimeSpan.FromSeconds(1)));
        Assert.True(p.NextAttemptDelay >= TimeSpan.FromSeconds(15), p.NextAttemptDelay.ToString());

        w.Dps.Throttle(1, 2);                         // a short burst: waited out within the attempt
        DpsResult ok = d.Provisioner().Run();
        Assert.True(ok.Succeeded, ok.Outcome + ": " + ok.Reason);
        Assert.Equal(3, ok.Requests);                 // register (429), register (202), poll (200)
        Assert.Equal(0, w.Dps.Counters.EarlyPolls);
    }

    [Fact]
    public async Task ALongRetryAfterEndsTheAttemptAndSpacesTheNext()
    {
        await using var w = await DpsWorld.StartAsync();
        w.Dps.PutEnrollmentGroup("est-ca", w.DeviceRoot.Certificate);
        using var d = new DpsDevice(w, w.Device("device-021"));
        w.Dps.Throttle(1, 3600);

        var p = d.Provisioner();
        DpsResult r = p.Run();

        Assert.Equal(DpsOutcome.Throttled, r.Outcome);
        Assert.Equal(1, r.Requests);
        Assert.Empty(d.Pauses);
        Assert.True(p.NextAttemptDelay >= TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task AnOutageIsAFailureWithBackoffNotARetryStorm()
    {
        await using var w = await DpsWorld.StartAsync();
        using var d = new DpsDevice(w, w.Device("device-022"));
        await w.StopDpsAsync();                       // DPS is down
        var p = d.Provisioner();
        var delays = new TimeSpan[4];
        for (int i = 0; i < delays.Length; i++)
        {
            Assert.Equal(DpsOutcome.Unavailable, p.Run().Outcome);
            delays[i] = p.NextAttemptDelay;
        }
        Assert.Equal(4, p.State.Failures);
        Assert.True(delays[1] > delays[0] && delays[2] > delays[1] && delays[3] > delays[2], string.Join(",", delays));
    }

    [Fact]
    public async Task HashedAllocationSpreadsDevicesOverBothHubsAndIsStable()
    {
        await using var w = await DpsWorld.StartAsync();
        var hubs = w.Dps.LinkedHubs;
        var chosen = Enumerable.Range(0, 40).Select(i => DpsAllocator.Choose("device-" + i.ToString("D3"), DpsAllocation.Hashed, Array.Empty<string>(), hubs)).ToList();
        int a = chosen.Count(h => h == DpsWorld.HubA);
        Assert.InRange(a, 12, 28);
        Assert.Equal(chosen, Enumerable.Range(0, 40).Select(i => DpsAllocator.Choose("device-" + i.ToString("D3"), DpsAllocation.Hashed, Array.Empty<string>(), hubs)));
        Assert.Equal(DpsWorld.HubB, DpsAllocator.Choose("x", DpsAllocation.Static, new[] { DpsWorld.HubB, DpsWorld.HubA }, hubs));

        // And end to end: two real devices land on the hubs the hash gives them.
        w.Dps.PutEnrollmentGroup("est-ca", w.DeviceRoot.Certificate);
        foreach (int i in new[] { 0, 1 })
        {
            string id = "device-" + i.ToString("D3");
            using var d = new DpsDevice(w, w.Device(id));
            Assert.Equal(chosen[i], d.Provisioner().Run().AssignedHub);
        }
    }
}
