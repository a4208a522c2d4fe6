using System;

namespace NfCerts.Hal
{
    /// <summary>How to reach an MQTT 3.1.1 server over TLS.</summary>
    public class MqttConnectOptions
    {
        /// <summary>The server's host name (checked against its certificate), e.g. <c>global.azure-devices-provisioning.net</c>.</summary>
        public string HostName = "";
        /// <summary>TLS port, 8883 for DPS and IoT Hub.</summary>
        public int Port = 8883;
        /// <summary>MQTT client identifier.</summary>
        public string ClientId = "";
        /// <summary>MQTT user name, or empty for none.</summary>
        public string Username = "";
        /// <summary>MQTT password, or empty for none (X.509 authentication sends none).</summary>
        public string Password = "";
        /// <summary>Client certificate chain: the leaf's DER, optionally followed back to back by the DER of its intermediates
        /// (leaf first, each issued by the next), all presented in the TLS handshake; null for no client certificate.</summary>
        public byte[]? ClientCertificate;
        /// <summary>The client certificate's private key, DER; goes to the TLS stack only.</summary>
        public byte[]? ClientKey;
        /// <summary>The only roots trusted for the server's chain, DER each (never a system store).</summary>
        // Oblivious on purpose, as HubConnectOptions.TrustedRoots (see the comment in IHubTransport.cs).
#nullable disable
        public byte[][] TrustedRoots;
#nullable restore
        /// <summary>Give up connecting, subscribing or publishing (QoS 1) after this long.</summary>
        public TimeSpan Timeout = TimeSpan.FromSeconds(30);
        /// <summary>MQTT keep-alive period.</summary>
        public TimeSpan KeepAlive = TimeSpan.FromSeconds(60);
    }

    /// <summary>Why an MQTT operation failed.</summary>
    public enum MqttFailure
    {
        /// <summary>TCP or TLS failed: no route, refused, or the server's certificate is not trusted (see the message).</summary>
        Transport = 1,
        /// <summary>The server refused the connection (CONNACK not accepted; see <see cref="MqttException.ReturnCode"/>).</summary>
        Refused = 2,
        /// <summary>No answer in time.</summary>
        Timeout = 3,
        /// <summary>Not connected.</summary>
        NotConnected = 4,
    }

    /// <summary>An MQTT operation failed.</summary>
    public class MqttException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public MqttException(MqttFailure failure, int returnCode, string message) : base(message)
        {
            Failure = failure;
            ReturnCode = returnCode;
        }

        /// <summary>Why it failed.</summary>
        public MqttFailure Failure { get; private set; }
        /// <summary>The MQTT 3.1.1 CONNACK return code for <see cref="MqttFailure.Refused"/> (4 bad user name or password,
        /// 5 not authorized, ...), else 0.</summary>
        public int ReturnCode { get; private set; }
    }

    /// <summary>Raised for each PUBLISH the server sends on a subscribed topic.</summary>
    public delegate void MqttMessageHandler(object sender, string topic, byte[] body);

    /// <summary>Raised when the connection drops without <see cref="IMqttTransport.Disconnect"/>.</summary>
    public delegate void MqttDisconnectedHandler(object sender, string reason);

    /// <summary>A small MQTT 3.1.1 client over TLS: one connection, QoS 0 and 1, no automatic reconnect.</summary>
    /// <remarks>
    /// <para>The server's chain must lead to one of <see cref="MqttConnectOptions.TrustedRoots"/> and match
    /// <see cref="MqttConnectOptions.HostName"/>; the client chain and key are presented when given. Sessions are clean.</para>
    /// <para>Events are raised on one implementation thread, one at a time, in arrival order; a handler must not block for
    /// long. Blocking calls throw <see cref="MqttException"/>. After <see cref="Disconnected"/> nothing is raised until the
    /// next <see cref="Connect"/>.</para>
    /// </remarks>
    public interface IMqttTransport
    {
        /// <summary>Connects (TCP, TLS, MQTT CONNECT/CONNACK) within the options' timeout. Throws when already connected.</summary>
        void Connect(MqttConnectOptions options);

        /// <summary>Subscribes to <paramref name="topicFilter"/> at QoS <paramref name="qos"/> (0 or 1) and waits for SUBACK.</summary>
        void Subscribe(string topicFilter, int qos);

        /// <summary>Publishes <paramref name="body"/> (possibly empty) at QoS <paramref name="qos"/> (0 or 1; with 1, waits for PUBACK).</summary>
        void Publish(string topic, byte[] body, int qos);

        /// <summary>Sends DISCONNECT and closes the connection, if any. Idempotent; raises no <see cref="Disconnected"/>.</summary>
        void Disconnect();

        /// <summary>True while connected.</summary>
        bool IsConnected { get; }

        /// <summary>Messages on subscribed topics.</summary>
        event MqttMessageHandler MessageReceived;

        /// <summary>Connection lost.</summary>
        event MqttDisconnectedHandler Disconnected;
    }
}
