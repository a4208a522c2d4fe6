using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
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
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);
    private readonly HubConnectionString _hub;
    private readonly HttpClient _http;

    /// <summary>A client of <paramref name="hub"/>. With <paramref name="trustedRoots"/> the server's chain must end in one of
    /// them (the emulator's own roots); without, the system's trust store decides (a real hub).</summary>
    public RestHubService(HubConnectionString hub, X509Certificate2Collection? trustedRoots = null)
    {
        _hub = hub;
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) };
        if (trustedRoots != null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, sent, errors) => TrustedBy(trustedRoots, cert as X509Certificate2, sent, errors);
        }
        _http = new HttpClient(handler) { BaseAddress = hub.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
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
    {
        var all = new List<JsonObject>();
        string? continuation = null;
        do
        {
            using HttpRequestMessage request = Request(HttpMethod.Post, "devices/query", new JsonObject { ["query"] = query }, null);
            if (continuation != null)
            {
                request.Headers.Add("x-ms-continuation", continuation);
            }
            using HttpResponseMessage response = await _http.SendAsync(request, cancel);
            string text = await Check(response, cancel);
            foreach (JsonNode? twin in (JsonArray)JsonNode.Parse(text)!)
            {
                all.Add((JsonObject)twin!);
            }
            continuation = response.Headers.TryGetValues("x-ms-continuation", out var values) ? string.Join("", values) : null;
        }
        while (!string.IsNullOrEmpty(continuation));
        return all;
    }

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
    public void Dispose() => _http.Dispose();

    private string EmulatorOnly(string path) => _hub.IsEmulator ? path
        : throw new NotSupportedException("a real IoT Hub's server chain is Microsoft's to change; only the emulator switches it");

    private static string DevicePath(string id) => "devices/" + Uri.EscapeDataString(id);

    private static string TwinPath(string id) => "twins/" + Uri.EscapeDataString(id);

    private HttpRequestMessage Request(HttpMethod method, string path, JsonNode? body, string? ifMatch)
    {
        string sep = path.Contains('?') ? "&" : "?";
        var request = new HttpRequestMessage(method, path + sep + "api-version=" + HubRestApi.ApiVersion);
        request.Headers.TryAddWithoutValidation("Authorization", _hub.Token(TokenLifetime));
        if (ifMatch != null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        if (body != null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }
        return request;
    }

    private async Task<JsonNode?> Send(HttpMethod method, string path, JsonNode? body, string? ifMatch, CancellationToken cancel)
    {
        using HttpRequestMessage request = Request(method, path, body, ifMatch);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancel);
        }
        catch (HttpRequestException e)
        {
            throw new HubServiceException(503, "cannot reach the hub at " + _hub.HostName + ": " + (e.InnerException?.Message ?? e.Message));
        }
        using (response)
        {
            string text = await Check(response, cancel);
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
    }

    /// <summary>The body of a successful response, or a <see cref="HubServiceException"/> with the service's status and reason.</summary>
    private static async Task<string> Check(HttpResponseMessage response, CancellationToken cancel)
    {
        string text = await response.Content.ReadAsStringAsync(cancel);
        if (response.IsSuccessStatusCode)
        {
            return text;
        }
        string reason = RestErrors.MessageOf(text) ?? (text.Length > 0 && text.Length < 300 ? text : response.ReasonPhrase ?? "");
        throw new HubServiceException((int)response.StatusCode, reason);
    }

    /// <summary>The server's chain is valid up to one of <paramref name="roots"/> and its name matches the host.</summary>
    private static bool TrustedBy(X509Certificate2Collection roots, X509Certificate2? leaf, X509Chain? sent, SslPolicyErrors errors)
    {
        if (leaf == null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        foreach (X509ChainElement e in sent?.ChainElements ?? (IEnumerable<X509ChainElement>)Array.Empty<X509ChainElement>())
        {
            chain.ChainPolicy.ExtraStore.Add(e.Certificate);
        }
        return chain.Build(leaf);
    }
}
