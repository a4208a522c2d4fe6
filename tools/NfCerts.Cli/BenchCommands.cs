using System.CommandLine;

namespace NfCerts.Cli
{
    /// <summary><c>nfcerts bench ...</c>: the benchmarks whose figures the issues quote.</summary>
    internal static class BenchCommands
    {
        public static Command Build(Ui ui)
        {
            var bench = new Command("bench", "Benchmarks: bytes programmed, erases, mount cost")
                .WithExamples("bench store");

            var seed = new Option<int>("--seed") { Description = "Seed of the random workload", HelpName = "N", DefaultValueFactory = _ => 2026 };
            var store = new Command("store", "The certificate-store benchmark on the NOR flash model (bytes programmed, erases, mount)") { seed }
                .WithExamples("bench store", "bench store --seed 7");
            store.SetAction(r =>
            {
                var result = ProgressDisplay.Run(ui, "store benchmark", p => StoreBenchmark.Run(r.GetValue(seed), progress: p));
                StoreBenchmark.Print(result, ui.Out);
                return 0;
            });
            bench.Add(store);

            var json = Parameters.Json();
            var memory = new Command("memory", "The RAM budget on ESP32 sizes: bytes allocated by mount after years of churn, put, move, compaction, purge, install and a certificate query, each against its budget (exit 1 when one is over)") { json }
                .WithExamples("bench memory", "bench memory --json");
            memory.SetAction(r => MemoryBenchmark.Run(ui.Out, r.GetValue(json)));
            bench.Add(memory);
            bench.Add(EstBenchmark.Command(ui));
            bench.Add(EmulatorBenchmark.Command(ui));
            bench.Add(HealthBenchmark.Command(ui));
            return bench;
        }
    }
}
