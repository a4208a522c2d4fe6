using System;
using System.IO;
using System.Linq;
using NfCerts.Emulators.World;
using Xunit;

namespace NfCerts.Tests.Fleet
{
    /// <summary>The shipped fleet rollout plan (scenarios/fleet.json), what <c>nfcerts fleet</c> plays by default: valid and
    /// sound as data; a broken copy is refused with line, field and what is allowed.</summary>
    public sealed class FleetScenarioTests
    {
        private static DateTimeOffset At(Scenario s, string type) => ScenarioTimes.At(s, s.Events.Single(e => e.Type == type));

        private static string[] Problems(string json)
            => Assert.Throws<ScenarioException>(() => ScenarioFile.Parse(json, "fleet.json")).Problems.ToArray();

        private static int LineOf(string json, string text) => json.Split('\n').ToList().FindIndex(l => l.Contains(text, StringComparison.Ordinal)) + 1;

        [Fact]
        public void The_fleet_plan_loads_is_the_repository_file_and_its_notice_outruns_the_fleets_offline_periods()
        {
            Scenario s = ScenarioFile.Load("fleet");
            string repo = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "scenarios", "fleet.json");
            Assert.Equal(File.ReadAllText(repo), ScenarioFile.Shipped("fleet"));
            FleetSettings f = new FleetOptions().Resolve(s);
            Assert.False(f.ExpectStranded);
            Assert.Equal(1000, f.Devices);
            Assert.True(f.OfflineRate > 0 && f.Skew > TimeSpan.Zero && f.Jitter && f.EstCapacityPerMinute is int);
            Assert.NotNull(s.Servers.Dps.Throttle);
            DateTimeOffset start = ScenarioTimes.Start(s), notice = At(s, "rootCaRollout"), radius = At(s, "radiusSwitch");
            // A device away for the plan's whole offline length right across the notice is back with two weeks to spare
            // before the RADIUS switch; every device has booted (and is known to the hub) long before the notice.
            Assert.True(radius - notice >= f.OfflineFor + TimeSpan.FromDays(14), "notice " + notice + ", switch " + radius);
            Assert.True(start + f.FirstBootWindow + TimeSpan.FromDays(30) < notice);
            Assert.True(radius <= ScenarioTimes.RadiusRootExpiry(s) && ScenarioTimes.End(s) > radius);
        }

        [Fact]
        public async System.Threading.Tasks.Task A_short_run_of_the_fleet_plan_strands_nobody_and_ends_with_every_device_on_the_new_root()
        {
            // Every device away for two weeks somewhere around the rollout: the plan's notice must still reach them all.
            var options = new FleetOptions { Devices = 4, Years = 1, OfflineRate = 1, Seed = 3 };
            FleetResult r = await new FleetRun(ScenarioFile.Load("fleet"), options).RunAsync();

            Assert.True(r.NoneStranded, string.Join("; ", r.Stranded.Select(x => x.Id + ": " + x.Reason)));
            FleetDay last = r.Days[^1];
            Assert.Equal(4, last.Booted);
            Assert.Equal(4, last.OnNewRoot);
            Assert.All(r.Devices, d => Assert.NotNull(d.OfflineFrom));
            Assert.Contains(r.Events, e => e.Label.StartsWith("RADIUS server switches", StringComparison.Ordinal));
        }

        [Fact]
        public async System.Threading.Tasks.Task Devices_whose_clocks_are_ten_minutes_behind_a_CA_that_does_not_backdate_take_their_certificates_and_nobody_is_stranded()
        {
            // The run of issue 14's finding (nfcerts fleet --devices 4 --years 1 --skew PT10M: two of the four devices are
            // more than five minutes behind), with an EST CA that does not backdate, so that the certificates it issues begin
            // after those devices' clocks: the device's rule carries it, not the CA's hour of backdating.
            string text = ScenarioFile.Shipped("fleet");
            Assert.Contains("\"backdate\": \"PT1H\"", text);
            Scenario plan = ScenarioFile.Parse(text.Replace("\"backdate\": \"PT1H\"", "\"backdate\": \"PT0S\""), "fleet.json");
            var options = new FleetOptions { Devices = 4, Years = 1, Seed = 1, Skew = TimeSpan.FromMinutes(10) };
            FleetResult r = await new FleetRun(plan, options).RunAsync();

            Assert.True(r.NoneStranded, string.Join("; ", r.Stranded.Select(x => x.Id + ": " + x.Reason)));
            Assert.True(r.Devices.Count(d => d.Skew < -TimeSpan.FromMinutes(5)) >= 1, "no device is more than five minutes behind");
            Assert.Equal(4, r.Days[^1].OnNewRoot);
            // An enrollment at first boot and a renewal every ~two months, a few requests each, plus the plan's deferrals and
            // outage: about 120 requests (a device refusing its certificates made tens of thousands).
            Assert.InRange(r.Days.Sum(d => d.EstRequests), 40, 400);
        }

        [Fact]
        public void A_broken_copy_of_the_fleet_plan_names_the_line_the_field_and_what_is_allowed()
        {
            string text = ScenarioFile.Shipped("fleet");
            string zero = text.Replace("\"estCapacityPerMinute\": 30", "\"estCapacityPerMinute\": 0");
            string p = Assert.Single(Problems(zero));
            Assert.StartsWith("fleet.json:" + LineOf(zero, "estCapacityPerMinute") + ": /fleet/estCapacityPerMinute: ", p);
            Assert.Contains("allowed: requests a minute the EST server answers", p);

            string typo = text.Replace("\"offlineFor\": \"P14D\"", "\"offlineFor\": \"fortnight\"").Replace("\"jitter\": true", "\"jittter\": true");
            string[] problems = Problems(typo);
            Assert.Equal(2, problems.Length);
            Assert.Contains("fleet.json:" + LineOf(typo, "fortnight") + ": /fleet/offlineFor: ", problems[0] + problems[1]);
            Assert.Contains(problems, x => x.StartsWith("fleet.json:" + LineOf(typo, "jittter") + ": /fleet/jittter: no such field; allowed: devices, offlineRate, offlineFor, clockSkew, firstBootWindow, jitter, estCapacityPerMinute, expectStranded", StringComparison.Ordinal));
            Assert.Contains(problems, x => x.Contains("/fleet/offlineFor", StringComparison.Ordinal) && x.Contains("allowed: an ISO 8601 duration", StringComparison.Ordinal));
        }

        [Theory]
        [InlineData("P3D", "longer than two days; allowed: PT0S to P2D")]
        [InlineData("-PT1H", "allowed: an ISO 8601 duration without sign")]
        [InlineData("an hour", "allowed: an ISO 8601 duration without sign")]
        public void The_EST_CA_backdating_is_checked_with_line_field_and_what_is_allowed(string backdate, string allowed)
        {
            string text = ScenarioFile.Shipped("fleet").Replace("\"backdate\": \"PT1H\"", "\"backdate\": \"" + backdate + "\"");
            string p = Assert.Single(Problems(text));
            Assert.StartsWith("fleet.json:" + LineOf(text, "\"backdate\"") + ": /servers/est/backdate: ", p);
            Assert.Contains(allowed, p);
            Assert.Equal(TimeSpan.FromHours(1), ScenarioTimes.Length(ScenarioFile.Load("fleet").Servers.Est.Backdate, DateTimeOffset.UnixEpoch));
            Assert.Equal("PT1H", ScenarioFile.Load("default").Servers.Est.Backdate);
        }
    }
}
