using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Emulators.Hub;
using NfCerts.Emulators.Hub.Rest;

namespace NfCerts.Cli
{
    /// <summary>
    /// <c>nfcerts hub ...</c>: run the IoT Hub emulator, and operate a hub (the emulator, or a real IoT Hub through its
    /// service REST API) with a service connection string: devices, twins, C2D, methods, certificate health, root CA rollout.
    /// </summary>
    internal static partial class HubCommands
    {
        public const string HubEnvironment = "NFCERTS_HUB", CaEnvironment = "NFCERTS_HUB_CA";

        public static Command Build(Ui ui)
        {
            var hub = new Command("hub", "The IoT Hub emulator, and operator commands against it or a real IoT Hub (service connection string in --hub or $NFCERTS_HUB)")
                .WithExamples("hub serve --pki hub-pki --state hub-state.json", "hub devices --hub \"$NFCERTS_HUB\"", "hub health --json");
            hub.Add(ServeCommand(ui));
            hub.Add(DevicesCommand(ui));
            hub.Add(DeviceCommand(ui));
            hub.Add(TwinCommand(ui));
            hub.Add(C2dCommand(ui));
            hub.Add(MethodCommand(ui));
            hub.Add(HealthCommand(ui));
            hub.Add(RolloutCommand(ui));
            return hub;
        }

        /// <summary>The options every operator command takes.</summary>
        private sealed class Target : ServiceOptions<RestHubService>
        {
            public Target()
                : base(Parameters.Value("--hub", "CONNECTION_STRING",
                        "Service connection string HostName=...;SharedAccessKeyName=...;SharedAccessKey=... (default $" + HubEnvironment + ")"),
                    Parameters.Value("--hub-ca", "PEM",
                        "Roots to trust for the hub's TLS certificate: the emulator's PKI/hub-roots.pem (default $" + CaEnvironment + "; a real hub needs none)"),
                    HubEnvironment, CaEnvironment, "hub", "--hub-ca PKI/hub-roots.pem", "nfcerts hub serve", (hub, roots) => new RestHubService(hub, roots))
            {
            }
        }

        /// <summary>Runs <paramref name="work"/> against the hub, turning the hub's refusals into the command's errors.</summary>
        private static int Run(Target target, ParseResult r, Func<RestHubService, Task<int>> work)
            => ServiceTarget.Run<RestHubService, HubServiceException>(target.Open(r), "hub", e => e.Status, work);

        private static void WriteJson(Ui ui, JsonNode? node) => ui.Out.WriteLine(node?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null");

        private static JsonObject ParseObject(string text, string what)
        {
            try
            {
                return JsonNode.Parse(text) as JsonObject ?? throw new UsageException(what + " must be a JSON object");
            }
            catch (JsonException e)
            {
                throw new UsageException(what + " is not valid JSON: " + e.Message);
            }
        }

        private static Command ServeCommand(Ui ui)
        {
            var mqtt = new Option<int>("--mqtt-port") { Description = "MQTT over TLS port on 127.0.0.1 (0: a free one)", HelpName = "PORT", DefaultValueFactory = _ => 8883 };
            var api = new Option<int>("--api-port") { Description = "Operator API (HTTPS) port on 127.0.0.1 (0: a free one)", HelpName = "PORT", DefaultValueFactory = _ => 8443 };
            var pki = new Option<string>("--pki") { Description = "PKI directory, made on the first run and kept: device CA, server chains, hub-roots.pem, the iothubowner key", HelpName = "DIR", DefaultValueFactory = _ => "hub-pki" };
            var state = Parameters.Value("--state", "FILE", "State file keeping devices, twins and queued C2D messages across restarts");
            var registerCa = new Option<string[]>("--register-ca") { Description = "PEM of a further CA whose devices may connect (repeatable)", HelpName = "PEM", AllowMultipleArgumentsPerToken = false };
            var verbose = new Option<bool>("--verbose") { Description = "Print the MQTT side's log (connections, refusals, topics) on stderr" };
            var serve = new Command("serve", "Run the IoT Hub emulator on 127.0.0.1 (MQTT over TLS + the operator API) until Ctrl+C; prints its connection string")
                { mqtt, api, pki, state, registerCa, verbose }
                .WithExamples("hub serve", "hub serve --pki hub-pki --state hub-state.json --mqtt-port 0 --api-port 0",
                    "hub serve --register-ca radius-device-ca.pem");
            serve.SetAction(r => Serve(ui, new HubServerOptions
            {
                PkiDirectory = r.GetValue(pki)!,
                StatePath = r.GetValue(state),
                MqttPort = r.GetValue(mqtt),
                ApiPort = r.GetValue(api),
                RegisterCaFiles = r.GetValue(registerCa) ?? Array.Empty<string>(),
                Log = r.GetValue(verbose) ? line => ui.Error.WriteLine(line) : null,
            }));
            return serve;
        }

        private static int Serve(Ui ui, HubServerOptions options)
        {
            HubServer server;
            try
            {
                server = HubServer.StartAsync(options).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidDataException or System.Security.Cryptography.CryptographicException)
            {
                throw new CommandException("cannot start the hub emulator: " + e.Message);
            }
            try
            {
                ServiceTarget.WaitForStop(() =>
                {
                    ui.Out.WriteLine("IoT Hub emulator");
                    ui.Out.WriteLine("  mqtt:     127.0.0.1:" + server.Emulator.Port + " (TLS, X.509 devices; device CA " + Path.Combine(server.Pki.Directory, "device-ca.crt") + ")");
                    ui.Out.WriteLine("  api:      https://" + server.Api.HostName + "/ (api-version " + HubRestApi.ApiVersion + ", SAS)");
                    ui.Out.WriteLine("  roots:    " + server.Pki.RootsPath + " (server chain: " + server.Chains.Current + ")");
                    ui.Out.WriteLine("  state:    " + (options.StatePath ?? "(memory only)"));
                    ui.Out.WriteLine("export " + HubEnvironment + "='" + server.ConnectionString + "'");
                    ui.Out.WriteLine("export " + CaEnvironment + "='" + server.Pki.RootsPath + "'");
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

        private static Command DevicesCommand(Ui ui)
        {
            var t = new Target();
            var devices = t.Add(new Command("devices", "List the hub's devices: authentication, connection, last activity, C2D messages waiting")
                .WithExamples("hub devices", "hub devices --json"));
            devices.SetAction(r => Run(t, r, async hub =>
            {
                IReadOnlyList<HubDeviceInfo> list = await hub.ListDevicesAsync();
                if (r.GetValue(t.Json))
                {
                    var a = new JsonArray();
                    foreach (var d in list)
                    {
                        a.Add(DeviceJson.Write(d));
                    }
                    WriteJson(ui, a);
                    return 0;
                }
                if (list.Count == 0)
                {
                    ui.Out.WriteLine("(no devices)");
                    return 0;
                }
                var table = Ui.Table("DEVICE", "AUTHENTICATION", "CONNECTED", "LAST ACTIVITY (UTC)", "C2D WAITING");
                foreach (var d in list)
                {
                    Ui.AddRow(table, d.DeviceId, d.Authentication + (d.Thumbprint != null ? " " + d.Thumbprint : ""), d.Connected ? "yes" : "no",
                        d.LastActivityUtc?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-", d.PendingC2d);
                }
                ui.Console.Write(table);
                return 0;
            }));
            return devices;
        }

        private static Command DeviceCommand(Ui ui)
        {
            var device = new Command("device", "Register or remove a device identity (X.509: by CA or by certificate thumbprint)")
                .WithExamples("hub device add device-001", "hub device add device-002 --cert device-002.pem", "hub device rm device-001");

            var t = new Target();
            var id = Parameters.Text("DEVICE", "Device ID (the CN of its certificate)");
            var thumb = Parameters.Value("--thumbprint", "SHA1", "Authenticate by this SHA-1 thumbprint (selfSigned) instead of by CA");
            var cert = Parameters.Value("--cert", "PEM", "Authenticate by the thumbprint of this certificate (selfSigned)");
            var add = t.Add(new Command("add", "Register a device; without --thumbprint/--cert it is authenticated by its CA") { id, thumb, cert }
                .WithExamples("hub device add device-001", "hub device add device-002 --thumbprint 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B"));
            add.SetAction(r => Run(t, r, async hub =>
            {
                string? thumbprint = r.GetValue(thumb);
                if (r.GetValue(cert) is string pem)
                {
                    if (thumbprint != null)
                    {
                        throw new UsageException("give --thumbprint or --cert, not both");
                    }
                    thumbprint = LoadCertificate(pem).Thumbprint;
                }
                HubDeviceInfo d = await hub.RegisterDeviceAsync(r.GetValue(id)!, thumbprint);
                if (r.GetValue(t.Json))
                {
                    WriteJson(ui, DeviceJson.Write(d));
                }
                else
                {
                    ui.Out.WriteLine("registered " + d.DeviceId + " (" + d.Authentication + (d.Thumbprint != null ? " " + d.Thumbprint : "") + ")");
                }
                return 0;
            }));
            device.Add(add);

            var t2 = new Target();
            var id2 = Parameters.Text("DEVICE", "Device ID");
            var rm = t2.Add(new Command("rm", "Remove a device and its twin") { id2 }.WithExamples("hub device rm device-001"));
            rm.SetAction(r => Run(t2, r, async hub =>
            {
                await hub.DeleteDeviceAsync(r.GetValue(id2)!);
                if (r.GetValue(t2.Json))
                {
                    WriteJson(ui, new JsonObject { ["deviceId"] = r.GetValue(id2), ["removed"] = true });
                }
                else
                {
                    ui.Out.WriteLine("removed " + r.GetValue(id2));
                }
                return 0;
            }));
            device.Add(rm);
            return device;
        }

        private static Command TwinCommand(Ui ui)
        {
            var twin = new Command("twin", "Read a device twin, or patch its desired properties")
                .WithExamples("hub twin get device-001", "hub twin set device-001 --desired '{\"renewal\":{\"threshold\":\"80%\"}}'");

            var t = new Target();
            var id = Parameters.Text("DEVICE", "Device ID");
            var get = t.Add(new Command("get", "Print the twin (JSON: it is JSON either way)") { id }.WithExamples("hub twin get device-001"));
            get.SetAction(r => Run(t, r, async hub =>
            {
                WriteJson(ui, await hub.GetTwinAsync(r.GetValue(id)!));
                return 0;
            }));
            twin.Add(get);

            var t2 = new Target();
            var id2 = Parameters.Text("DEVICE", "Device ID");
            var desired = Parameters.Value("--desired", "JSON", "The desired-properties patch, a JSON object (null removes a property)", required: true);
            var etag = Parameters.Value("--etag", "ETAG", "Apply only if the twin still has this etag (else 412)");
            var set = t2.Add(new Command("set", "Patch desired properties; the device gets the patch now if connected, else from the twin on reconnect")
                { id2, desired, etag }
                .WithExamples("hub twin set device-001 --desired '{\"estUrl\":\"https://est.example/.well-known/est\"}'",
                    "hub twin set device-001 --desired '{\"estUrl\":null}' --etag AAAAAAAAAAI="));
            set.SetAction(r => Run(t2, r, async hub =>
            {
                JsonObject patch = ParseObject(r.GetValue(desired)!, "--desired");
                JsonObject result = await hub.PatchDesiredAsync(r.GetValue(id2)!, patch, r.GetValue(etag));
                if (r.GetValue(t2.Json))
                {
                    WriteJson(ui, result);
                }
                else
                {
                    ui.Out.WriteLine("desired properties of " + r.GetValue(id2) + " now at $version " + result["properties"]?["desired"]?["$version"] + " (etag " + result["etag"] + ")");
                }
                return 0;
            }));
            twin.Add(set);
            return twin;
        }

        private static Command C2dCommand(Ui ui)
        {
            var c2d = new Command("c2d", "Cloud-to-device messages (emulator only: a real hub takes them on its AMQP endpoint)")
                .WithExamples("hub c2d send device-001 --file notice.json --property type=rootCa");
            var t = new Target();
            var id = Parameters.Text("DEVICE", "Device ID");
            var body = Parameters.Value("--body", "TEXT", "The message body (UTF-8)");
            var file = Parameters.Value("--file", "FILE", "Read the message body from a file");
            var props = new Option<string[]>("--property") { Description = "An application property NAME=VALUE (repeatable)", HelpName = "NAME=VALUE" };
            var ttl = new Option<int>("--ttl") { Description = "Seconds the message waits for the device (default 3600)", HelpName = "SECONDS", DefaultValueFactory = _ => 3600 };
            var send = t.Add(new Command("send", "Queue a C2D message, delivered now or when the device next connects") { id, body, file, props, ttl }
                .WithExamples("hub c2d send device-001 --body '{\"hello\":1}'", "hub c2d send device-001 --file notice.json --property type=rootCa --ttl 600"));
            send.SetAction(r => Run(t, r, async hub =>
            {
                if ((r.GetValue(body) == null) == (r.GetValue(file) == null))
                {
                    throw new UsageException("give the body with --body or --file (one of them)");
                }
                if (r.GetValue(ttl) <= 0)
                {
                    throw new UsageException("--ttl must be a positive number of seconds");
                }
                byte[] data = r.GetValue(file) is string f ? ReadFile(f) : Encoding.UTF8.GetBytes(r.GetValue(body)!);
                var properties = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (string p in r.GetValue(props) ?? Array.Empty<string>())
                {
                    int eq = p.IndexOf('=');
                    if (eq <= 0)
                    {
                        throw new UsageException("--property must be NAME=VALUE, not '" + p + "'");
                    }
                    properties[p.Substring(0, eq)] = p.Substring(eq + 1);
                }
                await hub.SendC2dAsync(r.GetValue(id)!, data, properties, TimeSpan.FromSeconds(r.GetValue(ttl)));
                if (r.GetValue(t.Json))
                {
                    WriteJson(ui, new JsonObject { ["deviceId"] = r.GetValue(id), ["queued"] = true, ["bytes"] = data.Length });
                }
                else
                {
                    ui.Out.WriteLine("queued " + data.Length + " bytes for " + r.GetValue(id));
                }
                return 0;
            }));
            c2d.Add(send);
            return c2d;
        }

        private static Command MethodCommand(Ui ui)
        {
            var t = new Target();
            var id = Parameters.Text("DEVICE", "Device ID");
            var name = Parameters.Text("METHOD", "Method name");
            var payload = Parameters.Value("--payload", "JSON", "The method's payload (JSON)");
            var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the device's answer (5 to 300)", HelpName = "SECONDS", DefaultValueFactory = _ => 30 };
            var method = t.Add(new Command("method", "Call a direct method on a connected device; exit 1 unless it answers 2xx") { id, name, payload, timeout }
                .WithExamples("hub method device-001 getHealth", "hub method device-001 reboot --payload '{\"delay\":5}' --timeout 60"));
            method.SetAction(r => Run(t, r, async hub =>
            {
                JsonNode? p = null;
                if (r.GetValue(payload) is string text)
                {
                    try
                    {
                        p = JsonNode.Parse(text);
                    }
                    catch (JsonException e)
                    {
                        throw new UsageException("--payload is not valid JSON: " + e.Message);
                    }
                }
                HubMethodResult result = await hub.InvokeMethodAsync(r.GetValue(id)!, r.GetValue(name)!, p, TimeSpan.FromSeconds(r.GetValue(timeout)));
                if (r.GetValue(t.Json))
                {
                    WriteJson(ui, new JsonObject { ["status"] = result.Status, ["payload"] = result.Payload?.DeepClone() });
                }
                else
                {
                    ui.Out.WriteLine("status " + result.Status);
                    ui.Out.WriteLine(result.Payload?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null");
                }
                return result.Status >= 200 && result.Status < 300 ? 0 : 1;
            }));
            return method;
        }

        private static byte[] ReadFile(string path)
        {
            try
            {
                return File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CommandException("cannot read " + path + ": " + e.Message);
            }
        }

        private static X509Certificate2 LoadCertificate(string path)
        {
            try
            {
                return X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(ReadFile(path)));
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                throw new CommandException(path + " is not a PEM certificate: " + e.Message);
            }
        }
    }
}
