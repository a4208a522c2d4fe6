using System;
using System.IO;
using System.Text.RegularExpressions;
using NfCerts.Tests.Cli;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.Demo
{
    /// <summary>The demo's HTML report, opened in a real browser (Debian's headless Chromium, installed by test.sh): the
    /// SVG timeline renders with its elements, the page's script runs without an error, and a screenshot is kept.</summary>
    public sealed class DemoReportBrowserTests : IClassFixture<DemoRunFixture>
    {
        private readonly DemoRunFixture _run;
        private readonly ITestOutputHelper _out;

        public DemoReportBrowserTests(DemoRunFixture run, ITestOutputHelper output)
        {
            _run = run;
            _out = output;
        }

        /// <summary>Runs Debian's headless Chromium with a throw-away profile and its log on stderr.</summary>
        internal static (int Code, string Out, string Err) Chromium(params string[] args)
        {
            string profile = Directory.CreateTempSubdirectory("nfcerts-chromium-").FullName;
            try
            {
                string[] common =
                {
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                };
                return Nfcerts.Process("chromium", [.. common, .. args], timeoutSeconds: 180);
            }
            finally
            {
                Directory.Delete(profile, true);
            }
        }

        [Fact]
        public void The_report_is_self_contained_and_renders_its_SVG_timeline_without_a_script_error()
        {
            Assert.Equal(0, _run.Code);
            string html = File.ReadAllText(_run.ReportPath);
            Assert.DoesNotMatch(new Regex(@"(src|href)\s*=", RegexOptions.IgnoreCase), html);
            Assert.DoesNotMatch(new Regex(@"https?://(?!www\.w3\.org/2000/svg)"), html);
            string url = new Uri(_run.ReportPath).AbsoluteUri;

            var (code, dom, log) = Chromium("--dump-dom", url);
            _out.WriteLine(log);
            Assert.Equal(0, code);
            Assert.True(Regex.Matches(dom, "<rect class=\"cert ").Count >= 5, "certificate windows: RootCA1, RootCA2, bootstrap, EST and DPS roots, client certificates");
            Assert.True(Regex.Matches(dom, "<rect class=\"net ").Count >= 2, "network spans");
            Assert.True(Regex.Matches(dom, "<rect class=\"outage\"").Count >= 1, "outages");
            Assert.True(Regex.Matches(dom, "<g class=\"event").Count >= 6, "events");
            // The page's script ran to its end: it counted the timeline's hover targets onto the body.
            Match items = Regex.Match(dom, "data-timeline-items=\"(\\d+)\"");
            Assert.True(items.Success, "the report's script did not run");
            Assert.True(int.Parse(items.Groups[1].Value) >= 15);
            Assert.DoesNotContain("Uncaught", log);
            Assert.DoesNotMatch(new Regex(@"CONSOLE\(\d+\)\].*(Error|error)"), log);

            string artefacts = Path.Combine(AppContext.BaseDirectory, "artefacts");
            Directory.CreateDirectory(artefacts);
            string shot = Path.Combine(artefacts, "demo-report.png");
            File.Delete(shot);
            var (shotCode, _, shotLog) = Chromium("--screenshot=" + shot, "--window-size=1300,900", url);
            Assert.True(shotCode == 0, shotLog);
            Assert.True(new FileInfo(shot).Length > 10_000, "screenshot " + shot);
            _out.WriteLine("screenshot: " + shot);
        }
    }
}
