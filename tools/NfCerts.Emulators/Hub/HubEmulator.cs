using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;
using NfCerts.Hal.Host.Hub;

namespace NfCerts.Emulators.Hub;

/// <summary>A device-to-cloud message as the emulator received it.</summary>
/// <param name="DeviceId">The sender.</param>
/// <param name="Body">The body.</param>
/// <param name="Properties">The URL-encoded property bag from the topic.</param>
public sealed record HubD2cMessage(string DeviceId, byte[] Body, string Properties);

/// <summary>
/// An IoT Hub for devices on 127.0.0.1, on MQTTnet.Server: the hub's MQTT 3.1.1 device protocol over TLS with X.509
/// device authentication, twins with versions, per-device C2D queues (TTL, maximum delivery count, delivery on connect),
/// desired patches pushed to connected devices and direct methods, with the operator side in-process through
/// <see cref="IHubService"/>. The server chain can be switched while running (the 2023 root migration). Its state can be
/// kept in a file so that a restarted emulator keeps its devices, twins and queued messages.
/// </summary>
/// <remarks>
/// <para>As the real hub: clean session false keeps a device's subscriptions and unacknowledged QoS 1 C2D messages across
/// reconnects; a second connection with the same device ID drops the first; a device may subscribe to and publish on its
/// own topics only (anything else: SUBACK failure, or the connection closed); twin responses, desired patches and method
/// calls go only to the device they are for, and only when it subscribed to them.</para>
/// <para>Not emulated: SAS-token devices, telemetry routing, the AMQP and HTTPS device endpoints, MQTT 5, modules.</para>
/// </remarks>
public sealed partial class HubEmulator : IHubService, IAsyncDisposable
{
    private const string GenerationKey = "nfcerts.generation";
    private const string CleanKey = "nfcerts.clean";
    private const int MaxQueueDepth = 50;
    private const int MaxLoggedPayload = 2048;

    private readonly object _gate = new();
    private readonly Dictionary<string, HubDevice> _devices = new(StringComparer.Ordinal);
    private readonly X509Certificate2Collection _authorities = new();
    private readonly HubEmulatorOptions _options;
    private readonly HubTlsListener _listener;
    private readonly MqttServer _server;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly ConcurrentQueue<HubD2cMessage> _d2c = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<HubMethodResult>> _methods = new(StringComparer.Ordinal);
    private long _connections;
    private long _refusals;
    private long _messagesIn;
    private long _messagesOut;
    private long _c2dCompleted;
    private long _c2dExpired;
    private long _c2dDeadLettered;
    private long _rid;
    private int _twinFailureStatus;
    private int _twinFailuresLeft;
    private bool _stopped;

    private HubEmulator(HubEmulatorOptions options)
    {
        X509Certificate2 certificate = options.ServerCertificate
            ?? throw new ArgumentException("HubEmulatorOptions.ServerCertificate is required", nameof(options));
        _options = options;
        _listener = new HubTlsListener(new IPEndPoint(options.Address, options.Port), certificate, options.ServerIntermediates);
        _listener.HandshakeFailed = reason => Log("tls handshake failed: " + reason);
        MqttServerOptions serverOptions = new MqttServerOptionsBuilder()
            .WithoutDefaultEndpoint()
            .WithPersistentSessions(true)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions, new[] { _listener });
        _server.ValidatingConnectionAsync += OnValidatingConnectionAsync;
        _server.ClientConnectedAsync += OnClientConnectedAsync;
        _server.ClientDisconnectedAsync += OnClientDisconnectedAsync;
        _server.InterceptingSubscriptionAsync += OnInterceptingSubscriptionAsync;
        _server.ClientSubscribedTopicAsync += OnClientSubscribedTopicAsync;
        _server.InterceptingUnsubscriptionAsync += OnInterceptingUnsubscriptionAsync;
        _server.InterceptingPublishAsync += OnInterceptingPublishAsync;
        _server.ClientAcknowledgedPublishPacketAsync += OnClientAcknowledgedPublishPacketAsync;
    }

    /// <summary>Starts an emulator: loads <see cref="HubEmulatorOptions.StatePath"/> if it exists, then listens.</summary>
    public static async Task<HubEmulator> StartAsync(HubEmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hub = new HubEmulator(options);
        hub.LoadState();
        await hub._server.StartAsync().ConfigureAwait(false);
        hub.Log("listening on " + options.Address + ":" + hub.Port);
        return hub;
    }

    /// <summary>The MQTT over TLS port.</summary>
    public int Port => _listener.Port;

    /// <summary>The hub host name devices use (<see cref="HubEmulatorOptions.HostName"/>).</summary>
    public string HostName => _options.HostName;

    /// <summary>What the emulator has done so far.</summary>
    public HubCounters Counters => new(_listener.Handshakes, _listener.HandshakeFailures, Interlocked.Read(ref _connections),
        Interlocked.Read(ref _refusals), Interlocked.Read(ref _messagesIn), Interlocked.Read(ref _messagesOut),
        Interlocked.Read(ref _c2dCompleted), Interlocked.Read(ref _c2dExpired), Interlocked.Read(ref _c2dDeadLettered));

    /// <summary>The most recent log lines (see <see cref="HubEmulatorOptions.Log"/>), oldest first.</summary>
    public IReadOnlyList<string> LogLines => _log.ToArray();

    /// <summary>Forgets the lines logged so far.</summary>
    public void ForgetLog() => _log.Clear();

    /// <summary>Device-to-cloud messages received so far, oldest first.</summary>
    public IReadOnlyList<HubD2cMessage> D2cMessages => _d2c.ToArray();

    /// <summary>Trusts <paramref name="authority"/> (a CA certificate, root or intermediate) for CA-authenticated devices,
    /// as a verified CA in the real hub's certificates page.</summary>
    public void RegisterCertificateAuthority(X509Certificate2 authority)
    {
        ArgumentNullException.ThrowIfNull(authority);
        lock (_gate)
        {
            if (!_authorities.Cast<X509Certificate2>().Any(a => a.Thumbprint == authority.Thumbprint))
            {
                _authorities.Add(X509CertificateLoader.LoadCertificate(authority.RawData));
                SaveStateLocked();
            }
        }
    }

    /// <summary>
    /// Serves <paramref name="leaf"/> (with its private key) and <paramref name="intermediates"/> from the next TLS
    /// handshake on; with <paramref name="dropConnections"/>, disconnects every device so that each reconnects under the new
    /// chain (what the real hub's migration does, over about 45 minutes).
    /// </summary>
    public async Task SwitchServerChainAsync(X509Certificate2 leaf, X509Certificate2Collection? intermediates = null, bool dropConnections = true)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        _listener.SwitchChain(leaf, intermediates ?? new X509Certificate2Collection());
        Log("server chain switched to " + leaf.Subject + " issued by " + leaf.Issuer);
        if (dropConnections)
        {
            foreach (MqttClientStatus client in await _server.GetClientsAsync().ConfigureAwait(false))
            {
                await client.DisconnectAsync(new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.ServerShuttingDown }).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Drops the device's connection, if any, as a network failure or a hub-side disconnect would.</summary>
    public async Task DisconnectDeviceAsync(string deviceId)
    {
        foreach (MqttClientStatus client in await _server.GetClientsAsync().ConfigureAwait(false))
        {
            if (client.Id == deviceId)
            {
                await client.DisconnectAsync(new MqttServerClientDisconnectOptions()).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Answers the next <paramref name="count"/> twin requests (GET or reported PATCH) of any device with
    /// <paramref name="status"/> (429 throttled, 500, 503, ...) instead of serving them.</summary>
    public void FailNextTwinRequests(int status, int count = 1)
    {
        lock (_gate)
        {
            _twinFailureStatus = status;
            _twinFailuresLeft = count;
        }
    }

    /// <summary>Stops listening and drops every connection; the state file (if any) already holds everything.</summary>
    public async Task StopAsync()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
        }
        await _server.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);
        _server.Dispose(); // disposes the listener too
        foreach (var pending in _methods.Values)
        {
            pending.TrySetException(new HubServiceException(503, "the hub stopped"));
        }
        Log("stopped");
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
    }

    private DateTimeOffset Now => _options.Time.GetUtcNow();

    private Task OnValidatingConnectionAsync(ValidatingConnectionEventArgs e)
    {
        string? problem;
        if (e.ProtocolVersion != MqttProtocolVersion.V311)
        {
            e.ReasonCode = MqttConnectReasonCode.UnsupportedProtocolVersion;
            problem = "MQTT " + e.ProtocolVersion + " (this endpoint speaks 3.1.1)";
        }
        else
        {
            X509Certificate2Collection extras = _listener.TakePeerExtras(e.ChannelAdapter);
            lock (_gate)
            {
                _devices.TryGetValue(e.ClientId ?? "", out HubDevice? device);
                problem = HubAuthorizer.CheckUserName(e.ClientId ?? "", e.UserName);
                if (problem != null)
                {
                    e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
                }
                else
                {
                    problem = HubAuthorizer.Check(e.ClientId ?? "", e.UserName, e.ClientCertificate, extras, device, _authorities, Now.UtcDateTime);
                    if (problem != null)
                    {
                        e.ReasonCode = MqttConnectReasonCode.NotAuthorized;
                    }
                    else
                    {
                        device!.ConnectGeneration++;
                        e.SessionItems[GenerationKey] = device.ConnectGeneration;
                        e.SessionItems[CleanKey] = e.CleanSession == true;
                    }
                }
            }
        }
        if (problem != null)
        {
            Interlocked.Increment(ref _refusals);
            Log("refused " + e.ClientId + ": " + problem);
        }
        return Task.CompletedTask;
    }

    private async Task OnClientConnectedAsync(ClientConnectedEventArgs e)
    {
        List<MqttTopicFilter> restore = new();
        bool resumed;
        lock (_gate)
        {
            if (!_devices.TryGetValue(e.ClientId, out HubDevice? device))
            {
                return;
            }
            resumed = !(e.SessionItems[GenerationKey] is long generation && generation == device.ConnectGeneration);
            bool clean = e.SessionItems[CleanKey] is true;
            device.Connected = true;
            device.LastActivityUtc = Now;
            foreach (C2dMessage message in device.Queue.Where(m => m.InFlight))
            {
                if (resumed)
                {
                    message.DeliveryCount++; // MQTTnet sends the session's unacknowledged messages again
                }
                else
                {
                    message.InFlight = false;
                }
            }
            if (!resumed)
            {
                if (clean)
                {
                    device.Subscriptions.Clear();
                }
                else
                {
                    // A session the hub kept (e.g. across an emulator restart) but MQTTnet no longer has: give it back.
                    restore.AddRange(device.Subscriptions.Select(s => new MqttTopicFilter { Topic = s.Key, QualityOfServiceLevel = (MqttQualityOfServiceLevel)s.Value }));
                }
            }
            SaveStateLocked();
        }
        Interlocked.Increment(ref _connections);
        Log("connected " + e.ClientId + " (" + e.UserName + ")" + (resumed ? " session resumed" : ""));
        if (restore.Count > 0)
        {
            await _server.SubscribeAsync(e.ClientId, restore).ConfigureAwait(false);
        }
        await PumpC2dAsync(e.ClientId).ConfigureAwait(false);
    }

    private Task OnClientDisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        if (e.DisconnectType == MqttClientDisconnectType.Takeover)
        {
            Log("dropped " + e.ClientId + ": a new connection took its session over");
            return Task.CompletedTask;
        }
        lock (_gate)
        {
            if (_devices.TryGetValue(e.ClientId, out HubDevice? device))
            {
                device.Connected = false;
                device.LastActivityUtc = Now;
            }
        }
        Log("disconnected " + e.ClientId + " (" + e.DisconnectType + ")");
        return Task.CompletedTask;
    }

    private Task OnInterceptingSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        string filter = e.TopicFilter.Topic;
        if (!HubAuthorizer.MaySubscribe(e.ClientId, filter))
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            Log("subscription refused " + e.ClientId + ": " + filter);
            return Task.CompletedTask;
        }
        if (e.TopicFilter.QualityOfServiceLevel == MqttQualityOfServiceLevel.ExactlyOnce)
        {
            e.TopicFilter.QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce; // the hub has no QoS 2
        }
        lock (_gate)
        {
            if (_devices.TryGetValue(e.ClientId, out HubDevice? device))
            {
                device.Subscriptions[filter] = (int)e.TopicFilter.QualityOfServiceLevel;
                SaveStateLocked();
            }
        }
        Log("subscribed " + e.ClientId + ": " + filter + " QoS " + (int)e.TopicFilter.QualityOfServiceLevel);
        return Task.CompletedTask;
    }

    private Task OnClientSubscribedTopicAsync(ClientSubscribedTopicEventArgs e)
        => e.TopicFilter.Topic == HubTopics.C2dFilter(e.ClientId) ? PumpC2dAsync(e.ClientId) : Task.CompletedTask;

    private Task OnInterceptingUnsubscriptionAsync(InterceptingUnsubscriptionEventArgs e)
    {
        lock (_gate)
        {
            if (_devices.TryGetValue(e.ClientId, out HubDevice? device) && device.Subscriptions.Remove(e.Topic))
            {
                SaveStateLocked();
            }
        }
        return Task.CompletedTask;
    }

    private async Task OnInterceptingPublishAsync(InterceptingPublishEventArgs e)
    {
        e.ProcessPublish = false; // the hub is no broker: nothing a device sends reaches another device
        MqttApplicationMessage message = e.ApplicationMessage;
        string topic = message.Topic;
        byte[] payload = message.Payload.ToArray();
        Interlocked.Increment(ref _messagesIn);
        Log("in  " + e.ClientId + " " + topic + " " + Printable(payload));
        if (message.QualityOfServiceLevel == MqttQualityOfServiceLevel.ExactlyOnce)
        {
            e.CloseConnection = true;
            Log("closing " + e.ClientId + ": QoS 2 is not supported");
            return;
        }
        lock (_gate)
        {
            if (_devices.TryGetValue(e.ClientId, out HubDevice? device))
            {
                device.LastActivityUtc = Now;
            }
        }
        HubTopic parsed = HubTopics.Parse(topic);
        string rid = parsed.Get("$rid") ?? "";
        switch (parsed.Kind)
        {
            case HubTopicKind.TwinGet:
                await AnswerTwinGetAsync(e.ClientId, rid).ConfigureAwait(false);
                return;
            case HubTopicKind.TwinPatchReported:
                await AnswerReportedPatchAsync(e.ClientId, rid, payload).ConfigureAwait(false);
                return;
            case HubTopicKind.MethodResponse:
                if (_methods.TryRemove(e.ClientId + "/" + rid, out var pending))
                {
                    pending.TrySetResult(new HubMethodResult(parsed.Status, ParseJsonOrString(payload)));
                }
                return;
            case HubTopicKind.DeviceToCloud when parsed.Name == e.ClientId:
                _d2c.Enqueue(new HubD2cMessage(e.ClientId, payload, parsed.Query));
                return;
            default:
                e.CloseConnection = true;
                Log("closing " + e.ClientId + ": publishing on " + topic + " is not allowed");
                return;
        }
    }

    private Task OnClientAcknowledgedPublishPacketAsync(ClientAcknowledgedPublishPacketEventArgs e)
    {
        HubTopic parsed = HubTopics.Parse(e.PublishPacket.Topic);
        if (parsed.Kind != HubTopicKind.CloudToDevice)
        {
            return Task.CompletedTask;
        }
        string? messageId = parsed.Get("$.mid");
        lock (_gate)
        {
            if (_devices.TryGetValue(e.ClientId, out HubDevice? device) && device.Queue.RemoveAll(m => m.MessageId == messageId) > 0)
            {
                Interlocked.Increment(ref _c2dCompleted);
                SaveStateLocked();
            }
        }
        Log("completed C2D " + messageId + " for " + e.ClientId);
        return Task.CompletedTask;
    }

    private async Task AnswerTwinGetAsync(string deviceId, string rid)
    {
        int failure = TakeTwinFailure();
        string body;
        int status = 200;
        lock (_gate)
        {
            if (failure != 0 || !_devices.TryGetValue(deviceId, out HubDevice? device))
            {
                status = failure != 0 ? failure : 404;
                body = ErrorBody(status);
            }
            else
            {
                body = device.DeviceTwin().ToJsonString();
            }
        }
        await SendIfSubscribedAsync(deviceId, HubTopics.TwinResponseFilter, HubTopics.TwinResponse(status, rid), Encoding.UTF8.GetBytes(body)).ConfigureAwait(false);
    }

    private async Task AnswerReportedPatchAsync(string deviceId, string rid, byte[] payload)
    {
        int failure = TakeTwinFailure();
        int status;
        int version = -1;
        string body = "";
        JsonObject? patch = null;
        if (failure == 0 && payload.Length <= _options.MaxReportedPatchBytes)
        {
            try
            {
                patch = JsonNode.Parse(payload) as JsonObject;
            }
            catch (JsonException)
            {
            }
        }
        lock (_gate)
        {
            if (failure != 0)
            {
                status = failure;
            }
            else if (patch == null || !_devices.TryGetValue(deviceId, out HubDevice? device))
            {
                status = 400;
            }
            else
            {
                HubDevice.Merge(device.Reported, patch);
                device.ReportedVersion++;
                device.TwinVersion++;
                device.ReportedUpdated = Now;
                version = device.ReportedVersion;
                status = 204;
                SaveStateLocked();
            }
            if (status != 204)
            {
                body = ErrorBody(status);
            }
        }
        await SendIfSubscribedAsync(deviceId, HubTopics.TwinResponseFilter, HubTopics.TwinResponse(status, rid, version), Encoding.UTF8.GetBytes(body)).ConfigureAwait(false);
    }

    private int TakeTwinFailure()
    {
        lock (_gate)
        {
            if (_twinFailuresLeft <= 0)
            {
                return 0;
            }
            _twinFailuresLeft--;
            return _twinFailureStatus;
        }
    }

    private static string ErrorBody(int status)
        => new JsonObject { ["errorCode"] = status * 1000 + 1, ["message"] = "emulated failure " + status }.ToJsonString();

    /// <summary>Sends the pending C2D messages of a connected device that subscribed to them, in order.</summary>
    private async Task PumpC2dAsync(string deviceId)
    {
        var batch = new List<C2dMessage>();
        int qos;
        lock (_gate)
        {
            if (!_devices.TryGetValue(deviceId, out HubDevice? device) || !device.Connected
                || !device.Subscriptions.TryGetValue(HubTopics.C2dFilter(deviceId), out qos))
            {
                return;
            }
            ExpireLocked(device);
            foreach (C2dMessage message in device.Queue.ToList())
            {
                if (message.InFlight)
                {
                    continue;
                }
                if (message.DeliveryCount >= _options.MaxDeliveryCount)
                {
                    device.Queue.Remove(message);
                    Interlocked.Increment(ref _c2dDeadLettered);
                    Log("dead-lettered C2D " + message.MessageId + " for " + deviceId + " after " + message.DeliveryCount + " deliveries");
                    continue;
                }
                message.DeliveryCount++;
                message.InFlight = qos > 0;
                batch.Add(message);
                if (qos == 0)
                {
                    device.Queue.Remove(message); // at most once: completed when sent
                    Interlocked.Increment(ref _c2dCompleted);
                }
            }
            SaveStateLocked();
        }
        foreach (C2dMessage message in batch)
        {
            bool sent = await SendAsync(deviceId, HubTopics.C2d(deviceId, C2dProperties(deviceId, message)), message.Body, qos).ConfigureAwait(false);
            if (!sent && qos > 0)
            {
                lock (_gate)
                {
                    message.InFlight = false;
                }
            }
        }
    }

    private static string C2dProperties(string deviceId, C2dMessage message)
    {
        var bag = new List<KeyValuePair<string, string>>(message.Properties)
        {
            new("$.mid", message.MessageId),
            new("$.to", "/devices/" + deviceId + "/messages/deviceBound"),
        };
        return HubTopics.EncodeQuery(bag);
    }

    private void ExpireLocked(HubDevice device)
    {
        DateTimeOffset now = Now;
        int expired = device.Queue.RemoveAll(m => m.ExpiryUtc <= now);
        if (expired > 0)
        {
            Interlocked.Add(ref _c2dExpired, expired);
            Log("expired " + expired + " C2D message(s) for " + device.DeviceId);
        }
    }

    private async Task<bool> SendIfSubscribedAsync(string deviceId, string filter, string topic, byte[] payload)
    {
        lock (_gate)
        {
            if (!_devices.TryGetValue(deviceId, out HubDevice? device) || !device.Subscriptions.ContainsKey(filter))
            {
                Log("not sent to " + deviceId + " (no subscription to " + filter + "): " + topic);
                return false;
            }
        }
        return await SendAsync(deviceId, topic, payload, 0).ConfigureAwait(false); // responses and pushes at most once
    }

    /// <summary>Queues one PUBLISH to the device's own MQTT session (never to another device's).</summary>
    private async Task<bool> SendAsync(string deviceId, string topic, byte[] payload, int qos)
    {
        MqttSessionStatus? session = null;
        try
        {
            session = await _server.GetSessionAsync(deviceId).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
        }
        if (session == null)
        {
            return false;
        }
        MqttApplicationMessage message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qos)
            .Build();
        bool queued = session.TryEnqueueApplicationMessage(message, out _);
        if (queued)
        {
            Interlocked.Increment(ref _messagesOut);
            Log("out " + deviceId + " " + topic + " " + Printable(payload));
        }
        return queued;
    }

    private static JsonNode? ParseJsonOrString(byte[] payload)
    {
        if (payload.Length == 0)
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(payload);
        }
        catch (JsonException)
        {
            return JsonValue.Create(Encoding.UTF8.GetString(payload));
        }
    }

    private static string Printable(byte[] payload)
    {
        if (payload.Length == 0)
        {
            return "(empty)";
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(payload);
        }
        catch (ArgumentException)
        {
            return "(" + payload.Length + " bytes, binary)";
        }
        return text.Length > MaxLoggedPayload ? text.Substring(0, MaxLoggedPayload) + "... (" + payload.Length + " bytes)" : text;
    }

    private void Log(string line)
    {
        string stamped = Now.UtcDateTime.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) + " " + line;
        _log.Enqueue(stamped);
        while (_log.Count > _options.LogCapacity && _log.TryDequeue(out _))
        {
        }
        _options.Log?.Invoke(stamped);
    }
}
