using System;

namespace NfCerts.Hal
{
    /// <summary>How to reach an IoT hub as one device with X.509 authentication.</summary>
    public class HubConnectOptions
    {
        /// <summary>The hub's host name, e.g. <c>contoso.azure-devices.net</c>.</summary>
        public string HostName = "";
        /// <summary>MQTT over TLS port, 8883 on a real hub.</summary>
        public int Port = 8883;
        /// <summary>Device ID (MQTT client ID).</summary>
        public string DeviceId = "";
        /// <summary>Device certificate chain: the leaf's DER, optionally followed back to back by the DER of its intermediates
        /// (leaf first, each issued by the next), all of which are presented in the TLS handshake.</summary>
        public byte[]? ClientCertificate;
        /// <summary>Device private key, DER; goes to the TLS stack only.</summary>
        public byte[]? ClientKey;
        /// <summary>Roots trusted for the hub's chain, DER each: all of them are trusted together.</summary>
        // Oblivious on purpose: byte[][]? is annotated with NullableAttribute(byte[]), which nanoFramework's metadata
        // processor encodes, and nanoCLR parses, only since May 2026 (see DeviceAssemblyMetadataTests).
#nullable disable
        public byte[][] TrustedRoots;
#nullable restore
        /// <summary>The DTDL model the device announces (<c>dtmi:...;1</c>, sent as <c>&amp;model-id=</c> in the username), or empty.</summary>
        public string ModelId = "";
        /// <summary>Give up connecting or waiting for a reply after this long.</summary>
        public TimeSpan Timeout = TimeSpan.FromSeconds(30);
    }

    /// <summary>Why a hub operation failed.</summary>
    public enum HubFailure
    {
        /// <summary>TLS or TCP failed (see the message).</summary>
        Transport = 1,
        /// <summary>The hub refused the device (MQTT CONNACK not accepted).</summary>
        Refused = 2,
        /// <summary>No reply in time.</summary>
        Timeout = 3,
        /// <summary>The hub answered with an error status (see <see cref="HubException.Status"/>), e.g. 429 throttled.</summary>
        Status = 4,
        /// <summary>Not connected.</summary>
        NotConnected = 5,
    }

    /// <summary>A hub operation failed.</summary>
    public class HubException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public HubException(HubFailure failure, int status, string message) : base(message)
        {
            Failure = failure;
            Status = status;
        }

        /// <summary>Why it failed.</summary>
        public HubFailure Failure { get; private set; }
        /// <summary>The hub's status code for <see cref="HubFailure.Status"/>, else 0.</summary>
        public int Status { get; private set; }
    }

    /// <summary>A cloud-to-device message. It has already been acknowledged when it arrives: persist before acting.</summary>
    public class HubMessage
    {
        /// <summary>Creates a message.</summary>
        public HubMessage(byte[] body, string properties)
        {
            Body = body;
            Properties = properties;
        }

        /// <summary>The body as sent.</summary>
        public byte[] Body { get; private set; }
        /// <summary>The application properties as the URL-encoded bag from the topic (<c>a=1&amp;b=x</c>), possibly empty.</summary>
        public string Properties { get; private set; }
    }

    /// <summary>A direct method call; the handler fills in <see cref="Status"/> and <see cref="ResponseJson"/>.</summary>
    public class HubMethodCall
    {
        /// <summary>Creates a call.</summary>
        public HubMethodCall(string name, string payloadJson)
        {
            Name = name;
            PayloadJson = payloadJson;
            Status = 501;
            ResponseJson = "{}";
        }

        /// <summary>Method name.</summary>
        public string Name { get; private set; }
        /// <summary>Request payload, JSON text.</summary>
        public string PayloadJson { get; private set; }
        /// <summary>Response status (HTTP-like: 200 OK, 400 bad request, 501 unknown method).</summary>
        public int Status;
        /// <summary>Response payload, JSON text.</summary>
        public string ResponseJson;
    }

    /// <summary>Raised for each C2D message.</summary>
    public delegate void HubMessageHandler(object sender, HubMessage message);
    /// <summary>Raised for each desired-properties patch; <paramref name="patchJson"/> includes <c>$version</c>.</summary>
    public delegate void HubDesiredHandler(object sender, string patchJson, int version);
    /// <summary>Raised for each direct method call; the handler sets the response on <paramref name="call"/> before returning.</summary>
    public delegate void HubMethodHandler(object sender, HubMethodCall call);
    /// <summary>Raised when the connection drops without <see cref="IHubTransport.Disconnect"/>.</summary>
    public delegate void HubDisconnectedHandler(object sender, string reason);

    /// <summary>IoT Hub device protocol (MQTT 3.1.1 over TLS, X.509 client authentication).</summary>
    /// <remarks>
    /// <para>One connection at a time. There is no automatic reconnect: after <see cref="Disconnected"/> the caller
    /// reconnects and must GET the twin again, since desired-property patches sent while offline are not replayed.</para>
    /// <para>Events are raised on an implementation thread, one at a time. Blocking calls throw <see cref="HubException"/>.</para>
    /// </remarks>
    public interface IHubTransport
    {
        /// <summary>Connects and subscribes to C2D, twin responses, desired patches and methods.</summary>
        void Connect(HubConnectOptions options);

        /// <summary>Closes the connection, if any. Idempotent.</summary>
        void Disconnect();

        /// <summary>True while connected.</summary>
        bool IsConnected { get; }

        /// <summary>Gets the full twin as JSON text (<c>{"desired":{...},"reported":{...}}</c>).</summary>
        string GetTwin();

        /// <summary>Patches reported properties with <paramref name="patchJson"/> (a JSON object); returns the new reported version.</summary>
        int PatchReported(string patchJson);

        /// <summary>Sends a device-to-cloud message.</summary>
        void SendEvent(byte[] body, string properties);

        /// <summary>C2D messages.</summary>
        event HubMessageHandler MessageReceived;
        /// <summary>Desired-property patches.</summary>
        event HubDesiredHandler DesiredPropertiesChanged;
        /// <summary>Direct method calls.</summary>
        event HubMethodHandler MethodCalled;
        /// <summary>Connection lost.</summary>
        event HubDisconnectedHandler Disconnected;
    }
}
