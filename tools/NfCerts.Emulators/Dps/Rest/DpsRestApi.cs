using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NfCerts.Emulators.Hub.Rest;

namespace NfCerts.Emulators.Dps.Rest;

/// <summary>
/// The DPS emulator's operator API, shaped like the Device Provisioning Service's service REST API (api-version 2021-10-01):
/// <c>PUT/GET/DELETE /enrollmentGroups/{id}</c> and <c>POST /enrollmentGroups/query</c>, <c>PUT/GET/DELETE /enrollments/{id}</c>
/// and <c>POST /enrollments/query</c>, <c>GET/DELETE /registrations/{id}</c> and <c>POST /registrations/{groupId}/query</c>, with
/// ETags (<c>If-Match</c>: a PUT over an existing enrollment without one is 409, a stale one 412), each authorised by a SAS
/// token whose resource is the request's host. Emulator-only, under <c>/emulator/</c>: <c>GET status</c> (switches and
/// counters), <c>PUT throttle</c> (the next N device requests answered 429 with a retry-after) and <c>PUT outage</c>.
/// </summary>
public static class DpsRestApi
{
    /// <summary>The service API version this API is shaped after.</summary>
    public const string ApiVersion = "2021-10-01";

    /// <summary>Error codes in DPS's form (HTTP status followed by a number).</summary>
    private const int BadRequest = 400004, Unauthorized = 401002, NotFound = 404001, Conflict = 409001, PreconditionFailed = 412002, TooLarge = 413001;

    /// <summary>Maps the endpoints onto <paramref name="app"/>.</summary>
    public static void Map(IEndpointRouteBuilder app, DpsEmulator dps, SasAuthorizer auth)
    {
        var api = new Api(dps, auth);
        app.MapPost("/enrollmentGroups/query", Handler(c => api.Guard(c, () => api.QueryGroups(c))));
        app.MapGet("/enrollmentGroups/{id}", (HttpContext c, string id) => api.Guard(c, () => Task.FromResult(api.GetGroup(c, id))));
        app.MapPut("/enrollmentGroups/{id}", (HttpContext c, string id) => api.Guard(c, () => api.PutGroup(c, id)));
        app.MapDelete("/enrollmentGroups/{id}", (HttpContext c, string id) => api.Guard(c, () => api.DeleteGroup(c, id)));
        app.MapPost("/enrollments/query", Handler(c => api.Guard(c, () => api.QueryIndividuals(c))));
        app.MapGet("/enrollments/{id}", (HttpContext c, string id) => api.Guard(c, () => Task.FromResult(api.GetIndividual(c, id))));
        app.MapPut("/enrollments/{id}", (HttpContext c, string id) => api.Guard(c, () => api.PutIndividual(c, id)));
        app.MapDelete("/enrollments/{id}", (HttpContext c, string id) => api.Guard(c, () => api.DeleteIndividual(c, id)));
        app.MapGet("/registrations/{id}", (HttpContext c, string id) => api.Guard(c, () => Task.FromResult(api.GetRegistration(c, id))));
        app.MapDelete("/registrations/{id}", (HttpContext c, string id) => api.Guard(c, () => api.DeleteRegistration(c, id)));
        app.MapPost("/registrations/{id}/query", (HttpContext c, string id) => api.Guard(c, () => Task.FromResult(api.QueryRegistrations(c, id))));
        app.MapGet("/emulator/status", Handler(c => api.Guard(c, () => Task.FromResult(api.Status()))));
        app.MapPut("/emulator/throttle", Handler(c => api.Guard(c, () => api.Throttle(c))));
        app.MapPut("/emulator/outage", Handler(c => api.Guard(c, () => api.Outage(c))));
    }

    /// <summary>A route handler whose IResult is written (a bare HttpContext lambda would bind as a RequestDelegate and drop it).</summary>
    private static Delegate Handler(Func<HttpContext, Task<IResult>> handler) => handler;

    private sealed class Api(DpsEmulator dps, SasAuthorizer auth)
    {
        // Check-then-write of an ETag and the write itself happen under one lock.
        private readonly SemaphoreSlim _writes = new(1, 1);

        public async Task<IResult> Guard(HttpContext c, Func<Task<IResult>> work)
        {
            if (!c.Request.Path.StartsWithSegments("/emulator") && string.IsNullOrEmpty(c.Request.Query["api-version"]))
            {
                return Error(400, BadRequest, "the api-version query parameter is required (e.g. api-version=" + ApiVersion + ")");
            }
            string? refused = auth.Check(c.Request.Headers.Authorization, c.Request.Host.Value ?? "");
            if (refused != null)
            {
                return Error(401, Unauthorized, refused);
            }
            try
            {
                return await work();
            }
            catch (JsonException e)
            {
                return Error(400, BadRequest, "the body is not valid JSON: " + e.Message);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == 413)
            {
                return Error(413, TooLarge, "the body is larger than the emulator accepts");
            }
        }

        public IResult GetGroup(HttpContext c, string id)
            => dps.GetEnrollmentGroup(id) is DpsEnrollmentGroup g ? Tagged(c, g.Etag, DpsEnrollmentJson.Group(g)) : Missing("enrollment group", id);

        public IResult GetIndividual(HttpContext c, string id)
            => dps.GetIndividualEnrollment(id) is DpsIndividualEnrollment e
                ? Tagged(c, e.Etag, DpsEnrollmentJson.Individual(e, dps.GetRegistration(id))) : Missing("individual enrollment", id);

        public IResult GetRegistration(HttpContext c, string id)
            => dps.GetRegistration(id) is DpsRegistrationRecord r ? Tagged(c, r.Etag, DpsJson.State(r)) : Missing("registration", id);

        public async Task<IResult> PutGroup(HttpContext c, string id)
        {
            JsonObject body = await ReadObject(c);
            DpsEnrollmentRequest? request = DpsEnrollmentJson.Read(body, id, true, dps.LinkedHubs, out string error);
            if (request == null)
            {
                return Error(400, BadRequest, error);
            }
            return await Write(c, "enrollment group", id, () => dps.GetEnrollmentGroup(id)?.Etag, () =>
            {
                DpsEnrollmentGroup g = dps.PutEnrollmentGroup(id, request.Certificate!, request.Enabled, request.Allocation, request.Hubs);
                return Tagged(c, g.Etag, DpsEnrollmentJson.Group(g));
            });
        }

        public async Task<IResult> PutIndividual(HttpContext c, string id)
        {
            JsonObject body = await ReadObject(c);
            DpsEnrollmentRequest? request = DpsEnrollmentJson.Read(body, id, false, dps.LinkedHubs, out string error);
            if (request == null)
            {
                return Error(400, BadRequest, error);
            }
            return await Write(c, "individual enrollment", id, () => dps.GetIndividualEnrollment(id)?.Etag, () =>
            {
                DpsIndividualEnrollment e = dps.PutIndividualEnrollment(id, request.Thumbprint!, request.Certificate, request.Enabled, request.Allocation, request.Hubs);
                return Tagged(c, e.Etag, DpsEnrollmentJson.Individual(e, dps.GetRegistration(id)));
            });
        }

        public Task<IResult> DeleteGroup(HttpContext c, string id)
            => Remove(c, "enrollment group", id, () => dps.GetEnrollmentGroup(id)?.Etag, () => dps.DeleteEnrollmentGroup(id));

        public Task<IResult> DeleteIndividual(HttpContext c, string id)
            => Remove(c, "individual enrollment", id, () => dps.GetIndividualEnrollment(id)?.Etag, () => dps.DeleteIndividualEnrollment(id));

        public Task<IResult> DeleteRegistration(HttpContext c, string id)
            => Remove(c, "registration", id, () => dps.GetRegistration(id)?.Etag, () => dps.DeleteRegistration(id));

        public async Task<IResult> QueryGroups(HttpContext c)
        {
            string? bad = await CheckQuery(c, "enrollmentGroups");
            return bad != null ? Error(400, BadRequest, bad)
                : Page(c, dps.EnrollmentGroups.OrderBy(g => g.Id, StringComparer.Ordinal).Select(DpsEnrollmentJson.Group).ToList(), "enrollmentGroup");
        }

        public async Task<IResult> QueryIndividuals(HttpContext c)
        {
            string? bad = await CheckQuery(c, "enrollments");
            return bad != null ? Error(400, BadRequest, bad)
                : Page(c, dps.IndividualEnrollments.OrderBy(e => e.RegistrationId, StringComparer.Ordinal)
                    .Select(e => DpsEnrollmentJson.Individual(e, dps.GetRegistration(e.RegistrationId))).ToList(), "enrollment");
        }

        public IResult QueryRegistrations(HttpContext c, string groupId)
        {
            if (dps.GetEnrollmentGroup(groupId) == null)
            {
                return Missing("enrollment group", groupId);
            }
            return Page(c, dps.Registrations.Where(r => r.EnrollmentGroupId == groupId).Select(DpsJson.State).ToList(), "deviceRegistration");
        }

        public IResult Status()
        {
            DpsCounters n = dps.Counters;
            (int requests, int retryAfter) = dps.Throttling;
            return Json(new JsonObject
            {
                ["idScope"] = dps.IdScope,
                ["outage"] = dps.Outage,
                ["throttle"] = new JsonObject { ["requests"] = requests, ["retryAfterSeconds"] = retryAfter },
                ["linkedHubs"] = new JsonArray(dps.LinkedHubs.Select(h => (JsonNode)h).ToArray()),
                ["counters"] = new JsonObject
                {
                    ["connections"] = n.Connections,
                    ["registerRequests"] = n.RegisterRequests,
                    ["pollRequests"] = n.PollRequests,
                    ["throttled"] = n.Throttled,
                    ["earlyPolls"] = n.EarlyPolls,
                    ["refusedConnections"] = n.RefusedConnections,
                },
            }, 200);
        }

        public async Task<IResult> Throttle(HttpContext c)
        {
            JsonObject body = await ReadObject(c);
            if (!(body["requests"] is JsonValue r && r.TryGetValue(out int requests) && requests >= 0))
            {
                return Error(400, BadRequest, "requests must be the number of device requests to answer 429 (0 ends throttling)");
            }
            int retryAfter = 5;
            if (body["retryAfterSeconds"] is JsonNode ra && !(ra is JsonValue v && v.TryGetValue(out retryAfter) && retryAfter >= 1 && retryAfter <= 3600))
            {
                return Error(400, BadRequest, "retryAfterSeconds must be 1 to 3600");
            }
            dps.Throttle(requests, retryAfter);
            return Status();
        }

        public async Task<IResult> Outage(HttpContext c)
        {
            JsonObject body = await ReadObject(c);
            if (!(body["down"] is JsonValue d && d.TryGetValue(out bool down)))
            {
                return Error(400, BadRequest, "down must be true (devices are dropped and refused) or false");
            }
            await dps.SetOutageAsync(down);
            return Status();
        }

        /// <summary>A create or replace under the ETag rules: no If-Match creates (409 if it exists), <c>*</c> creates or
        /// replaces, an etag replaces only the version it names (412 otherwise).</summary>
        private async Task<IResult> Write(HttpContext c, string what, string id, Func<string?> etag, Func<IResult> put)
        {
            await _writes.WaitAsync(c.RequestAborted);
            try
            {
                string? ifMatch = IfMatch(c);
                string? current = etag();
                if (ifMatch == null && current != null)
                {
                    return Error(409, Conflict, what + " '" + id + "' already exists: send If-Match with its etag (or *) to replace it");
                }
                if (ifMatch != null && ifMatch != "*" && ifMatch != current)
                {
                    return Error(412, PreconditionFailed, current == null
                        ? "there is no " + what + " '" + id + "' with etag '" + ifMatch + "'"
                        : "the etag '" + ifMatch + "' is not the " + what + "'s current one: read it again");
                }
                return put();
            }
            finally
            {
                _writes.Release();
            }
        }

        private async Task<IResult> Remove(HttpContext c, string what, string id, Func<string?> current, Func<bool> delete)
        {
            await _writes.WaitAsync(c.RequestAborted);
            try
            {
                string? etag = current();
                if (etag == null)
                {
                    return Missing(what, id);
                }
                string? ifMatch = IfMatch(c);
                if (ifMatch != null && ifMatch != "*" && ifMatch != etag)
                {
                    return Error(412, PreconditionFailed, "the etag '" + ifMatch + "' is not the " + what + "'s current one: read it again");
                }
                delete();
                return Results.NoContent();
            }
            finally
            {
                _writes.Release();
            }
        }

        /// <summary>The emulator answers every query with all records: the body must ask for that.</summary>
        private static async Task<string?> CheckQuery(HttpContext c, string collection)
        {
            JsonObject body = await ReadObject(c);
            string query = ((string?)body["query"] ?? "").Trim();
            return query == "*" || string.Equals(query, "SELECT * FROM " + collection, StringComparison.OrdinalIgnoreCase) ? null
                : "the emulator answers only the query \"*\" (or \"SELECT * FROM " + collection + "\"), not '" + query + "'";
        }

        private IResult Page(HttpContext c, IReadOnlyList<JsonObject> all, string itemType)
        {
            JsonArray? page = RestPaging.Page(c, all, itemType, out string error);
            return page == null ? Error(400, BadRequest, error) : Json(page, 200);
        }

        private static string? IfMatch(HttpContext c)
        {
            string? value = c.Request.Headers.IfMatch;
            return string.IsNullOrEmpty(value) ? null : value.Trim().Trim('"');
        }

        private static async Task<JsonObject> ReadObject(HttpContext c)
            => await JsonNode.ParseAsync(c.Request.Body, cancellationToken: c.RequestAborted) as JsonObject
                ?? throw new JsonException("expected a JSON object");

        private static IResult Tagged(HttpContext c, string etag, JsonObject body)
        {
            c.Response.Headers.ETag = "\"" + etag + "\"";
            return Json(body, 200);
        }

        private IResult Missing(string what, string id) => Error(404, NotFound, "no " + what + " '" + id + "'");

        private static IResult Json(JsonNode node, int status) => Results.Text(node.ToJsonString(), "application/json; charset=utf-8", Encoding.UTF8, status);

        private IResult Error(int status, int code, string message) => new DpsError(status, code, message, dps.Now);
    }

    /// <summary>An error answer: DPS's error body and its <c>x-ms-error-code</c> header.</summary>
    private sealed class DpsError(int status, int code, string message, DateTimeOffset now) : IResult
    {
        public Task ExecuteAsync(HttpContext c)
        {
            c.Response.StatusCode = status;
            c.Response.Headers["x-ms-error-code"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
            c.Response.ContentType = "application/json; charset=utf-8";
            return c.Response.WriteAsync(DpsJson.Error(code, message, now).ToJsonString());
        }
    }
}
