using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using NfCerts.Hal.Host.Hub;

namespace NfCerts.Emulators.Hub;

/// <summary>The operator side of the emulator, in-process (<see cref="IHubService"/>).</summary>
public sealed partial class HubEmulator
{
    /// <inheritdoc/>
    public Task<IReadOnlyList<HubDeviceInfo>> ListDevicesAsync(CancellationToken cancel = default)
    {
        lock (_gate)
        {
            IReadOnlyList<HubDeviceInfo> list = _devices.Values.OrderBy(d => d.DeviceId, StringComparer.Ordinal).Select(d => d.Info()).ToList();
            return Task.FromResult(list);
        }
    }

    /// <inheritdoc/>
    public Task<HubDeviceInfo> RegisterDeviceAsync(string deviceId, string? thumbprint, CancellationToken cancel = default)
    {
        CheckDeviceId(deviceId);
        string? normalized = thumbprint == null ? null : NormalizeThumbprint(thumbprint);
        lock (_gate)
        {
            if (_devices.TryGetValue(deviceId, out HubDevice? existing))
            {
                if (existing.Thumbprint != normalized)
                {
                    throw new HubServiceException(409, "device '" + deviceId + "' is already registered with other authentication");
                }
                return Task.FromResult(existing.Info());
            }
            var device = new HubDevice(deviceId, normalized) { DesiredUpdated = Now, ReportedUpdated = Now };
            _devices.Add(deviceId, device);
            SaveStateLocked();
            Log("registered " + deviceId + " (" + device.Authentication + ")");
            return Task.FromResult(device.Info());
        }
    }

    /// <inheritdoc/>
    public async Task DeleteDeviceAsync(string deviceId, CancellationToken cancel = default)
    {
        lock (_gate)
        {
            if (!_devices.Remove(deviceId))
            {
                throw NotFound(deviceId);
            }
            SaveStateLocked();
        }
        Log("deleted " + deviceId);
        await DisconnectDeviceAsync(deviceId).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<JsonObject> GetTwinAsync(string deviceId, CancellationToken cancel = default)
    {
        lock (_gate)
        {
            return Task.FromResult(Device(deviceId).ServiceTwin());
        }
    }

    /// <inheritdoc/>
    public async Task<JsonObject> PatchDesiredAsync(string deviceId, JsonObject desiredPatch, string? etag = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(desiredPatch);
        JsonObject twin;
        JsonObject push;
        int version;
        lock (_gate)
        {
            HubDevice device = Device(deviceId);
            if (etag != null && etag != "*" && etag.Trim('"') != device.Etag)
            {
                throw new HubServiceException(412, "the twin of '" + deviceId + "' changed since etag " + etag);
            }
            HubDevice.Merge(device.Desired, desiredPatch);
            device.DesiredVersion++;
            device.TwinVersion++;
            device.DesiredUpdated = Now;
            version = device.DesiredVersion;
            push = (JsonObject)desiredPatch.DeepClone();
            push["$version"] = version;
            twin = device.ServiceTwin();
            SaveStateLocked();
        }
        await SendIfSubscribedAsync(deviceId, HubTopics.DesiredFilter, HubTopics.DesiredPatch(version), Encoding.UTF8.GetBytes(push.ToJsonString())).ConfigureAwait(false);
        return twin;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<JsonObject>> QueryAsync(string query, CancellationToken cancel = default)
    {
        HubQuery parsed = HubQuery.Parse(query);
        lock (_gate)
        {
            IReadOnlyList<JsonObject> result = _devices.Values.OrderBy(d => d.DeviceId, StringComparer.Ordinal)
                .Select(d => d.ServiceTwin()).Where(parsed.Matches).ToList();
            return Task.FromResult(result);
        }
    }

    /// <inheritdoc/>
    public async Task<HubMethodResult> InvokeMethodAsync(string deviceId, string method, JsonNode? payload, TimeSpan timeout, CancellationToken cancel = default)
    {
        if (string.IsNullOrEmpty(method) || method.Contains('/') || method.Contains('?'))
        {
            throw new HubServiceException(400, "invalid method name '" + method + "'");
        }
        lock (_gate)
        {
            HubDevice device = Device(deviceId);
            if (!device.Connected || !device.Subscriptions.ContainsKey(HubTopics.MethodFilter))
            {
                throw new HubServiceException(404, "device '" + deviceId + "' is not online for direct methods");
            }
        }
        string rid = Interlocked.Increment(ref _rid).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        string key = deviceId + "/" + rid;
        var pending = new TaskCompletionSource<HubMethodResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _methods[key] = pending;
        try
        {
            byte[] body = Encoding.UTF8.GetBytes(payload?.ToJsonString() ?? "null");
            if (!await SendIfSubscribedAsync(deviceId, HubTopics.MethodFilter, HubTopics.MethodRequest(method, rid), body).ConfigureAwait(false))
            {
                throw new HubServiceException(404, "device '" + deviceId + "' is not online for direct methods");
            }
            return await pending.Task.WaitAsync(timeout, cancel).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new HubServiceException(504, "device '" + deviceId + "' did not answer method '" + method + "' within " + timeout.TotalSeconds + " s");
        }
        finally
        {
            _methods.TryRemove(key, out _);
        }
    }

    /// <inheritdoc/>
    public async Task SendC2dAsync(string deviceId, byte[] body, IReadOnlyDictionary<string, string>? properties = null, TimeSpan? ttl = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        lock (_gate)
        {
            HubDevice device = Device(deviceId);
            ExpireLocked(device);
            if (device.Queue.Count >= MaxQueueDepth)
            {
                throw new HubServiceException(403, "the C2D queue of '" + deviceId + "' is full (" + MaxQueueDepth + " messages)");
            }
            DateTimeOffset now = Now;
            device.Queue.Add(new C2dMessage
            {
                MessageId = Guid.NewGuid().ToString(),
                Body = body.ToArray(),
                Properties = properties?.ToList() ?? new List<KeyValuePair<string, string>>(),
                EnqueuedUtc = now,
                ExpiryUtc = now + (ttl ?? _options.DefaultC2dTtl),
            });
            SaveStateLocked();
        }
        await PumpC2dAsync(deviceId).ConfigureAwait(false);
    }

    private HubDevice Device(string deviceId)
        => _devices.TryGetValue(deviceId, out HubDevice? device) ? device : throw NotFound(deviceId);

    private static HubServiceException NotFound(string deviceId) => new(404, "no device '" + deviceId + "'");

    /// <summary>IoT Hub's device ID rule: 1-128 characters of ASCII letters, digits and <c>-.%_*?!(),:=@$'</c>.</summary>
    private static void CheckDeviceId(string deviceId)
    {
        const string allowed = "-.%_*?!(),:=@$'";
        if (string.IsNullOrEmpty(deviceId) || deviceId.Length > 128
            || deviceId.Any(c => c > 127 || !(char.IsAsciiLetterOrDigit(c) || allowed.Contains(c))))
        {
            throw new HubServiceException(400, "invalid device ID '" + deviceId + "'");
        }
    }

    private static string NormalizeThumbprint(string thumbprint)
    {
        string hex = new string(thumbprint.Where(c => c != ':' && c != ' ').ToArray()).ToUpperInvariant();
        if (hex.Length != 40 || hex.Any(c => !Uri.IsHexDigit(c)))
        {
            throw new HubServiceException(400, "a thumbprint is 40 hex digits (SHA-1), not '" + thumbprint + "'");
        }
        return hex;
    }
}
