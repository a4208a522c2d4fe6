using System;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace NfCerts.Emulators.Hub.Rest;

/// <summary>
/// Errors as IoT Hub's service API writes them: the HTTP status, and a body <c>{"Message":"ErrorCode:NAME;text","ExceptionMessage":"text"}</c>
/// whose error code names the case (DeviceNotFound, DeviceNotOnline, GatewayTimeout, PreconditionFailed, IotHubUnauthorizedAccess, ...).
/// </summary>
internal static class RestErrors
{
    public static IResult Error(int status, string code, string message)
    {
        var body = new JsonObject
        {
            ["Message"] = "ErrorCode:" + code + ";" + message,
            ["ExceptionMessage"] = message,
        };
        return Results.Text(body.ToJsonString(), "application/json; charset=utf-8", null, status);
    }

    /// <summary>The error code the real service uses for a status of the operator seam.</summary>
    public static string CodeFor(int status, bool method) => status switch
    {
        400 => "ArgumentInvalid",
        401 => "IotHubUnauthorizedAccess",
        404 => method ? "DeviceNotOnline" : "DeviceNotFound",
        409 => "DeviceAlreadyExists",
        412 => "PreconditionFailed",
        413 => "MessageTooLarge",
        429 => "ThrottlingException",
        504 => "GatewayTimeout",
        _ => "ServerError",
    };

    /// <summary>The text of an error body written by <see cref="Error"/> or by a real hub, or by DPS (<c>{"errorCode":N,"message":"..."}</c>),
    /// or null when it is not one.</summary>
    public static string? MessageOf(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject o)
            {
                string? text = (string?)o["ExceptionMessage"] ?? (string?)o["Message"] ?? (string?)o["message"];
                return text;
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }
        catch (InvalidOperationException)
        {
        }
        return null;
    }
}
