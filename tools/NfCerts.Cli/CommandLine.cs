using System;
using System.IO;
using System.Reflection;

namespace NfCerts.Cli
{
    /// <summary>Top-level dispatch of the <c>nfcerts</c> command.</summary>
    internal static class CommandLine
    {
        public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
        {
            if (args.Length == 0 || args[0] == "--help" || args[0] == "-h" || args[0] == "help")
            {
                stdout.Write(Usage);
                return args.Length == 0 ? 2 : 0;
            }
            if (args[0] == "--version")
            {
                stdout.WriteLine("nfcerts " + Version);
                return 0;
            }
            stderr.WriteLine("nfcerts: unknown command '" + args[0] + "' (see nfcerts --help)");
            return 2;
        }

        public static string Version
        {
            get
            {
                var v = typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>();
                var s = v != null ? v.InformationalVersion : "0.0.0";
                int plus = s.IndexOf('+');
                return plus >= 0 ? s.Substring(0, plus) : s;
            }
        }

        public const string Usage =
            "nfcerts - tools for nf.Certs devices\n" +
            "\n" +
            "Usage: nfcerts COMMAND [ARGS]\n" +
            "\n" +
            "Commands:\n" +
            "  --help       show this help\n" +
            "  --version    print the version\n";
    }
}
