using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace NfCerts.Emulators.Hub.Rest;

/// <summary>
/// HTTPS to a service REST API authorised by SAS tokens from a service connection string (IoT Hub's and DPS's are the same
/// kind): every request gets <c>api-version</c> and a fresh token for <c>sr={HostName}</c>; a refusal becomes the exception
/// <c>error(status, reason)</c> makes, with the reason the service gave.
/// </summary>
internal sealed class SasRestClient : IDisposable
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);
    private readonly HubConnectionString _target;
    private readonly HttpClient _http;
    private readonly string _apiVersion;
    private readonly string _service;
    private readonly Func<int, string, Exception> _error;

    /// <summary>A client of <paramref name="target"/>. With <paramref name="trustedRoots"/> the server's chain must end in one of
    /// them (an emulator's own roots); without, the system's trust store decides (a real service).</summary>
    public SasRestClient(HubConnectionString target, X509Certificate2Collection? trustedRoots, string apiVersion, string service, Func<int, string, Exception> error)
    {
        _target = target;
        _apiVersion = apiVersion;
        _service = service;
        _error = error;
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) };
        if (trustedRoots != null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, sent, errors) => RestTrust.TrustedBy(trustedRoots, cert as X509Certificate2, sent, errors);
        }
        _http = new HttpClient(handler) { BaseAddress = target.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Sends one request; the parsed body of the answer (null when empty).</summary>
    public async Task<JsonNode?> Send(HttpMethod method, string path, JsonNode? body, string? ifMatch, CancellationToken cancel)
    {
        using HttpResponseMessage response = await Exchange(method, path, body, ifMatch, null, cancel);
        string text = await Check(response, cancel);
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    /// <summary>POSTs a query and follows <c>x-ms-continuation</c> until the last page; every item of every page.</summary>
    public async Task<List<JsonObject>> QueryAll(string path, JsonNode? body, CancellationToken cancel)
    {
        var all = new List<JsonObject>();
        string? continuation = null;
        do
        {
            using HttpResponseMessage response = await Exchange(HttpMethod.Post, path, body, null, continuation, cancel);
            string text = await Check(response, cancel);
            foreach (JsonNode? item in (JsonArray)JsonNode.Parse(text)!)
            {
                all.Add((JsonObject)item!);
            }
            continuation = response.Headers.TryGetValues("x-ms-continuation", out var values) ? string.Join("", values) : null;
        }
        while (!string.IsNullOrEmpty(continuation));
        return all;
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> Exchange(HttpMethod method, string path, JsonNode? body, string? ifMatch, string? continuation, CancellationToken cancel)
    {
        string sep = path.Contains('?') ? "&" : "?";
        using var request = new HttpRequestMessage(method, path + sep + "api-version=" + _apiVersion);
        request.Headers.TryAddWithoutValidation("Authorization", _target.Token(TokenLifetime));
        if (ifMatch != null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        if (continuation != null)
        {
            request.Headers.Add("x-ms-continuation", continuation);
        }
        if (body != null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }
        try
        {
            return await _http.SendAsync(request, cancel);
        }
        catch (HttpRequestException e)
        {
            throw _error(503, "cannot reach the " + _service + " at " + _target.HostName + ": " + (e.InnerException?.Message ?? e.Message));
        }
    }

    /// <summary>The body of a successful response, or the service's status and reason as an exception.</summary>
    private async Task<string> Check(HttpResponseMessage response, CancellationToken cancel)
    {
        string text = await response.Content.ReadAsStringAsync(cancel);
        if (response.IsSuccessStatusCode)
        {
            return text;
        }
        string reason = RestErrors.MessageOf(text) ?? (text.Length > 0 && text.Length < 300 ? text : response.ReasonPhrase ?? "");
        throw _error((int)response.StatusCode, reason);
    }
}
