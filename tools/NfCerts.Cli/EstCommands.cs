using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading;
using NfCerts.Emulators.Est;

namespace NfCerts.Cli
{
    /// <summary><c>nfcerts est ...</c>: the EST test server and its issued-certificate log, and the EST client commands
    /// (enroll, reenroll, ...) of <see cref="EstClientCommands"/>.</summary>
    internal static class EstCommands
    {
        /// <summary>The <c>est</c> group with <c>serve</c> and <c>log</c>; each of <paramref name="extensions"/> may add
        /// further subcommands (e.g. <c>est =&gt; EstClientCommands.AddTo(est)</c>).</summary>
        public static Command Build(Ui ui, params Action<Command>[] extensions)
        {
            var est = new Command("est", "EST (RFC 7030/8951) certificate enrollment: a test server with its own CA, the log of what it issued, and a client on the device's EST code")
                .WithExamples("est serve --dir est-ca --user estuser --password estpwd", "est log --dir est-ca",
                    "est enroll --server https://127.0.0.1:8085 --trust est-ca/cacerts.pem --user estuser --subject CN=device-001 --out-cert d.pem --out-key d.key");
            est.Add(Serve(ui));
            est.Add(Log(ui));
            EstClientCommands.AddTo(est, ui);
            foreach (Action<Command> extend in extensions)
            {
                extend(est);
            }
            return est;
        }

        private static Command Serve(Ui ui)
        {
            var dir = Parameters.Value("--dir", "DIR", "Directory of the CA keys, TLS credential, config and issued log (created; reused on restart)", required: true);
            var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1 (0 takes a free one)", HelpName = "PORT", DefaultValueFactory = _ => 8085 };
            var lifetime = new Option<TimeSpan>("--lifetime")
            {
                Description = "Lifetime of issued certificates: a number with s, m (or min), h or d",
                HelpName = "DURATION",
                DefaultValueFactory = _ => TimeSpan.FromDays(1),
                CustomParser = ParseLifetime,
            };
            var backdate = new Option<TimeSpan>("--backdate")
            {
                Description = "How far before issue an issued certificate's NotBefore lies, so that a device whose clock is a little behind can use it at once: 0, or a number with s, m (or min), h or d up to 2d",
                HelpName = "DURATION",
                DefaultValueFactory = _ => EstServerControls.DefaultBackdate,
                CustomParser = ParseBackdate,
            };
            var label = new Option<string[]>("--label") { Description = "Also serve /.well-known/est/LABEL (repeatable)", HelpName = "LABEL", AllowMultipleArgumentsPerToken = false };
            var user = Parameters.Value("--user", "USER", "HTTP Basic user for /simpleenroll and /serverkeygen (none: client certificates only)");
            var password = Parameters.Value("--password", "PASSWORD", "HTTP Basic password (with --user)");
            var bootstrap = new Option<string[]>("--bootstrap-ca") { Description = "PEM file of CA certificates whose device certificates may enroll over TLS (repeatable)", HelpName = "PEM" };
            var rsa = new Option<bool>("--rsa") { Description = "Make the CA with RSA 2048 keys instead of ECDSA P-256 (first start only)" };
            var intermediate = new Option<bool>("--intermediate") { Description = "Issue from an intermediate CA under the root (first start only)" };
            var serve = new Command("serve", "Run an EST server on https://127.0.0.1:PORT/.well-known/est until Ctrl+C; prints the URL, the CA file to trust and the credentials")
            {
                dir, port, lifetime, backdate, label, user, password, bootstrap, rsa, intermediate,
            }.WithExamples(
                "est serve --dir est-ca --user estuser --password estpwd",
                "est serve --dir est-ca --port 0 --lifetime 10m --bootstrap-ca factory-ca.pem",
                "est serve --dir est-ca --lifetime 1h --backdate 0 --user estuser --password estpwd",
                "est serve --dir est-ca --label devices --rsa --intermediate --user estuser --password estpwd");
            serve.SetAction(r =>
            {
                string? u = r.GetValue(user);
                string? p = r.GetValue(password);
                if ((u == null) != (p == null))
                {
                    throw new UsageException("--user and --password go together");
                }
                var options = new EstServerOptions
                {
                    Directory = Path.GetFullPath(r.GetValue(dir)!),
                    Port = r.GetValue(port),
                    Lifetime = r.GetValue(lifetime),
                    Backdate = r.GetValue(backdate),
                    Labels = r.GetValue(label) ?? Array.Empty<string>(),
                    User = u,
                    Password = p,
                    BootstrapCas = LoadCas(r.GetValue(bootstrap) ?? Array.Empty<string>()),
                    Rsa = r.GetValue(rsa),
                    Intermediate = r.GetValue(intermediate),
                };
                return Run(options, ui.Out);
            });
            return serve;
        }

        /// <summary>How long the server may take to stop after SIGTERM or Ctrl+C before the process exits anyway.</summary>
        private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(10);

        private static int Run(EstServerOptions options, TextWriter stdout)
        {
            var server = new EstServer(options);
            try
            {
                System.Threading.Tasks.Task.Run(() => server.StartAsync()).GetAwaiter().GetResult();
            }
            catch (IOException e)
            {
                throw new CommandException("cannot listen on 127.0.0.1:" + options.Port + ": " + e.Message);
            }
            // Registered after the start, so that these handlers run first: the runtime calls the newest registration first,
            // and its newer versions stop at the first handler that cancels the signal. A second signal ends the process.
            using var stop = new ManualResetEventSlim();
            int signals = 0;
            Action<PosixSignalContext> onSignal = c =>
            {
                c.Cancel = Interlocked.Increment(ref signals) == 1;
                stop.Set();
            };
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, onSignal);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, onSignal);
            try
            {
                stdout.WriteLine("EST server: " + server.BaseUri());
                foreach (string l in options.Labels)
                {
                    stdout.WriteLine("  label:   " + server.BaseUri(l));
                }
                stdout.WriteLine("CA file:   " + server.CaFile + "  (trust it; the TLS server certificate chains to its root)");
                stdout.WriteLine("Basic:     " + (options.User == null ? "off (TLS client certificates only)" : options.User + " (password as given with --password; not printed)"));
                stdout.WriteLine("Bootstrap: " + (options.BootstrapCas.Count == 0 ? "none" : string.Join("; ", options.BootstrapCas.Select(c => c.Subject))));
                stdout.WriteLine("Lifetime:  " + FormatLifetime(options.Lifetime));
                stdout.WriteLine("Log:       " + server.Log.Path + "  (nfcerts est log --dir " + options.Directory + ")");
                stdout.WriteLine("Press Ctrl+C to stop.");
                stdout.Flush();
                stop.Wait();
            }
            catch
            {
                StopWithin(server, StopLimit);
                throw;
            }
            // Kestrel lets requests in flight finish for a few seconds, then cuts them; past the limit the process ends anyway.
            if (!StopWithin(server, StopLimit))
            {
                stdout.WriteLine("stopped (the server did not finish closing within " + StopLimit.TotalSeconds + " s)");
                return 1;
            }
            stdout.WriteLine("stopped");
            return 0;
        }

        private static bool StopWithin(EstServer server, TimeSpan limit) =>
            System.Threading.Tasks.Task.Run(() => server.DisposeAsync().AsTask()).Wait(limit);

        private static Command Log(Ui ui)
        {
            var dir = Parameters.Value("--dir", "DIR", "The directory given to 'est serve --dir'", required: true);
            var json = Parameters.Json();
            var log = new Command("log", "List the certificates an EST server issued: time, operation, serial, subject, key, SPKI SHA-256, not-after")
            {
                dir, json,
            }.WithExamples("est log --dir est-ca", "est log --dir est-ca --json");
            log.SetAction(r => PrintLog(r.GetValue(dir)!, r.GetValue(json), ui));
            return log;
        }

        private static int PrintLog(string dir, bool json, Ui ui)
        {
            if (!File.Exists(Path.Combine(dir, "ca-root.crt")))
            {
                throw new CommandException(dir + ": not an EST server directory (no ca-root.crt; start one with 'nfcerts est serve --dir " + dir + "')");
            }
            IReadOnlyList<EstIssuedRecord> records = EstIssuedLog.Read(dir);
            if (json)
            {
                ui.Out.WriteLine(JsonSerializer.Serialize(records, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
                return 0;
            }
            if (records.Count == 0)
            {
                ui.Out.WriteLine("(no certificates issued)");
                return 0;
            }
            var table = Ui.Table("TIME", "OPERATION", "SERIAL", "SUBJECT", "KEY", "SPKI SHA-256", "NOT AFTER", "AUTHENTICATED BY");
            foreach (EstIssuedRecord e in records)
            {
                Ui.AddRow(table, Iso(e.Time), e.Operation + (e.Label == null ? "" : " (" + e.Label + ")"), e.Serial, e.Subject, e.KeyType,
                    e.SpkiSha256.Substring(0, 16) + "…", Iso(e.NotAfter), e.AuthenticatedBy);
            }
            ui.Console.Write(table);
            return 0;
        }

        private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        private static IReadOnlyList<X509Certificate2> LoadCas(string[] files)
        {
            var cas = new List<X509Certificate2>();
            foreach (string f in files)
            {
                if (!File.Exists(f))
                {
                    throw new CommandException(f + ": no such file");
                }
                var c = new X509Certificate2Collection();
                try
                {
                    c.ImportFromPemFile(f);
                }
                catch (System.Security.Cryptography.CryptographicException e)
                {
                    throw new CommandException(f + ": not a PEM certificate file (" + e.Message + ")");
                }
                if (c.Count == 0)
                {
                    throw new CommandException(f + ": holds no certificate");
                }
                cas.AddRange(c);
            }
            return cas;
        }

        private static TimeSpan ParseLifetime(ArgumentResult r)
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (!TryParseDuration(text, out TimeSpan span))
            {
                r.AddError("--lifetime must be a positive number with s, m, min, h or d (e.g. 10m, 1d), not '" + text + "'");
            }
            return span;
        }

        private static TimeSpan ParseBackdate(ArgumentResult r)
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (text == "0")
            {
                return TimeSpan.Zero;
            }
            if (!TryParseDuration(text, out TimeSpan span) || span > EstServerControls.MaxBackdate)
            {
                r.AddError("--backdate must be 0 or a number with s, m, min, h or d up to 2d (e.g. 1h), not '" + text + "'");
            }
            return span;
        }

        /// <summary>Parses <c>30s</c>, <c>10m</c> or <c>10min</c>, <c>2h</c>, <c>1d</c> (positive whole numbers).</summary>
        internal static bool TryParseDuration(string text, out TimeSpan span)
        {
            span = TimeSpan.Zero;
            int i = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == 0 || !long.TryParse(text.AsSpan(0, i), NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n <= 0 || n > 36500L * 86400)
            {
                return false;
            }
            long seconds;
            switch (text.Substring(i))
            {
                case "s": seconds = n; break;
                case "m": case "min": seconds = n * 60; break;
                case "h": seconds = n * 3600; break;
                case "d": seconds = n * 86400; break;
                default: return false;
            }
            if (seconds > 36500L * 86400)
            {
                return false;
            }
            span = TimeSpan.FromSeconds(seconds);
            return true;
        }

        internal static string FormatLifetime(TimeSpan t) =>
            t.TotalSeconds % 86400 == 0 ? (long)t.TotalDays + "d"
            : t.TotalSeconds % 3600 == 0 ? (long)t.TotalHours + "h"
            : t.TotalSeconds % 60 == 0 ? (long)t.TotalMinutes + "m"
            : (long)t.TotalSeconds + "s";
    }
}
