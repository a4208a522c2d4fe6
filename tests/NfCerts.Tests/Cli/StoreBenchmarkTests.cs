using NfCerts.Cli;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.Cli
{
    /// <summary>The benchmark's byte and erase counts are deterministic (no timing): hold the store to its targets.</summary>
    public class StoreBenchmarkTests
    {
        private readonly ITestOutputHelper _out;
        public StoreBenchmarkTests(ITestOutputHelper output) => _out = output;

        [Fact]
        public void WorkloadMeetsTheStorageTargets()
        {
            var r = StoreBenchmark.Run(seed: 2026, mountRepeats: 1);
            var text = new System.IO.StringWriter();
            StoreBenchmark.Print(r, text);
            _out.WriteLine(text.ToString());
            foreach (var s in r.Steps)
            {
                if (s.Payload > 0)
                {
                    Assert.True(s.BytesProgrammed <= s.Payload + 64, s.Name + ": " + s.BytesProgrammed);
                }
            }
            var move = r.Steps.Find(s => s.Name.Contains("move"))!;
            Assert.True(move.BytesProgrammed <= 64);
            Assert.Equal(0, move.SectorsErased);
            Assert.True(r.WriteAmplification <= 1.10, "WA " + r.WriteAmplification);
            Assert.True(r.EraseRatio <= 1.20, "erase ratio " + r.EraseRatio);
            Assert.True(r.MaxErases <= r.MeanErases * 1.25, $"max {r.MaxErases} mean {r.MeanErases}");
            Assert.True(r.MountBytesRead <= 16384, "mount read " + r.MountBytesRead);
        }
    }
}
