// nanoFramework: nanoFramework.m2mqtt, the files nanoFramework.M2Mqtt.Core/nanoFramework.M2Mqtt.Core.nfproj compiles
// (IMqttClient.cs, MqttSslProtocols.cs, Messages/MqttReasonCode.cs, Messages/MqttMsgPublishEventArgs.cs,
// Messages/MqttMsgPublishedEventArgs.cs, Messages/MqttMsgSubscribedEventArgs.cs; package nanoFramework.M2Mqtt 5.1).
// Only what hal/NfCerts.Hal.Nano/NanoMqttTransport.cs uses. MqttClient (assembly nanoFramework.M2Mqtt) types its events
// with the delegates nested in IMqttClient (M2Mqtt/MqttClient.cs: "event IMqttClient.MqttMsgPublishEventHandler ...").
// MqttSslProtocols in the order M2Mqtt/Net/MqttNetworkChannel.cs (MqttSslUtility.ToSslPlatformEnum) lists it, which
// throws for TLSv1_3. MqttReasonCode: only Success (0, the CONNACK return code 0); other CONNACK codes are compared by
// number. The event arguments' setters are internal in the library and not declared.
namespace nanoFramework.M2Mqtt
{
    public enum MqttSslProtocols
    {
        None,
        TLSv1_0,
        TLSv1_1,
        TLSv1_2,
        TLSv1_3,
    }

    public interface IMqttClient
    {
        public delegate void MqttMsgPublishEventHandler(object sender, nanoFramework.M2Mqtt.Messages.MqttMsgPublishEventArgs e);

        public delegate void MqttMsgPublishedEventHandler(object sender, nanoFramework.M2Mqtt.Messages.MqttMsgPublishedEventArgs e);

        public delegate void MqttMsgSubscribedEventHandler(object sender, nanoFramework.M2Mqtt.Messages.MqttMsgSubscribedEventArgs e);

        public delegate void ConnectionClosedEventHandler(object sender, System.EventArgs e);
    }
}

namespace nanoFramework.M2Mqtt.Messages
{
    public enum MqttReasonCode : byte
    {
        Success = 0x00,
    }

    public class MqttMsgPublishEventArgs : System.EventArgs
    {
        public MqttMsgPublishEventArgs(string topic, byte[] message, bool dupFlag, MqttQoSLevel qosLevel, bool retain) { }
        public string Topic => throw null;
        public byte[] Message => throw null;
    }

    public class MqttMsgPublishedEventArgs : System.EventArgs
    {
        public MqttMsgPublishedEventArgs(ushort messageId, bool isPublished) { }
        public ushort MessageId => throw null;
        public bool IsPublished => throw null;
    }

    public class MqttMsgSubscribedEventArgs : System.EventArgs
    {
        public MqttMsgSubscribedEventArgs(ushort messageId, MqttQoSLevel[] grantedQosLevels) { }
        public ushort MessageId => throw null;
        public MqttQoSLevel[] GrantedQoSLevels => throw null;
    }
}
