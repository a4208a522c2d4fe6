using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace NfCerts.Emulators.Hub;

/// <summary>A C2D message waiting in a device's queue.</summary>
internal sealed class C2dMessage
{
    public required string MessageId { get; init; }
    public required byte[] Body { get; init; }
    public required List<KeyValuePair<string, string>> Properties { get; init; }
    public required DateTimeOffset EnqueuedUtc { get; init; }
    public required DateTimeOffset ExpiryUtc { get; init; }

    /// <summary>How many times it was sent to the device.</summary>
    public int DeliveryCount { get; set; }

    /// <summary>Sent on the current MQTT session and not yet acknowledged.</summary>
    public bool InFlight { get; set; }
}

/// <summary>One registered device: its identity, twin and C2D queue (kept in the state file) and its connection (not kept).</summary>
/// <remarks>Guarded by the emulator's lock.</remarks>
internal sealed class HubDevice
{
    public HubDevice(string deviceId, string? thumbprint)
    {
        DeviceId = deviceId;
        Thumbprint = thumbprint;
    }

    public string DeviceId { get; }

    /// <summary>SHA-1 thumbprint (upper-case hex) for devices registered by thumbprint; null for CA-authenticated devices.</summary>
    public string? Thumbprint { get; }

    public string Authentication => Thumbprint == null ? "certificateAuthority" : "selfSigned";

    public JsonObject Desired { get; set; } = new();
    public int DesiredVersion { get; set; } = 1;
    public DateTimeOffset DesiredUpdated { get; set; }
    public JsonObject Reported { get; set; } = new();
    public int ReportedVersion { get; set; } = 1;
    public DateTimeOffset ReportedUpdated { get; set; }

    /// <summary>Counts every change to the twin (the service's <c>version</c>; the etag is derived from it).</summary>
    public long TwinVersion { get; set; } = 1;

    public List<C2dMessage> Queue { get; } = new();

    /// <summary>Topic filters the device's MQTT session holds, with their granted QoS (0 or 1).</summary>
    public Dictionary<string, int> Subscriptions { get; } = new(StringComparer.Ordinal);

    public bool Connected { get; set; }
    public DateTimeOffset? LastActivityUtc { get; set; }

    /// <summary>Stamped into the session items of each accepted CONNECT: a session whose stamp differs from the last
    /// CONNECT's was resumed (clean session false), not created.</summary>
    public long ConnectGeneration { get; set; }

    public string Etag => Convert.ToBase64String(BitConverter.GetBytes(TwinVersion));

    public HubDeviceInfo Info() => new(DeviceId, Authentication, Thumbprint, Connected, LastActivityUtc, Queue.Count);

    /// <summary>The twin as the device GETs it.</summary>
    public JsonObject DeviceTwin()
    {
        var desired = (JsonObject)Desired.DeepClone();
        desired["$version"] = DesiredVersion;
        var reported = (JsonObject)Reported.DeepClone();
        reported["$version"] = ReportedVersion;
        return new JsonObject { ["desired"] = desired, ["reported"] = reported };
    }

    /// <summary>The twin as the service API returns it.</summary>
    public JsonObject ServiceTwin()
    {
        var desired = (JsonObject)Desired.DeepClone();
        desired["$metadata"] = new JsonObject { ["$lastUpdated"] = Iso(DesiredUpdated) };
        desired["$version"] = DesiredVersion;
        var reported = (JsonObject)Reported.DeepClone();
        reported["$metadata"] = new JsonObject { ["$lastUpdated"] = Iso(ReportedUpdated) };
        reported["$version"] = ReportedVersion;
        return new JsonObject
        {
            ["deviceId"] = DeviceId,
            ["etag"] = Etag,
            ["deviceEtag"] = Etag,
            ["status"] = "enabled",
            ["connectionState"] = Connected ? "Connected" : "Disconnected",
            ["lastActivityTime"] = LastActivityUtc.HasValue ? Iso(LastActivityUtc.Value) : "0001-01-01T00:00:00Z",
            ["cloudToDeviceMessageCount"] = Queue.Count,
            ["authenticationType"] = Authentication,
            ["x509Thumbprint"] = new JsonObject { ["primaryThumbprint"] = Thumbprint, ["secondaryThumbprint"] = null },
            ["version"] = TwinVersion,
            ["properties"] = new JsonObject { ["desired"] = desired, ["reported"] = reported },
        };
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Applies a JSON merge patch as twins do: null removes, objects merge, anything else replaces; keys
    /// starting with <c>$</c> are ignored.</summary>
    public static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (key.StartsWith('$'))
            {
                continue;
            }
            if (value == null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject patchObject && target[key] is JsonObject existing)
            {
                Merge(existing, patchObject);
            }
            else
            {
                target[key] = StripMeta(value.DeepClone());
            }
        }
    }

    private static JsonNode StripMeta(JsonNode node)
    {
        if (node is JsonObject obj)
        {
            var keys = new List<string>();
            foreach (var (key, child) in obj)
            {
                if (key.StartsWith('$'))
                {
                    keys.Add(key);
                }
                else if (child != null)
                {
                    StripMeta(child);
                }
            }
            foreach (string key in keys)
            {
                obj.Remove(key);
            }
        }
        return node;
    }
}
