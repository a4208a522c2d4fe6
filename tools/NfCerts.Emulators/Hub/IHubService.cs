using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace NfCerts.Emulators.Hub;

/// <summary>A device as the service lists it.</summary>
/// <param name="DeviceId">The device ID (the certificate's CN).</param>
/// <param name="Authentication">How the device authenticates: <c>certificateAuthority</c> or <c>selfSigned</c> (by thumbprint).</param>
/// <param name="Thumbprint">SHA-1 thumbprint (hex) for <c>selfSigned</c> devices, else null.</param>
/// <param name="Connected">True while the device has an MQTT connection.</param>
/// <param name="LastActivityUtc">When the device last connected or sent anything, or null.</param>
/// <param name="PendingC2d">C2D messages queued and not yet delivered.</param>
public sealed record HubDeviceInfo(string DeviceId, string Authentication, string? Thumbprint, bool Connected,
    DateTimeOffset? LastActivityUtc, int PendingC2d);

/// <summary>What a direct method call returned.</summary>
/// <param name="Status">The device's status code (200, 400, 501, ...).</param>
/// <param name="Payload">The device's response payload.</param>
public sealed record HubMethodResult(int Status, JsonNode? Payload);

/// <summary>The hub could not do what the operator asked.</summary>
public sealed class HubServiceException(int status, string message) : Exception(message)
{
    /// <summary>The HTTP-like status: 404 no such device, 412 etag mismatch, 504 device did not answer in time, ...</summary>
    public int Status { get; } = status;
}

/// <summary>
/// What an operator does with a hub: the seam between the IoT Hub emulator (in-process), its Kestrel operator API (the
/// same operations over REST, shaped like IoT Hub's service API) and the client of that API, which talks to the emulator
/// or to a real IoT Hub with a connection string. <c>nfcerts hub ...</c> works through this interface only.
/// </summary>
/// <remarks>Twins are JSON as the service API returns them (<c>deviceId</c>, <c>etag</c>, <c>version</c>,
/// <c>properties.desired</c>/<c>properties.reported</c> with <c>$version</c> and <c>$metadata</c>).</remarks>
public interface IHubService
{
    /// <summary>Every registered device.</summary>
    Task<IReadOnlyList<HubDeviceInfo>> ListDevicesAsync(CancellationToken cancel = default);

    /// <summary>Registers a device authenticated by its CA (<paramref name="thumbprint"/> null) or by the SHA-1 thumbprint
    /// of its self-signed/individual certificate. Idempotent for the same settings.</summary>
    Task<HubDeviceInfo> RegisterDeviceAsync(string deviceId, string? thumbprint, CancellationToken cancel = default);

    /// <summary>Removes a device and its twin. Throws <see cref="HubServiceException"/> 404 when there is none.</summary>
    Task DeleteDeviceAsync(string deviceId, CancellationToken cancel = default);

    /// <summary>The device's twin. Throws <see cref="HubServiceException"/> 404 when there is no such device.</summary>
    Task<JsonObject> GetTwinAsync(string deviceId, CancellationToken cancel = default);

    /// <summary>Patches desired properties (null values remove a property) and pushes the patch to the device if connected;
    /// returns the updated twin. With <paramref name="etag"/>, fails with 412 when the twin changed since.</summary>
    Task<JsonObject> PatchDesiredAsync(string deviceId, JsonObject desiredPatch, string? etag = null, CancellationToken cancel = default);

    /// <summary>Runs an IoT Hub query (<c>SELECT * FROM devices WHERE ...</c>) over the twins.</summary>
    Task<IReadOnlyList<JsonObject>> QueryAsync(string query, CancellationToken cancel = default);

    /// <summary>Calls a direct method; throws <see cref="HubServiceException"/> 404 when the device is not connected and
    /// 504 when it does not answer within <paramref name="timeout"/>.</summary>
    Task<HubMethodResult> InvokeMethodAsync(string deviceId, string method, JsonNode? payload, TimeSpan timeout, CancellationToken cancel = default);

    /// <summary>Queues a cloud-to-device message with its application properties, delivered now or on the device's next
    /// connection, until <paramref name="ttl"/> (default 1 hour) passes. On a real hub this needs the AMQP service endpoint:
    /// the REST client throws <see cref="NotSupportedException"/> there.</summary>
    Task SendC2dAsync(string deviceId, byte[] body, IReadOnlyDictionary<string, string>? properties = null, TimeSpan? ttl = null, CancellationToken cancel = default);
}
