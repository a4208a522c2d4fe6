using System;
using System.IO;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NfCerts.Cli
{
    /// <summary>What the two output streams are attached to, and the environment that decides how they may look.</summary>
    internal sealed class Terminal
    {
        public required bool StdoutIsTerminal { get; init; }
        public required bool StderrIsTerminal { get; init; }
        public required Func<string, string?> Environment { get; init; }

        /// <summary>The process's own streams: a stream counts as a terminal only if it is the console's and not redirected.</summary>
        public static Terminal Detect(TextWriter stdout, TextWriter stderr) => new()
        {
            StdoutIsTerminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected,
            StderrIsTerminal = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected,
            Environment = System.Environment.GetEnvironmentVariable,
        };

        /// <summary>Colour and other escape codes: only on a terminal, never with NO_COLOR set (https://no-color.org) or TERM=dumb.</summary>
        public bool AllowsEscapes(bool isTerminal) =>
            isTerminal && string.IsNullOrEmpty(Environment("NO_COLOR")) && Environment("TERM") != "dumb";
    }

    /// <summary>
    /// The output of one run: plain writers for what scripts read, a Spectre console over stdout for tables, and a live
    /// console over stderr for progress while a person watches (none when stderr is not a terminal).
    /// </summary>
    internal sealed class Ui
    {
        /// <summary>Width of tables written to a file or a pipe, where no window limits them.</summary>
        private const int RedirectedWidth = 200;

        public Ui(TextWriter stdout, TextWriter stderr, Terminal terminal)
        {
            Out = stdout;
            Error = stderr;
            Console = Create(stdout, terminal.StdoutIsTerminal, terminal.AllowsEscapes(terminal.StdoutIsTerminal));
            // Live progress redraws with escape codes: only on a terminal, and not with NO_COLOR either.
            Live = terminal.AllowsEscapes(terminal.StderrIsTerminal) ? Create(stderr, true, true) : null;
        }

        public TextWriter Out { get; }
        public TextWriter Error { get; }
        public IAnsiConsole Console { get; }
        public IAnsiConsole? Live { get; }

        private static IAnsiConsole Create(TextWriter writer, bool isTerminal, bool escapes)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(writer),
                Ansi = escapes ? AnsiSupport.Yes : AnsiSupport.No,
                ColorSystem = escapes ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
                Interactive = isTerminal ? InteractionSupport.Yes : InteractionSupport.No,
                Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
            });
            if (!isTerminal)
            {
                console.Profile.Width = RedirectedWidth;
            }
            return console;
        }

        /// <summary>A table with one bold header per column, rows added as plain text (never parsed as markup).</summary>
        public static Table Table(params string[] headers)
        {
            var t = new Table().Border(TableBorder.Rounded);
            foreach (var h in headers)
            {
                t.AddColumn(new TableColumn(new Text(h, new Style(decoration: Decoration.Bold))));
            }
            return t;
        }

        public static void AddRow(Table t, params object?[] cells)
        {
            var r = new IRenderable[cells.Length];
            for (int i = 0; i < cells.Length; i++)
            {
                r[i] = new Text(Convert.ToString(cells[i], System.Globalization.CultureInfo.InvariantCulture) ?? "");
            }
            t.AddRow(r);
        }
    }
}
