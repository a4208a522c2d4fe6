using System;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.IO;
using System.Linq;
using System.Reflection;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Core.Wifi;

namespace NfCerts.Cli
{
    /// <summary>The <c>nfcerts</c> command tree on System.CommandLine, and its exit codes: 0 success, 1 failure, 2 usage error.</summary>
    internal static class CommandLine
    {
        public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
            Run(args, stdout, stderr, Terminal.Detect(stdout, stderr));

        public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Terminal terminal)
        {
            var root = Build(new Ui(stdout, stderr, terminal));
            var parsed = root.Parse(args);
            if (parsed.Action is ParseErrorAction)
            {
                UsageErrors.Report(parsed, stderr);
                return 2;
            }
            try
            {
                return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
            }
            catch (UsageException e)
            {
                stderr.WriteLine("nfcerts: " + e.Message + " (see '" + UsageErrors.PathOf(parsed.CommandResult) + " --help')");
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
            catch (WifiConfigException e)
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

        /// <summary>The whole command tree; its actions write through <paramref name="ui"/>.</summary>
        public static RootCommand Build(Ui ui)
        {
            var root = new RootCommand(
                "nfcerts - tools for nf.Certs devices: certificates, flash store images, Wi-Fi networks, benchmarks.\n" +
                "Errors go to stderr; the exit code is 0 on success, 1 on failure, 2 on a usage error.")
            {
                CertCommands.Build(ui),
                StoreCommands.Build(ui),
                WifiCommands.Build(ui),
                HubCommands.Build(ui),
                BenchCommands.Build(ui),
                EstCommands.Build(ui),
                Completion.Build(),
            };
            StoreHubCommands.AddTo(root, ui);
            DpsCommands.AddTo(root, ui);
            DemoCommands.AddTo(root, ui);
            FleetCommands.AddTo(root, ui);
            root.WithExamples("store init device.img", "store ls device.img --json", "wifi --help", "completion bash");
            HelpWithExamples.Install(root);
            root.Options.OfType<VersionOption>().Single().Action = new PrintVersion();
            return root;
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

        /// <summary><c>nfcerts --version</c> prints "nfcerts 0.1.0", without the build's commit suffix.</summary>
        private sealed class PrintVersion : SynchronousCommandLineAction
        {
            public override int Invoke(ParseResult parseResult)
            {
                parseResult.InvocationConfiguration.Output.WriteLine("nfcerts " + Version);
                return 0;
            }
        }
    }
}
