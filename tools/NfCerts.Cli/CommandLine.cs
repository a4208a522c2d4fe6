using System;
using System.IO;
using System.Linq;
using System.Reflection;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;

namespace NfCerts.Cli
{
    /// <summary>Top-level dispatch of the <c>nfcerts</c> command.</summary>
    internal static class CommandLine
    {
        public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
        {
            if (args.Length == 0 || args[0] == "--help" || args[0] == "-h" || args[0] == "help")
            {
                (args.Length == 0 ? stderr : stdout).Write(Usage);
                return args.Length == 0 ? 2 : 0;
            }
            if (args[0] == "--version")
            {
                stdout.WriteLine("nfcerts " + Version);
                return 0;
            }
            try
            {
                var rest = new Args(args.Skip(1), new[] { "--size", "--sector", "--password", "--seed" }.Concat(WifiCommands.ValuedOptions).ToArray());
                switch (args[0])
                {
                    case "cert":
                        return CertCommands.Run(rest, stdout);
                    case "store":
                        return StoreCommands.Run(rest, stdout);
                    case "wifi":
                        return WifiCommands.Run(rest, stdout);
                    case "bench":
                        if (rest[0] != "store")
                        {
                            throw new UsageException("unknown benchmark '" + rest[0] + "' (known: store)");
                        }
                        int seed = rest.Int("--seed", 2026);
                        rest.Done(1, 1);
                        StoreBenchmark.Print(StoreBenchmark.Run(seed), stdout);
                        return 0;
                    default:
                        throw new UsageException("unknown command '" + args[0] + "'");
                }
            }
            catch (UsageException e)
            {
                stderr.WriteLine("nfcerts: " + e.Message + " (see nfcerts --help)");
                return 2;
            }
            catch (CommandException e)
            {
                stderr.WriteLine("nfcerts: " + e.Message);
                return 1;
            }
            catch (CertStoreException e)
            {
                stderr.WriteLine("nfcerts: " + e.Message + " [" + e.Error + "]");
                return 1;
            }
            catch (NfCerts.Core.Wifi.WifiConfigException e)
            {
                stderr.WriteLine("nfcerts: " + e.Message + " [" + e.Error + "]");
                return 1;
            }
            catch (StorageException e)
            {
                stderr.WriteLine("nfcerts: " + e.Message + " [" + e.Error + "]");
                return 1;
            }
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

        public static readonly string Usage =
            "nfcerts - tools for nf.Certs devices: certificates, flash store images, benchmarks\n" +
            "\n" +
            "Usage: nfcerts COMMAND [ARGS]\n" +
            "\n" +
            "Commands:\n" +
            CertCommands.Usage +
            StoreCommands.Usage +
            WifiCommands.Usage +
            "  bench store [--seed N]          the certificate-store benchmark (bytes programmed, erases, mount)\n" +
            "  --help                          show this help\n" +
            "  --version                       print the version\n" +
            "\n" +
            "Errors go to stderr; the exit code is 0 on success, 1 on failure, 2 on a usage error.\n";
    }
}
