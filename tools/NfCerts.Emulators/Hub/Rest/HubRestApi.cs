using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace NfCerts.Emulators.Hub.Rest;

/// <summary>The server chains an emulator can present (the 2023 Baltimore to DigiCert G2 migration, rehearsed).</summary>
public interface IServerChains
{
    /// <summary>The names of the chains, e.g. <c>baltimore</c> and <c>digicert-g2</c>.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>The chain presented now.</summary>
    string Current { get; }

    /// <summary>Presents <paramref name="name"/> to every new TLS connection from now on (and drops the devices' connections, so
    /// that they reconnect under it); throws <see cref="KeyNotFoundException"/> for an unknown name.</summary>
    Task UseAsync(string name);
}

/// <summary>
/// The operator API over an <see cref="IHubService"/>, shaped like IoT Hub's service REST API (api-version 2021-04-12):
/// <c>GET/PATCH /twins/{id}</c> (ETag, If-Match), <c>POST /twins/{id}/methods</c>, <c>GET /devices</c>,
/// <c>PUT/GET/DELETE /devices/{id}</c>, <c>POST /devices/query</c> (paged with <c>x-ms-max-item-count</c> and
/// <c>x-ms-continuation</c>), each authorised by a SAS token whose resource is the request's host, followed by
/// <c>/devices/{id}</c> for one device's operations. Emulator-only, under <c>/emulator/</c>: C2D send and the server chain.
/// </summary>
public static class HubRestApi
{
    /// <summary>The service API version this API is shaped after.</summary>
    public const string ApiVersion = "2021-04-12";

    /// <summary>The real service's bounds on a direct method's response timeout, in seconds.</summary>
    public const int MinMethodTimeout = 5, MaxMethodTimeout = 300, DefaultMethodTimeout = 30;

    /// <summary>Maps the endpoints onto <paramref name="app"/>.</summary>
    public static void Map(IEndpointRouteBuilder app, IHubService hub, SasAuthorizer auth, IServerChains? chains = null)
    {
        var api = new Api(hub, auth, chains);
        app.MapGet("/twins/{id}", (HttpContext c, string id) => api.Guard(c, id, false, () => api.GetTwin(c, id)));
        app.MapMethods("/twins/{id}", new[] { "PATCH" }, (HttpContext c, string id) => api.Guard(c, id, false, () => api.PatchTwin(c, id)));
        app.MapPost("/twins/{id}/methods", (HttpContext c, string id) => api.Guard(c, id, true, () => api.InvokeMethod(c, id)));
        app.MapGet("/devices", Handler(c => api.Guard(c, null, false, () => api.ListDevices())));
        app.MapPost("/devices/query", Handler(c => api.Guard(c, null, false, () => api.Query(c))));
        app.MapGet("/devices/{id}", (HttpContext c, string id) => api.Guard(c, id, false, () => api.GetDevice(id)));
        app.MapPut("/devices/{id}", (HttpContext c, string id) => api.Guard(c, id, false, () => api.PutDevice(c, id)));
        app.MapDelete("/devices/{id}", (HttpContext c, string id) => api.Guard(c, id, false, () => api.DeleteDevice(id)));
        app.MapPost("/emulator/devices/{id}/messages", (HttpContext c, string id) => api.Guard(c, id, false, () => api.SendC2d(c, id)));
        app.MapGet("/emulator/server-chain", Handler(c => api.Guard(c, null, false, () => Task.FromResult(api.GetChain()))));
        app.MapPut("/emulator/server-chain", Handler(c => api.Guard(c, null, false, () => api.UseChain(c))));
    }

    /// <summary>A route handler whose IResult is written (a bare HttpContext lambda would bind as a RequestDelegate and drop it).</summary>
    private static Delegate Handler(Func<HttpContext, Task<IResult>> handler) => handler;

    private sealed class Api(IHubService hub, SasAuthorizer auth, IServerChains? chains)
    {
        /// <summary>api-version (not on /emulator/), SAS, then the work, with the seam's errors mapped to the service's.</summary>
        public async Task<IResult> Guard(HttpContext c, string? deviceId, bool method, Func<Task<IResult>> work)
        {
            bool emulatorOnly = c.Request.Path.StartsWithSegments("/emulator");
            if (!emulatorOnly && string.IsNullOrEmpty(c.Request.Query["api-version"]))
            {
                return RestErrors.Error(400, "InvalidProtocolVersion", "the api-version query parameter is required (e.g. api-version=" + ApiVersion + ")");
            }
            string resource = c.Request.Host.Value + (deviceId == null ? "" : "/devices/" + deviceId);
            string? refused = auth.Check(c.Request.Headers.Authorization, resource);
            if (refused != null)
            {
                return RestErrors.Error(401, "IotHubUnauthorizedAccess", refused);
            }
            try
            {
                return await work();
            }
            catch (HubServiceException e)
            {
                return RestErrors.Error(e.Status, RestErrors.CodeFor(e.Status, method), e.Message);
            }
            catch (JsonException e)
            {
                return RestErrors.Error(400, "ArgumentInvalid", "the body is not valid JSON: " + e.Message);
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (e.StatusCode == 413)
            {
                return RestErrors.Error(413, "MessageTooLarge", "the body is larger than the emulator accepts");
            }
        }

        public async Task<IResult> GetTwin(HttpContext c, string id)
        {
            JsonObject twin = await hub.GetTwinAsync(id, c.RequestAborted);
            return Twin(c, twin);
        }

        public async Task<IResult> PatchTwin(HttpContext c, string id)
        {
            JsonObject body = await ReadObject(c);
            if (body["tags"] != null)
            {
                return Bad("this emulator does not keep tags: patch properties.desired only");
            }
            if (body["properties"]?["reported"] != null)
            {
                return Bad("reported properties are written by the device, not by the service");
            }
            if (body["properties"]?["desired"] is not JsonObject desired)
            {
                return Bad("the patch has no properties.desired object");
            }
            string? ifMatch = c.Request.Headers.IfMatch;
            string? etag = string.IsNullOrEmpty(ifMatch) || ifMatch == "*" ? null : ifMatch.Trim('"');
            JsonObject twin = await hub.PatchDesiredAsync(id, (JsonObject)desired.DeepClone(), etag, c.RequestAborted);
            return Twin(c, twin);
        }

        public async Task<IResult> InvokeMethod(HttpContext c, string id)
        {
            JsonObject body = await ReadObject(c);
            string? name = (string?)body["methodName"];
            if (string.IsNullOrEmpty(name))
            {
                return Bad("methodName is required");
            }
            int timeout = DefaultMethodTimeout;
            if (body["responseTimeoutInSeconds"] is JsonValue tv && !(tv.TryGetValue(out timeout) && timeout >= MinMethodTimeout && timeout <= MaxMethodTimeout))
            {
                return Bad("responseTimeoutInSeconds must be " + MinMethodTimeout + " to " + MaxMethodTimeout);
            }
            HubMethodResult r = await hub.InvokeMethodAsync(id, name, body["payload"]?.DeepClone(), TimeSpan.FromSeconds(timeout), c.RequestAborted);
            return Json(new JsonObject { ["status"] = r.Status, ["payload"] = r.Payload?.DeepClone() });
        }

        public async Task<IResult> ListDevices()
        {
            var list = new JsonArray();
            foreach (HubDeviceInfo d in await hub.ListDevicesAsync())
            {
                list.Add(DeviceJson.Write(d));
            }
            return Json(list);
        }

        public async Task<IResult> GetDevice(string id)
        {
            foreach (HubDeviceInfo d in await hub.ListDevicesAsync())
            {
                if (d.DeviceId == id)
                {
                    return Json(DeviceJson.Write(d));
                }
            }
            return RestErrors.Error(404, "DeviceNotFound", "device '" + id + "' is not registered");
        }

        public async Task<IResult> PutDevice(HttpContext c, string id)
        {
            JsonObject body = await ReadObject(c);
            if ((string?)body["deviceId"] is string bodyId && bodyId != id)
            {
                return Bad("the body's deviceId '" + bodyId + "' is not the one in the address");
            }
            string type = (string?)body["authentication"]?["type"] ?? "certificateAuthority";
            string? thumbprint = (string?)body["authentication"]?["x509Thumbprint"]?["primaryThumbprint"];
            switch (type)
            {
                case "certificateAuthority":
                    thumbprint = null;
                    break;
                case "selfSigned":
                    if (thumbprint == null || thumbprint.Length != 40 || !IsHex(thumbprint))
                    {
                        return Bad("selfSigned needs authentication.x509Thumbprint.primaryThumbprint: 40 hex digits (SHA-1)");
                    }
                    break;
                default:
                    return Bad("authentication type '" + type + "' is not supported: the emulator authenticates devices by X.509 (certificateAuthority or selfSigned)");
            }
            return Json(DeviceJson.Write(await hub.RegisterDeviceAsync(id, thumbprint?.ToUpperInvariant(), c.RequestAborted)));
        }

        public async Task<IResult> DeleteDevice(string id)
        {
            await hub.DeleteDeviceAsync(id);
            return Results.NoContent();
        }

        public async Task<IResult> Query(HttpContext c)
        {
            JsonObject body = await ReadObject(c);
            string? query = (string?)body["query"];
            if (string.IsNullOrWhiteSpace(query))
            {
                return Bad("the body needs a query: {\"query\": \"SELECT * FROM devices\"}");
            }
            IReadOnlyList<JsonObject> all = await hub.QueryAsync(query, c.RequestAborted);
            JsonArray? page = RestPaging.Page(c, all, "twin", out string pagingError);
            return page == null ? Bad(pagingError) : Json(page);
        }

        public async Task<IResult> SendC2d(HttpContext c, string id)
        {
            JsonObject body = await ReadObject(c);
            byte[] data;
            try
            {
                data = Convert.FromBase64String((string?)body["data"] ?? "");
            }
            catch (FormatException)
            {
                return Bad("data must be the message body in base64");
            }
            var props = new Dictionary<string, string>(StringComparer.Ordinal);
            if (body["properties"] is JsonObject p)
            {
                foreach (var kv in p)
                {
                    props[kv.Key] = kv.Value is JsonValue v && v.TryGetValue(out string? s) ? s : kv.Value?.ToJsonString() ?? "";
                }
            }
            TimeSpan? ttl = null;
            if (body["ttlSeconds"] is JsonValue t)
            {
                if (!t.TryGetValue(out int seconds) || seconds <= 0)
                {
                    return Bad("ttlSeconds must be a positive number of seconds");
                }
                ttl = TimeSpan.FromSeconds(seconds);
            }
            await hub.SendC2dAsync(id, data, props, ttl, c.RequestAborted);
            return Results.NoContent();
        }

        public IResult GetChain()
        {
            if (chains == null)
            {
                return RestErrors.Error(404, "NotFound", "this emulator has no switchable server chain");
            }
            var names = new JsonArray();
            foreach (string n in chains.Names)
            {
                names.Add(n);
            }
            return Json(new JsonObject { ["current"] = chains.Current, ["chains"] = names });
        }

        public async Task<IResult> UseChain(HttpContext c)
        {
            JsonObject body = await ReadObject(c);
            if (chains == null)
            {
                return RestErrors.Error(404, "NotFound", "this emulator has no switchable server chain");
            }
            string name = (string?)body["name"] ?? "";
            try
            {
                await chains.UseAsync(name);
            }
            catch (KeyNotFoundException)
            {
                return Bad("no server chain '" + name + "': the emulator has " + string.Join(", ", chains.Names));
            }
            return GetChain();
        }

        private static async Task<JsonObject> ReadObject(HttpContext c)
            => await JsonNode.ParseAsync(c.Request.Body, cancellationToken: c.RequestAborted) as JsonObject
                ?? throw new JsonException("expected a JSON object");

        private static IResult Twin(HttpContext c, JsonObject twin)
        {
            if ((string?)twin["etag"] is string etag)
            {
                c.Response.Headers.ETag = "\"" + etag + "\"";
            }
            return Json(twin);
        }

        private static IResult Json(JsonNode node) => Results.Text(node.ToJsonString(), "application/json; charset=utf-8", Encoding.UTF8, 200);

        private static IResult Bad(string message) => RestErrors.Error(400, "ArgumentInvalid", message);

        private static bool IsHex(string s)
        {
            foreach (char ch in s)
            {
                if (!Uri.IsHexDigit(ch))
                {
                    return false;
                }
            }
            return true;
        }
    }
}
