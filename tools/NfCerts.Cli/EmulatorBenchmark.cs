using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NfCerts.Emulators.World;

namespace NfCerts.Cli
{
    /// <summary><c>nfcerts bench emulator</c>: wall time, memory and real TLS handshakes of the emulator, for one device over
    /// years (<c>nfcerts demo</c>'s run) and for fleets (<c>nfcerts fleet</c>'s). Prints figures; asserts nothing.</summary>
    internal static class EmulatorBenchmark
    {
        public static Command Command(Ui ui)
        {
            var deviceYears = new Option<int>("--device-years") { Description = "Simulated years of the one-device run (0 skips it)", HelpName = "N", DefaultValueFactory = _ => 10 };
            var fleets = new Option<string>("--fleets") { Description = "Comma-separated fleet sizes, each run for --fleet-years (empty skips them; the issue's sizes are 1000,10000, which take hours here)", HelpName = "N,N", DefaultValueFactory = _ => "10,50" };
            var fleetYears = new Option<int>("--fleet-years") { Description = "Simulated years of each fleet run", HelpName = "N", DefaultValueFactory = _ => 2 };
            var idleDevices = new Option<int>("--idle-devices") { Description = "Also boot N devices to the hub and print the managed heap and flash model bytes per idle device (0 skips it)", HelpName = "N", DefaultValueFactory = _ => 0 };
            var command = new Command("emulator", "The emulator's cost: wall time, peak working set, GC heap and real TLS handshakes for one device over --device-years (the default scenario) and for fleets of --fleets devices over --fleet-years; figures only")
            {
                deviceYears, fleets, fleetYears, idleDevices,
            }.WithExamples("bench emulator", "bench emulator --device-years 10 --fleets 1000 --fleet-years 2", "bench emulator --device-years 0 --fleets 100",
                "bench emulator --device-years 0 --fleets '' --idle-devices 200");
            command.SetAction(r =>
            {
                TextWriter o = ui.Out;
                int years = r.GetValue(deviceYears);
                if (years < 0 || years > 20 || r.GetValue(fleetYears) < 1 || r.GetValue(fleetYears) > 20)
                {
                    throw new UsageException("--device-years takes 0 to 20, --fleet-years 1 to 20");
                }
                Scenario plan = ScenarioFile.Load("default");
                o.WriteLine("emulator benchmark (" + Environment.ProcessorCount + " cores); every connection a device makes is a real TLS handshake");
                o.WriteLine("run                      wall s   device-years/s   peak WS MiB   GC heap MiB   handshakes");
                if (years > 0)
                {
                    var wall = Stopwatch.StartNew();
                    DemoResult d = new DemoRun(plan, new DemoOptions { Years = years }).RunAsync().GetAwaiter().GetResult();
                    Line(o, "1 device x " + years + " y", wall.Elapsed, years, d.Handshakes.Total);
                }
                foreach (string part in (r.GetValue(fleets) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
                    {
                        throw new UsageException("--fleets takes sizes such as 10,50");
                    }
                    int fy = r.GetValue(fleetYears);
                    var wall = Stopwatch.StartNew();
                    FleetResult f = new FleetRun(plan, new FleetOptions { Devices = n, Years = fy }).RunAsync().GetAwaiter().GetResult();
                    Line(o, n + " devices x " + fy + " y", wall.Elapsed, (double)n * fy, f.Handshakes.Total);
                }
                EmulatorMemoryBenchmark.Run(o, r.GetValue(idleDevices));
                return 0;
            });
            return command;
        }

        private static void Line(TextWriter o, string run, TimeSpan wall, double deviceYears, long handshakes)
        {
            using var self = Process.GetCurrentProcess();
            o.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-22} {1,8:0.0} {2,16:0.00} {3,13:0} {4,13:0} {5,12}", run, wall.TotalSeconds,
                deviceYears / Math.Max(0.001, wall.TotalSeconds), self.PeakWorkingSet64 / 1048576.0, GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0, handshakes));
        }
    }
}
