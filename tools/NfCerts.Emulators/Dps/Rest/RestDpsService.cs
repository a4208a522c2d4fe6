using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using NfCerts.Emulators.Hub.Rest;

namespace NfCerts.Emulators.Dps.Rest;

/// <summary>The DPS service could not do what the operator asked.</summary>
public sealed class DpsServiceException(int status, string message) : Exception(message)
{
    /// <summary>The HTTP status: 400 bad request, 401 unauthorised, 404 no such record, 409 exists, 412 stale etag, 503 unreachable, ...</summary>
    public int Status { get; } = status;
}

/// <summary>
/// A client of DPS's service REST API (api-version 2021-10-01) with a service connection string: the emulator's operator API
/// or a real Device Provisioning Service. Enrollments and registration states are JSON as the service writes them. What the
/// real service does not have (enrollment by thumbprint alone, throttling and outage switches) throws
/// <see cref="NotSupportedException"/> against it.
/// </summary>
public sealed class RestDpsService : IDisposable
{
    private readonly HubConnectionString _dps;
    private readonly SasRestClient _rest;

    /// <summary>A client of <paramref name="dps"/>; with <paramref name="trustedRoots"/> the server's chain must end in one of
    /// them (the emulator's root), without the system's trust store decides (a real DPS).</summary>
    public RestDpsService(HubConnectionString dps, X509Certificate2Collection? trustedRoots = null)
    {
        _dps = dps;
        _rest = new SasRestClient(dps, trustedRoots, DpsRestApi.ApiVersion, "DPS", (status, reason) => new DpsServiceException(status, reason));
    }

    /// <summary>The service this client talks to.</summary>
    public HubConnectionString Dps => _dps;

    /// <summary>Creates an enrollment group (or, with <paramref name="replace"/>, creates or replaces it: <c>If-Match: *</c>).</summary>
    public async Task<JsonObject> PutEnrollmentGroupAsync(JsonObject group, bool replace, CancellationToken cancel = default)
        => (JsonObject)(await _rest.Send(HttpMethod.Put, "enrollmentGroups/" + Escape((string)group["enrollmentGroupId"]!), group, replace ? "*" : null, cancel))!;

    /// <summary>Creates an individual enrollment (or, with <paramref name="replace"/>, creates or replaces it).</summary>
    public async Task<JsonObject> PutIndividualEnrollmentAsync(JsonObject enrollment, bool replace, CancellationToken cancel = default)
    {
        if (!_dps.IsEmulator && enrollment["attestation"]?["x509"]?["clientCertificates"]?["primary"]?["certificate"] == null)
        {
            throw new NotSupportedException("a real DPS enrolls an individual X.509 device by its certificate, not by a thumbprint alone: give the certificate");
        }
        return (JsonObject)(await _rest.Send(HttpMethod.Put, "enrollments/" + Escape((string)enrollment["registrationId"]!), enrollment, replace ? "*" : null, cancel))!;
    }

    /// <summary>An enrollment group; throws <see cref="DpsServiceException"/> 404 when there is none.</summary>
    public async Task<JsonObject> GetEnrollmentGroupAsync(string id, CancellationToken cancel = default)
        => (JsonObject)(await _rest.Send(HttpMethod.Get, "enrollmentGroups/" + Escape(id), null, null, cancel))!;

    /// <summary>An individual enrollment with its registration state; 404 when there is none.</summary>
    public async Task<JsonObject> GetIndividualEnrollmentAsync(string id, CancellationToken cancel = default)
        => (JsonObject)(await _rest.Send(HttpMethod.Get, "enrollments/" + Escape(id), null, null, cancel))!;

    /// <summary>Deletes an enrollment group; with <paramref name="etag"/>, only that version (else 412).</summary>
    public Task DeleteEnrollmentGroupAsync(string id, string? etag = null, CancellationToken cancel = default)
        => _rest.Send(HttpMethod.Delete, "enrollmentGroups/" + Escape(id), null, Quoted(etag), cancel);

    /// <summary>Deletes an individual enrollment; with <paramref name="etag"/>, only that version (else 412).</summary>
    public Task DeleteIndividualEnrollmentAsync(string id, string? etag = null, CancellationToken cancel = default)
        => _rest.Send(HttpMethod.Delete, "enrollments/" + Escape(id), null, Quoted(etag), cancel);

    /// <summary>Every enrollment group.</summary>
    public async Task<IReadOnlyList<JsonObject>> QueryEnrollmentGroupsAsync(CancellationToken cancel = default)
        => await _rest.QueryAll("enrollmentGroups/query", new JsonObject { ["query"] = "*" }, cancel);

    /// <summary>Every individual enrollment.</summary>
    public async Task<IReadOnlyList<JsonObject>> QueryIndividualEnrollmentsAsync(CancellationToken cancel = default)
        => await _rest.QueryAll("enrollments/query", new JsonObject { ["query"] = "*" }, cancel);

    /// <summary>The registration states of the devices of enrollment group <paramref name="groupId"/>.</summary>
    public async Task<IReadOnlyList<JsonObject>> QueryRegistrationsAsync(string groupId, CancellationToken cancel = default)
        => await _rest.QueryAll("registrations/" + Escape(groupId) + "/query", null, cancel);

    /// <summary>A device's registration state; 404 when there is none.</summary>
    public async Task<JsonObject> GetRegistrationAsync(string registrationId, CancellationToken cancel = default)
        => (JsonObject)(await _rest.Send(HttpMethod.Get, "registrations/" + Escape(registrationId), null, null, cancel))!;

    /// <summary>Deletes a device's registration state (the device stays in its hub; its next registration is a first one).</summary>
    public Task DeleteRegistrationAsync(string registrationId, string? etag = null, CancellationToken cancel = default)
        => _rest.Send(HttpMethod.Delete, "registrations/" + Escape(registrationId), null, Quoted(etag), cancel);

    /// <summary>The emulator's switches and counters (emulator only).</summary>
    public async Task<JsonObject> GetStatusAsync(CancellationToken cancel = default)
        => (JsonObject)(await _rest.Send(HttpMethod.Get, EmulatorOnly("emulator/status"), null, null, cancel))!;

    /// <summary>Answers the next <paramref name="requests"/> device requests 429 with <paramref name="retryAfterSeconds"/> (emulator only).</summary>
    public async Task<JsonObject> ThrottleAsync(int requests, int retryAfterSeconds, CancellationToken cancel = default)
        => (JsonObject)(await _rest.Send(HttpMethod.Put, EmulatorOnly("emulator/throttle"),
            new JsonObject { ["requests"] = requests, ["retryAfterSeconds"] = retryAfterSeconds }, null, cancel))!;

    /// <summary>Switches an outage of the device endpoint on or off (emulator only).</summary>
    public async Task<JsonObject> SetOutageAsync(bool down, CancellationToken cancel = default)
        => (JsonObject)(await _rest.Send(HttpMethod.Put, EmulatorOnly("emulator/outage"), new JsonObject { ["down"] = down }, null, cancel))!;

    /// <inheritdoc/>
    public void Dispose() => _rest.Dispose();

    private string EmulatorOnly(string path) => _dps.IsEmulator ? path
        : throw new NotSupportedException("throttling and outages are switches of the emulator; a real DPS has none");

    private static string Escape(string id) => Uri.EscapeDataString(id);

    private static string? Quoted(string? etag) => etag == null ? null : "\"" + etag + "\"";
}
