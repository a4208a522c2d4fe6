using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.IO;
using System.Linq;

namespace NfCerts.Cli
{
    /// <summary>
    /// A command line the parser refused, told on stderr: each bad argument or option by name, a "did you mean" for a
    /// near miss, and where to find the command's help. A group named without a subcommand prints its help instead.
    /// </summary>
    internal static class UsageErrors
    {
        /// <summary>The farthest a typo may be from a name (in edits) to be suggested.</summary>
        private const int MaxTypoDistance = 2;

        public static void Report(ParseResult r, TextWriter stderr)
        {
            var result = r.CommandResult;
            var command = result.Command;
            var path = PathOf(result);
            var messages = new List<string>();
            foreach (var token in r.UnmatchedTokens)
            {
                messages.Add(Unmatched(command, path, token));
            }
            var missing = command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0 && (r.GetResult(a)?.Tokens.Count ?? 0) < a.Arity.MinimumNumberOfValues).ToList();
            foreach (var a in missing)
            {
                messages.Add("missing argument " + a.Name + " for '" + path + "'");
            }
            foreach (var e in r.Errors)
            {
                // Unmatched tokens and missing arguments are told above, by name.
                bool told = e.SymbolResult is CommandResult || e.SymbolResult is ArgumentResult ar && missing.Contains(ar.Argument);
                if (!told)
                {
                    messages.Add(AsClause(e.Message));
                }
            }
            if (messages.Count == 0 && command.Subcommands.Count > 0)
            {
                stderr.WriteLine("nfcerts: '" + path + "' needs a command: " + string.Join(", ", command.Subcommands.Select(c => c.Name)));
                stderr.WriteLine();
                var words = path.Split(' ').Skip(1).Append("--help").ToArray();
                r.RootCommandResult.Command.Parse(words).Invoke(new InvocationConfiguration { Output = stderr, Error = stderr });
                return;
            }
            if (messages.Count == 0)
            {
                messages.AddRange(r.Errors.Select(e => e.Message));
            }
            for (int i = 0; i < messages.Count; i++)
            {
                stderr.WriteLine("nfcerts: " + messages[i] + (i == messages.Count - 1 ? " (see '" + path + " --help')" : ""));
            }
        }

        /// <summary>The library's sentence ("Option '--radius' is required.") as a clause like ours ("option '--radius' is required").</summary>
        private static string AsClause(string message)
        {
            var m = message.TrimEnd().TrimEnd('.');
            return m.Length > 1 && char.IsUpper(m[0]) && char.IsLower(m[1]) ? char.ToLowerInvariant(m[0]) + m[1..] : m;
        }

        /// <summary>"nfcerts store ls" for the command that <paramref name="result"/> parsed (the root is always "nfcerts").</summary>
        public static string PathOf(CommandResult result)
        {
            var names = new List<string>();
            for (var c = result; c.Parent is CommandResult parent; c = parent)
            {
                names.Insert(0, c.Command.Name);
            }
            names.Insert(0, "nfcerts");
            return string.Join(" ", names);
        }

        private static string Unmatched(Command command, string path, string token)
        {
            if (token.StartsWith('-'))
            {
                return "unknown option '" + token + "' for '" + path + "'" + DidYouMean(token, command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)));
            }
            if (command.Subcommands.Count > 0)
            {
                return "unknown command '" + token + "' for '" + path + "'" + DidYouMean(token, command.Subcommands.Select(c => c.Name));
            }
            return "unexpected argument '" + token + "' for '" + path + "'";
        }

        private static string DidYouMean(string token, IEnumerable<string> names)
        {
            var near = names.Distinct().Select(n => (Name: n, Distance: Distance(token, n)))
                .Where(x => x.Distance <= Math.Min(MaxTypoDistance, x.Name.Length / 2))
                .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal).ToList();
            if (near.Count == 0)
            {
                return "";
            }
            var best = near.Where(x => x.Distance == near[0].Distance).Select(x => "'" + x.Name + "'");
            return "; did you mean " + string.Join(" or ", best) + "?";
        }

        /// <summary>Levenshtein distance (insertions, deletions and substitutions), two rows at a time.</summary>
        internal static int Distance(string a, string b)
        {
            var prev = new int[b.Length + 1];
            var cur = new int[b.Length + 1];
            for (int j = 0; j <= b.Length; j++)
            {
                prev[j] = j;
            }
            for (int i = 1; i <= a.Length; i++)
            {
                cur[0] = i;
                for (int j = 1; j <= b.Length; j++)
                {
                    cur[j] = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                }
                (prev, cur) = (cur, prev);
            }
            return prev[b.Length];
        }
    }
}
