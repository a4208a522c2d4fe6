using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Text.Json;
using NfCerts.Core.Hub;

namespace NfCerts.Cli
{
    /// <summary><c>nfcerts store hub ...</c>: the hub settings in a store image (where the device's hub client connects).</summary>
    internal static class StoreHubCommands
    {
        /// <summary>Adds <c>hub</c> under the root's <c>store</c> command.</summary>
        public static void AddTo(RootCommand root, Ui ui)
        {
            root.Subcommands.Single(c => c.Name == "store").Add(HubCommand(ui));
        }

        private static Command HubCommand(Ui ui)
        {
            var image = Parameters.Image();
            var host = Parameters.Value("--host", "HOST", "The hub's host name, e.g. contoso.azure-devices.net");
            var deviceId = Parameters.Value("--device-id", "ID", "The device ID at the hub: up to 128 letters, digits and -.%_*?!(),:=@$'");
            var port = new Option<int?>("--port") { Description = "MQTT over TLS port (default 8883)", HelpName = "PORT" };
            var modelId = Parameters.Value("--model-id", "DTMI", "DTDL model the device announces, e.g. dtmi:com:example:device;1 (\"\" for none)");
            var json = Parameters.Json();
            var hub = new Command("hub", "Show or set where the device's hub client connects (host, port, device ID, model ID)")
                { image, host, deviceId, port, modelId, json }
                .WithExamples(
                    "store hub device.img",
                    "store hub device.img --host contoso.azure-devices.net --device-id device-001",
                    "store hub device.img --port 18883 --model-id dtmi:nfcerts:device;1 --json");
            hub.SetAction(r => Run(r.GetValue(image)!, r.GetValue(host), r.GetValue(deviceId), r.GetValue(port), r.GetValue(modelId), r.GetValue(json), ui));
            return hub;
        }

        private static void Run(string path, string? host, string? deviceId, int? port, string? modelId, bool json, Ui ui)
        {
            bool change = host != null || deviceId != null || port != null || modelId != null;
            using var session = StoreCommands.Open(path, writable: change);
            bool exists = HubSettings.TryLoad(session.Log, out var settings, out var problem);
            if (!exists && problem.Length > 0 && !change)
            {
                throw new CommandException(path + ": " + problem);
            }
            if (change)
            {
                if (!exists && (host == null || deviceId == null))
                {
                    throw new CommandException(path + ": no hub settings yet: give at least --host and --device-id");
                }
                settings.HostName = host ?? settings.HostName;
                settings.DeviceId = deviceId ?? settings.DeviceId;
                settings.Port = port ?? settings.Port;
                settings.ModelId = modelId ?? settings.ModelId;
                string invalid = settings.Validate();
                if (invalid.Length > 0)
                {
                    throw new CommandException(invalid);
                }
                settings.Save(session.Log);
                exists = true;
            }
            Print(exists ? settings : null, json, ui);
        }

        private static void Print(HubSettings? s, bool json, Ui ui)
        {
            if (json)
            {
                var d = s == null ? null : new Dictionary<string, object>
                {
                    ["host"] = s.HostName,
                    ["port"] = s.Port,
                    ["deviceId"] = s.DeviceId,
                    ["modelId"] = s.ModelId,
                };
                ui.Out.WriteLine(JsonSerializer.Serialize(d, CertCommands.JsonOptions));
                return;
            }
            if (s == null)
            {
                ui.Out.WriteLine("no hub settings: the device's hub client does not run (set them with --host and --device-id)");
                return;
            }
            var table = Ui.Table("FIELD", "VALUE");
            Ui.AddRow(table, "host", s.HostName);
            Ui.AddRow(table, "port", s.Port);
            Ui.AddRow(table, "deviceId", s.DeviceId);
            Ui.AddRow(table, "modelId", s.ModelId);
            ui.Console.Write(table);
        }
    }
}
