// nanoFramework: nanoFramework.m2mqtt M2Mqtt/Messages/MqttQoSLevel.cs (compiled into assembly nanoFramework.M2Mqtt.Core,
// see nanoFramework.M2Mqtt.Core/nanoFramework.M2Mqtt.Core.nfproj; package nanoFramework.M2Mqtt 5.1). An int enum. Only
// what hal/NfCerts.Hal.Nano/NanoHubTransport.cs passes to DeviceClient's constructor, plus the member its default names.
namespace nanoFramework.M2Mqtt.Messages
{
    public enum MqttQoSLevel
    {
        AtMostOnce = 0x00,
        AtLeastOnce = 0x01,
    }
}
