using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace NfCerts.Emulators.Dps.Rest;

/// <summary>What an enrollment PUT asks for, checked: the attestation certificate or thumbprint, status, allocation, hubs.</summary>
internal sealed record DpsEnrollmentRequest(X509Certificate2? Certificate, string? Thumbprint, bool Enabled, DpsAllocation Allocation, IReadOnlyList<string> Hubs);

/// <summary>
/// Enrollments as DPS's service API (api-version 2021-10-01) writes and reads them: <c>enrollmentGroupId</c> or
/// <c>registrationId</c>, <c>attestation</c> (<c>type</c> <c>x509</c>; <c>x509.signingCertificates.primary</c> for a group,
/// <c>x509.clientCertificates.primary</c> for an individual enrollment, each with <c>certificate</c> on the way in and
/// <c>info</c> on the way out), <c>provisioningStatus</c>, <c>allocationPolicy</c>, <c>iotHubs</c>, <c>iotHubHostName</c>,
/// <c>reprovisionPolicy</c>, <c>capabilities</c>, <c>etag</c>, <c>createdDateTimeUtc</c>, <c>lastUpdatedDateTimeUtc</c>.
/// </summary>
internal static class DpsEnrollmentJson
{
    /// <summary>The largest attestation certificate accepted, as text (PEM or base64); checked before decoding.</summary>
    public const int MaxCertificateChars = 16 * 1024;

    public static JsonObject Group(DpsEnrollmentGroup g)
    {
        JsonObject o = Common(g.Enabled, g.Allocation, g.Hubs, g.Etag, g.CreatedDateTimeUtc, g.LastUpdatedDateTimeUtc);
        o["enrollmentGroupId"] = g.Id;
        o["attestation"] = Attestation("signingCertificates", Info(g.Ca));
        return Ordered(o, "enrollmentGroupId");
    }

    public static JsonObject Individual(DpsIndividualEnrollment e, DpsRegistrationRecord? registration)
    {
        JsonObject o = Common(e.Enabled, e.Allocation, e.Hubs, e.Etag, e.CreatedDateTimeUtc, e.LastUpdatedDateTimeUtc);
        o["registrationId"] = e.RegistrationId;
        o["deviceId"] = e.RegistrationId;
        o["attestation"] = Attestation("clientCertificates", e.Certificate != null ? Info(e.Certificate) : new JsonObject { ["sha1Thumbprint"] = e.Thumbprint });
        if (registration != null)
        {
            o["registrationState"] = DpsJson.State(registration);
        }
        return Ordered(o, "registrationId");
    }

    /// <summary>Reads a PUT body for a group (<paramref name="group"/>) or an individual enrollment; null and the reason
    /// in <paramref name="error"/> when it is not one the emulator can take.</summary>
    public static DpsEnrollmentRequest? Read(JsonObject body, string id, bool group, IReadOnlyList<string> linkedHubs, out string error)
    {
        error = "";
        string idName = group ? "enrollmentGroupId" : "registrationId";
        if (body[idName] is JsonNode given && (given is not JsonValue v || !v.TryGetValue(out string? s) || !string.Equals(s, id, group ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase)))
        {
            return Fail(out error, "the body's " + idName + " " + given.ToJsonString() + " is not '" + id + "', the one in the address");
        }
        if (body["attestation"] is not JsonObject attestation)
        {
            return Fail(out error, "attestation is required: {\"type\":\"x509\",\"x509\":{...}}");
        }
        if (Text(attestation["type"]) != "x509")
        {
            return Fail(out error, "attestation type " + (attestation["type"]?.ToJsonString() ?? "(none)") + " is not supported: the emulator attests X.509 only");
        }
        string slot = group ? "signingCertificates" : "clientCertificates";
        JsonObject? x509 = attestation["x509"] as JsonObject;
        if (x509?["caReferences"] != null)
        {
            return Fail(out error, "x509.caReferences (certificates verified in DPS) is not supported: send x509." + slot + ".primary.certificate");
        }
        JsonNode? primary = x509?[slot]?["primary"];
        string? pem = Text(primary?["certificate"]);
        X509Certificate2? certificate = null;
        string? thumbprint = null;
        if (pem != null)
        {
            certificate = Certificate(pem, out error);
            if (certificate == null)
            {
                return null;
            }
            if (group && !IsCa(certificate))
            {
                return Fail(out error, "x509.signingCertificates.primary.certificate is not a CA certificate (basic constraints CA:true): a group needs the CA its devices chain to");
            }
        }
        else if (!group && Text(primary?["info"]?["sha1Thumbprint"]) is string t)
        {
            if (t.Length != 40 || !t.All(Uri.IsHexDigit))
            {
                return Fail(out error, "x509.clientCertificates.primary.info.sha1Thumbprint must be 40 hex digits (SHA-1)");
            }
            thumbprint = t.ToUpperInvariant();
        }
        else
        {
            return Fail(out error, "x509." + slot + ".primary.certificate is required (the " + (group ? "CA" : "device") + " certificate, PEM or base64 DER)");
        }
        if (!group && certificate != null && !string.Equals(certificate.GetNameInfo(X509NameType.SimpleName, false), id, StringComparison.OrdinalIgnoreCase))
        {
            return Fail(out error, "the certificate's CN '" + certificate.GetNameInfo(X509NameType.SimpleName, false) + "' is not the registration ID '" + id + "' (X.509 attestation needs them equal)");
        }
        string status = Text(body["provisioningStatus"]) ?? "enabled";
        if (status != "enabled" && status != "disabled")
        {
            return Fail(out error, "provisioningStatus must be enabled or disabled, not '" + status + "'");
        }
        string policy = Text(body["allocationPolicy"]) ?? "hashed";
        if (policy != "hashed" && policy != "static")
        {
            return Fail(out error, "allocationPolicy '" + policy + "' is not supported: the emulator allocates hashed or static");
        }
        var hubs = new List<string>();
        if (body["iotHubs"] is JsonNode list)
        {
            if (list is not JsonArray array || array.Any(h => Text(h) == null))
            {
                return Fail(out error, "iotHubs must be an array of IoT hub host names");
            }
            hubs.AddRange(array.Select(h => Text(h)!));
        }
        if (Text(body["iotHubHostName"]) is string single && !hubs.Contains(single, StringComparer.OrdinalIgnoreCase))
        {
            hubs.Insert(0, single);
        }
        foreach (string hub in hubs)
        {
            if (!linkedHubs.Contains(hub, StringComparer.OrdinalIgnoreCase))
            {
                return Fail(out error, "iotHubs names '" + hub + "', which is not a linked hub (linked: " + string.Join(", ", linkedHubs) + ")");
            }
        }
        if (policy == "static" && hubs.Count != 1)
        {
            return Fail(out error, "static allocation needs exactly one hub in iotHubs (or iotHubHostName)");
        }
        return new DpsEnrollmentRequest(certificate, thumbprint ?? certificate?.Thumbprint, status == "enabled",
            policy == "static" ? DpsAllocation.Static : DpsAllocation.Hashed, hubs);
    }

    /// <summary>A certificate given as PEM text, base64 of PEM, or base64 of DER (the forms DPS clients send).</summary>
    public static X509Certificate2? Certificate(string text, out string error)
    {
        error = "";
        if (text.Length > MaxCertificateChars)
        {
            return Fail<X509Certificate2>(out error, "the certificate is longer than " + MaxCertificateChars + " characters");
        }
        try
        {
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                return X509Certificate2.CreateFromPem(text);
            }
            byte[] bytes = Convert.FromBase64String(text.Trim());
            string decoded = Encoding.ASCII.GetString(bytes);
            return decoded.Contains("-----BEGIN", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(decoded)
                : X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return Fail<X509Certificate2>(out error, "the certificate is neither PEM nor base64 of a DER certificate (" + e.Message + ")");
        }
    }

    private static JsonObject Common(bool enabled, DpsAllocation allocation, IReadOnlyList<string> hubs, string etag, DateTimeOffset created, DateTimeOffset updated)
    {
        var o = new JsonObject
        {
            ["capabilities"] = new JsonObject { ["iotEdge"] = false },
            ["etag"] = etag,
            ["provisioningStatus"] = enabled ? "enabled" : "disabled",
            ["reprovisionPolicy"] = new JsonObject { ["updateHubAssignment"] = true, ["migrateDeviceData"] = false },
            ["createdDateTimeUtc"] = created.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
            ["lastUpdatedDateTimeUtc"] = updated.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
            ["allocationPolicy"] = allocation == DpsAllocation.Static ? "static" : "hashed",
            ["iotHubs"] = new JsonArray(hubs.Select(h => (JsonNode)h).ToArray()),
        };
        if (allocation == DpsAllocation.Static && hubs.Count > 0)
        {
            o["iotHubHostName"] = hubs[0];
        }
        return o;
    }

    private static JsonObject Attestation(string slot, JsonObject info) => new()
    {
        ["type"] = "x509",
        ["x509"] = new JsonObject { [slot] = new JsonObject { ["primary"] = new JsonObject { ["info"] = info } } },
    };

    /// <summary>The certificate's details, as DPS returns them instead of the certificate itself.</summary>
    private static JsonObject Info(X509Certificate2 c) => new()
    {
        ["subjectName"] = c.Subject,
        ["sha1Thumbprint"] = c.Thumbprint,
        ["sha256Thumbprint"] = Convert.ToHexString(SHA256.HashData(c.RawData)),
        ["issuerName"] = c.Issuer,
        ["notBeforeUtc"] = c.NotBefore.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture),
        ["notAfterUtc"] = c.NotAfter.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture),
        ["serialNumber"] = c.SerialNumber,
        ["version"] = c.Version,
    };

    /// <summary>The ID member first, as the service writes it.</summary>
    private static JsonObject Ordered(JsonObject o, string first)
    {
        var result = new JsonObject { [first] = o[first]!.DeepClone() };
        foreach (var kv in o)
        {
            if (kv.Key != first)
            {
                result[kv.Key] = kv.Value?.DeepClone();
            }
        }
        return result;
    }

    private static bool IsCa(X509Certificate2 c)
        => c.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static T? Fail<T>(out string error, string message) where T : class
    {
        error = message;
        return null;
    }

    private static DpsEnrollmentRequest? Fail(out string error, string message) => Fail<DpsEnrollmentRequest>(out error, message);
}
