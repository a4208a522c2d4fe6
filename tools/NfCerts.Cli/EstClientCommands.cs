using System;
using System.CommandLine;
using System.IO;

namespace NfCerts.Cli
{
    /// <summary>
    /// <c>nfcerts est enroll|reenroll|serverkeygen|cacerts|csrattrs</c>: a command-line EST client on the device's own code
    /// (<see cref="NfCerts.Core.Est.EstIssuer"/> and <see cref="NfCerts.Core.Est.EstClient"/> over the host TLS connector and
    /// key vault), writing PEM files or straight into a store image. Exit codes: 0 success, 1 failure, 2 usage error,
    /// <see cref="DeferredExitCode"/> when the server deferred the request (202 + Retry-After) and <c>--wait</c> did not cover it.
    /// </summary>
    internal static partial class EstClientCommands
    {
        /// <summary>The exit code of a request the server accepted for later (202) and that was not retried to the end.</summary>
        public const int DeferredExitCode = 3;

        /// <summary>The environment variable read for the Basic password when <c>--password</c> is not given.</summary>
        public const string PasswordEnvironment = "NFCERTS_EST_PASSWORD";

        /// <summary>Adds the client commands to <paramref name="est"/>.</summary>
        public static void AddTo(Command est, Ui ui)
        {
            est.Add(EnrollCommand(ui, Operation.Enroll));
            est.Add(EnrollCommand(ui, Operation.Reenroll));
            est.Add(EnrollCommand(ui, Operation.ServerKeyGen));
            est.Add(CaCertsCommand(ui));
            est.Add(CsrAttrsCommand(ui));
        }

        internal enum Operation
        {
            Enroll,
            Reenroll,
            ServerKeyGen,
        }

        /// <summary>The options every client command has: where the server is, what authenticates it, and the credentials.</summary>
        internal sealed class ServerOptions
        {
            public readonly Option<string> Server = Parameters.Value("--server", "URL", "The EST server, https://host[:port][/path] (the path defaults to /.well-known/est)", required: true);
            public readonly Option<string> Label = Parameters.Value("--label", "LABEL", "The CA label: /.well-known/est/LABEL");
            public readonly Option<string[]> Trust = new("--trust") { Description = "PEM file of the explicit trust anchors the server's TLS certificate must chain to (repeatable)", HelpName = "PEM" };
            public readonly Option<bool> Bootstrap = new("--trust-cacerts-once") { Description = "Without --trust: fetch /cacerts over a TLS connection that is not authenticated (RFC 7030 4.1.1 bootstrap) and print the CA fingerprints for a person to check; other commands than cacerts also need --ca-fingerprint" };
            public readonly Option<string> Fingerprint = Parameters.Value("--ca-fingerprint", "SHA256", "With --trust-cacerts-once: the SHA-256 of one of the CA certificates, checked out of band (hex, colons allowed)");
            public readonly Option<string> User = Parameters.Value("--user", "USER", "HTTP Basic user, sent only when the server answers 401");
            public readonly Option<string> Password = Parameters.Value("--password", "PASSWORD", "HTTP Basic password (default $" + PasswordEnvironment + ", else asked on the terminal without echo)");
            public readonly Option<string> Cert = Parameters.Value("--cert", "PEM", "TLS client certificate (the bootstrap certificate, or the current one for reenroll), optionally followed by its intermediates");
            public readonly Option<string> Key = Parameters.Value("--key", "KEY", "The private key of --cert, PEM or DER");
            public readonly Option<TimeSpan?> Timeout = new("--timeout")
            {
                Description = "How long one exchange may take: a number with s, m (or min), h or d (default 30s)",
                HelpName = "DURATION",
                CustomParser = r => ParseDuration(r, "--timeout"),
            };

            /// <summary>The --timeout given, or 30 s.</summary>
            public TimeSpan TimeoutOf(ParseResult r) => r.GetValue(Timeout) ?? TimeSpan.FromSeconds(30);
            public readonly Option<bool> Json = Parameters.Json();

            public void AddTo(Command c, bool credentials)
            {
                c.Add(Server);
                c.Add(Label);
                c.Add(Trust);
                c.Add(Bootstrap);
                c.Add(Fingerprint);
                c.Add(User);
                c.Add(Password);
                if (credentials)
                {
                    c.Add(Cert);
                    c.Add(Key);
                }
                c.Add(Timeout);
                c.Add(Json);
            }
        }

        /// <summary>The options of the commands that obtain a certificate.</summary>
        internal sealed class IssueOptions
        {
            public readonly Option<string> Subject = Parameters.Value("--subject", "DN", "The certificate's subject, RFC 4514 (CN=device-001,O=Contoso); default the subject of --cert");
            public readonly Option<string> KeyType = Parameters.Choice(new Option<string>("--key-type") { Description = "Key pair generated for the certificate (/csrattrs may ask for another)", DefaultValueFactory = _ => "ecdsa-p256" }, "ecdsa-p256", "rsa-2048");
            public readonly Option<bool> RotateKey = new("--rotate-key") { Description = "Generate a new key pair (the default)" };
            public readonly Option<bool> KeepKey = new("--keep-key") { Description = "Re-enroll with the current key (--key)" };
            public readonly Option<string> OutCert = Parameters.Value("--out-cert", "PEM", "Write the certificate here");
            public readonly Option<string> OutKey = Parameters.Value("--out-key", "PEM", "Write the private key here (PKCS#8, created with mode 0600)");
            public readonly Option<string> OutChain = Parameters.Value("--out-chain", "PEM", "Write the intermediates the server sent here, the certificate's issuer first (empty when the root issued it)");
            public readonly Option<string> Store = Parameters.Value("--store", "IMAGE", "Install certificate, chain and key into this store image in one atomic step (as the device does)");
            public readonly Option<string> Id = Parameters.Value("--id", "ID", "With --store: the identifier to install under, e.g. ClientCert2");
            public readonly Option<TimeSpan?> Wait = new("--wait")
            {
                Description = "When the server defers (202 + Retry-After), wait and retry for at most this long: a number with s, m (or min), h or d",
                HelpName = "DURATION",
                CustomParser = r => ParseDuration(r, "--wait"),
            };

            public void AddTo(Command c, Operation operation)
            {
                c.Add(Subject);
                if (operation != Operation.ServerKeyGen)
                {
                    c.Add(KeyType);
                }
                if (operation == Operation.Reenroll)
                {
                    c.Add(RotateKey);
                    c.Add(KeepKey);
                }
                c.Add(OutCert);
                c.Add(OutKey);
                c.Add(OutChain);
                c.Add(Store);
                c.Add(Id);
                c.Add(Wait);
            }
        }

        private static Command EnrollCommand(Ui ui, Operation operation)
        {
            var server = new ServerOptions();
            var issue = new IssueOptions();
            Command c;
            switch (operation)
            {
                case Operation.Enroll:
                    c = new Command("enroll", "Get a first certificate (/simpleenroll) with a new key, authenticated by HTTP Basic or a bootstrap certificate; exit 3 when the server defers")
                        .WithExamples(
                            "est enroll --server https://127.0.0.1:8085 --trust est-ca/cacerts.pem --user estuser --subject CN=device-001 --out-cert device.pem --out-key device.key",
                            "est enroll --server https://est.example.com --trust ca.pem --cert bootstrap.pem --key bootstrap.key --store device.img --id ClientCert1",
                            "est enroll --server https://127.0.0.1:8085 --trust ca.pem --user estuser --subject CN=device-001 --key-type rsa-2048 --out-cert d.pem --out-key d.key --wait 10m --json");
                    break;
                case Operation.Reenroll:
                    c = new Command("reenroll", "Renew a certificate (/simplereenroll), authenticated by the current certificate over TLS; a new key unless --keep-key; exit 3 when the server defers")
                        .WithExamples(
                            "est reenroll --server https://127.0.0.1:8085 --trust ca.pem --cert device.pem --key device.key --out-cert device.pem --out-key device.key",
                            "est reenroll --server https://127.0.0.1:8085 --trust ca.pem --cert device.pem --key device.key --keep-key --out-cert device.pem",
                            "est reenroll --server https://127.0.0.1:8085 --trust ca.pem --cert device.pem --key device.key --store device.img --id ClientCert2");
                    break;
                default:
                    c = new Command("serverkeygen", "Get a certificate with a key the server generates (/serverkeygen), for devices that cannot make keys; exit 3 when the server defers")
                        .WithExamples(
                            "est serverkeygen --server https://127.0.0.1:8085 --trust ca.pem --user estuser --subject CN=device-002 --out-cert d.pem --out-key d.key",
                            "est serverkeygen --server https://127.0.0.1:8085 --trust ca.pem --cert bootstrap.pem --key bootstrap.key --store device.img --id ClientCert1");
                    break;
            }
            server.AddTo(c, credentials: true);
            issue.AddTo(c, operation);
            c.SetAction(r => RunIssue(ui, r, server, issue, operation));
            return c;
        }

        private static Command CaCertsCommand(Ui ui)
        {
            var server = new ServerOptions();
            var output = Parameters.Value("--out", "PEM", "Write the CA certificates here (default: stdout)");
            var c = new Command("cacerts", "Get the EST CA certificates (/cacerts) as PEM, with their SHA-256 fingerprints")
                .WithExamples(
                    "est cacerts --server https://127.0.0.1:8085 --trust-cacerts-once --out est-ca.pem",
                    "est cacerts --server https://est.example.com --trust est-ca.pem --json");
            server.AddTo(c, credentials: true);
            c.Add(output);
            c.SetAction(r => RunCaCerts(ui, r, server, r.GetValue(output)));
            return c;
        }

        private static Command CsrAttrsCommand(Ui ui)
        {
            var server = new ServerOptions();
            var c = new Command("csrattrs", "Print what the server asks a certificate request to carry (/csrattrs), decoded")
                .WithExamples(
                    "est csrattrs --server https://127.0.0.1:8085 --trust est-ca.pem",
                    "est csrattrs --server https://127.0.0.1:8085 --label devices --trust est-ca.pem --json");
            server.AddTo(c, credentials: true);
            c.SetAction(r => RunCsrAttrs(ui, r, server));
            return c;
        }

        private static TimeSpan ParseDuration(System.CommandLine.Parsing.ArgumentResult r, string name)
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (!EstCommands.TryParseDuration(text, out TimeSpan span))
            {
                r.AddError(name + " must be a positive number with s, m, min, h or d (e.g. 30s, 10m), not '" + text + "'");
            }
            return span;
        }
    }
}
