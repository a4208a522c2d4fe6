using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace NfCerts.Emulators.Dps;

/// <summary>
/// The state file (<see cref="DpsEmulatorOptions.StatePath"/>): enrollment groups (with their CA's DER), individual
/// enrollments and registration records, as one JSON document rewritten (temporary file, then rename) after every change.
/// Throttling and outages are switches of a run and are not kept.
/// </summary>
public sealed partial class DpsEmulator
{
    private const string StateFormat = "nfcerts-dps-emulator/1";

    private bool SavedIf(bool changed)
    {
        if (changed)
        {
            SaveStateLocked();
        }
        return changed;
    }

    private void LoadState()
    {
        string? path = _options.StatePath;
        JsonObject? root = path == null ? null : EmulatorStateFile.Read(path, StateFormat, "the DPS state file");
        if (root == null)
        {
            return;
        }
        lock (_gate)
        {
            foreach (JsonObject g in Objects(root["enrollmentGroups"]))
            {
                var group = new DpsEnrollmentGroup((string)g["id"]!, X509CertificateLoader.LoadCertificate(Convert.FromBase64String((string)g["ca"]!)),
                    (bool)g["enabled"]!, Enum.Parse<DpsAllocation>((string)g["allocation"]!), Strings(g["hubs"]), (string)g["etag"]!)
                {
                    CreatedDateTimeUtc = Time(g["created"]),
                    LastUpdatedDateTimeUtc = Time(g["updated"]),
                };
                _groups[group.Id] = group;
            }
            foreach (JsonObject i in Objects(root["individualEnrollments"]))
            {
                string? der = (string?)i["certificate"];
                var e = new DpsIndividualEnrollment((string)i["registrationId"]!, (string)i["thumbprint"]!, (bool)i["enabled"]!,
                    Enum.Parse<DpsAllocation>((string)i["allocation"]!), Strings(i["hubs"]), (string)i["etag"]!)
                {
                    Certificate = der == null ? null : X509CertificateLoader.LoadCertificate(Convert.FromBase64String(der)),
                    CreatedDateTimeUtc = Time(i["created"]),
                    LastUpdatedDateTimeUtc = Time(i["updated"]),
                };
                _individuals[e.RegistrationId] = e;
            }
            foreach (JsonObject r in Objects(root["registrations"]))
            {
                var record = new DpsRegistrationRecord((string)r["registrationId"]!, (string)r["status"]!, (string?)r["assignedHub"],
                    (string?)r["deviceId"], (string?)r["substatus"], Time(r["createdDateTimeUtc"]), Time(r["lastUpdatedDateTimeUtc"]),
                    (string)r["etag"]!, (int?)r["errorCode"], (string?)r["errorMessage"], (string?)r["enrollmentGroupId"]);
                _registrations[record.RegistrationId] = record;
            }
        }
    }

    private void SaveStateLocked()
    {
        string? path = _options.StatePath;
        if (path == null)
        {
            return;
        }
        var groups = new JsonArray();
        foreach (DpsEnrollmentGroup g in _groups.Values.OrderBy(g => g.Id, StringComparer.Ordinal))
        {
            groups.Add(new JsonObject
            {
                ["id"] = g.Id,
                ["ca"] = Convert.ToBase64String(g.Ca.RawData),
                ["enabled"] = g.Enabled,
                ["allocation"] = g.Allocation.ToString(),
                ["hubs"] = new JsonArray(g.Hubs.Select(h => (JsonNode)h).ToArray()),
                ["etag"] = g.Etag,
                ["created"] = g.CreatedDateTimeUtc.ToString("o", CultureInfo.InvariantCulture),
                ["updated"] = g.LastUpdatedDateTimeUtc.ToString("o", CultureInfo.InvariantCulture),
            });
        }
        var individuals = new JsonArray();
        foreach (DpsIndividualEnrollment e in _individuals.Values.OrderBy(e => e.RegistrationId, StringComparer.Ordinal))
        {
            individuals.Add(new JsonObject
            {
                ["registrationId"] = e.RegistrationId,
                ["thumbprint"] = e.Thumbprint,
                ["certificate"] = e.Certificate == null ? null : Convert.ToBase64String(e.Certificate.RawData),
                ["enabled"] = e.Enabled,
                ["allocation"] = e.Allocation.ToString(),
                ["hubs"] = new JsonArray(e.Hubs.Select(h => (JsonNode)h).ToArray()),
                ["etag"] = e.Etag,
                ["created"] = e.CreatedDateTimeUtc.ToString("o", CultureInfo.InvariantCulture),
                ["updated"] = e.LastUpdatedDateTimeUtc.ToString("o", CultureInfo.InvariantCulture),
            });
        }
        var registrations = new JsonArray();
        foreach (DpsRegistrationRecord r in _registrations.Values.OrderBy(r => r.RegistrationId, StringComparer.Ordinal))
        {
            JsonObject o = DpsJson.State(r);
            o["enrollmentGroupId"] = r.EnrollmentGroupId;
            registrations.Add(o);
        }
        var root = new JsonObject
        {
            ["enrollmentGroups"] = groups,
            ["individualEnrollments"] = individuals,
            ["registrations"] = registrations,
        };
        EmulatorStateFile.Write(path, StateFormat, root);
    }

    private static IEnumerable<JsonObject> Objects(JsonNode? array)
        => (array as JsonArray ?? new JsonArray()).OfType<JsonObject>();

    private static List<string> Strings(JsonNode? array)
        => (array as JsonArray ?? new JsonArray()).Select(h => (string)h!).ToList();

    private static DateTimeOffset Time(JsonNode? value)
        => DateTimeOffset.Parse((string)value!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
