using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using NfCerts.Tests.Cli;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.Demo
{
    /// <summary>Runs the shortened scenario once through the CLI's entry point (in process, with a report) for the tests of
    /// this class.</summary>
    public sealed class DemoRunFixture
    {
        public DemoRunFixture()
        {
            ScenarioPath = DemoScenarios.Write(DemoScenarios.Short, "short");
            ReportPath = Path.Combine(Path.GetDirectoryName(ScenarioPath)!, "report.html");
            (Code, Out, Err) = Nfcerts.Run("demo", "--scenario", ScenarioPath, "--json", "--report", ReportPath);
        }

        public string ScenarioPath { get; }
        public string ReportPath { get; }
        public int Code { get; }
        public string Out { get; }
        public string Err { get; }
        public JsonObject Json => JsonNode.Parse(Out)!.AsObject();
    }

    /// <summary><c>nfcerts demo</c> plays the firmware's certificate life against the real servers and its invariants hold
    /// as observed at the servers, the radio and the store; a plan that strands the device is caught.</summary>
    public sealed class DemoCommandTests : IClassFixture<DemoRunFixture>
    {
        private readonly DemoRunFixture _run;
        private readonly ITestOutputHelper _out;

        public DemoCommandTests(DemoRunFixture run, ITestOutputHelper output)
        {
            _run = run;
            _out = output;
        }

        [Fact]
        public void The_shortened_scenario_keeps_every_invariant_and_does_what_the_plan_says()
        {
            _out.WriteLine(_run.Out + _run.Err);
            Assert.Equal(0, _run.Code);
            JsonObject r = _run.Json;
            Assert.True((bool)r["passed"]!, r.ToJsonString());
            Assert.Empty(r["breaches"]!.AsArray());
            // Every client certificate renewed by EST before it ran out (40-day certificates over 120 days).
            Assert.True((int)r["renewals"]! >= 3, "renewals: " + r["renewals"]);
            Assert.Equal(1, (int)r["rootRotations"]!);
            // The outages the plan causes, each put down to its cause.
            string[] causes = r["outages"]!.AsArray().Select(o => (string)o!["cause"]!).ToArray();
            Assert.Contains(causes, c => c.StartsWith("offline", StringComparison.Ordinal));
            Assert.DoesNotContain(causes, c => c.StartsWith("unexplained", StringComparison.Ordinal));
            Assert.True((double)r["connectivityPercent"]! > 90, "connectivity " + r["connectivityPercent"]);
            // Counted at the servers: real TLS at the hub, EAP-TLS at RADIUS, EST requests and the DPS registration.
            JsonObject h = r["handshakes"]!.AsObject();
            Assert.True((long)h["hub"]! >= 3 && (long)h["eap"]! >= 3 && (long)h["est"]! >= 4 && (long)h["dps"]! >= 1, h.ToJsonString());
            Assert.True((long)r["flashBytesProgrammed"]! > 0);
        }

        [Fact]
        public void A_plan_that_never_sends_RootCA2_strands_the_device_and_the_demo_fails()
        {
            string path = DemoScenarios.Write(DemoScenarios.NoRollout, "no-rollout");
            var (code, stdout, stderr) = Nfcerts.Run("demo", "--scenario", path, "--quiet");
            _out.WriteLine(stdout + stderr);
            Assert.Equal(1, code);
            Assert.Contains("stranded device", stderr);
            Assert.Contains("invariants          BROKEN", stdout);
        }

        [Fact]
        public void The_demo_runs_as_its_own_process()
        {
            var (code, stdout, stderr) = Nfcerts.Process(Nfcerts.Executable, new[] { "demo", "--scenario", _run.ScenarioPath, "--quiet" }, timeoutSeconds: 600);
            _out.WriteLine(stdout + stderr);
            Assert.Equal(0, code);
            Assert.Contains("invariants          held", stdout);
            Assert.Contains("renewals", stdout);
        }

        [Fact]
        public void A_scenario_file_with_an_error_names_the_line_the_field_and_what_is_allowed()
        {
            string bad = DemoScenarios.Short.Replace("\"type\": \"reboot\"", "\"type\": \"rebot\"");
            string path = DemoScenarios.Write(bad, "bad");
            var (code, _, stderr) = Nfcerts.Run("demo", "--scenario", path, "--quiet");
            Assert.Equal(1, code);
            int line = bad.Split('\n').ToList().FindIndex(l => l.Contains("rebot")) + 1;
            Assert.Contains("bad.json:" + line + ": /events/2/type", stderr);
            Assert.Contains("allowed: \"hubRootSwitch\", \"rootCaRollout\", \"radiusSwitch\", \"powerCut\", \"reboot\", \"offline\"", stderr);
        }
    }
}
