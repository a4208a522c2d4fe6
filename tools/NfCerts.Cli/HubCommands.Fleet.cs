using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Threading;
using NfCerts.Emulators.Hub.Rest;

namespace NfCerts.Cli
{
    /// <summary><c>nfcerts hub health</c> and <c>hub rollout-root-ca</c>: the fleet's certificates and a root CA rollout, read
    /// from the devices' reported properties.</summary>
    internal static partial class HubCommands
    {
        private const string AllDevices = "SELECT * FROM devices";

        private static Option<string> DevicesQuery() => new("--devices")
        {
            Description = "Which devices: an IoT Hub query (default all)",
            HelpName = "QUERY",
            DefaultValueFactory = _ => AllDevices,
        };

        private static Command HealthCommand(Ui ui)
        {
            var t = new Target();
            var devices = DevicesQuery();
            var health = t.Add(new Command("health", "Every device's certificates and days left, from its reported properties") { devices }
                .WithExamples("hub health", "hub health --devices 'SELECT * FROM devices WHERE IS_DEFINED(properties.reported.certificates)' --json"));
            health.SetAction(r => Run(t, r, async hub =>
            {
                var rows = new JsonArray();
                DateTimeOffset now = DateTimeOffset.UtcNow;
                foreach (JsonObject twin in await hub.QueryAsync(r.GetValue(devices)!))
                {
                    string device = (string?)twin["deviceId"] ?? "?";
                    var certs = ReportedCertificates(twin);
                    if (certs.Count == 0)
                    {
                        rows.Add(new JsonObject { ["deviceId"] = device, ["id"] = null, ["subject"] = null, ["notAfter"] = null, ["daysLeft"] = null });
                    }
                    foreach (JsonObject c in certs)
                    {
                        rows.Add(new JsonObject
                        {
                            ["deviceId"] = device,
                            ["id"] = Text(c, "id"),
                            ["subject"] = Text(c, "subject"),
                            ["notAfter"] = Text(c, "notAfter"),
                            ["daysLeft"] = DaysLeft(c, now),
                        });
                    }
                }
                if (r.GetValue(t.Json))
                {
                    WriteJson(ui, rows);
                    return 0;
                }
                var table = Ui.Table("DEVICE", "CERTIFICATE", "SUBJECT", "NOT AFTER", "DAYS LEFT");
                foreach (JsonNode? row in rows)
                {
                    bool none = row!["id"] == null;
                    Ui.AddRow(table, (string?)row["deviceId"], none ? "(nothing reported)" : (string?)row["id"], (string?)row["subject"] ?? "",
                        (string?)row["notAfter"] ?? "", row["daysLeft"]?.ToJsonString() ?? "");
                }
                ui.Console.Write(table);
                return 0;
            }));
            return health;
        }

        /// <summary>The reported certificate inventory: <c>properties.reported.certificates</c> as an array of objects, or an
        /// object of objects keyed by ID (the key is taken as the ID then); anything else counts as nothing reported.</summary>
        internal static List<JsonObject> ReportedCertificates(JsonObject twin)
        {
            var list = new List<JsonObject>();
            JsonNode? node = twin["properties"]?["reported"]?["certificates"];
            if (node is JsonArray array)
            {
                foreach (JsonNode? item in array)
                {
                    if (item is JsonObject o)
                    {
                        list.Add(o);
                    }
                }
            }
            else if (node is JsonObject byId)
            {
                foreach (var kv in byId)
                {
                    if (kv.Value is JsonObject o && !kv.Key.StartsWith('$'))
                    {
                        JsonObject copy = (JsonObject)o.DeepClone();
                        copy["id"] ??= kv.Key;
                        list.Add(copy);
                    }
                }
            }
            return list;
        }

        /// <summary>A string property, or a number written as text, or null.</summary>
        internal static string? Text(JsonObject o, string name) => o[name] switch
        {
            JsonValue v when v.TryGetValue(out string? s) => s,
            JsonValue v => v.ToJsonString(),
            _ => null,
        };

        /// <summary>The reported <c>daysLeft</c>, else computed from <c>notAfter</c>, else null.</summary>
        private static JsonNode? DaysLeft(JsonObject c, DateTimeOffset now)
        {
            if (c["daysLeft"] is JsonValue v && v.TryGetValue(out double d))
            {
                return JsonValue.Create((int)Math.Floor(d));
            }
            if (DateTimeOffset.TryParse(Text(c, "notAfter"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var notAfter))
            {
                return JsonValue.Create((int)Math.Floor((notAfter - now).TotalDays));
            }
            return null;
        }

        private static Command RolloutCommand(Ui ui)
        {
            var t = new Target();
            var pem = Parameters.Value("--pem", "NEW.pem", "The new RADIUS root CA certificate (PEM)", required: true);
            var devices = DevicesQuery();
            var network = new Option<string>("--network") { Description = "The duplicate network that trusts the new root", HelpName = "CONFIGNAME", DefaultValueFactory = _ => "Network2" };
            var id = new Option<string>("--id") { Description = "The store ID the new root is installed under", HelpName = "ID", DefaultValueFactory = _ => "RootCA2" };
            var sequence = new Option<int>("--sequence") { Description = "The operator sequence number (default: one more than any announced to these devices)", HelpName = "N" };
            var signKey = Parameters.Value("--sign-key", "KEY.pem", "Sign the notice with the operator's ECDSA P-256 key (PEM), as devices with an operator key require");
            var watch = new Option<bool>("--watch") { Description = "Keep reporting until every device finished or failed (exit 1 at --timeout)" };
            var interval = new Option<int>("--interval") { Description = "Seconds between reports with --watch", HelpName = "SECONDS", DefaultValueFactory = _ => 5 };
            var timeout = new Option<int>("--timeout") { Description = "Give up watching after this many seconds", HelpName = "SECONDS", DefaultValueFactory = _ => 3600 };
            var rollout = t.Add(new Command("rollout-root-ca",
                "Announce a new RADIUS root CA through the twin (desired rootCaRollout), then report who has it installed, who is on the duplicate network, who finished")
                { pem, devices, network, id, sequence, signKey, watch, interval, timeout }
                .WithExamples("hub rollout-root-ca --pem radius-root-2026.pem",
                    "hub rollout-root-ca --pem new-root.pem --devices 'SELECT * FROM devices WHERE properties.reported.ring = 1' --watch",
                    "hub rollout-root-ca --pem new-root.pem --network Network2 --id RootCA2 --sequence 7 --json"));
            rollout.SetAction(r => Run(t, r, async hub =>
            {
                if (r.GetValue(interval) <= 0 || r.GetValue(timeout) <= 0)
                {
                    throw new UsageException("--interval and --timeout must be positive numbers of seconds");
                }
                var plan = new RootCaRollout(LoadCertificate(r.GetValue(pem)!), r.GetValue(network)!, r.GetValue(id)!);
                using ECDsa? operatorKey = r.GetValue(signKey) is string keyFile ? LoadOperatorKey(keyFile) : null;
                string query = r.GetValue(devices)!;
                var targets = await hub.QueryAsync(query);
                if (targets.Count == 0)
                {
                    throw new CommandException("no device matches " + query);
                }
                int seq = r.GetResult(sequence) != null ? r.GetValue(sequence) : RootCaRollout.NextSequence(targets);
                var announced = new List<string>();
                foreach (JsonObject twin in targets)
                {
                    string device = (string)twin["deviceId"]!;
                    if (!plan.AlreadyAnnounced(twin, seq))
                    {
                        await hub.PatchDesiredAsync(device, new JsonObject { [RootCaRollout.Property] = plan.Notice(seq, operatorKey) });
                        announced.Add(device);
                    }
                }
                var states = plan.States(await hub.QueryAsync(query), seq);
                if (r.GetValue(watch))
                {
                    DateTimeOffset giveUp = DateTimeOffset.UtcNow.AddSeconds(r.GetValue(timeout));
                    states = ProgressDisplay.Run(ui, "root CA rollout " + seq, progress =>
                    {
                        var s = states;
                        while (!RootCaRollout.Done(s) && DateTimeOffset.UtcNow < giveUp)
                        {
                            progress.Report(new ProgressUpdate(RootCaRollout.Summary(s), RootCaRollout.Settled(s), s.Count));
                            Thread.Sleep(TimeSpan.FromSeconds(r.GetValue(interval)));
                            s = plan.States(hub.QueryAsync(query).GetAwaiter().GetResult(), seq);
                        }
                        return s;
                    });
                }
                PrintRollout(ui, r.GetValue(t.Json), seq, announced, states);
                return !r.GetValue(watch) || RootCaRollout.Done(states) && RootCaRollout.Count(states, RolloutState.Failed) == 0 ? 0 : 1;
            }));
            return rollout;
        }

        private static ECDsa LoadOperatorKey(string path)
        {
            var key = ECDsa.Create();
            try
            {
                key.ImportFromPem(System.Text.Encoding.ASCII.GetString(ReadFile(path)));
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                key.Dispose();
                // The key's text is never repeated in the message.
                throw new CommandException(path + " is not an unencrypted PEM ECDSA private key");
            }
            if (key.KeySize != 256)
            {
                key.Dispose();
                throw new CommandException(path + " is not a P-256 key (the devices verify ECDSA P-256 with SHA-256)");
            }
            return key;
        }

        private static void PrintRollout(Ui ui, bool json, int seq, List<string> announced, List<DeviceRollout> states)
        {
            if (json)
            {
                var devices = new JsonArray();
                foreach (var s in states)
                {
                    devices.Add(new JsonObject
                    {
                        ["deviceId"] = s.DeviceId,
                        ["state"] = RootCaRollout.Name(s.State),
                        ["installed"] = s.Installed,
                        ["onNetwork"] = s.OnNetwork,
                        ["finished"] = s.State == RolloutState.Finished,
                        ["reason"] = s.Reason,
                    });
                }
                var a = new JsonArray();
                foreach (string d in announced)
                {
                    a.Add(d);
                }
                WriteJson(ui, new JsonObject { ["seq"] = seq, ["announcedNow"] = a, ["summary"] = RootCaRollout.Summary(states), ["devices"] = devices });
                return;
            }
            ui.Out.WriteLine("root CA rollout " + seq + ": announced to " + announced.Count + " device(s) now; " + RootCaRollout.Summary(states));
            var table = Ui.Table("DEVICE", "STATE", "INSTALLED", "ON NETWORK", "FINISHED", "REASON");
            foreach (var s in states)
            {
                Ui.AddRow(table, s.DeviceId, RootCaRollout.Name(s.State), s.Installed ? "yes" : "no", s.OnNetwork ? "yes" : "no",
                    s.State == RolloutState.Finished ? "yes" : "no", s.Reason ?? "");
            }
            ui.Console.Write(table);
        }
    }
}
