using System;
using System.Globalization;
using System.Text.Json.Nodes;

namespace NfCerts.Emulators.Hub.Rest;

/// <summary>
/// A device identity as IoT Hub's registry API writes it (Devices - Get Identity, api-version 2021-04-12): <c>deviceId</c>,
/// <c>etag</c>, <c>status</c>, <c>connectionState</c>, <c>lastActivityTime</c>, <c>cloudToDeviceMessageCount</c> and
/// <c>authentication</c> with <c>type</c> (<c>certificateAuthority</c>, <c>selfSigned</c>) and <c>x509Thumbprint.primaryThumbprint</c>.
/// </summary>
internal static class DeviceJson
{
    /// <summary>The JSON the registry API returns for <paramref name="d"/>.</summary>
    public static JsonObject Write(HubDeviceInfo d) => new()
    {
        ["deviceId"] = d.DeviceId,
        ["generationId"] = "0",
        ["etag"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(d.Authentication + ":" + d.Thumbprint)),
        ["status"] = "enabled",
        ["connectionState"] = d.Connected ? "Connected" : "Disconnected",
        ["lastActivityTime"] = (d.LastActivityUtc ?? DateTimeOffset.UnixEpoch).UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
        ["cloudToDeviceMessageCount"] = d.PendingC2d,
        ["authentication"] = new JsonObject
        {
            ["type"] = d.Authentication,
            ["x509Thumbprint"] = new JsonObject { ["primaryThumbprint"] = d.Thumbprint, ["secondaryThumbprint"] = null },
        },
        ["capabilities"] = new JsonObject { ["iotEdge"] = false },
    };

    /// <summary>Reads what <see cref="Write"/> (or a real hub) wrote.</summary>
    public static HubDeviceInfo Read(JsonObject o)
    {
        string id = (string?)o["deviceId"] ?? throw new FormatException("a device without deviceId");
        string auth = (string?)o["authentication"]?["type"] ?? "unknown";
        string? thumb = (string?)o["authentication"]?["x509Thumbprint"]?["primaryThumbprint"];
        bool connected = string.Equals((string?)o["connectionState"], "Connected", StringComparison.OrdinalIgnoreCase);
        DateTimeOffset? last = null;
        if (DateTimeOffset.TryParse((string?)o["lastActivityTime"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) && t > DateTimeOffset.UnixEpoch)
        {
            last = t;
        }
        int pending = o["cloudToDeviceMessageCount"] is JsonValue v && v.TryGetValue(out int n) ? n : 0;
        return new HubDeviceInfo(id, auth, thumb, connected, last, pending);
    }

    /// <summary>The body of a Create or Update Identity request for a device authenticated by its CA or its thumbprint.</summary>
    public static JsonObject Registration(string deviceId, string? thumbprint) => new()
    {
        ["deviceId"] = deviceId,
        ["status"] = "enabled",
        ["authentication"] = thumbprint == null
            ? new JsonObject { ["type"] = "certificateAuthority" }
            : new JsonObject
            {
                ["type"] = "selfSigned",
                ["x509Thumbprint"] = new JsonObject { ["primaryThumbprint"] = thumbprint, ["secondaryThumbprint"] = thumbprint },
            },
    };
}
