using System;
using System.Collections;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using nanoFramework.M2Mqtt;
using nanoFramework.M2Mqtt.Exceptions;
using nanoFramework.M2Mqtt.Messages;

namespace NfCerts.Hal.Nano
{
    /// <summary>
    /// <see cref="IMqttTransport"/> on nanoFramework, over nanoFramework.M2Mqtt's <c>MqttClient</c> (MQTT 3.1.1, TLS 1.2,
    /// clean session): the transport the DPS client runs on.
    /// </summary>
    /// <remarks>
    /// <para><b>Certificates.</b> M2Mqtt hands one CA certificate and one client certificate to <c>SslStream</c>; both go in
    /// as NUL-terminated PEM bundles (<see cref="NanoCertificates"/>), so every root is trusted and the whole client chain
    /// (leaf + intermediates) is presented, as DPS group enrollments on an intermediate need. Without a client certificate
    /// M2Mqtt tells <c>SslStream</c> to use the device certificate stored in the firmware, if any. The firmware's CA store is
    /// trusted besides the given roots (see <see cref="NanoTlsConnector"/>). TLS 1.3 is not offered: M2Mqtt refuses it.</para>
    /// <para><b>What M2Mqtt imposes.</b> Subscribe and Publish only queue the packet and return its message id; this transport
    /// waits for the matching SUBACK/PUBACK event (MqttMsgSubscribed/MqttMsgPublished) up to the options' timeout, one
    /// operation at a time. The handshake and CONNACK wait have no timeout the caller can set, so a deadline closes the client
    /// when <see cref="MqttConnectOptions.Timeout"/> has passed. A refused CONNACK comes back as its code (closed here).
    /// Events come from M2Mqtt's one dispatch thread, in order; its ConnectionClosed, which also follows our own
    /// <see cref="Disconnect"/>, is passed on as <see cref="Disconnected"/> only for a connection still in use.</para>
    /// <para><b>Keys.</b> The key is copied for the TLS stack and the copy zeroed once Connect has ended.</para>
    /// </remarks>
    public sealed class NanoMqttTransport : IMqttTransport
    {
        private const int SubscriptionRefused = 0x80;

        private readonly object _gate = new object();
        private readonly object _operation = new object();
        private readonly Hashtable _acks = new Hashtable();
        private readonly AutoResetEvent _acked = new AutoResetEvent(false);
        private MqttClient? _client;
        private TimeSpan _timeout = TimeSpan.FromSeconds(30);

        /// <inheritdoc/>
        public event MqttMessageHandler? MessageReceived;

        /// <inheritdoc/>
        public event MqttDisconnectedHandler? Disconnected;

        /// <inheritdoc/>
        public bool IsConnected
        {
            get
            {
                MqttClient? c = _client;
                return c != null && c.IsConnected;
            }
        }

        /// <inheritdoc/>
        public void Connect(MqttConnectOptions options)
        {
            if (options == null || options.TrustedRoots == null || options.TrustedRoots.Length == 0)
            {
                throw new ArgumentException("the options and at least one trusted root are needed");
            }
            lock (_gate)
            {
                if (_client != null)
                {
                    throw new InvalidOperationException("already connected");
                }
                byte[]? key = null;
                try
                {
                    X509Certificate ca;
                    X509Certificate? identity = null;
                    try
                    {
                        ca = new X509Certificate(NanoCertificates.SetToPem(options.TrustedRoots));
                        if (options.ClientCertificate != null && options.ClientKey != null)
                        {
                            key = NanoCertificates.CopyKey(options.ClientKey);
                            identity = new X509Certificate2(NanoCertificates.ChainToPem(options.ClientCertificate), key, null);
                        }
                    }
                    catch (Exception e)
                    {
                        throw new MqttException(MqttFailure.Transport, 0, "the certificates are unusable: " + e.Message);
                    }
                    MqttClient client = Open(options, ca, identity);
                    lock (_acks)
                    {
                        _acks.Clear();
                    }
                    _timeout = options.Timeout;
                    _client = client;
                }
                finally
                {
                    NanoCertificates.Zero(key);
                }
            }
        }

        /// <inheritdoc/>
        public void Subscribe(string topicFilter, int qos)
        {
            lock (_operation)
            {
                MqttClient c = Require();
                ushort id;
                try
                {
                    id = c.Subscribe(new string[] { topicFilter }, new MqttQoSLevel[] { Level(qos) });
                }
                catch (Exception e)
                {
                    // M2Mqtt's own exceptions (closed between the check and the call, a full inflight queue) as the HAL's.
                    throw new MqttException(MqttFailure.NotConnected, 0, "the subscription to " + topicFilter + " could not be sent: " + e.Message);
                }
                int granted = Await(id, "subscribe");
                if (granted == SubscriptionRefused)
                {
                    throw new MqttException(MqttFailure.Refused, SubscriptionRefused, "the server refused the subscription to " + topicFilter);
                }
            }
        }

        /// <inheritdoc/>
        public void Publish(string topic, byte[] body, int qos)
        {
            lock (_operation)
            {
                MqttClient c = Require();
                ushort id;
                try
                {
                    id = c.Publish(topic, body ?? new byte[0], null, null, Level(qos), false);
                }
                catch (Exception e)
                {
                    throw new MqttException(MqttFailure.NotConnected, 0, "the message to " + topic + " could not be sent: " + e.Message);
                }
                if (qos > 0 && Await(id, "publish") == 0)
                {
                    throw new MqttException(MqttFailure.Timeout, 0, "the server did not acknowledge the message after M2Mqtt's retries");
                }
            }
        }

        /// <inheritdoc/>
        public void Disconnect()
        {
            MqttClient? c;
            lock (_gate)
            {
                c = _client;
                _client = null;
            }
            if (c == null)
            {
                return;
            }
            try
            {
                if (c.IsConnected)
                {
                    c.Disconnect();
                }
            }
            catch (Exception)
            {
                // Best effort: the connection is being dropped anyway.
            }
            Release(c);
        }

        private MqttClient Open(MqttConnectOptions options, X509Certificate ca, X509Certificate? identity)
        {
            MqttClient client;
            try
            {
                client = new MqttClient(options.HostName, options.Port, true, ca, identity, MqttSslProtocols.TLSv1_2);
            }
            catch (Exception e)
            {
                throw new MqttException(MqttFailure.Transport, 0, "the host name " + options.HostName + " does not resolve: " + e.Message);
            }
            client.MqttMsgPublishReceived += OnPublish;
            client.MqttMsgSubscribed += OnSubscribed;
            client.MqttMsgPublished += OnPublished;
            client.ConnectionClosed += OnClosed;
            var deadline = new NanoDeadline(options.Timeout, new ClientCloser(client).Close);
            MqttReasonCode code;
            try
            {
                code = client.Connect(options.ClientId, Optional(options.Username), Optional(options.Password), true, KeepAlive(options.KeepAlive));
            }
            catch (Exception e)
            {
                deadline.Cancel();
                Release(client);
                throw Failure(e, deadline.Expired, options);
            }
            deadline.Cancel();
            if (deadline.Expired || code != MqttReasonCode.Success)
            {
                Release(client);
                throw deadline.Expired
                    ? new MqttException(MqttFailure.Timeout, 0, "no connection within " + ((long)options.Timeout.TotalSeconds).ToString() + " s")
                    : new MqttException(MqttFailure.Refused, (int)code, "the server refused the connection (CONNACK " + ((int)code).ToString() + ")");
            }
            return client;
        }

        private static MqttException Failure(Exception e, bool expired, MqttConnectOptions options)
        {
            if (expired)
            {
                return new MqttException(MqttFailure.Timeout, 0, "no connection within " + ((long)options.Timeout.TotalSeconds).ToString() + " s");
            }
            if (e is MqttConnectionException)
            {
                Exception cause = e.InnerException ?? e;
                var s = cause as System.Net.Sockets.SocketException;
                string why = s == null ? cause.Message : NanoTlsConnector.Classify(s, false, options.Timeout).Message;
                return new MqttException(MqttFailure.Transport, 0, "the connection to " + options.HostName + ":" + options.Port.ToString() + " failed: " + why);
            }
            if (e is MqttCommunicationException && e.InnerException == null)
            {
                // M2Mqtt throws the same for a server that closed before CONNACK and for none within its own 30 s.
                return new MqttException(MqttFailure.Transport, 0, "no CONNACK: the server closed the connection or did not answer");
            }
            return new MqttException(MqttFailure.Transport, 0, "the connection failed: " + e.Message);
        }

        private MqttClient Require()
        {
            MqttClient? c = _client;
            if (c == null || !c.IsConnected)
            {
                throw new MqttException(MqttFailure.NotConnected, 0, "not connected");
            }
            return c;
        }

        /// <summary>Waits for the SUBACK or PUBACK of <paramref name="id"/>: the granted QoS, or 1/0 for published or not.</summary>
        private int Await(ushort id, string what)
        {
            // On the monotonic tick count: an SNTP step during the wait must not end it at once or stretch it.
            long deadline = Environment.TickCount64 + (long)_timeout.TotalMilliseconds;
            while (true)
            {
                lock (_acks)
                {
                    if (_acks.Contains((int)id))
                    {
                        int result = (int)_acks[(int)id]!;
                        _acks.Remove((int)id);
                        return result;
                    }
                }
                long left = deadline - Environment.TickCount64;
                if (left <= 0 || _client == null)
                {
                    throw new MqttException(_client == null ? MqttFailure.NotConnected : MqttFailure.Timeout, 0, what + " was not acknowledged in time");
                }
                _acked.WaitOne(left > 1000 ? 1000 : (int)left, false);
            }
        }

        private void Ack(object sender, ushort id, int result)
        {
            if (sender != _client)
            {
                return;
            }
            lock (_acks)
            {
                _acks[(int)id] = result;
            }
            _acked.Set();
        }

        private void OnSubscribed(object sender, MqttMsgSubscribedEventArgs e)
        {
            MqttQoSLevel[] granted = e.GrantedQoSLevels;
            Ack(sender, e.MessageId, granted != null && granted.Length > 0 ? (int)granted[0] : SubscriptionRefused);
        }

        private void OnPublished(object sender, MqttMsgPublishedEventArgs e)
        {
            Ack(sender, e.MessageId, e.IsPublished ? 1 : 0);
        }

        private void OnPublish(object sender, MqttMsgPublishEventArgs e)
        {
            MqttMessageHandler? h = MessageReceived;
            if (h != null && sender == _client)
            {
                h(this, e.Topic, e.Message ?? new byte[0]);
            }
        }

        private void OnClosed(object sender, EventArgs e)
        {
            lock (_gate)
            {
                if (sender != _client)
                {
                    return;
                }
                _client = null;
            }
            _acked.Set();
            MqttDisconnectedHandler? h = Disconnected;
            if (h != null)
            {
                h(this, "the connection was closed");
            }
        }

        private void Release(MqttClient c)
        {
            c.MqttMsgPublishReceived -= OnPublish;
            c.MqttMsgSubscribed -= OnSubscribed;
            c.MqttMsgPublished -= OnPublished;
            c.ConnectionClosed -= OnClosed;
            try
            {
                c.Close();
            }
            catch (Exception)
            {
                // A client whose channel never opened has nothing to close.
            }
        }

        private static MqttQoSLevel Level(int qos)
        {
            return qos == 0 ? MqttQoSLevel.AtMostOnce : MqttQoSLevel.AtLeastOnce;
        }

        private static string? Optional(string value)
        {
            return value == null || value.Length == 0 ? null : value;
        }

        private static ushort KeepAlive(TimeSpan period)
        {
            long s = period.Ticks / TimeSpan.TicksPerSecond;
            return (ushort)(s < 0 ? 0 : (s > ushort.MaxValue ? ushort.MaxValue : s));
        }

        /// <summary>The deadline's action: close the client whose connect is blocked.</summary>
        private sealed class ClientCloser
        {
            private readonly MqttClient _client;

            public ClientCloser(MqttClient client)
            {
                _client = client;
            }

            public void Close()
            {
                _client.Close();
            }
        }
    }
}
