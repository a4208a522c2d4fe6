using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace NfCerts.Cli
{
    /// <summary>The arguments and options that several commands share, so that they read the same in every help text.</summary>
    internal static class Parameters
    {
        public static Argument<string> Image() => new("IMAGE")
        {
            Description = "Store image file: the content of the device's nfcerts flash partition",
        };

        public static Argument<string> Text(string name, string description) => new(name) { Description = description };

        public static Option<bool> Json() => new("--json") { Description = "Print JSON for scripts instead of text" };

        /// <summary>A size in bytes, also written with a K or KiB suffix (256K = 262144).</summary>
        public static Option<int> Bytes(string name, int fallback, string description) => new(name)
        {
            Description = description,
            HelpName = "BYTES",
            DefaultValueFactory = _ => fallback,
            CustomParser = r => ParseBytes(r, name),
        };

        public static Option<string> Value(string name, string helpName, string description, bool required = false) => new(name)
        {
            Description = description,
            HelpName = helpName,
            Required = required,
        };

        /// <summary>Restricts <paramref name="option"/> to <paramref name="values"/>, which are also its completions.</summary>
        public static Option<string> Choice(Option<string> option, params string[] values)
        {
            option.HelpName = string.Join("|", values);
            option.CompletionSources.Add(values);
            option.Validators.Add(r => CheckChoice(r, option.Name, values));
            return option;
        }

        /// <summary>Restricts <paramref name="argument"/> to <paramref name="values"/>, which are also its completions.</summary>
        public static Argument<string> Choice(Argument<string> argument, params string[] values)
        {
            argument.CompletionSources.Add(values);
            argument.Validators.Add(r => CheckChoice(r, argument.Name, values));
            return argument;
        }

        private static void CheckChoice(SymbolResult r, string name, string[] values)
        {
            foreach (var t in r.Tokens)
            {
                if (Array.IndexOf(values, t.Value) < 0)
                {
                    r.AddError(name + " must be " + string.Join(", ", values[..^1]) + " or " + values[^1] + ", not '" + t.Value + "'");
                }
            }
        }

        private static int ParseBytes(ArgumentResult r, string name)
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            var v = text;
            int mul = 1;
            if (v.EndsWith("K", StringComparison.OrdinalIgnoreCase) || v.EndsWith("KiB", StringComparison.OrdinalIgnoreCase))
            {
                mul = 1024;
                v = v.TrimEnd('B', 'b', 'i', 'I').TrimEnd('K', 'k');
            }
            if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > int.MaxValue / mul)
            {
                r.AddError(name + " must be a positive number of bytes, not '" + text + "'");
                return 0;
            }
            return n * mul;
        }
    }
}
