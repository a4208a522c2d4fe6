using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using NfCerts.Cli;
using Xunit;

namespace NfCerts.Tests.Cli
{
    /// <summary>Every command answers --help and -h; a command without a description or an example cannot ship.</summary>
    public sealed class HelpTests
    {
        public static IEnumerable<object[]> Commands() =>
            Nfcerts.Walk(Nfcerts.Tree()).Select(x => new object[] { string.Join(" ", x.Path) });

        private static Command Find(string path)
        {
            var words = path.Length == 0 ? Array.Empty<string>() : path.Split(' ');
            return Nfcerts.Walk(Nfcerts.Tree()).Single(x => x.Path.SequenceEqual(words)).Command;
        }

        [Theory]
        [MemberData(nameof(Commands))]
        public void EveryCommandHasADescriptionAndAnExampleThatParses(string path)
        {
            var command = Find(path);
            Assert.False(string.IsNullOrWhiteSpace(command.Description), "'nfcerts " + path + "' has no description");
            var examples = Examples.Of(command);
            Assert.True(examples.Length > 0, "'nfcerts " + path + "' has no example");
            foreach (var e in examples)
            {
                var parsed = Nfcerts.Tree().Parse(ShellWords(e));
                Assert.True(parsed.Errors.Count == 0, "example 'nfcerts " + e + "': " + string.Join("; ", parsed.Errors.Select(x => x.Message)));
            }
        }

        [Theory]
        [MemberData(nameof(Commands))]
        public void EveryCommandAnswersHelpWithUsageArgumentsOptionsAndExamples(string path)
        {
            var command = Find(path);
            foreach (var flag in new[] { "--help", "-h" })
            {
                var words = path.Length == 0 ? new[] { flag } : [.. path.Split(' '), flag];
                var (code, help, err) = Nfcerts.Run(words);
                Assert.True(code == 0, "nfcerts " + string.Join(" ", words) + " exited " + code + ": " + err);
                Assert.Equal("", err);
                Assert.Contains("Usage:", help);
                Assert.Contains(command.Description!.Split('\n')[0], help);
                foreach (var a in command.Arguments)
                {
                    Assert.Contains(a.HelpName ?? a.Name, help);
                }
                foreach (var o in command.Options.Where(o => !o.Hidden))
                {
                    Assert.Contains(o.Name, help);
                }
                foreach (var s in command.Subcommands)
                {
                    Assert.Contains(s.Name, help);
                }
                Assert.Contains("Examples:", help);
                Assert.Contains("nfcerts " + Examples.Of(command)[0], help);
            }
        }

        [Fact]
        public void TheTreeHasTheCommandsTheReadmeShows()
        {
            var paths = Nfcerts.Walk(Nfcerts.Tree()).Select(x => string.Join(" ", x.Path)).ToHashSet();
            foreach (var p in new[] { "cert show", "store init", "store ls", "store show", "store install-root", "store install-client",
                "store move", "store rm", "store stats", "wifi ls", "wifi add", "wifi show", "wifi test", "bench store", "completion" })
            {
                Assert.Contains(p, paths);
            }
        }

        [Fact]
        public void VersionPrintsTheProgramAndItsVersion()
        {
            var (code, version, _) = Nfcerts.Run("--version");
            Assert.Equal(0, code);
            Assert.Matches(@"^nfcerts \d+\.\d+\.\d+\n$", version);
        }

        /// <summary>An example's words as a shell splits them: single quotes group, and a redirection ends the command.</summary>
        private static string[] ShellWords(string line)
        {
            var words = new List<string>();
            foreach (var part in line.Split('\'').Select((text, i) => (text, quoted: i % 2 == 1)))
            {
                if (part.quoted)
                {
                    words.Add(part.text);
                    continue;
                }
                foreach (var w in part.text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (w is ">" or ">>" or "|")
                    {
                        return words.ToArray();
                    }
                    words.Add(w);
                }
            }
            return words.ToArray();
        }
    }
}
