using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Emulators.Dps.Rest;

namespace NfCerts.Cli
{
    /// <summary><c>nfcerts dps enrollment add|ls|rm</c>, <c>dps registrations [ls|show|rm]</c> and <c>dps emulator ...</c>.</summary>
    internal static partial class DpsCommands
    {
        private static Command EnrollmentCommand(Ui ui)
        {
            var enrollment = new Command("enrollment", "Enrollments: groups by CA certificate, individual devices by certificate (or, on the emulator, thumbprint)")
                .WithExamples("dps enrollment add est-ca --ca est-ca.pem", "dps enrollment add device-001 --cert device-001.pem --allocation static --hub localhost",
                    "dps enrollment ls", "dps enrollment rm est-ca");
            enrollment.Add(AddCommand(ui));
            enrollment.Add(LsCommand(ui));
            enrollment.Add(RmCommand(ui));
            return enrollment;
        }

        private static Command AddCommand(Ui ui)
        {
            var t = new Target();
            var id = Parameters.Text("ID", "The enrollment group's ID (with --ca), or the device's registration ID, its certificate's CN (with --cert/--thumbprint)");
            var ca = Parameters.Value("--ca", "PEM", "Enrollment group: devices whose chain verifies to this CA certificate (root or intermediate)");
            var cert = Parameters.Value("--cert", "PEM", "Individual enrollment: the device's certificate");
            var thumb = Parameters.Value("--thumbprint", "SHA1", "Individual enrollment by the SHA-1 thumbprint of the device's certificate (emulator only)");
            var disabled = new Option<bool>("--disabled") { Description = "Enroll disabled: its devices are refused (status disabled)" };
            var hubs = new Option<string[]>("--hub") { Description = "A linked hub (host name) the enrollment may assign to (repeatable; default all linked hubs)", HelpName = "HOST" };
            var allocation = Parameters.Choice(Parameters.Value("--allocation", "POLICY", "How a hub is chosen: hashed (evenly weighted) or static (the one --hub)"), "hashed", "static");
            var add = t.Add(new Command("add", "Create or replace an enrollment (group with --ca, individual with --cert or --thumbprint)")
                { id, ca, cert, thumb, disabled, hubs, allocation }
                .WithExamples("dps enrollment add est-ca --ca est-ca.pem", "dps enrollment add est-ca --ca est-ca.pem --disabled",
                    "dps enrollment add device-010 --thumbprint 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B --allocation static --hub localhost"));
            add.SetAction(r => Run(t, r, async dps =>
            {
                string? caFile = r.GetValue(ca), certFile = r.GetValue(cert), thumbprint = r.GetValue(thumb);
                if (new[] { caFile, certFile, thumbprint }.Count(v => v != null) != 1)
                {
                    throw new UsageException("give one of --ca (a group), --cert or --thumbprint (an individual enrollment)");
                }
                string name = r.GetValue(id)!;
                string[] hubList = r.GetValue(hubs) ?? Array.Empty<string>();
                var body = new JsonObject
                {
                    ["provisioningStatus"] = r.GetValue(disabled) ? "disabled" : "enabled",
                    ["allocationPolicy"] = r.GetValue(allocation) ?? "hashed",
                    ["iotHubs"] = new JsonArray(hubList.Select(h => (JsonNode)h).ToArray()),
                };
                JsonObject result;
                if (caFile != null)
                {
                    body["enrollmentGroupId"] = name;
                    body["attestation"] = Attestation("signingCertificates", new JsonObject { ["certificate"] = ReadPem(caFile) });
                    result = await dps.PutEnrollmentGroupAsync(body, replace: true);
                }
                else
                {
                    body["registrationId"] = name;
                    JsonObject primary = certFile != null ? new JsonObject { ["certificate"] = ReadPem(certFile) }
                        : new JsonObject { ["info"] = new JsonObject { ["sha1Thumbprint"] = thumbprint } };
                    body["attestation"] = Attestation("clientCertificates", primary);
                    result = await dps.PutIndividualEnrollmentAsync(body, replace: true);
                }
                if (r.GetValue(t.Json))
                {
                    WriteJson(ui, result);
                }
                else
                {
                    ui.Out.WriteLine("enrolled " + (caFile != null ? "group " : "device ") + name + " (" + result["provisioningStatus"] + ", " + result["allocationPolicy"]
                        + ", etag " + result["etag"] + ")");
                }
                return 0;
            }));
            return add;
        }

        private static Command LsCommand(Ui ui)
        {
            var t = new Target();
            var ls = t.Add(new Command("ls", "List enrollment groups and individual enrollments").WithExamples("dps enrollment ls", "dps enrollment ls --json"));
            ls.SetAction(r => Run(t, r, async dps =>
            {
                IReadOnlyList<JsonObject> groups = await dps.QueryEnrollmentGroupsAsync();
                IReadOnlyList<JsonObject> individuals = await dps.QueryIndividualEnrollmentsAsync();
                if (r.GetValue(t.Json))
                {
                    WriteJson(ui, new JsonObject
                    {
                        ["enrollmentGroups"] = new JsonArray(groups.Select(g => (JsonNode)g.DeepClone()).ToArray()),
                        ["individualEnrollments"] = new JsonArray(individuals.Select(e => (JsonNode)e.DeepClone()).ToArray()),
                    });
                    return 0;
                }
                if (groups.Count + individuals.Count == 0)
                {
                    ui.Out.WriteLine("(no enrollments)");
                    return 0;
                }
                var table = Ui.Table("KIND", "ID", "ATTESTATION", "STATUS", "ALLOCATION", "HUBS");
                foreach (JsonObject g in groups)
                {
                    Ui.AddRow(table, "group", g["enrollmentGroupId"], "CA " + Info(g, "signingCertificates", "subjectName"), g["provisioningStatus"], g["allocationPolicy"], Hubs(g));
                }
                foreach (JsonObject e in individuals)
                {
                    Ui.AddRow(table, "individual", e["registrationId"], "thumbprint " + Info(e, "clientCertificates", "sha1Thumbprint"), e["provisioningStatus"], e["allocationPolicy"], Hubs(e));
                }
                ui.Console.Write(table);
                return 0;
            }));
            return ls;
        }

        private static Command RmCommand(Ui ui)
        {
            var t = new Target();
            var id = Parameters.Text("ID", "The enrollment group's ID or the individual enrollment's registration ID");
            var individual = new Option<bool>("--individual") { Description = "Remove the individual enrollment of this registration ID, not a group" };
            var rm = t.Add(new Command("rm", "Remove an enrollment group (or, with --individual, an individual enrollment); registered devices stay in their hubs") { id, individual }
                .WithExamples("dps enrollment rm est-ca", "dps enrollment rm device-010 --individual"));
            rm.SetAction(r => Run(t, r, async dps =>
            {
                string name = r.GetValue(id)!;
                if (r.GetValue(individual))
                {
                    await dps.DeleteIndividualEnrollmentAsync(name);
                }
                else
                {
                    await dps.DeleteEnrollmentGroupAsync(name);
                }
                if (r.GetValue(t.Json))
                {
                    WriteJson(ui, new JsonObject { ["id"] = name, ["kind"] = r.GetValue(individual) ? "individual" : "group", ["removed"] = true });
                }
                else
                {
                    ui.Out.WriteLine("removed " + (r.GetValue(individual) ? "individual enrollment " : "enrollment group ") + name);
                }
                return 0;
            }));
            return rm;
        }

        private static Command RegistrationsCommand(Ui ui)
        {
            var registrations = new Command("registrations", "Device registration states: status, assigned hub, device ID, when, the error if any (ls when no subcommand)")
                .WithExamples("dps registrations", "dps registrations show device-001", "dps registrations rm device-001");
            var t = new Target();
            var group = Parameters.Value("--group", "ID", "Only the devices of this enrollment group");
            t.Add(registrations);
            registrations.Add(group);
            registrations.SetAction(r => Run(t, r, dps => ListRegistrations(ui, dps, r.GetValue(group), r.GetValue(t.Json))));

            var t1 = new Target();
            var group1 = Parameters.Value("--group", "ID", "Only the devices of this enrollment group");
            var ls = t1.Add(new Command("ls", "List registration states (every group's, and individual enrollments')") { group1 }
                .WithExamples("dps registrations ls", "dps registrations ls --group est-ca --json"));
            ls.SetAction(r => Run(t1, r, dps => ListRegistrations(ui, dps, r.GetValue(group1), r.GetValue(t1.Json))));
            registrations.Add(ls);

            var t2 = new Target();
            var id2 = Parameters.Text("REGISTRATION_ID", "The device's registration ID");
            var show = t2.Add(new Command("show", "Print one device's registration state (JSON either way)") { id2 }.WithExamples("dps registrations show device-001"));
            show.SetAction(r => Run(t2, r, async dps =>
            {
                WriteJson(ui, await dps.GetRegistrationAsync(r.GetValue(id2)!));
                return 0;
            }));
            registrations.Add(show);

            var t3 = new Target();
            var id3 = Parameters.Text("REGISTRATION_ID", "The device's registration ID");
            var rm = t3.Add(new Command("rm", "Remove a device's registration state (the device stays in its hub)") { id3 }.WithExamples("dps registrations rm device-001"));
            rm.SetAction(r => Run(t3, r, async dps =>
            {
                await dps.DeleteRegistrationAsync(r.GetValue(id3)!);
                if (r.GetValue(t3.Json))
                {
                    WriteJson(ui, new JsonObject { ["registrationId"] = r.GetValue(id3), ["removed"] = true });
                }
                else
                {
                    ui.Out.WriteLine("removed the registration of " + r.GetValue(id3));
                }
                return 0;
            }));
            registrations.Add(rm);
            return registrations;
        }

        /// <summary>The real API lists registrations per enrollment group; individual enrollments carry their own state.</summary>
        private static async Task<int> ListRegistrations(Ui ui, RestDpsService dps, string? groupId, bool json)
        {
            var states = new List<JsonObject>();
            var groups = new List<string>();
            if (groupId != null)
            {
                groups.Add(groupId);
            }
            else
            {
                groups.AddRange((await dps.QueryEnrollmentGroupsAsync()).Select(g => (string)g["enrollmentGroupId"]!));
            }
            foreach (string g in groups)
            {
                foreach (JsonObject s in await dps.QueryRegistrationsAsync(g))
                {
                    var state = (JsonObject)s.DeepClone();
                    state["enrollmentGroupId"] = g;
                    states.Add(state);
                }
            }
            if (groupId == null)
            {
                foreach (JsonObject e in await dps.QueryIndividualEnrollmentsAsync())
                {
                    if (e["registrationState"] is JsonObject s)
                    {
                        states.Add((JsonObject)s.DeepClone());
                    }
                }
            }
            states.Sort((a, b) => string.CompareOrdinal((string?)a["registrationId"], (string?)b["registrationId"]));
            if (json)
            {
                WriteJson(ui, new JsonArray(states.Select(s => (JsonNode)s).ToArray()));
                return 0;
            }
            if (states.Count == 0)
            {
                ui.Out.WriteLine("(no registrations)");
                return 0;
            }
            var table = Ui.Table("REGISTRATION", "STATUS", "HUB", "DEVICE", "ENROLLMENT", "UPDATED (UTC)", "ERROR");
            foreach (JsonObject s in states)
            {
                string error = s["errorCode"] != null ? s["errorCode"] + " " + s["errorMessage"] : "";
                Ui.AddRow(table, s["registrationId"], s["status"], s["assignedHub"], s["deviceId"], s["enrollmentGroupId"] ?? "individual",
                    s["lastUpdatedDateTimeUtc"], error);
            }
            ui.Console.Write(table);
            return 0;
        }

        private static Command EmulatorCommand(Ui ui)
        {
            var emulator = new Command("emulator", "The emulator's switches for tests and fleet runs: throttling and outages of the device endpoint (emulator only)")
                .WithExamples("dps emulator status", "dps emulator throttle --requests 20 --retry-after 30", "dps emulator outage on");

            var t = new Target();
            var status = t.Add(new Command("status", "Print the switches and the device request counters (JSON)").WithExamples("dps emulator status"));
            status.SetAction(r => Run(t, r, async dps =>
            {
                WriteJson(ui, await dps.GetStatusAsync());
                return 0;
            }));
            emulator.Add(status);

            var t2 = new Target();
            var requests = new Option<int>("--requests") { Description = "How many device requests to answer 429 (0 ends throttling)", HelpName = "N", Required = true };
            var retry = new Option<int>("--retry-after") { Description = "The retry-after the 429s carry, 1 to 3600 seconds", HelpName = "SECONDS", DefaultValueFactory = _ => 5 };
            var throttle = t2.Add(new Command("throttle", "Answer the next N device requests with 429 and a retry-after") { requests, retry }
                .WithExamples("dps emulator throttle --requests 20 --retry-after 30", "dps emulator throttle --requests 0"));
            throttle.SetAction(r => Run(t2, r, async dps =>
            {
                JsonObject s = await dps.ThrottleAsync(r.GetValue(requests), r.GetValue(retry));
                PrintSwitches(ui, s, r.GetValue(t2.Json));
                return 0;
            }));
            emulator.Add(throttle);

            var t3 = new Target();
            var state = Parameters.Choice(Parameters.Text("STATE", "on: drop every device and refuse new connections; off: serve again"), "on", "off");
            var outage = t3.Add(new Command("outage", "Switch an outage of the device endpoint on or off") { state }.WithExamples("dps emulator outage on", "dps emulator outage off"));
            outage.SetAction(r => Run(t3, r, async dps =>
            {
                JsonObject s = await dps.SetOutageAsync(r.GetValue(state) == "on");
                PrintSwitches(ui, s, r.GetValue(t3.Json));
                return 0;
            }));
            emulator.Add(outage);
            return emulator;
        }

        private static void PrintSwitches(Ui ui, JsonObject status, bool json)
        {
            if (json)
            {
                WriteJson(ui, status);
                return;
            }
            ui.Out.WriteLine("outage " + ((bool)status["outage"]! ? "on" : "off") + "; throttling the next " + status["throttle"]!["requests"]
                + " requests (retry-after " + status["throttle"]!["retryAfterSeconds"] + " s)");
        }

        private static JsonObject Attestation(string slot, JsonObject primary) => new()
        {
            ["type"] = "x509",
            ["x509"] = new JsonObject { [slot] = new JsonObject { ["primary"] = primary } },
        };

        private static string? Info(JsonObject enrollment, string slot, string field)
            => (string?)enrollment["attestation"]?["x509"]?[slot]?["primary"]?["info"]?[field];

        private static string Hubs(JsonObject enrollment)
            => enrollment["iotHubs"] is JsonArray a && a.Count > 0 ? string.Join(", ", a.Select(h => (string?)h)) : "(all linked)";

        /// <summary>The certificate file's PEM, checked to hold a certificate (the key never: only the certificate is sent).</summary>
        private static string ReadPem(string path)
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CommandException("cannot read " + path + ": " + e.Message);
            }
            try
            {
                return X509Certificate2.CreateFromPem(text).ExportCertificatePem();
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                throw new CommandException(path + " is not a PEM certificate: " + e.Message);
            }
        }
    }
}
