using System;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using NfCerts.Emulators.Pki;
using NfCerts.Emulators.World;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using NfCerts.Tests.Radio;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.Demo
{
    /// <summary><c>nfcerts demo --radius freeradius</c>: the real FreeRADIUS (and eapol_test, the device's side) judge
    /// certificates at the simulated world's time, through libfaketime, not at the machine's.</summary>
    public sealed class FreeRadiusDemoTests
    {
        private readonly ITestOutputHelper _out;

        public FreeRadiusDemoTests(ITestOutputHelper output) => _out = output;

        /// <summary>A world years after the machine's clock: every certificate in it is not yet valid in real time.</summary>
        private const string Future = """
            {
              "name": "freeradius-future",
              "start": "2031-03-01T00:00:00Z",
              "duration": "P60D",
              "lifetimes": { "radiusRootCa": "P1Y", "clientCertificate": "P30D" }
            }
            """;

        [Fact]
        public async Task FreeRADIUS_in_the_demo_accepts_a_device_certificate_before_its_NotAfter_in_world_time_and_refuses_it_after()
        {
            Scenario plan = ScenarioFile.Parse(Future, "future.json");
            await using DemoWorld world = await DemoWorld.StartAsync(plan, ScenarioTimes.End(plan), RadiusKind.FreeRadius);
            Assert.IsType<FreeRadiusAuthenticator>(world.Authenticator);
            Assert.True(world.Authenticator.UsesSuppliedTime);
            Assert.True(world.Start > DateTimeOffset.UtcNow.AddYears(3), "the world must lie in the real future for this test to mean anything");

            // A device certificate of the factory CA the site's RADIUS trusts, valid for ten days of the world.
            DateTimeOffset notAfter = world.Start.AddDays(10);
            DevCredential device = DevPki.Client(world.Pki.FactoryCa, "CN=device-042", world.Start.AddDays(-1), notAfter);
            WifiConnectRequest request = TestPki.Request(plan.Device.Ssid, device.Certificate, world.Pki.RadiusRoot1.Certificate);
            using var radio = new SimulatedRadio(world.Clock);
            radio.AddAccessPoint(world.AccessPoint);

            world.Clock.AdvanceTo(notAfter.UtcDateTime.AddHours(-1));
            WifiConnectResult before = radio.Connect(request);
            Assert.True(before.Success, "an hour before NotAfter: " + before.Reason + ": " + before.Detail);

            world.Clock.AdvanceTo(notAfter.UtcDateTime.AddHours(1));
            WifiConnectResult after = radio.Connect(request);
            _out.WriteLine(after.Reason + ": " + after.Detail);
            Assert.Equal(WifiFailureReason.ClientCertificateRejected, after.Reason);
            Assert.Contains("certificate has expired", after.Detail);
            Assert.Equal(0, after.CertDepth);
            Assert.Equal("CN=device-042", after.CertSubject);

            // The same FreeRADIUS on the machine's clock refuses everything of this world: its dates lie years ahead.
            var clientCas = new X509Certificate2Collection { world.Pki.FactoryCa.Certificate };
            using var realTime = new FreeRadiusAuthenticator(world.Pki.RadiusServer1.Certificate, null, clientCas);
            WifiConnectResult real = realTime.Authenticate(request, world.Clock.TrueUtc.AddHours(-2));
            _out.WriteLine("on real time: " + real.Reason + ": " + real.Detail);
            Assert.Equal(WifiFailureReason.ServerCertificateNotTrusted, real.Reason);
            Assert.Contains("not yet valid", real.Detail);
        }

        [Fact]
        public async Task A_shortened_demo_with_FreeRADIUS_keeps_its_invariants_and_rotates_the_root_through_it()
        {
            Scenario plan = ScenarioFile.Parse(DemoScenarios.Short, "short.json");
            DemoResult r = await new DemoRun(plan, new DemoOptions { Radius = RadiusKind.FreeRadius }).RunAsync();
            _out.WriteLine("wall time " + r.WallTime.TotalSeconds.ToString("0.0") + " s; handshakes hub " + r.Handshakes.Hub + ", EAP-TLS " + r.Handshakes.Eap
                + ", EST " + r.Handshakes.Est + ", DPS " + r.Handshakes.Dps + "; connectivity " + r.ConnectivityPercent.ToString("0.00") + " %");
            foreach (TimelineEntry e in r.Timeline.Where(e => e.Kind != TimelineKind.Observed))
            {
                _out.WriteLine(e.Time.ToString("yyyy-MM-dd HH:mm") + "  " + e.Network + "  " + e.Text);
            }
            Assert.True(r.Passed, string.Join("; ", r.Breaches));
            Assert.Equal("FreeRADIUS", r.Radius);
            Assert.Equal(1, r.RootRotations);
            Assert.True(r.Renewals >= 2, "renewals: " + r.Renewals);
            // After the RADIUS server presented its RootCA2 certificate, the device joined through Network2 (which trusts RootCA2).
            DateTimeOffset switched = ScenarioTimes.At(plan, plan.Events.Single(e => e.Type == "radiusSwitch"));
            Assert.Contains(r.Networks, n => n.Network == DemoWorld.Network2 && n.To > switched);
            Assert.DoesNotContain(r.Networks, n => n.Network == DemoWorld.Network2 && n.To <= switched);
            Assert.True(r.Handshakes.Eap >= 3, "EAP-TLS authentications: " + r.Handshakes.Eap);
        }
    }
}
