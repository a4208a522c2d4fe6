// nanoFramework: nanoFramework.Azure.Devices nanoFramework.Azure.Devices.Client/{DeviceClient,Status,IoTHubStatus,
// StatusUpdatedEventArgs,CloudToDeviceMessage}.cs (assembly nanoFramework.Azure.Devices.Client, package
// nanoFramework.Azure.Devices.Client 1.2). Only the members hal/NfCerts.Hal.Nano/NanoHubTransport.cs uses, with their
// exact signatures: the X.509 constructor (port 8883 is fixed inside Open), Open/Close/Dispose, IsConnected, GetTwin,
// UpdateReportedProperties, SendMessage, and the three events with their delegates and arguments.
using System;
using System.Collections;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using nanoFramework.Azure.Devices.Shared;
using nanoFramework.M2Mqtt.Messages;

namespace nanoFramework.Azure.Devices.Client
{
    public class DeviceClient : IDisposable
    {
        public DeviceClient(string iotHubName, string deviceId, X509Certificate2 clientCert, MqttQoSLevel qosLevel = MqttQoSLevel.AtMostOnce, X509Certificate azureCert = null, string modelId = null) => throw null;
        public event TwinUpdated TwinUpdated { add { } remove { } }
        public event StatusUpdated StatusUpdated { add { } remove { } }
        public event CloudToDeviceMessage CloudToDeviceMessage { add { } remove { } }
        public bool IsConnected => throw null;
        public bool Open() => throw null;
        public void Close() => throw null;
        public Twin GetTwin(CancellationToken cancellationToken = default) => throw null;
        public bool UpdateReportedProperties(TwinCollection reported, CancellationToken cancellationToken = default) => throw null;
        public bool SendMessage(string message, CancellationToken cancellationToken = default, string dtdlComponentname = "") => throw null;
        public void AddMethodCallback(MethodCallback methodCallback) { }
        public void Dispose() => throw null;
    }

    public enum Status
    {
        Connected,
        Disconnected,
    }

    public class IoTHubStatus
    {
        public IoTHubStatus() { }
        public Status Status { get => throw null; set { } }
        public string Message { get => throw null; set { } }
    }

    public delegate void StatusUpdated(object sender, StatusUpdatedEventArgs e);

    // nanoFramework.Azure.Devices.Client/MethodCallback.cs: routed by the callback method's own name.
    public delegate string MethodCallback(int rid, string payload);

    public class StatusUpdatedEventArgs : EventArgs
    {
        public StatusUpdatedEventArgs(IoTHubStatus status) { }
        public IoTHubStatus IoTHubStatus { get => throw null; set { } }
    }

    public delegate void CloudToDeviceMessage(object sender, CloudToDeviceMessageEventArgs e);

    public class CloudToDeviceMessageEventArgs : EventArgs
    {
        public CloudToDeviceMessageEventArgs(string message, string properties) { }
        public Hashtable Properties { get => throw null; set { } }
        public string Message { get => throw null; set { } }
    }
}
