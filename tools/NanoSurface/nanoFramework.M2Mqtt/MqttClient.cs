// nanoFramework: nanoFramework.m2mqtt M2Mqtt/MqttClient.cs, M2Mqtt/Exceptions/{MqttConnectionException,
// MqttCommunicationException}.cs (assembly nanoFramework.M2Mqtt, see M2Mqtt/nanoFramework.M2Mqtt.nfproj; package
// nanoFramework.M2Mqtt 5.1). Only what hal/NfCerts.Hal.Nano/NanoMqttTransport.cs uses. What the source shows and the
// transport relies on: the constructor resolves the host (Dns.GetHostEntry, throws when it cannot); Connect opens the
// socket and the TLS handshake (any failure there becomes MqttConnectionException with the cause inside), sends CONNECT
// and waits for CONNACK (MqttCommunicationException when none comes in MqttSettings' default timeout or the broker closes
// first) and returns the CONNACK code; Subscribe and Publish only queue the packet and return its message id, the
// SUBACK/PUBACK arriving later as MqttMsgSubscribed/MqttMsgPublished; all events are raised on the client's one dispatch
// thread, in order; ConnectionClosed follows Disconnect() as well as a connection the peer dropped; Close() stops the
// threads and closes the channel without sending DISCONNECT.
namespace nanoFramework.M2Mqtt
{
    public class MqttClient : IMqttClient, System.IDisposable
    {
        public MqttClient(string brokerHostName, int brokerPort, bool secure, System.Security.Cryptography.X509Certificates.X509Certificate caCert,
            System.Security.Cryptography.X509Certificates.X509Certificate clientCert, MqttSslProtocols sslProtocol) { }

        public event IMqttClient.MqttMsgPublishEventHandler MqttMsgPublishReceived { add { } remove { } }
        public event IMqttClient.MqttMsgPublishedEventHandler MqttMsgPublished { add { } remove { } }
        public event IMqttClient.MqttMsgSubscribedEventHandler MqttMsgSubscribed { add { } remove { } }
        public event IMqttClient.ConnectionClosedEventHandler ConnectionClosed { add { } remove { } }

        public bool IsConnected => throw null;

        public nanoFramework.M2Mqtt.Messages.MqttReasonCode Connect(string clientId, string username, string password, bool cleanSession, ushort keepAlivePeriod) => throw null;
        public ushort Subscribe(string[] topics, nanoFramework.M2Mqtt.Messages.MqttQoSLevel[] qosLevels) => throw null;
        public ushort Publish(string topic, byte[] message, string contentType, System.Collections.ArrayList userProperties,
            nanoFramework.M2Mqtt.Messages.MqttQoSLevel qosLevel, bool retain) => throw null;
        public void Disconnect() => throw null;
        public void Close() => throw null;
        public void Dispose() => throw null;
    }
}

namespace nanoFramework.M2Mqtt.Exceptions
{
    public class MqttConnectionException : System.Exception
    {
        public MqttConnectionException(string message, System.Exception innerException) { }
    }

    public class MqttCommunicationException : System.Exception
    {
        public MqttCommunicationException() { }
        public MqttCommunicationException(System.Exception e) { }
    }
}
