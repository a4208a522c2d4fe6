using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Emulators.Dps;
using NfCerts.Emulators.Dps.Rest;
using NfCerts.Emulators.Hub;
using NfCerts.Emulators.Hub.Rest;

namespace NfCerts.Cli
{
    /// <summary>
    /// <c>nfcerts dps ...</c>: run the Device Provisioning Service emulator, and operate a DPS (the emulator, or a real one
    /// through its service REST API) with a service connection string: enrollments, registration states, and the
    /// emulator's throttling and outage switches.
    /// </summary>
    internal static partial class DpsCommands
    {
        public const string DpsEnvironment = "NFCERTS_DPS", CaEnvironment = "NFCERTS_DPS_CA";

        /// <summary>Adds <c>dps</c> to the root command.</summary>
        public static void AddTo(RootCommand root, Ui ui)
        {
            var dps = new Command("dps", "The Device Provisioning Service emulator, and operator commands against it or a real DPS (service connection string in --connection-string or $NFCERTS_DPS)")
                .WithExamples("dps serve --dir dps", "dps enrollment add est-ca --ca est-ca.pem", "dps registrations --json");
            dps.Add(ServeCommand(ui));
            dps.Add(EnrollmentCommand(ui));
            dps.Add(RegistrationsCommand(ui));
            dps.Add(EmulatorCommand(ui));
            root.Add(dps);
        }

        /// <summary>The options every operator command takes.</summary>
        private sealed class Target : ServiceOptions<RestDpsService>
        {
            public Target()
                : base(Parameters.Value("--connection-string", "CONNECTION_STRING",
                        "DPS service connection string HostName=...;SharedAccessKeyName=...;SharedAccessKey=... (default $" + DpsEnvironment + ")"),
                    Parameters.Value("--dps-ca", "PEM",
                        "Root to trust for the DPS's TLS certificate: the emulator's DIR/pki/dps-root.crt (default $" + CaEnvironment + "; a real DPS needs none)"),
                    DpsEnvironment, CaEnvironment, "DPS", "--dps-ca DIR/pki/dps-root.crt", "nfcerts dps serve", (dps, roots) => new RestDpsService(dps, roots))
            {
            }
        }

        /// <summary>Runs <paramref name="work"/> against the DPS, turning its refusals into the command's errors.</summary>
        private static int Run(Target target, ParseResult r, Func<RestDpsService, Task<int>> work)
            => ServiceTarget.Run<RestDpsService, DpsServiceException>(target.Open(r), "DPS", e => e.Status, work);

        private static void WriteJson(Ui ui, JsonNode? node) => ui.Out.WriteLine(node?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null");

        private static Command ServeCommand(Ui ui)
        {
            var dir = new Option<string>("--dir") { Description = "Directory kept across restarts: PKI, ID scope, owner key, enrollments and registrations, the embedded hub's files", HelpName = "DIR", DefaultValueFactory = _ => "dps" };
            var port = new Option<int>("--port") { Description = "Device endpoint (MQTT over TLS) port on 127.0.0.1 (0: a free one)", HelpName = "PORT", DefaultValueFactory = _ => 8884 };
            var api = new Option<int>("--api-port") { Description = "Operator API (HTTPS) port on 127.0.0.1 (0: a free one)", HelpName = "PORT", DefaultValueFactory = _ => 8444 };
            var hubs = new Option<string[]>("--hub") { Description = "Link a hub by its service connection string, [NAME=]HostName=...;... (repeatable; NAME is the host name devices get, default the HostName without its port). Without --hub an embedded hub emulator is started", HelpName = "[NAME=]CONNECTION_STRING" };
            var hubCa = Parameters.Value("--hub-ca", "PEM", "Roots of the linked hubs' API certificates (an emulator's PKI/hub-roots.pem; default $" + HubCommands.CaEnvironment + ")");
            var hubPort = new Option<int>("--hub-port") { Description = "The embedded hub's MQTT port (0: a free one)", HelpName = "PORT", DefaultValueFactory = _ => 8883 };
            var hubApi = new Option<int>("--hub-api-port") { Description = "The embedded hub's operator API port (0: a free one)", HelpName = "PORT", DefaultValueFactory = _ => 8443 };
            var retry = new Option<int>("--retry-after") { Description = "Seconds DPS asks devices to wait before polling (1 to 60)", HelpName = "SECONDS", DefaultValueFactory = _ => 1 };
            var serve = new Command("serve", "Run the DPS emulator on 127.0.0.1 (device endpoint over MQTT/TLS + the operator API) with linked or embedded hubs until Ctrl+C or SIGTERM")
                { dir, port, api, hubs, hubCa, hubPort, hubApi, retry }
                .WithExamples("dps serve --dir dps",
                    "dps serve --dir dps --port 0 --api-port 0 --hub-port 0 --hub-api-port 0",
                    "dps serve --dir dps --hub \"$NFCERTS_HUB\" --hub-ca hub-pki/hub-roots.pem");
            serve.SetAction(r =>
            {
                if (r.GetValue(retry) is < 1 or > 60)
                {
                    throw new UsageException("--retry-after must be 1 to 60 seconds");
                }
                var links = new List<DpsLinkedHub>();
                try
                {
                    foreach (string spec in r.GetValue(hubs) ?? Array.Empty<string>())
                    {
                        links.Add(Link(spec, r.GetValue(hubCa), links));
                    }
                    return Serve(ui, new DpsServerOptions
                    {
                        Directory = r.GetValue(dir)!,
                        MqttPort = r.GetValue(port),
                        ApiPort = r.GetValue(api),
                        Hubs = links,
                        HubMqttPort = r.GetValue(hubPort),
                        HubApiPort = r.GetValue(hubApi),
                        RetryAfterSeconds = r.GetValue(retry),
                    });
                }
                finally
                {
                    foreach (DpsLinkedHub link in links)
                    {
                        ((RestHubService)link.Service).Dispose();
                    }
                }
            });
            return serve;
        }

        /// <summary>A linked hub from <c>[NAME=]CONNECTION_STRING</c>.</summary>
        private static DpsLinkedHub Link(string spec, string? ca, List<DpsLinkedHub> already)
        {
            string? name = null;
            string text = spec;
            int eq = spec.IndexOf('=');
            if (eq > 0 && !spec.StartsWith("HostName=", StringComparison.OrdinalIgnoreCase) && spec.IndexOf(';') > eq)
            {
                name = spec.Substring(0, eq);
                text = spec.Substring(eq + 1);
            }
            (HubConnectionString hub, X509Certificate2Collection? roots) = ServiceTarget.Resolve(text, ca, HubCommands.HubEnvironment,
                HubCommands.CaEnvironment, "hub", "--hub", "--hub-ca PKI/hub-roots.pem", "nfcerts hub serve");
            name ??= hub.BaseAddress.Host;
            if (!NfCerts.Core.Provisioning.HostNames.IsHostName(name))
            {
                throw new UsageException("'" + name + "' is not a host name a device can be given: write --hub NAME=CONNECTION_STRING");
            }
            if (already.Exists(l => string.Equals(l.HostName, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new UsageException("two linked hubs are named '" + name + "': give each its own with --hub NAME=CONNECTION_STRING");
            }
            return new DpsLinkedHub(name, new RestHubService(hub, roots));
        }

        private static int Serve(Ui ui, DpsServerOptions options)
        {
            DpsServer server;
            try
            {
                server = DpsServer.StartAsync(options).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidDataException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
            {
                throw new CommandException("cannot start the DPS emulator: " + e.Message);
            }
            try
            {
                ServiceTarget.WaitForStop(() =>
                {
                    ui.Out.WriteLine("DPS emulator");
                    ui.Out.WriteLine("  id scope:        " + server.Emulator.IdScope);
                    ui.Out.WriteLine("  global endpoint: " + server.GlobalEndpoint + " (MQTT over TLS, X.509 devices; devices trust " + server.RootPath + ")");
                    ui.Out.WriteLine("  api:             https://" + server.Api.HostName + "/ (api-version " + DpsRestApi.ApiVersion + ", SAS)");
                    ui.Out.WriteLine("  hubs:            " + string.Join(", ", server.LinkedHubs) + (server.EmbeddedHub != null
                        ? " (embedded: MQTT 127.0.0.1:" + server.EmbeddedHub.Emulator.Port + ", devices trust " + server.EmbeddedHub.Pki.RootsPath + ")" : ""));
                    ui.Out.WriteLine("  state:           " + Path.Combine(server.Directory, "state.json"));
                    ui.Out.WriteLine("export " + DpsEnvironment + "='" + server.ConnectionString + "'");
                    ui.Out.WriteLine("export " + CaEnvironment + "='" + server.RootPath + "'");
                    if (server.EmbeddedHub != null)
                    {
                        ui.Out.WriteLine("export " + HubCommands.HubEnvironment + "='" + server.EmbeddedHub.ConnectionString + "'");
                        ui.Out.WriteLine("export " + HubCommands.CaEnvironment + "='" + server.EmbeddedHub.Pki.RootsPath + "'");
                    }
                    ui.Out.WriteLine("Ctrl+C stops it.");
                    ui.Out.Flush();
                });
            }
            finally
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            ui.Out.WriteLine("stopped");
            return 0;
        }
    }
}
