using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NfCerts.Emulators.World;
using Spectre.Console;

namespace NfCerts.Cli
{
    /// <summary><c>nfcerts demo</c>: one emulated device living a scenario's years on the virtual clock against real
    /// servers on 127.0.0.1, with a live timeline, a summary, the invariants checked and an HTML report.</summary>
    internal static class DemoCommands
    {
        public static void AddTo(RootCommand root, Ui ui) => root.Add(Build(ui));

        private static Command Build(Ui ui)
        {
            var scenario = Parameters.Value("--scenario", "FILE", "Scenario file (JSON, checked against scenarios/schema.json); default: the shipped default scenario ('default', 'fleet' or 'late-notice' name the shipped ones)");
            var years = new Option<int?>("--years") { Description = "Run this many simulated years instead of the scenario's duration", HelpName = "N" };
            var seed = new Option<uint>("--seed") { Description = "The device's seed (its jitter and check times)", HelpName = "N", DefaultValueFactory = _ => 1 };
            var radius = Parameters.Choice(Parameters.Value("--radius", "KIND", "The RADIUS server: inproc (real TLS in process) or freeradius (a real FreeRADIUS, with eapol_test as the device's side, both on a libfaketime clock set to the simulated time; needs the Debian packages freeradius, eapoltest and faketime); either judges certificate validity at simulated time"), "inproc", "freeradius");
            var report = Parameters.Value("--report", "FILE.html", "Also write a self-contained HTML report with the SVG timeline");
            var json = Parameters.Json();
            var quiet = new Option<bool>("--quiet") { Description = "Print only the summary (no live timeline)" };
            var demo = new Command("demo", "Play a device's certificate life on the desktop: the unmodified firmware (DeviceRuntime) on the host HAL through a scenario's years on a virtual clock, against real EST, DPS, IoT Hub and EAP-TLS servers on 127.0.0.1; exit 1 when an invariant broke (stranded device, lost certificate, key in a log)")
            {
                scenario, years, seed, radius, report, json, quiet,
            }.WithExamples(
                "demo",
                "demo --years 1 --report demo.html",
                "demo --scenario scenarios/late-notice.json --quiet",
                "demo --radius freeradius --json");
            demo.SetAction(r =>
            {
                int? y = r.GetValue(years);
                if (y is int n && (n < 1 || n > 20))
                {
                    throw new UsageException("--years takes 1 to 20");
                }
                Scenario plan = LoadScenario(r.GetValue(scenario));
                bool asJson = r.GetValue(json);
                bool live = !asJson && !r.GetValue(quiet);
                var written = new StringBuilder();
                var options = new DemoOptions
                {
                    Years = y,
                    Seed = r.GetValue(seed),
                    Radius = r.GetValue(radius) == "freeradius" ? RadiusKind.FreeRadius : RadiusKind.InProcess,
                    OnTimeline = live ? e => TimelineLine(ui, e, written) : null,
                };
                if (live)
                {
                    Write(ui, written, "[bold]" + Markup.Escape(plan.Name) + "[/]: " + Markup.Escape(plan.Description), plain: plan.Name + ": " + plan.Description);
                    Write(ui, written, "[dim]date              network    client  root  what[/]", "date              network    client  root  what");
                }
                DemoResult result = ProgressDisplay.Run(ui, "demo " + plan.Name, p =>
                {
                    var withProgress = new DemoOptions
                    {
                        Years = options.Years, Seed = options.Seed, Radius = options.Radius, OnTimeline = options.OnTimeline,
                        OnProgress = (share, at) => p.Report(new ProgressUpdate(at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (long)(share * 1000), 1000)),
                    };
                    return new DemoRun(plan, withProgress).RunAsync().GetAwaiter().GetResult();
                });
                string summary = asJson ? Json(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) : Summary(result);
                foreach (string key in result.Keys.Find(written + summary))
                {
                    result.Breaches.Add("private key in the command's output: " + key);
                    summary = asJson ? Json(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) : Summary(result);
                }
                ui.Out.WriteLine(summary);
                string? reportPath = r.GetValue(report);
                if (reportPath != null)
                {
                    File.WriteAllText(reportPath, DemoReport.Html(result));
                    if (!asJson)
                    {
                        ui.Out.WriteLine("report: " + reportPath);
                    }
                }
                if (!result.Passed)
                {
                    throw new CommandException("invariants broke:\n  " + string.Join("\n  ", result.Breaches));
                }
                return 0;
            });
            return demo;
        }

        /// <summary>The scenario named by <c>--scenario</c> (a file, or a shipped name; when none, the shipped
        /// <paramref name="fallback"/>), or a <see cref="CommandException"/> with the file's errors.</summary>
        internal static Scenario LoadScenario(string? pathOrName, string fallback = "default")
        {
            try
            {
                return ScenarioFile.Load(pathOrName ?? fallback);
            }
            catch (ScenarioException e)
            {
                throw new CommandException("the scenario has errors:\n" + e.Message);
            }
            catch (IOException e)
            {
                throw new CommandException("cannot read the scenario: " + e.Message);
            }
        }

        private static void TimelineLine(Ui ui, TimelineEntry e, StringBuilder written)
        {
            string days(int? d) => d is int v ? v.ToString(CultureInfo.InvariantCulture) + "d" : "-";
            string plain = e.Time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + "  " + e.Network.PadRight(9) + "  "
                + days(e.ClientDaysLeft).PadLeft(6) + "  " + days(e.RootDaysLeft).PadLeft(5) + "  " + e.Text;
            string colour = e.Kind switch
            {
                TimelineKind.Event => "bold",
                TimelineKind.Outage => "yellow",
                TimelineKind.Breach => "bold red",
                _ => "default",
            };
            Write(ui, written, "[" + colour + "]" + Markup.Escape(plain) + "[/]", plain);
        }

        private static void Write(Ui ui, StringBuilder written, string markup, string plain)
        {
            ui.Console.MarkupLine(markup);
            written.Append(plain).Append('\n');
        }

        private static string Summary(DemoResult r)
        {
            var s = new StringBuilder();
            s.AppendLine();
            s.AppendLine("summary of " + r.Scenario + ", " + r.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " to "
                + r.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " (" + ((r.End - r.Start).TotalDays / 365.25).ToString("0.#", CultureInfo.InvariantCulture)
                + " simulated years), RADIUS: " + r.Radius);
            s.AppendLine("  connectivity        " + r.ConnectivityPercent.ToString("0.00", CultureInfo.InvariantCulture) + " % of hourly samples connected to the hub");
            s.AppendLine("  outages             " + r.Outages.Count);
            foreach (Outage o in r.Outages)
            {
                s.AppendLine("    " + o.From.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + "  " + Length(o.Length).PadLeft(9) + "  " + o.Cause);
            }
            s.AppendLine("  renewals            " + r.Renewals + " (ClientCert1 re-enrolled by EST; " + r.EstIssued + " certificates issued in all)");
            s.AppendLine("  root CA rotations   " + r.RootRotations);
            s.AppendLine("  TLS handshakes      " + r.Handshakes.Total + " (hub " + r.Handshakes.Hub + ", EAP-TLS " + r.Handshakes.Eap + ", EST " + r.Handshakes.Est + ", DPS " + r.Handshakes.Dps + ")");
            s.AppendLine("  flash               " + r.FlashBytesProgrammed + " bytes programmed, " + r.FlashErases + " sector erases");
            s.AppendLine("  wall time           " + r.WallTime.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s ("
                + ((r.End - r.Start).TotalDays / 365.25 / Math.Max(0.001, r.WallTime.TotalSeconds)).ToString("0.00", CultureInfo.InvariantCulture) + " simulated years per second)");
            s.Append(r.Passed ? "  invariants          held: no stranded device, no lost certificate, no key in a log"
                : "  invariants          BROKEN:\n    " + string.Join("\n    ", r.Breaches));
            return s.ToString();
        }

        private static string Length(TimeSpan t) => t.TotalDays >= 1 ? t.TotalDays.ToString("0.#", CultureInfo.InvariantCulture) + " d"
            : t.TotalHours >= 1 ? t.TotalHours.ToString("0.#", CultureInfo.InvariantCulture) + " h" : t.TotalMinutes.ToString("0", CultureInfo.InvariantCulture) + " min";

        private static JsonObject Json(DemoResult r) => new()
        {
            ["scenario"] = r.Scenario,
            ["start"] = r.Start.ToString("o", CultureInfo.InvariantCulture),
            ["end"] = r.End.ToString("o", CultureInfo.InvariantCulture),
            ["radius"] = r.Radius,
            ["connectivityPercent"] = Math.Round(r.ConnectivityPercent, 3),
            ["outages"] = new JsonArray(r.Outages.Select(o => (JsonNode)new JsonObject
            {
                ["from"] = o.From.ToString("o", CultureInfo.InvariantCulture),
                ["to"] = o.To.ToString("o", CultureInfo.InvariantCulture),
                ["cause"] = o.Cause,
            }).ToArray()),
            ["renewals"] = r.Renewals,
            ["rootRotations"] = r.RootRotations,
            ["estIssued"] = r.EstIssued,
            ["handshakes"] = new JsonObject { ["hub"] = r.Handshakes.Hub, ["eap"] = r.Handshakes.Eap, ["est"] = r.Handshakes.Est, ["dps"] = r.Handshakes.Dps, ["total"] = r.Handshakes.Total },
            ["flashBytesProgrammed"] = r.FlashBytesProgrammed,
            ["flashErases"] = r.FlashErases,
            ["wallSeconds"] = Math.Round(r.WallTime.TotalSeconds, 2),
            ["passed"] = r.Passed,
            ["breaches"] = new JsonArray(r.Breaches.Select(b => (JsonNode)JsonValue.Create(b)).ToArray()),
        };
    }
}
