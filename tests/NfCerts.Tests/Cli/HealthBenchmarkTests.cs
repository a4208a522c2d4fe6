using System.Linq;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.Cli
{
    /// <summary><c>nfcerts bench health</c> prints its figures; the flash bytes read are deterministic, the rest is printed only.
    /// It runs as its own process: the heap it measures is the process's, and other tests in this one move it.</summary>
    public class HealthBenchmarkTests
    {
        private readonly ITestOutputHelper _out;
        public HealthBenchmarkTests(ITestOutputHelper output) => _out = output;

        [Fact]
        public void TheBenchmarkPrintsEveryPhaseAndAnUnchangedStoreReadsNoFlash()
        {
            var (code, text, err) = Nfcerts.Process(Nfcerts.Executable, ["bench", "health", "--reports", "4"]);
            _out.WriteLine(text);
            Assert.True(code == 0, err);
            Assert.Contains("8 certificates in the store", text);
            var unchanged = text.Split('\n').Where(l => l.StartsWith("unchanged store")).ToArray();
            Assert.Equal(2, unchanged.Length);
            foreach (var line in unchanged)
            {
                // reports, allocated B/report, flash read B/report, us/report, patch chars
                var figures = Regex.Matches(line.Substring(43), @"[\d.]+").Select(m => m.Value).ToArray();
                Assert.Equal("4", figures[0]);
                Assert.Equal("0", figures[2]);
            }
            Assert.Matches(@"kept by the reporting objects between reports: \d+ B per device", text);
            Assert.Equal(2, Nfcerts.Run("bench", "health", "--reports", "0").Code);
        }
    }
}
