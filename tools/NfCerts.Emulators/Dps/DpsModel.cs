using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace NfCerts.Emulators.Dps;

/// <summary>How an enrollment picks a hub among the linked ones.</summary>
public enum DpsAllocation
{
    /// <summary>Evenly weighted hashing of the registration ID over the enrollment's hubs (DPS's default policy).</summary>
    Hashed,
    /// <summary>Always the one hub the enrollment names (static configuration).</summary>
    Static,
}

/// <summary>An enrollment group with X.509 CA attestation: devices whose chain verifies to <paramref name="Ca"/>.</summary>
/// <param name="Id">The group's name.</param>
/// <param name="Ca">The CA certificate (root or intermediate) the devices' chains must verify to.</param>
/// <param name="Enabled">False: devices of the group are refused with status <c>disabled</c>.</param>
/// <param name="Allocation">How a hub is chosen.</param>
/// <param name="Hubs">Host names of the linked hubs the group may use (empty: all linked hubs).</param>
/// <param name="Etag">Changes on every update.</param>
public sealed record DpsEnrollmentGroup(string Id, X509Certificate2 Ca, bool Enabled, DpsAllocation Allocation, IReadOnlyList<string> Hubs, string Etag)
{
    /// <summary>When the group was first created.</summary>
    public DateTimeOffset CreatedDateTimeUtc { get; init; }
    /// <summary>When the group was last replaced.</summary>
    public DateTimeOffset LastUpdatedDateTimeUtc { get; init; }
}

/// <summary>An individual enrollment with X.509 attestation by the device certificate's thumbprint.</summary>
/// <param name="RegistrationId">The device's registration ID (its certificate's CN).</param>
/// <param name="Thumbprint">SHA-1 thumbprint (hex, upper case) of the device certificate.</param>
/// <param name="Enabled">False: the device is refused with status <c>disabled</c>.</param>
/// <param name="Allocation">How a hub is chosen.</param>
/// <param name="Hubs">Host names of the linked hubs the enrollment may use (empty: all linked hubs).</param>
/// <param name="Etag">Changes on every update.</param>
public sealed record DpsIndividualEnrollment(string RegistrationId, string Thumbprint, bool Enabled, DpsAllocation Allocation, IReadOnlyList<string> Hubs, string Etag)
{
    /// <summary>The device certificate when the enrollment was made from it (null when made from a thumbprint alone).</summary>
    public X509Certificate2? Certificate { get; init; }
    /// <summary>When the enrollment was first created.</summary>
    public DateTimeOffset CreatedDateTimeUtc { get; init; }
    /// <summary>When the enrollment was last replaced.</summary>
    public DateTimeOffset LastUpdatedDateTimeUtc { get; init; }
}

/// <summary>A device registration state, as the service API's <c>DeviceRegistrationState</c>.</summary>
public sealed record DpsRegistrationRecord(string RegistrationId, string Status, string? AssignedHub, string? DeviceId,
    string? Substatus, DateTimeOffset CreatedDateTimeUtc, DateTimeOffset LastUpdatedDateTimeUtc, string Etag, int? ErrorCode,
    string? ErrorMessage, string? EnrollmentGroupId);

/// <summary>What the emulator has seen, for tests that count a device's requests.</summary>
/// <param name="Connections">Accepted MQTT connections.</param>
/// <param name="RegisterRequests">Register publishes.</param>
/// <param name="PollRequests">Operation status polls.</param>
/// <param name="Throttled">Requests answered 429.</param>
/// <param name="EarlyPolls">Polls sent before the retry-after of the previous answer had passed.</param>
/// <param name="RefusedConnections">Connections refused because of a switched-on outage.</param>
public sealed record DpsCounters(long Connections, long RegisterRequests, long PollRequests, long Throttled, long EarlyPolls, long RefusedConnections = 0);
