using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;

namespace NfCerts.NanoStandIn.M2Mqtt
{
    /// <summary>
    /// The MQTT 3.1.1 engine of the stand-in's nanoFramework.M2Mqtt <c>MqttClient</c>, on an open stream, with M2Mqtt's
    /// threading as its source (M2Mqtt/MqttClient.cs) shows it: a receive thread reads packets; CONNACK is waited for by
    /// <see cref="Connect"/>; SUBACK, PUBACK and incoming PUBLISH become events queued to one dispatch thread, raised in
    /// order; an incoming QoS 1 PUBLISH is acknowledged before its event; a keep-alive thread sends PINGREQ after a quiet
    /// keep-alive period and closes the session when no PINGRESP follows within another; a QoS 1 PUBLISH is resent with DUP
    /// every <see cref="RetryDelay"/> up to <see cref="Attempts"/> times, then reported as not published; when the peer
    /// closes or <see cref="Disconnect"/> is called, the dispatch thread closes the channel and raises the closed event.
    /// </summary>
    public sealed class MqttSession
    {
        /// <summary>M2Mqtt's MqttSettings.DefaultTimeout: how long CONNACK is waited for.</summary>
        public const int ConnackTimeout = 30000;
        /// <summary>M2Mqtt's MqttSettings.DelayOnRetry.</summary>
        public static int RetryDelay = 10000;
        /// <summary>M2Mqtt's MqttSettings.AttemptsOnRetry.</summary>
        public const int Attempts = 3;

        private readonly Stream _stream;
        private readonly Action _closeChannel;
        private readonly object _write = new();
        private readonly BlockingCollection<Action> _events = new();
        private readonly Dictionary<ushort, (byte[] Packet, int Attempt, long Due)> _inflight = new();
        private readonly ManualResetEventSlim _connack = new();
        private int _connackCode = -1;
        private ushort _nextId;
        private long _lastSent = Environment.TickCount64;
        private long _pingSent;
        private volatile bool _running = true;
        private int _closing;
        private int _keepAliveMs;

        /// <summary>A session on <paramref name="stream"/>; <paramref name="closeChannel"/> closes the stream and socket.</summary>
        public MqttSession(Stream stream, Action closeChannel)
        {
            _stream = stream;
            _closeChannel = closeChannel;
        }

        /// <summary>SUBACK: message id and granted QoS levels (0x80 refused).</summary>
        public event Action<ushort, byte[]>? Subscribed;
        /// <summary>PUBACK, or the retries exhausted: message id and whether it was published.</summary>
        public event Action<ushort, bool>? Published;
        /// <summary>A PUBLISH from the server: topic, payload, QoS.</summary>
        public event Action<string, byte[], int>? Received;
        /// <summary>The connection closed (by the peer, a keep-alive failure, or <see cref="Disconnect"/>).</summary>
        public event Action? Closed;

        /// <summary>Sends CONNECT and returns CONNACK's code; throws <see cref="TimeoutException"/> without one in time and
        /// <see cref="IOException"/> when the peer closed first.</summary>
        public int Connect(string clientId, string? username, string? password, bool cleanSession, ushort keepAliveSeconds)
        {
            new Thread(ReceiveLoop) { IsBackground = true, Name = "m2mqtt-receive" }.Start();
            var body = new List<byte>();
            AddString(body, "MQTT");
            body.Add(4);
            byte flags = (byte)((cleanSession ? 0x02 : 0) | (username != null ? 0x80 : 0) | (password != null ? 0x40 : 0));
            body.Add(flags);
            body.Add((byte)(keepAliveSeconds >> 8));
            body.Add((byte)keepAliveSeconds);
            AddString(body, clientId);
            if (username != null)
            {
                AddString(body, username);
            }
            if (password != null)
            {
                AddString(body, password);
            }
            Send(0x10, body);
            if (!_connack.Wait(ConnackTimeout))
            {
                throw new TimeoutException("no CONNACK");
            }
            if (_connackCode < 0)
            {
                throw new IOException("the connection closed before CONNACK");
            }
            if (_connackCode == 0)
            {
                _keepAliveMs = keepAliveSeconds * 1000;
                new Thread(KeepAliveLoop) { IsBackground = true, Name = "m2mqtt-keepalive" }.Start();
                new Thread(DispatchLoop) { IsBackground = true, Name = "m2mqtt-dispatch" }.Start();
            }
            return _connackCode;
        }

        /// <summary>Queues SUBSCRIBE and returns its message id.</summary>
        public ushort Subscribe(string[] topics, byte[] qos)
        {
            ushort id = NextId();
            var body = new List<byte> { (byte)(id >> 8), (byte)id };
            for (int i = 0; i < topics.Length; i++)
            {
                AddString(body, topics[i]);
                body.Add(qos[i]);
            }
            Send(0x82, body);
            return id;
        }

        /// <summary>Queues PUBLISH and returns its message id (0 for QoS 0, as no id is sent).</summary>
        public ushort Publish(string topic, byte[] payload, int qos)
        {
            ushort id = qos > 0 ? NextId() : (ushort)0;
            var body = new List<byte>();
            AddString(body, topic);
            if (qos > 0)
            {
                body.Add((byte)(id >> 8));
                body.Add((byte)id);
            }
            body.AddRange(payload);
            byte[] packet = Packet((byte)(0x30 | (qos << 1)), body);
            if (qos > 0)
            {
                lock (_inflight)
                {
                    _inflight[id] = (packet, 1, Environment.TickCount64 + RetryDelay);
                }
            }
            Write(packet);
            return id;
        }

        /// <summary>Sends DISCONNECT; the dispatch thread then closes and raises <see cref="Closed"/>.</summary>
        public void Disconnect()
        {
            Send(0xE0, new List<byte>());
            Closing();
        }

        /// <summary>Stops the threads and closes the channel, raising nothing.</summary>
        public void Close()
        {
            _running = false;
            _events.CompleteAdding();
            try
            {
                _closeChannel();
            }
            catch (Exception)
            {
                // Already closed.
            }
            _connack.Set();
        }

        private void Closing()
        {
            if (Interlocked.Exchange(ref _closing, 1) == 0 && _running)
            {
                try
                {
                    _events.Add(() =>
                    {
                        Close();
                        Closed?.Invoke();
                    });
                }
                catch (InvalidOperationException)
                {
                    // Closed already.
                }
            }
        }

        private void ReceiveLoop()
        {
            try
            {
                while (_running)
                {
                    int type = _stream.ReadByte();
                    if (type < 0)
                    {
                        break;
                    }
                    byte[] body = ReadBody();
                    Handle(type, body);
                }
            }
            catch (Exception)
            {
                // IOException, SocketException, ObjectDisposedException: the connection is gone.
            }
            _connack.Set();
            Closing();
        }

        private void Handle(int type, byte[] body)
        {
            switch (type >> 4)
            {
                case 2:
                    _connackCode = body.Length >= 2 ? body[1] : 255;
                    _connack.Set();
                    break;
                case 3:
                    int qos = (type >> 1) & 3;
                    int topicLength = (body[0] << 8) | body[1];
                    string topic = Encoding.UTF8.GetString(body, 2, topicLength);
                    int at = 2 + topicLength;
                    if (qos > 0)
                    {
                        ushort id = (ushort)((body[at] << 8) | body[at + 1]);
                        at += 2;
                        Send(0x40, new List<byte> { (byte)(id >> 8), (byte)id });
                    }
                    byte[] payload = body.AsSpan(at).ToArray();
                    Queue(() => Received?.Invoke(topic, payload, qos));
                    break;
                case 4:
                    ushort acked = (ushort)((body[0] << 8) | body[1]);
                    bool known;
                    lock (_inflight)
                    {
                        known = _inflight.Remove(acked);
                    }
                    if (known)
                    {
                        Queue(() => Published?.Invoke(acked, true));
                    }
                    break;
                case 9:
                    ushort subscribed = (ushort)((body[0] << 8) | body[1]);
                    byte[] granted = body.AsSpan(2).ToArray();
                    Queue(() => Subscribed?.Invoke(subscribed, granted));
                    break;
                case 13:
                    Interlocked.Exchange(ref _pingSent, 0);
                    break;
                default:
                    throw new IOException("unexpected packet type " + (type >> 4));
            }
        }

        private void KeepAliveLoop()
        {
            while (_running)
            {
                Thread.Sleep(200);
                long now = Environment.TickCount64;
                long ping = Interlocked.Read(ref _pingSent);
                if (_keepAliveMs > 0 && ping != 0 && now - ping > _keepAliveMs)
                {
                    Closing();
                    return;
                }
                if (_keepAliveMs > 0 && ping == 0 && now - Interlocked.Read(ref _lastSent) >= _keepAliveMs)
                {
                    Interlocked.Exchange(ref _pingSent, now);
                    TrySend(0xC0);
                }
                RetryInflight(now);
            }
        }

        private void RetryInflight(long now)
        {
            var resend = new List<byte[]>();
            lock (_inflight)
            {
                foreach (ushort id in new List<ushort>(_inflight.Keys))
                {
                    var entry = _inflight[id];
                    if (now < entry.Due)
                    {
                        continue;
                    }
                    if (entry.Attempt >= Attempts)
                    {
                        _inflight.Remove(id);
                        Queue(() => Published?.Invoke(id, false));
                        continue;
                    }
                    entry.Packet[0] |= 0x08;
                    _inflight[id] = (entry.Packet, entry.Attempt + 1, now + RetryDelay);
                    resend.Add(entry.Packet);
                }
            }
            foreach (byte[] packet in resend)
            {
                try
                {
                    Write(packet);
                }
                catch (Exception)
                {
                    Closing();
                }
            }
        }

        private void DispatchLoop()
        {
            try
            {
                foreach (Action raise in _events.GetConsumingEnumerable())
                {
                    raise();
                }
            }
            catch (Exception)
            {
                // A handler's exception ends M2Mqtt's dispatch thread too.
            }
        }

        private void Queue(Action raise)
        {
            try
            {
                _events.Add(raise);
            }
            catch (InvalidOperationException)
            {
                // Closed: nothing is raised any more.
            }
        }

        private byte[] ReadBody()
        {
            int length = 0;
            int shift = 0;
            int b;
            do
            {
                b = _stream.ReadByte();
                if (b < 0 || shift > 21)
                {
                    throw new IOException("bad remaining length");
                }
                length |= (b & 0x7F) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0);
            var body = new byte[length];
            int read = 0;
            while (read < length)
            {
                int n = _stream.Read(body, read, length - read);
                if (n <= 0)
                {
                    throw new IOException("closed mid-packet");
                }
                read += n;
            }
            return body;
        }

        private ushort NextId()
        {
            lock (_write)
            {
                _nextId = (ushort)(_nextId == ushort.MaxValue ? 1 : _nextId + 1);
                return _nextId;
            }
        }

        private void TrySend(byte header)
        {
            try
            {
                Send(header, new List<byte>());
            }
            catch (Exception)
            {
                Closing();
            }
        }

        private void Send(byte header, List<byte> body) => Write(Packet(header, body));

        private void Write(byte[] packet)
        {
            lock (_write)
            {
                _stream.Write(packet, 0, packet.Length);
                _stream.Flush();
                Interlocked.Exchange(ref _lastSent, Environment.TickCount64);
            }
        }

        private static byte[] Packet(byte header, List<byte> body)
        {
            var packet = new List<byte>(body.Count + 5) { header };
            int length = body.Count;
            do
            {
                byte digit = (byte)(length % 128);
                length /= 128;
                packet.Add(length > 0 ? (byte)(digit | 0x80) : digit);
            }
            while (length > 0);
            packet.AddRange(body);
            return packet.ToArray();
        }

        private static void AddString(List<byte> body, string text)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            body.Add((byte)(bytes.Length >> 8));
            body.Add((byte)bytes.Length);
            body.AddRange(bytes);
        }
    }
}
