using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace NfCerts.Hal.Host.Hub
{
    /// <summary>
    /// The IoT Hub MQTT device protocol over MQTTnet (Learn: "Communicate with an IoT hub using MQTT"): MQTT 3.1.1 over
    /// TLS 1.2+, X.509 client authentication with the device's chain, ClientId = device ID, username
    /// <c>{host}/{deviceId}/?api-version=2021-04-12</c> (plus <c>&amp;model-id=</c>), empty password, clean session false,
    /// keep-alive 240 s. Nothing in it knows the emulator: it connects to a real hub the same way.
    /// </summary>
    /// <remarks>
    /// <para>Events run on one thread of the transport's own, one at a time and in arrival order, so a slow handler delays the
    /// next event but never the MQTT connection (keep-alive, acknowledgements). The thread exists only while there are events:
    /// it starts with the first one and ends after <see cref="EventThreadIdle"/> without any, so that a transport idling on the
    /// hub (an emulated fleet's thousands) holds no thread and its stack. A C2D message is acknowledged when it is
    /// received, before its handler runs, as on nanoFramework's DeviceClient.</para>
    /// <para>No automatic reconnect: an unexpected drop raises <see cref="Disconnected"/> once and fails pending requests with
    /// <see cref="HubFailure.NotConnected"/>; the caller reconnects with <see cref="Connect"/>.</para>
    /// </remarks>
    public sealed class MqttHubTransport : IHubTransport, IDisposable
    {
        /// <summary>The IoT Hub API version in the username.</summary>
        public const string ApiVersion = "2021-04-12";

        /// <summary>MQTT keep-alive: the Azure IoT C SDK's default (4 minutes), well under the hub's idle limit.</summary>
        public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(240);

        private readonly object _gate = new object();
        /// <summary>How long the event thread waits for another event before it ends.</summary>
        public static readonly TimeSpan EventThreadIdle = TimeSpan.FromSeconds(2);

        private readonly Queue<Action> _events = new Queue<Action>(); // under itself
        private Thread? _eventThread; // under _events; null while there are no events
        private readonly ConcurrentDictionary<string, TaskCompletionSource<HubTopic>> _pending = new ConcurrentDictionary<string, TaskCompletionSource<HubTopic>>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, byte[]> _responseBodies = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        private IMqttClient? _client;
        private HubTlsStreamProvider? _tls;
        private readonly ClientIdentity _identity = new ClientIdentity();
        private HubConnectOptions? _options;
        private long _rid;
        private bool _disposed;

        private readonly IClock? _clock;

        /// <summary>Creates a transport; nothing happens until <see cref="Connect"/>. The hub's chain is judged at the system
        /// clock's time.</summary>
        public MqttHubTransport()
            : this(null)
        {
        }

        /// <summary>Creates a transport whose hub chain is judged at <paramref name="clock"/>'s time (the device's wall clock,
        /// as on the board; a virtual clock in the emulator); null: the system clock.</summary>
        public MqttHubTransport(IClock? clock)
        {
            _clock = clock;
        }

        /// <inheritdoc/>
        public event HubMessageHandler? MessageReceived;

        /// <inheritdoc/>
        public event HubDesiredHandler? DesiredPropertiesChanged;

        /// <inheritdoc/>
        public event HubMethodHandler? MethodCalled;

        /// <inheritdoc/>
        public event HubDisconnectedHandler? Disconnected;

        /// <inheritdoc/>
        public bool IsConnected
        {
            get
            {
                lock (_gate)
                {
                    return _client != null && _client.IsConnected;
                }
            }
        }

        /// <summary>The username for <paramref name="options"/> (<c>{host}/{deviceId}/?api-version=...[&amp;model-id=...]</c>).</summary>
        public static string UserName(HubConnectOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            string name = options.HostName + "/" + options.DeviceId + "/?api-version=" + ApiVersion;
            return options.ModelId.Length == 0 ? name : name + "&model-id=" + Uri.EscapeDataString(options.ModelId);
        }

        /// <inheritdoc/>
        public void Connect(HubConnectOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            if (options.HostName.Length == 0 || options.DeviceId.Length == 0)
            {
                throw new HubException(HubFailure.Transport, 0, "the host name and device ID are required");
            }
            Disconnect();
            var tls = new HubTlsStreamProvider(options, _identity, _clock);
            IMqttClient client = new MqttClientFactory().CreateMqttClient();
            MqttClientOptions mqtt = new MqttClientOptionsBuilder()
                .WithTcpServer(options.HostName, options.Port)
                .WithStreamProvider(tls) // our TLS (chain, trust, host name), so no MQTTnet TLS options
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithClientId(options.DeviceId)
                .WithCredentials(UserName(options), "")
                .WithCleanSession(false)
                .WithKeepAlivePeriod(KeepAlive)
                .WithTimeout(options.Timeout)
                .Build();
            client.ApplicationMessageReceivedAsync += OnMessageAsync;
            using var timeout = new CancellationTokenSource(options.Timeout);
            try
            {
                MqttClientConnectResult result = client.ConnectAsync(mqtt, timeout.Token).GetAwaiter().GetResult();
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                {
                    throw new HubException(HubFailure.Refused, (int)result.ResultCode, "the hub refused device '" + options.DeviceId + "': " + result.ResultCode);
                }
                Subscribe(client, options, timeout.Token);
            }
            catch (Exception e) when (e is not HubException)
            {
                client.Dispose();
                tls.Dispose();
                throw Translate(e, tls, options);
            }
            catch (HubException)
            {
                client.Dispose();
                tls.Dispose();
                throw;
            }
            client.DisconnectedAsync += OnDisconnectedAsync;
            lock (_gate)
            {
                _client = client;
                _tls = tls;
                _options = options;
            }
        }

        private static void Subscribe(IMqttClient client, HubConnectOptions options, CancellationToken cancel)
        {
            MqttClientSubscribeOptions subscribe = new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(HubTopics.C2dFilter(options.DeviceId), MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(HubTopics.TwinResponseFilter, MqttQualityOfServiceLevel.AtMostOnce)
                .WithTopicFilter(HubTopics.DesiredFilter, MqttQualityOfServiceLevel.AtMostOnce)
                .WithTopicFilter(HubTopics.MethodFilter, MqttQualityOfServiceLevel.AtMostOnce)
                .Build();
            MqttClientSubscribeResult result = client.SubscribeAsync(subscribe, cancel).GetAwaiter().GetResult();
            foreach (MqttClientSubscribeResultItem item in result.Items)
            {
                if ((int)item.ResultCode >= 0x80)
                {
                    throw new HubException(HubFailure.Refused, (int)item.ResultCode, "the hub refused the subscription to " + item.TopicFilter.Topic);
                }
            }
        }

        private static HubException Translate(Exception e, HubTlsStreamProvider tls, HubConnectOptions options)
        {
            if (tls.Failure != null)
            {
                HubFailure kind = tls.Failure.Failure == TlsFailure.Timeout ? HubFailure.Timeout : HubFailure.Transport;
                return new HubException(kind, 0, tls.Failure.Message);
            }
            if (e is OperationCanceledException || e is MQTTnet.Exceptions.MqttCommunicationTimedOutException)
            {
                return new HubException(HubFailure.Timeout, 0, "no connection to " + options.HostName + ":" + options.Port + " within " + options.Timeout.TotalSeconds + " s");
            }
            return new HubException(HubFailure.Transport, 0, "connecting to " + options.HostName + ":" + options.Port + " failed: " + e.Message);
        }

        /// <inheritdoc/>
        public void Disconnect()
        {
            IMqttClient? client;
            HubTlsStreamProvider? tls;
            lock (_gate)
            {
                client = _client;
                tls = _tls;
                _client = null;
                _tls = null;
            }
            if (client == null)
            {
                return;
            }
            client.DisconnectedAsync -= OnDisconnectedAsync;
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is OperationCanceledException || e is MQTTnet.Exceptions.MqttCommunicationException || e is ObjectDisposedException)
            {
            }
            client.Dispose();
            tls?.Dispose();
            FailPending("disconnected");
        }

        /// <inheritdoc/>
        public string GetTwin()
        {
            HubTopic response = Request(rid => HubTopics.TwinGet(rid), Array.Empty<byte>(), out byte[] body);
            if (response.Status != 200)
            {
                throw StatusFailure("twin GET", response.Status, body);
            }
            return Encoding.UTF8.GetString(body);
        }

        /// <inheritdoc/>
        public int PatchReported(string patchJson)
        {
            ArgumentNullException.ThrowIfNull(patchJson);
            HubTopic response = Request(rid => HubTopics.PatchReported(rid), Encoding.UTF8.GetBytes(patchJson), out byte[] body);
            if (response.Status < 200 || response.Status > 299)
            {
                throw StatusFailure("reported patch", response.Status, body);
            }
            string? version = response.Get("$version");
            if (version == null || !int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed))
            {
                throw new HubException(HubFailure.Status, response.Status, "the hub accepted the reported patch without a $version");
            }
            return parsed;
        }

        /// <inheritdoc/>
        public void SendEvent(byte[] body, string properties)
        {
            ArgumentNullException.ThrowIfNull(body);
            (IMqttClient client, HubConnectOptions options) = Current();
            Publish(client, options, HubTopics.Events(options.DeviceId, properties ?? ""), body, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        /// <summary>Closes the connection and ends the event thread.</summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            Disconnect();
            Thread? running;
            lock (_events)
            {
                Monitor.PulseAll(_events); // the thread runs what is queued, then ends
                running = _eventThread;
            }
            if (running != null && Thread.CurrentThread != running)
            {
                running.Join(TimeSpan.FromSeconds(10));
            }
        }

        private (IMqttClient, HubConnectOptions) Current()
        {
            lock (_gate)
            {
                if (_client == null || _options == null || !_client.IsConnected)
                {
                    throw new HubException(HubFailure.NotConnected, 0, "not connected to the hub");
                }
                return (_client, _options);
            }
        }

        /// <summary>Publishes a request with a fresh <c>$rid</c> and waits for the twin response that carries it.</summary>
        private HubTopic Request(Func<string, string> topic, byte[] payload, out byte[] body)
        {
            (IMqttClient client, HubConnectOptions options) = Current();
            string rid = Interlocked.Increment(ref _rid).ToString(CultureInfo.InvariantCulture);
            var pending = new TaskCompletionSource<HubTopic>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending[rid] = pending;
            try
            {
                Publish(client, options, topic(rid), payload, MqttQualityOfServiceLevel.AtMostOnce);
                if (!pending.Task.Wait(options.Timeout))
                {
                    throw new HubException(HubFailure.Timeout, 0, "no answer from the hub within " + options.Timeout.TotalSeconds + " s (request " + rid + ")");
                }
                _responseBodies.TryRemove(rid, out byte[]? received);
                body = received ?? Array.Empty<byte>();
                return pending.Task.Result;
            }
            catch (AggregateException e) when (e.InnerException is HubException inner)
            {
                throw new HubException(inner.Failure, inner.Status, inner.Message);
            }
            finally
            {
                _pending.TryRemove(rid, out _);
                _responseBodies.TryRemove(rid, out _);
            }
        }

        private static void Publish(IMqttClient client, HubConnectOptions options, string topic, byte[] payload, MqttQualityOfServiceLevel qos)
        {
            MqttApplicationMessage message = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(qos)
                .Build();
            using var timeout = new CancellationTokenSource(options.Timeout);
            try
            {
                client.PublishAsync(message, timeout.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                throw new HubException(HubFailure.Timeout, 0, "publishing to " + topic + " timed out");
            }
            catch (MQTTnet.Exceptions.MqttClientNotConnectedException)
            {
                throw new HubException(HubFailure.NotConnected, 0, "not connected to the hub");
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException e)
            {
                throw new HubException(HubFailure.Transport, 0, "publishing to " + topic + " failed: " + e.Message);
            }
        }

        private static HubException StatusFailure(string what, int status, byte[] body)
        {
            string detail = body.Length == 0 ? "" : ": " + Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 512));
            return new HubException(HubFailure.Status, status, "the hub answered the " + what + " with " + status + detail);
        }

        private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
        {
            string topic = e.ApplicationMessage.Topic;
            byte[] payload = e.ApplicationMessage.Payload.ToArray();
            HubTopic parsed = HubTopics.Parse(topic);
            switch (parsed.Kind)
            {
                case HubTopicKind.TwinResponse:
                    string rid = parsed.Get("$rid") ?? "";
                    if (_pending.TryGetValue(rid, out var pending))
                    {
                        _responseBodies[rid] = payload;
                        pending.TrySetResult(parsed);
                    }
                    break;
                case HubTopicKind.DesiredPatch:
                    int version = int.TryParse(parsed.Get("$version"), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 0;
                    string patch = Encoding.UTF8.GetString(payload);
                    Raise(() => DesiredPropertiesChanged?.Invoke(this, patch, version));
                    break;
                case HubTopicKind.MethodRequest:
                    var call = new HubMethodCall(parsed.Name, Encoding.UTF8.GetString(payload));
                    string methodRid = parsed.Get("$rid") ?? "";
                    Raise(() => AnswerMethod(call, methodRid));
                    break;
                case HubTopicKind.CloudToDevice:
                    var message = new HubMessage(payload, parsed.Query);
                    Raise(() => MessageReceived?.Invoke(this, message));
                    break;
            }
            return Task.CompletedTask;
        }

        private void AnswerMethod(HubMethodCall call, string rid)
        {
            try
            {
                MethodCalled?.Invoke(this, call);
            }
            finally
            {
                try
                {
                    (IMqttClient client, HubConnectOptions options) = Current();
                    Publish(client, options, HubTopics.MethodResponse(call.Status, rid), Encoding.UTF8.GetBytes(call.ResponseJson ?? "{}"), MqttQualityOfServiceLevel.AtMostOnce);
                }
                catch (HubException)
                {
                    // The connection dropped while the handler ran: the hub times the call out.
                }
            }
        }

        private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
        {
            lock (_gate)
            {
                if (_client == null)
                {
                    return Task.CompletedTask;
                }
            }
            string reason = e.Reason + (e.Exception != null ? ": " + e.Exception.Message : "");
            FailPending("connection lost (" + reason + ")");
            Raise(() => Disconnected?.Invoke(this, reason));
            return Task.CompletedTask;
        }

        private void FailPending(string why)
        {
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(new HubException(HubFailure.NotConnected, 0, why));
            }
        }

        private void Raise(Action action)
        {
            lock (_events)
            {
                if (_disposed)
                {
                    return; // nobody listens any more
                }
                _events.Enqueue(action);
                if (_eventThread == null)
                {
                    _eventThread = new Thread(RunEvents) { IsBackground = true, Name = "hub events" };
                    _eventThread.Start();
                }
                else
                {
                    Monitor.Pulse(_events);
                }
            }
        }

        /// <summary>The event thread: runs the queued events in order, and ends when none has come for
        /// <see cref="EventThreadIdle"/>, or at once when the queue is empty and the transport is disposed.</summary>
        private void RunEvents()
        {
            while (true)
            {
                Action action;
                lock (_events)
                {
                    if (_events.Count == 0 && !_disposed)
                    {
                        Monitor.Wait(_events, EventThreadIdle);
                    }
                    if (_events.Count == 0)
                    {
                        _eventThread = null;
                        return;
                    }
                    action = _events.Dequeue();
                }
                try
                {
                    action();
                }
                catch (Exception e)
                {
                    // A handler's failure must not stop the events that follow; it is the handler's to report.
                    System.Diagnostics.Trace.TraceError("hub event handler failed: " + e.GetType().Name + ": " + e.Message);
                }
            }
        }
    }
}
