using System;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Linq;
using System.Runtime.CompilerServices;

namespace NfCerts.Cli
{
    /// <summary>Examples shown at the end of a command's help; every command has at least one (a test walks the tree).</summary>
    internal static class Examples
    {
        private static readonly ConditionalWeakTable<Command, string[]> Table = new();

        /// <summary>Attaches example command lines (without the leading "nfcerts") to <paramref name="command"/>.</summary>
        public static T WithExamples<T>(this T command, params string[] examples) where T : Command
        {
            Table.AddOrUpdate(command, examples);
            return command;
        }

        public static string[] Of(Command command) => Table.TryGetValue(command, out var e) ? e : Array.Empty<string>();
    }

    /// <summary>The library's help (usage, arguments, options, subcommands) followed by the command's examples.</summary>
    internal sealed class HelpWithExamples : SynchronousCommandLineAction
    {
        private readonly HelpAction _help;

        private HelpWithExamples(HelpAction help) => _help = help;

        /// <summary>Replaces the help option's action on <paramref name="root"/> (the option is recursive: one for all commands).</summary>
        public static void Install(RootCommand root)
        {
            var option = root.Options.OfType<HelpOption>().Single();
            option.Action = new HelpWithExamples((HelpAction)option.Action!);
        }

        public override int Invoke(ParseResult parseResult)
        {
            _help.Invoke(parseResult);
            Write(parseResult.CommandResult.Command, parseResult.InvocationConfiguration.Output);
            return 0;
        }

        /// <summary>Writes the "Examples:" section of <paramref name="command"/>.</summary>
        public static void Write(Command command, System.IO.TextWriter output)
        {
            var examples = Examples.Of(command);
            if (examples.Length == 0)
            {
                return;
            }
            output.WriteLine("Examples:");
            foreach (var e in examples)
            {
                output.WriteLine("  nfcerts " + e);
            }
            output.WriteLine();
        }
    }
}
