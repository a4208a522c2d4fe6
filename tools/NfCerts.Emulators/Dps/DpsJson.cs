using System;
using System.Text.Json.Nodes;

namespace NfCerts.Emulators.Dps;

/// <summary>The JSON shapes of the DPS emulator: registration states as the device and service APIs write them.</summary>
internal static class DpsJson
{
    public static JsonObject State(DpsRegistrationRecord r)
    {
        var o = new JsonObject
        {
            ["registrationId"] = r.RegistrationId,
            ["createdDateTimeUtc"] = r.CreatedDateTimeUtc.ToString("o"),
            ["status"] = r.Status,
            ["lastUpdatedDateTimeUtc"] = r.LastUpdatedDateTimeUtc.ToString("o"),
            ["etag"] = r.Etag,
        };
        if (r.AssignedHub != null)
        {
            o["assignedHub"] = r.AssignedHub;
            o["deviceId"] = r.DeviceId;
            o["substatus"] = r.Substatus;
        }
        if (r.ErrorCode != null)
        {
            o["errorCode"] = r.ErrorCode;
            o["errorMessage"] = r.ErrorMessage;
        }
        return o;
    }

    /// <summary>An error body as DPS writes it on both its device and service APIs.</summary>
    public static JsonObject Error(int code, string message, DateTimeOffset now) => new()
    {
        ["errorCode"] = code,
        ["trackingId"] = Guid.NewGuid().ToString(),
        ["message"] = message,
        ["timestampUtc"] = now.ToString("o"),
    };
}
