using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using NfCerts.Emulators.World;

namespace NfCerts.Cli
{
    /// <summary><c>nfcerts fleet</c>: N emulated devices of the same firmware through a rollout plan in one world, with the
    /// fleet's variety drawn from a seed; per-day convergence and load, the stranded devices, an HTML report.</summary>
    internal static class FleetCommands
    {
        public static void AddTo(RootCommand root, Ui ui) => root.Add(Build(ui));

        private static Command Build(Ui ui)
        {
            var scenario = Parameters.Value("--scenario", "FILE", "Scenario file (JSON, checked against scenarios/schema.json; its fleet section gives the variety); default: the shipped fleet rollout plan ('fleet', 'default' or 'late-notice' name the shipped ones)");
            var devices = new Option<int?>("--devices") { Description = "How many devices (default: the scenario's fleet.devices, else 1,000)", HelpName = "N" };
            var years = new Option<int?>("--years") { Description = "Run this many simulated years instead of the scenario's duration", HelpName = "N" };
            var seed = new Option<int>("--seed") { Description = "The seed every device's variety is drawn from; the same seed gives the same summary", HelpName = "N", DefaultValueFactory = _ => 1 };
            var offline = new Option<double?>("--offline-rate") { Description = "Share of devices with an offline period near the rollout, 0-1 (default: the scenario's)", HelpName = "RATE" };
            var skew = Parameters.Value("--skew", "DURATION", "Largest wall-clock error a device boots with, ISO 8601 (e.g. PT5M; default: the scenario's)");
            var jitter = Parameters.Choice(Parameters.Value("--jitter", "on|off", "on: every device has its own seed (check minute, retry jitter); off: all share one (default: the scenario's)"), "on", "off");
            var report = Parameters.Value("--report", "FILE.html", "Also write a self-contained HTML report (convergence and load curves, stranded devices)");
            var json = Parameters.Json();
            var quiet = new Option<bool>("--quiet") { Description = "No progress bar" };
            var fleet = new Command("fleet", "Rehearse a rollout plan with a fleet: N devices of the unmodified firmware (DeviceRuntime on the host HAL) in one simulated world on one clock, against real EST, DPS, IoT Hub and EAP-TLS servers on 127.0.0.1, with offline periods, clock skew, staggered first boots, a rate-limited EST server and a throttling DPS; reports per-day convergence and load and the stranded devices (exit 1 when a device is stranded and the plan did not expect it)")
            {
                scenario, devices, years, seed, offline, skew, jitter, report, json, quiet,
            }.WithExamples(
                "fleet --devices 100 --years 1",
                "fleet --scenario late-notice --devices 50 --report fleet.html",
                "fleet --devices 200 --jitter off --json",
                "fleet --seed 7 --offline-rate 0.2 --skew PT10M");
            fleet.SetAction(r =>
            {
                int? n = r.GetValue(devices);
                if (n is int count && (count < 1 || count > 100_000))
                {
                    throw new UsageException("--devices takes 1 to 100000");
                }
                int? y = r.GetValue(years);
                if (y is int yy && (yy < 1 || yy > 20))
                {
                    throw new UsageException("--years takes 1 to 20");
                }
                double? rate = r.GetValue(offline);
                if (rate is double v && (v < 0 || v > 1))
                {
                    throw new UsageException("--offline-rate takes 0 to 1");
                }
                TimeSpan? skewSpan = null;
                if (r.GetValue(skew) is string text)
                {
                    if (!IsoDuration.TryParse(text, out IsoDuration d) || d.Negative)
                    {
                        throw new UsageException("--skew takes an ISO 8601 duration such as PT5M");
                    }
                    skewSpan = d.LengthFrom(DateTimeOffset.UnixEpoch);
                }
                Scenario plan = DemoCommands.LoadScenario(r.GetValue(scenario), "fleet");
                bool asJson = r.GetValue(json);
                FleetResult Play(IProgress<ProgressUpdate>? p) =>
                    new FleetRun(plan, new FleetOptions
                    {
                        Devices = n,
                        Years = y,
                        Seed = r.GetValue(seed),
                        OfflineRate = rate,
                        Skew = skewSpan,
                        Jitter = r.GetValue(jitter) switch { "on" => true, "off" => false, _ => null },
                        OnProgress = p == null ? null : (share, at) => p.Report(new ProgressUpdate(at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (long)(share * 1000), 1000)),
                    }).RunAsync().GetAwaiter().GetResult();
                FleetResult result = r.GetValue(quiet) || asJson ? Play(null) : ProgressDisplay.Run(ui, "fleet " + plan.Name, Play);
                ui.Out.WriteLine(asJson ? Json(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) : FleetReport.Summary(result) + "\n" + FleetReport.Figures(result));
                if (r.GetValue(report) is string path)
                {
                    File.WriteAllText(path, FleetReport.Html(result));
                    if (!asJson)
                    {
                        ui.Out.WriteLine("report: " + path);
                    }
                }
                if (!result.NoneStranded && !result.Settings.ExpectStranded)
                {
                    throw new CommandException(result.Stranded.Count + " devices stranded: " + string.Join(", ", result.Stranded.Select(s => s.Id)));
                }
                return 0;
            });
            return fleet;
        }

        private static JsonObject Json(FleetResult r) => new()
        {
            ["scenario"] = r.Scenario,
            ["seed"] = r.Seed,
            ["devices"] = r.Devices.Count,
            ["start"] = r.Start.ToString("o", CultureInfo.InvariantCulture),
            ["end"] = r.End.ToString("o", CultureInfo.InvariantCulture),
            ["days"] = new JsonArray(r.Days.Select(d => (JsonNode)new JsonObject
            {
                ["date"] = d.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["booted"] = d.Booted,
                ["onNewRoot"] = d.OnNewRoot,
                ["offline"] = d.Offline,
                ["renewing"] = d.Renewing,
                ["estRequests"] = d.EstRequests,
                ["dpsRequests"] = d.DpsRequests,
                ["estPeakPerMinute"] = d.EstPeakPerMinute,
                ["dpsPeakPerMinute"] = d.DpsPeakPerMinute,
            }).ToArray()),
            ["estPeakPerMinute"] = r.Days.Select(d => d.EstPeakPerMinute).DefaultIfEmpty().Max(),
            ["dpsPeakPerMinute"] = r.Days.Select(d => d.DpsPeakPerMinute).DefaultIfEmpty().Max(),
            ["fleet"] = new JsonArray(r.Devices.Select(d => (JsonNode)new JsonObject
            {
                ["id"] = d.Id,
                ["firstBoot"] = d.BootAt.ToString("o", CultureInfo.InvariantCulture),
                ["skewSeconds"] = d.Skew.TotalSeconds,
                ["offlineFrom"] = d.OfflineFrom?.ToString("o", CultureInfo.InvariantCulture),
                ["offlineTo"] = d.OfflineTo?.ToString("o", CultureInfo.InvariantCulture),
            }).ToArray()),
            ["stranded"] = new JsonArray(r.Stranded.Select(s => (JsonNode)new JsonObject { ["id"] = s.Id, ["reason"] = s.Reason }).ToArray()),
            ["handshakes"] = new JsonObject { ["hub"] = r.Handshakes.Hub, ["eap"] = r.Handshakes.Eap, ["est"] = r.Handshakes.Est, ["dps"] = r.Handshakes.Dps, ["total"] = r.Handshakes.Total },
            ["wallSeconds"] = Math.Round(r.WallTime.TotalSeconds, 2),
            ["peakWorkingSetBytes"] = r.PeakWorkingSet,
        };
    }
}
