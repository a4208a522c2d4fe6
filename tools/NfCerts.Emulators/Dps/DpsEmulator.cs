using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;
using NfCerts.Emulators.Hub;

namespace NfCerts.Emulators.Dps;

/// <summary>Where the DPS emulator listens and what it serves.</summary>
public sealed class DpsEmulatorOptions
{
    /// <summary>The TLS server certificate with its private key (DevPki.Server), required.</summary>
    public X509Certificate2? ServerCertificate { get; set; }
    /// <summary>Port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }
    /// <summary>The ID scope devices must name.</summary>
    public string IdScope { get; set; } = "0ne00000001";
    /// <summary>Seconds DPS asks a device to wait before polling (retry-after of the 202).</summary>
    public int RetryAfterSeconds { get; set; } = 1;
    /// <summary>A JSON file keeping enrollments and registration records across restarts, or null for memory only.</summary>
    public string? StatePath { get; set; }

    /// <summary>The service's clock: certificate validity, retry-after waits and record times (a virtual world's time in the
    /// emulator). Default the system clock.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
}

/// <summary>
/// The Device Provisioning Service for devices on 127.0.0.1, on MQTTnet.Server: the MQTT device protocol (register, 202 +
/// operationId + retry-after, operation status polls) with X.509 attestation by enrollment group (CA) or individual
/// enrollment (thumbprint), allocation over linked hub emulators (hashed or static) with the device registered in the
/// assigned hub through <see cref="IHubService.RegisterDeviceAsync"/>, registration records, and switchable throttling.
/// </summary>
/// <remarks>Answers go only to the device that asked. Not emulated: symmetric keys and TPM, custom allocation webhooks,
/// reprovisioning policies (a re-registration always assigns afresh: <c>initialAssignment</c> on the same hub,
/// <c>deviceDataReset</c> when the hub changed), the HTTPS device endpoint.</remarks>
public sealed partial class DpsEmulator : IAsyncDisposable
{
    private const string RegisterPrefix = "$dps/registrations/PUT/iotdps-register/";
    private const string PollPrefix = "$dps/registrations/GET/iotdps-get-operationstatus/";
    // Marks the emulator's own answers on the server side (MQTT 3.1.1 never sends user properties to the device).
    private const string AnswerMark = "nfcerts-dps-answer";

    private readonly object _gate = new();
    private readonly DpsEmulatorOptions _options;
    private readonly HubTlsListener _listener;
    private readonly MqttServer _server;
    private readonly Dictionary<string, DpsEnrollmentGroup> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DpsIndividualEnrollment> _individuals = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DpsRegistrationRecord> _registrations = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, IHubService> _hubs = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private long _connections, _registers, _polls, _throttled, _early, _refused;
    private int _throttleLeft, _throttleRetryAfter;
    private volatile bool _outage;

    private sealed class Session
    {
        public required string RegistrationId { get; init; }
        public required X509Certificate2? Leaf { get; init; }
        public required X509Certificate2Collection Extras { get; init; }
        public string? OperationId { get; set; }
        public DateTime NotBeforeUtc { get; set; }
    }

    private DpsEmulator(DpsEmulatorOptions options)
    {
        X509Certificate2 certificate = options.ServerCertificate
            ?? throw new ArgumentException("DpsEmulatorOptions.ServerCertificate is required", nameof(options));
        _options = options;
        _listener = new HubTlsListener(new IPEndPoint(IPAddress.Loopback, options.Port), certificate, new X509Certificate2Collection());
        var serverOptions = new MqttServerOptionsBuilder().WithoutDefaultEndpoint().Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions, new[] { _listener });
        _server.ValidatingConnectionAsync += OnValidatingAsync;
        _server.ClientDisconnectedAsync += e => { _sessions.TryRemove(e.ClientId, out _); return Task.CompletedTask; };
        _server.InterceptingSubscriptionAsync += e =>
        {
            e.ProcessSubscription = e.TopicFilter.Topic == "$dps/registrations/res/#";
            return Task.CompletedTask;
        };
        _server.InterceptingPublishAsync += OnPublishAsync;
        _server.InterceptingClientEnqueueAsync += e =>
        {
            // DPS answers one device: an injected answer carries its receiver as sender.
            e.AcceptEnqueue = e.ReceiverClientId == e.SenderClientId;
            return Task.CompletedTask;
        };
    }

    /// <summary>Starts the emulator on 127.0.0.1.</summary>
    public static async Task<DpsEmulator> StartAsync(DpsEmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dps = new DpsEmulator(options);
        dps.LoadState();
        await dps._server.StartAsync().ConfigureAwait(false);
        return dps;
    }

    /// <summary>The MQTT over TLS port.</summary>
    public int Port => _listener.Port;

    /// <summary>The ID scope.</summary>
    public string IdScope => _options.IdScope;

    /// <summary>Now on the service's clock (<see cref="DpsEmulatorOptions.Time"/>).</summary>
    internal DateTimeOffset Now => _options.Time.GetUtcNow();

    /// <summary>What devices have done so far.</summary>
    public DpsCounters Counters => new(Interlocked.Read(ref _connections), Interlocked.Read(ref _registers),
        Interlocked.Read(ref _polls), Interlocked.Read(ref _throttled), Interlocked.Read(ref _early), Interlocked.Read(ref _refused));

    /// <summary>Links a hub: devices may be assigned to <paramref name="hostName"/> and are registered in it through <paramref name="hub"/>.</summary>
    public void LinkHub(string hostName, IHubService hub)
    {
        lock (_gate)
        {
            _hubs[hostName] = hub;
        }
    }

    /// <summary>Host names of the linked hubs.</summary>
    public IReadOnlyList<string> LinkedHubs
    {
        get { lock (_gate) { return _hubs.Keys.ToList(); } }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync().ConfigureAwait(false);
        _server.Dispose();
    }

    private static string NewEtag() => Guid.NewGuid().ToString("N")[..16];

    private Task OnValidatingAsync(ValidatingConnectionEventArgs e)
    {
        if (_outage)
        {
            Interlocked.Increment(ref _refused);
            e.ReasonCode = MqttConnectReasonCode.ServerUnavailable;
            return Task.CompletedTask;
        }
        // {idScope}/registrations/{registrationId}/api-version=...
        string user = e.UserName ?? "";
        string[] parts = user.Split('/');
        if (parts.Length < 4 || parts[1] != "registrations" || !parts[3].StartsWith("api-version=", StringComparison.Ordinal))
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            return Task.CompletedTask;
        }
        if (parts[0] != _options.IdScope || parts[2] != e.ClientId)
        {
            e.ReasonCode = MqttConnectReasonCode.NotAuthorized;
            return Task.CompletedTask;
        }
        _sessions[e.ClientId] = new Session { RegistrationId = parts[2], Leaf = e.ClientCertificate, Extras = _listener.TakePeerExtras(e.ChannelAdapter) };
        Interlocked.Increment(ref _connections);
        return Task.CompletedTask;
    }

    private async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        string topic = e.ApplicationMessage.Topic;
        if (e.ApplicationMessage.UserProperties?.Exists(u => u.Name == AnswerMark) == true)
        {
            // The emulator's own answer, injected with the device it is for as sender: let it through to that device.
            return;
        }
        e.ProcessPublish = false;
        if (!_sessions.TryGetValue(e.ClientId, out Session? session))
        {
            e.CloseConnection = true;
            return;
        }
        bool register = topic.StartsWith(RegisterPrefix, StringComparison.Ordinal);
        bool poll = topic.StartsWith(PollPrefix, StringComparison.Ordinal);
        if (!register && !poll)
        {
            e.CloseConnection = true;
            return;
        }
        Dictionary<string, string> query = Query(topic);
        string rid = query.GetValueOrDefault("$rid", "");
        Interlocked.Increment(ref register ? ref _registers : ref _polls);
        if (_options.Time.GetUtcNow().UtcDateTime < session.NotBeforeUtc)
        {
            Interlocked.Increment(ref _early);
        }
        lock (_gate)
        {
            if (_throttleLeft > 0)
            {
                _throttleLeft--;
                Interlocked.Increment(ref _throttled);
                _ = Answer(e.ClientId, "429/?$rid=" + rid + "&retry-after=" + _throttleRetryAfter,
                    Error(429, 429001, "request throttled"));
                session.NotBeforeUtc = _options.Time.GetUtcNow().UtcDateTime.AddSeconds(_throttleRetryAfter);
                return;
            }
        }
        if (register)
        {
            string? bodyId = RegistrationIdOf(e.ApplicationMessage);
            if (bodyId != session.RegistrationId)
            {
                await Answer(e.ClientId, "400/?$rid=" + rid, Error(400, DpsAttestation.BadRequest,
                    "the payload's registrationId '" + bodyId + "' is not the connection's '" + session.RegistrationId + "'"));
                return;
            }
            session.OperationId = "4." + Guid.NewGuid().ToString("N")[..16] + "." + Guid.NewGuid();
            session.NotBeforeUtc = _options.Time.GetUtcNow().UtcDateTime.AddSeconds(_options.RetryAfterSeconds);
            await Answer(e.ClientId, "202/?$rid=" + rid + "&retry-after=" + _options.RetryAfterSeconds,
                new JsonObject { ["operationId"] = session.OperationId, ["status"] = "assigning" });
            return;
        }
        if (session.OperationId == null || query.GetValueOrDefault("operationId") != session.OperationId)
        {
            await Answer(e.ClientId, "404/?$rid=" + rid, Error(404, 404001, "no such operation"));
            return;
        }
        JsonObject state = await AssignAsync(session);
        await Answer(e.ClientId, "200/?$rid=" + rid, new JsonObject
        {
            ["operationId"] = session.OperationId,
            ["status"] = state["status"]!.GetValue<string>(),
            ["registrationState"] = state,
        });
    }

    private async Task<JsonObject> AssignAsync(Session session)
    {
        DpsAttestationResult match;
        List<string> linked;
        lock (_gate)
        {
            match = DpsAttestation.Check(session.RegistrationId, session.Leaf, session.Extras, _individuals.Values, _groups.Values, _options.Time.GetUtcNow().UtcDateTime);
            linked = _hubs.Keys.ToList();
        }
        string id = session.RegistrationId;
        if (!match.Matched)
        {
            return Record(id, "failed", null, null, null, match.ErrorCode, match.Error, null);
        }
        string? groupId = match.Group?.Id;
        if (!match.Enabled)
        {
            return Record(id, "disabled", null, null, null, 401003, "the enrollment is disabled", groupId);
        }
        string? hub = DpsAllocator.Choose(id, match.Group?.Allocation ?? match.Individual!.Allocation, match.Group?.Hubs ?? match.Individual!.Hubs, linked);
        if (hub == null)
        {
            return Record(id, "failed", null, null, null, 400208, "no linked IoT hub for this enrollment", groupId);
        }
        IHubService service;
        lock (_gate)
        {
            service = _hubs[hub];
        }
        try
        {
            await service.RegisterDeviceAsync(id, match.Individual != null ? session.Leaf!.Thumbprint : null).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return Record(id, "failed", null, null, null, 500001, "registering the device in " + hub + " failed: " + ex.Message, groupId);
        }
        DpsRegistrationRecord? previous = GetRegistration(id);
        string substatus = previous?.AssignedHub != null && !string.Equals(previous.AssignedHub, hub, StringComparison.OrdinalIgnoreCase)
            ? "deviceDataReset" : "initialAssignment";
        return Record(id, "assigned", hub, id, substatus, null, null, groupId);
    }

    private JsonObject Record(string id, string status, string? hub, string? deviceId, string? substatus, int? errorCode, string? error, string? groupId)
    {
        DateTimeOffset now = _options.Time.GetUtcNow();
        DpsRegistrationRecord record;
        lock (_gate)
        {
            DateTimeOffset created = _registrations.TryGetValue(id, out var old) ? old.CreatedDateTimeUtc : now;
            record = new DpsRegistrationRecord(id, status, hub, deviceId, substatus, created, now, NewEtag(), errorCode, error, groupId);
            _registrations[id] = record;
            SaveStateLocked();
        }
        return DpsJson.State(record);
    }

    private Task Answer(string clientId, string topicTail, JsonObject body)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic("$dps/registrations/res/" + topicTail)
            .WithPayload(Encoding.UTF8.GetBytes(body.ToJsonString()))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithUserProperty(AnswerMark, new ReadOnlyMemory<byte>(new byte[] { 0x31 }))
            .Build();
        return _server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = clientId }, CancellationToken.None);
    }

    private JsonObject Error(int status, int code, string message) => DpsJson.Error(code, message, _options.Time.GetUtcNow());

    private static string? RegistrationIdOf(MqttApplicationMessage message)
    {
        try
        {
            return JsonNode.Parse(Encoding.UTF8.GetString(message.Payload.ToArray()))?["registrationId"]?.GetValue<string>();
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static Dictionary<string, string> Query(string topic)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        int q = topic.IndexOf('?');
        if (q < 0)
        {
            return result;
        }
        foreach (string pair in topic[(q + 1)..].Split('&'))
        {
            int eq = pair.IndexOf('=');
            if (eq > 0)
            {
                result[pair[..eq]] = pair[(eq + 1)..];
            }
        }
        return result;
    }
}
