// Compiled into tests/NfCerts.Hal.Nano.Desktop only, like FileSystem.cs: nanoFramework.M2Mqtt's MqttClient and the types
// of nanoFramework.M2Mqtt.Core it uses (nanoframework/nanoFramework.m2mqtt M2Mqtt/MqttClient.cs, Net/MqttNetworkChannel.cs,
// Messages/*.cs), here because the client takes the board's X509Certificate (Shims/Tls.cs). The channel is the board's
// SslStream over a socket, as MqttNetworkChannel opens it (UseStoredDeviceCertificate when there is no client
// certificate; TLSv1_3 refused with ArgumentException); the protocol is NfCerts.NanoStandIn.M2Mqtt.MqttSession.
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using nanoFramework.M2Mqtt.Exceptions;
using nanoFramework.M2Mqtt.Messages;
using NfCerts.NanoStandIn.M2Mqtt;

namespace nanoFramework.M2Mqtt
{
    internal enum MqttSslProtocols
    {
        None,
        TLSv1_0,
        TLSv1_1,
        TLSv1_2,
        TLSv1_3,
    }

    internal interface IMqttClient
    {
        public delegate void MqttMsgPublishEventHandler(object sender, MqttMsgPublishEventArgs e);

        public delegate void MqttMsgPublishedEventHandler(object sender, MqttMsgPublishedEventArgs e);

        public delegate void MqttMsgSubscribedEventHandler(object sender, MqttMsgSubscribedEventArgs e);

        public delegate void ConnectionClosedEventHandler(object sender, System.EventArgs e);
    }

    internal class MqttClient : IMqttClient, System.IDisposable
    {
        private readonly string _host;
        private readonly IPAddress _address;
        private readonly int _port;
        private readonly X509Certificate? _caCert;
        private readonly X509Certificate? _clientCert;
        private readonly MqttSslProtocols _protocol;
        private MqttSession? _session;
        private Socket? _socket;

        public MqttClient(string brokerHostName, int brokerPort, bool secure, X509Certificate? caCert, X509Certificate? clientCert, MqttSslProtocols sslProtocol)
        {
            if (!secure)
            {
                throw new System.NotSupportedException("the stand-in connects over TLS only");
            }
            IPAddress? first = null;
            foreach (IPAddress a in Dns.GetHostEntry(brokerHostName).AddressList)
            {
                // The board's lwIP resolver answers IPv4; the host's may list ::1 first.
                if (a.AddressFamily == AddressFamily.InterNetwork)
                {
                    first = a;
                    break;
                }
            }
            _address = first ?? throw new System.Exception("No address found for the remote host name");
            _host = brokerHostName;
            _port = brokerPort;
            _caCert = caCert;
            _clientCert = clientCert;
            _protocol = sslProtocol;
        }

        public event IMqttClient.MqttMsgPublishEventHandler? MqttMsgPublishReceived;
        public event IMqttClient.MqttMsgPublishedEventHandler? MqttMsgPublished;
        public event IMqttClient.MqttMsgSubscribedEventHandler? MqttMsgSubscribed;
        public event IMqttClient.ConnectionClosedEventHandler? ConnectionClosed;

        public bool IsConnected { get; private set; }

        public MqttReasonCode Connect(string clientId, string? username, string? password, bool cleanSession, ushort keepAlivePeriod)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _socket = socket;
            SslStream ssl;
            try
            {
                socket.Connect(new IPEndPoint(_address, _port));
                ssl = new SslStream(socket);
                ssl.UseStoredDeviceCertificate = _clientCert is null;
                ssl.AuthenticateAsClient(_host, _clientCert, _caCert, ToPlatform(_protocol));
            }
            catch (SocketException ex)
            {
                socket.Close();
                throw new MqttConnectionException("Socket exception connecting to the broker: " + ex.ErrorCode, ex);
            }
            catch (System.Exception ex)
            {
                socket.Close();
                throw new MqttConnectionException("Exception connecting to the broker", ex);
            }
            var session = new MqttSession(ssl, () => ssl.Dispose());
            session.Received += (topic, payload, qos) =>
                MqttMsgPublishReceived?.Invoke(this, new MqttMsgPublishEventArgs(topic, payload, false, (MqttQoSLevel)qos, false));
            session.Published += (id, ok) => MqttMsgPublished?.Invoke(this, new MqttMsgPublishedEventArgs(id, ok));
            session.Subscribed += (id, granted) =>
                MqttMsgSubscribed?.Invoke(this, new MqttMsgSubscribedEventArgs(id, System.Array.ConvertAll(granted, g => (MqttQoSLevel)g)));
            session.Closed += () =>
            {
                IsConnected = false;
                ConnectionClosed?.Invoke(this, System.EventArgs.Empty);
            };
            _session = session;
            int code;
            try
            {
                code = session.Connect(clientId, username, password, cleanSession, keepAlivePeriod);
            }
            catch (System.Exception)
            {
                // A peer that closed, or no CONNACK in time: M2Mqtt's SendReceive throws MqttCommunicationException() for both.
                throw new MqttCommunicationException();
            }
            IsConnected = code == 0;
            return (MqttReasonCode)code;
        }

        public ushort Subscribe(string[] topics, MqttQoSLevel[] qosLevels)
            => Session().Subscribe(topics, System.Array.ConvertAll(qosLevels, q => (byte)q));

        public ushort Publish(string topic, byte[] message, string? contentType, System.Collections.ArrayList? userProperties, MqttQoSLevel qosLevel, bool retain)
            => Session().Publish(topic, message, (int)qosLevel);

        public void Disconnect()
        {
            try
            {
                Session().Disconnect();
            }
            catch (System.Exception e)
            {
                throw new MqttCommunicationException(e);
            }
        }

        public void Close()
        {
            // As MqttNetworkChannel.Close: the socket goes too, which also ends a handshake in progress.
            _session?.Close();
            _socket?.Close();
            IsConnected = false;
        }

        public void Dispose() => Close();

        private MqttSession Session() => _session ?? throw new MqttCommunicationException();

        private static SslProtocols ToPlatform(MqttSslProtocols protocol) => protocol switch
        {
            MqttSslProtocols.None => SslProtocols.None,
            MqttSslProtocols.TLSv1_2 => SslProtocols.Tls12,
            MqttSslProtocols.TLSv1_3 => throw new System.ArgumentException("TLS 1.3 is currently disabled, awaiting support from OS/Device Firmware."),
            _ => throw new System.ArgumentException("SSL/TLS protocol version not supported"),
        };
    }
}

namespace nanoFramework.M2Mqtt.Messages
{
    internal enum MqttQoSLevel : byte
    {
        AtMostOnce = 0x00,
        AtLeastOnce = 0x01,
        ExactlyOnce = 0x02,
        GrantedFailure = 0x80,
    }

    internal enum MqttReasonCode : byte
    {
        Success = 0x00,
    }

    internal class MqttMsgPublishEventArgs : System.EventArgs
    {
        public MqttMsgPublishEventArgs(string topic, byte[] message, bool dupFlag, MqttQoSLevel qosLevel, bool retain)
        {
            Topic = topic;
            Message = message;
        }

        public string Topic { get; }
        public byte[] Message { get; }
    }

    internal class MqttMsgPublishedEventArgs : System.EventArgs
    {
        public MqttMsgPublishedEventArgs(ushort messageId, bool isPublished)
        {
            MessageId = messageId;
            IsPublished = isPublished;
        }

        public ushort MessageId { get; }
        public bool IsPublished { get; }
    }

    internal class MqttMsgSubscribedEventArgs : System.EventArgs
    {
        public MqttMsgSubscribedEventArgs(ushort messageId, MqttQoSLevel[] grantedQosLevels)
        {
            MessageId = messageId;
            GrantedQoSLevels = grantedQosLevels;
        }

        public ushort MessageId { get; }
        public MqttQoSLevel[] GrantedQoSLevels { get; }
    }
}

namespace nanoFramework.M2Mqtt.Exceptions
{
    internal class MqttConnectionException : System.Exception
    {
        public MqttConnectionException(string message, System.Exception innerException) : base(message, innerException)
        {
        }
    }

    internal class MqttCommunicationException : System.Exception
    {
        public MqttCommunicationException()
        {
        }

        public MqttCommunicationException(System.Exception e) : base(e.Message, e)
        {
        }
    }
}
