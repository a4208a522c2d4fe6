using System;
using System.IO;
using System.Linq;
using NfCerts.Cli;
using Xunit;

namespace NfCerts.Tests.Cli
{
    /// <summary>Progress shows on a terminal's stderr only, and never changes what stdout carries.</summary>
    public sealed class ProgressDisplayTests
    {
        private static (int Result, string Err) Show(Terminal terminal)
        {
            var err = new StringWriter();
            var ui = new Ui(TextWriter.Null, err, terminal);
            int result = ProgressDisplay.Run(ui, "copying", p =>
            {
                p.Report(new ProgressUpdate("sector 1", 1, 4));
                p.Report(new ProgressUpdate("sector 4", 4, 4));
                return 42;
            });
            return (result, err.ToString());
        }

        [Fact]
        public void ATerminalSeesTheWorkGoBy()
        {
            var (result, err) = Show(Nfcerts.TerminalOf(false, true));
            Assert.Equal(42, result);
            Assert.Contains("copying", err);
            Assert.Contains("\u001b[", err);
        }

        [Theory]
        [InlineData(false, "")]
        [InlineData(true, "NO_COLOR")]
        [InlineData(true, "TERM")]
        public void APipeAFileOrNoColorSeesNothing(bool stderrIsTerminal, string variable)
        {
            var env = variable switch
            {
                "NO_COLOR" => new[] { ("NO_COLOR", "1") },
                "TERM" => new[] { ("TERM", "dumb") },
                _ => Array.Empty<(string, string)>(),
            };
            var (result, err) = Show(Nfcerts.TerminalOf(false, stderrIsTerminal, env));
            Assert.Equal(42, result);
            Assert.Equal("", err);
        }

        [Fact]
        public void BenchStorePrintsTheSameFiguresWithOrWithoutProgress()
        {
            var plain = Nfcerts.Run("bench", "store");
            var live = Nfcerts.Run(Nfcerts.TerminalOf(false, true), "bench", "store");
            Assert.Equal(0, plain.Code);
            Assert.Equal(0, live.Code);
            Assert.Equal("", plain.Err);
            Assert.Contains("store benchmark", live.Err);
            // Every line but the host's mount time, which is measured.
            static string[] Figures(string s) => s.Split('\n').Where(l => !l.Contains(" us on this host")).ToArray();
            Assert.Equal(Figures(plain.Out), Figures(live.Out));
            Assert.Contains("write amplification", plain.Out);
            Assert.DoesNotContain('\u001b', live.Out);
        }
    }
}
