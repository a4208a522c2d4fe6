using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace NfCerts.Emulators.Hub.Rest;

/// <summary>
/// <see cref="IHubService"/> over IoT Hub's service REST API (api-version 2021-04-12), for the emulator's operator API and,
/// with a real connection string, for a real IoT Hub. What REST does not offer on a real hub (C2D send: it needs the AMQP
/// service endpoint) throws <see cref="NotSupportedException"/>; the emulator serves it under <c>/emulator/</c>.
/// </summary>
public sealed class RestHubService : IHubService, IDisposable
{
    private readonly HubConnectionString _hub;
    private readonly SasRestClient _rest;

    /// <summary>A client of <paramref name="hub"/>. With <paramref name="trustedRoots"/> the server's chain must end in one of
    /// them (the emulator's own roots); without, the system's trust store decides (a real hub).</summary>
    public RestHubService(HubConnectionString hub, X509Certificate2Collection? trustedRoots = null)
    {
        _hub = hub;
        _rest = new SasRestClient(hub, trustedRoots, HubRestApi.ApiVersion, "hub", (status, reason) => new HubServiceException(status, reason));
    }

    /// <summary>The hub this client talks to.</summary>
    public HubConnectionString Hub => _hub;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<HubDeviceInfo>> ListDevicesAsync(CancellationToken cancel = default)
    {
        var list = new List<HubDeviceInfo>();
        foreach (JsonNode? d in (JsonArray)(await Send(HttpMethod.Get, "devices?top=1000", null, null, cancel))!)
        {
            list.Add(DeviceJson.Read((JsonObject)d!));
        }
        return list;
    }

    /// <inheritdoc/>
    public async Task<HubDeviceInfo> RegisterDeviceAsync(string deviceId, string? thumbprint, CancellationToken cancel = default)
    {
        JsonObject body = DeviceJson.Registration(deviceId, thumbprint);
        try
        {
            return DeviceJson.Read((JsonObject)(await Send(HttpMethod.Put, DevicePath(deviceId), body, null, cancel))!);
        }
        catch (HubServiceException e) when (e.Status == 409)
        {
            // A real hub answers 409 to a create over an existing identity: update it (If-Match: *), as the SDKs do.
            return DeviceJson.Read((JsonObject)(await Send(HttpMethod.Put, DevicePath(deviceId), body, "*", cancel))!);
        }
    }

    /// <inheritdoc/>
    public async Task DeleteDeviceAsync(string deviceId, CancellationToken cancel = default)
        => await Send(HttpMethod.Delete, DevicePath(deviceId), null, "*", cancel);

    /// <inheritdoc/>
    public async Task<JsonObject> GetTwinAsync(string deviceId, CancellationToken cancel = default)
        => (JsonObject)(await Send(HttpMethod.Get, TwinPath(deviceId), null, null, cancel))!;

    /// <inheritdoc/>
    public async Task<JsonObject> PatchDesiredAsync(string deviceId, JsonObject desiredPatch, string? etag = null, CancellationToken cancel = default)
    {
        var body = new JsonObject { ["properties"] = new JsonObject { ["desired"] = desiredPatch.DeepClone() } };
        return (JsonObject)(await Send(HttpMethod.Patch, TwinPath(deviceId), body, etag == null ? null : "\"" + etag + "\"", cancel))!;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<JsonObject>> QueryAsync(string query, CancellationToken cancel = default)
        => await _rest.QueryAll("devices/query", new JsonObject { ["query"] = query }, cancel);

    /// <inheritdoc/>
    public async Task<HubMethodResult> InvokeMethodAsync(string deviceId, string method, JsonNode? payload, TimeSpan timeout, CancellationToken cancel = default)
    {
        var body = new JsonObject
        {
            ["methodName"] = method,
            ["responseTimeoutInSeconds"] = (int)Math.Ceiling(timeout.TotalSeconds),
            ["connectTimeoutInSeconds"] = 0,
            ["payload"] = payload?.DeepClone(),
        };
        JsonObject result = (JsonObject)(await Send(HttpMethod.Post, TwinPath(deviceId) + "/methods", body, null, cancel))!;
        int status = result["status"] is JsonValue v && v.TryGetValue(out int s) ? s : 0;
        return new HubMethodResult(status, result["payload"]?.DeepClone());
    }

    /// <inheritdoc/>
    public async Task SendC2dAsync(string deviceId, byte[] body, IReadOnlyDictionary<string, string>? properties = null, TimeSpan? ttl = null, CancellationToken cancel = default)
    {
        if (!_hub.IsEmulator)
        {
            throw new NotSupportedException("sending a C2D message to a real IoT Hub needs the AMQP service endpoint, which this REST client does not speak; announce through the twin instead");
        }
        var props = new JsonObject();
        foreach (var kv in properties ?? new Dictionary<string, string>())
        {
            props[kv.Key] = kv.Value;
        }
        var request = new JsonObject { ["data"] = Convert.ToBase64String(body), ["properties"] = props };
        if (ttl != null)
        {
            request["ttlSeconds"] = (int)Math.Ceiling(ttl.Value.TotalSeconds);
        }
        await Send(HttpMethod.Post, "emulator/devices/" + Uri.EscapeDataString(deviceId) + "/messages", request, null, cancel);
    }

    /// <summary>The emulator's server chains and the one it presents (emulator only).</summary>
    public async Task<JsonObject> GetServerChainAsync(CancellationToken cancel = default)
        => (JsonObject)(await Send(HttpMethod.Get, EmulatorOnly("emulator/server-chain"), null, null, cancel))!;

    /// <summary>Makes the emulator present server chain <paramref name="name"/> to new connections (emulator only).</summary>
    public async Task<JsonObject> UseServerChainAsync(string name, CancellationToken cancel = default)
        => (JsonObject)(await Send(HttpMethod.Put, EmulatorOnly("emulator/server-chain"), new JsonObject { ["name"] = name }, null, cancel))!;

    /// <inheritdoc/>
    public void Dispose() => _rest.Dispose();

    private string EmulatorOnly(string path) => _hub.IsEmulator ? path
        : throw new NotSupportedException("a real IoT Hub's server chain is Microsoft's to change; only the emulator switches it");

    private static string DevicePath(string id) => "devices/" + Uri.EscapeDataString(id);

    private static string TwinPath(string id) => "twins/" + Uri.EscapeDataString(id);

    private Task<JsonNode?> Send(HttpMethod method, string path, JsonNode? body, string? ifMatch, CancellationToken cancel)
        => _rest.Send(method, path, body, ifMatch, cancel);
}
