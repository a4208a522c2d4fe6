using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Core.Device;
using NfCerts.Core.Hub;
using NfCerts.Core.Provisioning;
using NfCerts.Core.Renewal;
using NfCerts.Emulators.Dps;
using NfCerts.Tests.Dps;
using Xunit;

namespace NfCerts.Tests.FirstBoot;

/// <summary>A fresh device's first boot and its provisioning life, over real TLS and MQTT on 127.0.0.1: Wi-Fi with the
/// bootstrap profile, EST enrollment with the bootstrap certificate, DPS with the new identity, the assigned hub, health.</summary>
public sealed class FirstBootTests
{
    [Fact]
    public async Task AFreshDeviceGoesFromBootstrapThroughEstAndDpsToItsHubAndReportsHealth()
    {
        await using var w = await FirstBootWorld.StartAsync();
        using var d = new FirstBootDevice(w).Manufacture();

        d.Boot();
        Assert.Equal(DeviceState.Running, d.Runtime.State);
        Assert.Null(d.Runtime.Hub);                      // the boot did not wait for EST or DPS: they run on timers
        HubClient hub = d.WaitForHub("first boot");

        var store = d.Runtime.Store!;
        Assert.Equal("CN=device-001", store.GetCertificateSubjectName("ClientCert1"));
        Assert.Equal(w.Est.Server.Ca.Issuing.SubjectName.Name.Replace(", ", ","), store.GetCertificateIssuerName("ClientCert1"));
        Assert.Equal(2, store.GetCertificateChainCount("ClientCert1"));     // leaf + the EST intermediate, kept as one entry
        Assert.True(store.ContainsCertificate("Bootstrap"));               // the bootstrap credential stays for later
        var issued = Assert.Single(w.Est.Server.Log.ReadAll());
        Assert.Equal("simpleenroll", issued.Operation);
        Assert.StartsWith("cert:", issued.AuthenticatedBy);                // with the bootstrap certificate

        DpsRegistrationRecord record = w.Dps.Dps.GetRegistration(FirstBootDevice.DeviceId)!;
        Assert.Equal("assigned", record.Status);
        Assert.Equal(FirstBootWorld.Group, record.EnrollmentGroupId);
        Assert.Equal(record.AssignedHub, hub.Settings.HostName);
        Assert.Equal(FirstBootDevice.DeviceId, hub.Settings.DeviceId);
        Assert.Equal(1, w.Dps.Dps.Counters.RegisterRequests);
        Assert.Equal(record.AssignedHub, d.Hubs!.Connects.First());          // straight to the assigned hub

        JsonObject reported = d.ReportedWhen(hub.Settings.HostName,
            r => r["provisioning"] is JsonObject p && (string?)p["state"] == "assigned" && r["certificates"]?["ClientCert1"] is JsonObject,
            "provisioning assigned and the EST certificate");
        Assert.Equal(record.AssignedHub, (string)reported["provisioning"]!["assignedHub"]!);
        Assert.Equal(1, (int)reported["provisioning"]!["enrollments"]!);
        Assert.Equal("Network1", (string)reported["network"]!["connected"]!);
    }

    [Fact]
    public async Task AnOrdinaryRebootNeitherEnrollsNorRegistersAgain()
    {
        await using var w = await FirstBootWorld.StartAsync();
        using var d = new FirstBootDevice(w).Manufacture();
        d.Boot();
        string host = d.WaitForHub("first boot").Settings.HostName;

        for (int i = 0; i < 3; i++)
        {
            d.PowerCycle();
            Assert.Equal(host, d.WaitForHub("reboot " + i).Settings.HostName);
        }

        Assert.Single(w.Est.Server.Log.ReadAll());
        Assert.Equal(1, w.Dps.Dps.Counters.RegisterRequests);
        Assert.Equal(1, w.Dps.Dps.Counters.Connections);
        Assert.Equal(0, d.Runtime.Provisioning!.Attempts);
    }

    [Fact]
    public async Task TheReprovisionMethodRegistersAgainAndReportsWhy()
    {
        await using var w = await FirstBootWorld.StartAsync();
        using var d = new FirstBootDevice(w).Manufacture();
        d.Boot();
        string host = d.WaitForHub("first boot").Settings.HostName;
        var hub = w.HubNamed(host);

        var call = hub.InvokeMethodAsync(FirstBootDevice.DeviceId, HubHandlers.ReprovisionMethod, new JsonObject(), TimeSpan.FromSeconds(60));
        Assert.True(d.Until(() => call.IsCompleted), "the method was not answered");
        Assert.Equal(202, (await call).Status);
        Assert.True(d.Until(() => w.Dps.Dps.Counters.RegisterRequests == 2), "no second registration");

        d.WaitForHub("after the reprovision");
        Assert.Equal("", DpsState.Load(d.Runtime.Log!).ReprovisionReason);
        Assert.Equal(host, d.AssignedHub);
        Assert.Single(w.Est.Server.Log.ReadAll());                          // the identity was not enrolled again
    }

    [Fact]
    public async Task ADeviceMovedByTheOperatorFollowsOnceItsOldHubRefusesIt()
    {
        await using var w = await FirstBootWorld.StartAsync();
        using var d = new FirstBootDevice(w).Manufacture();
        d.Boot();
        string from = d.WaitForHub("first boot").Settings.HostName;
        string to = from == DpsWorld.HubA ? DpsWorld.HubB : DpsWorld.HubA;

        // The operator points the enrollment at the other hub, then deletes the device from the old one.
        w.Dps.Dps.PutEnrollmentGroup(FirstBootWorld.Group, w.EstRoot, allocation: DpsAllocation.Static, hubs: new[] { to });
        await w.HubNamed(from).DeleteDeviceAsync(FirstBootDevice.DeviceId);

        Assert.True(d.Until(() => d.Runtime.Hub?.Settings.HostName == to && d.HubConnected), "the device did not follow to " + to
            + ": " + d.Runtime.Provisioning?.LastFailure + " / " + d.Runtime.Hub?.Status.LastError);
        Assert.Equal(to, d.AssignedHub);
        Assert.Equal(2, w.Dps.Dps.Counters.RegisterRequests);
        JsonObject reported = d.ReportedWhen(to, r => r["certificates"] is JsonObject && r["provisioning"] is JsonObject,
            "the whole document at the new hub");
        Assert.Equal(to, (string)reported["provisioning"]!["assignedHub"]!);

        d.PowerCycle();                                                    // and it stays there
        Assert.Equal(to, d.WaitForHub("reboot after the move").Settings.HostName);
        Assert.Equal(2, w.Dps.Dps.Counters.RegisterRequests);
    }

    [Fact]
    public async Task ARenewedIdentityKeepsConnectingWithoutAnyEnrollmentChange()
    {
        await using var w = await FirstBootWorld.StartAsync(lifetime: TimeSpan.FromDays(1));
        using var d = new FirstBootDevice(w).Manufacture();
        d.D.Options.Renewal.Policy.Threshold = LifetimeSpan.Parse("50%", "threshold");
        d.Boot();
        HubClient hub = d.WaitForHub("first boot");
        string host = hub.Settings.HostName;
        byte[] enrolled = d.Runtime.Store!.GetCertificate("ClientCert1");

        // Half a day on: the renewal engine re-enrolls through EST and rotates ClientCert1 (Network1 proves it).
        Assert.True(d.Until(() => d.Runtime.Renewal!.Status.Renewals == 1, TimeSpan.FromMinutes(10)),
            "no renewal: " + d.Runtime.Renewal!.Status.LastReason);
        Assert.NotEqual(enrolled, d.Runtime.Store!.GetCertificate("ClientCert1"));
        Assert.Equal(2, w.Est.Server.Log.ReadAll().Count);
        Assert.Equal("simplereenroll", w.Est.Server.Log.ReadAll()[1].Operation);

        Assert.True(d.Until(() => d.HubConnected && d.Runtime.Hub!.Status.Connects >= 2), "no reconnect with the renewed certificate");
        Assert.Same(hub, d.Runtime.Hub);                                    // same hub, no reprovision
        Assert.Equal(host, d.AssignedHub);
        Assert.Equal(1, w.Dps.Dps.Counters.RegisterRequests);
        Assert.Equal(0, w.HubNamed(host).Counters.Refusals);
    }
}
