using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NfCerts.Emulators.World;
using NfCerts.Tests.Demo;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.Fleet
{
    /// <summary>The shipped late-notice plan played by a small fleet whose devices are all offline for two weeks somewhere
    /// around the notice (the plan played for two years, to its RADIUS switch), with a seed under which some are away across both the notice and the RADIUS switch (and some
    /// are not). Shared by the stranding test and the report's browser test.</summary>
    public sealed class LateNoticeFleetFixture
    {
        public LateNoticeFleetFixture()
        {
            Scenario = ScenarioFile.Load("late-notice");
            DateTimeOffset notice = Instant("rootCaRollout"), radius = Instant("radiusSwitch");
            // The first seed whose draw has devices offline across both instants and devices offline at only one of them.
            for (int seed = 1; seed < 1000; seed++)
            {
                // Two years end at the RADIUS switch; the devices then get the 2-day grace (a stranded device retries its
                // EAP-TLS association every few minutes for as long as the run goes on, each a real handshake).
                Options = new FleetOptions { Devices = 6, OfflineRate = 1, Seed = seed, Years = 2 };
                var plans = FleetRun.Draw(Scenario, Options);
                Expected = plans.Where(p => p.OfflineAt(notice) && p.OfflineAt(radius)).Select(p => p.Id).ToArray();
                if (Expected.Length > 0 && plans.Any(p => p.OfflineAt(notice) && !p.OfflineAt(radius)) && Expected.Length < plans.Count)
                {
                    break;
                }
            }
            Result = new FleetRun(Scenario, Options).RunAsync().GetAwaiter().GetResult();
            ReportPath = Path.Combine(Directory.CreateTempSubdirectory("nfcerts-fleet-test-").FullName, "fleet.html");
            File.WriteAllText(ReportPath, FleetReport.Html(Result));
        }

        private DateTimeOffset Instant(string type) => ScenarioTimes.At(Scenario, Scenario.Events.Single(e => e.Type == type));

        public Scenario Scenario { get; }
        public FleetOptions Options { get; } = null!;
        public string[] Expected { get; } = Array.Empty<string>();
        public FleetResult Result { get; }
        public string ReportPath { get; }
    }

    public sealed class FleetTests : IClassFixture<LateNoticeFleetFixture>
    {
        private readonly LateNoticeFleetFixture _late;
        private readonly ITestOutputHelper _out;

        public FleetTests(LateNoticeFleetFixture late, ITestOutputHelper output)
        {
            _late = late;
            _out = output;
        }

        /// <summary>Two months: the RootCA2 notice 20 days before the RADIUS switch, offline periods of five days, an EST server
        /// that takes 10 requests a minute (a device's enrollment is 3-4 requests in one simulated instant) and a DPS that throttles its first 3 requests.</summary>
        private const string Short = """
            {
              "name": "fleet-short",
              "start": "2027-01-04T02:00:00Z",
              "duration": "P60D",
              "lifetimes": { "radiusRootCa": "P45D", "clientCertificate": "P20D" },
              "events": [
                { "type": "rootCaRollout", "at": "-P20D", "from": "radiusRootExpiry" },
                { "type": "radiusSwitch", "at": "P0D", "from": "radiusRootExpiry" }
              ],
              "servers": { "dps": { "throttle": { "requests": 3, "retryAfter": "PT5S" } } },
              "fleet": { "devices": 8, "offlineRate": 0.4, "offlineFor": "P5D", "clockSkew": "PT5M", "firstBootWindow": "P5D", "jitter": true, "estCapacityPerMinute": 10 }
            }
            """;

        [Fact]
        public async System.Threading.Tasks.Task A_fleet_with_a_fixed_seed_gives_the_same_summary_twice_and_no_device_is_stranded()
        {
            Scenario plan = ScenarioFile.Load(DemoScenarios.Write(Short, "fleet-short"));
            var options = new FleetOptions { Seed = 42 };
            FleetResult first = await new FleetRun(plan, options).RunAsync();
            FleetResult second = await new FleetRun(plan, options).RunAsync();
            string summary = FleetReport.Summary(first);
            _out.WriteLine(summary);
            _out.WriteLine(FleetReport.Figures(first));
            Assert.Equal(summary, FleetReport.Summary(second));
            Assert.Empty(first.Stranded);
            Assert.Equal(8, first.Devices.Count);
            Assert.Contains(first.Devices, d => d.OfflineFrom != null);
            FleetDay last = first.Days[^1];
            Assert.Equal(8, last.Booted);
            Assert.Equal(8, last.OnNewRoot);
            Assert.True(first.Days.Sum(d => d.EstRequests) > 8, "every device enrolled and renewed by EST");
            Assert.True(first.Handshakes.Total > 0);
        }

        [Fact]
        public void The_late_notice_plan_strands_exactly_the_devices_offline_across_the_notice_and_names_them()
        {
            FleetResult r = _late.Result;
            string summary = FleetReport.Summary(r);
            _out.WriteLine(summary);
            _out.WriteLine(FleetReport.Figures(r));
            Assert.Equal(_late.Expected, r.Stranded.Select(s => s.Id).ToArray());
            foreach (StrandedDevice s in r.Stranded)
            {
                Assert.Contains(s.Id + ": the access point refuses it", summary);
                Assert.Contains("ServerCertificateNotTrusted", s.Reason);
            }
            Assert.True(r.Settings.ExpectStranded);
            Assert.Equal(r.Devices.Count - _late.Expected.Length, r.Days[^1].OnNewRoot);
        }

        [Fact]
        public void The_fleet_report_renders_its_curves_and_the_stranded_list_in_a_real_browser()
        {
            string html = File.ReadAllText(_late.ReportPath);
            Assert.DoesNotMatch(new Regex(@"(src|href)\s*=", RegexOptions.IgnoreCase), html);
            Assert.DoesNotMatch(new Regex(@"https?://(?!www\.w3\.org/2000/svg)"), html);
            string url = new Uri(_late.ReportPath).AbsoluteUri;
            var (code, dom, log) = DemoReportBrowserTests.Chromium("--dump-dom", url);
            _out.WriteLine(log);
            Assert.Equal(0, code);
            Assert.Equal(5, Regex.Matches(dom, "<polyline class=\"curve ").Count);
            Assert.Equal(_late.Expected.Length, Regex.Matches(dom, "<tr class=\"stranded\">").Count);
            foreach (string id in _late.Expected)
            {
                Assert.Contains("<td>" + id + "</td>", dom);
            }
            Match items = Regex.Match(dom, "data-chart-items=\"(\\d+)\"");
            Assert.True(items.Success, "the report's script did not run");
            Assert.True(int.Parse(items.Groups[1].Value) >= 5 + 2 * 2);
            Assert.DoesNotContain("Uncaught", log);
            Assert.DoesNotMatch(new Regex(@"CONSOLE\(\d+\)\].*(Error|error)"), log);

            string artefacts = Path.Combine(AppContext.BaseDirectory, "artefacts");
            Directory.CreateDirectory(artefacts);
            string shot = Path.Combine(artefacts, "fleet-report.png");
            File.Delete(shot);
            var (shotCode, _, shotLog) = DemoReportBrowserTests.Chromium("--screenshot=" + shot, "--window-size=1300,1400", url);
            Assert.True(shotCode == 0, shotLog);
            Assert.True(new FileInfo(shot).Length > 10_000, "screenshot " + shot);
        }
    }
}
