// nanoFramework: nanoFramework.Azure.Devices nanoFramework.Azure.Devices.Client/{Twin,TwinProperties,TwinCollection,
// TwinUpdateEventArgs}.cs (assembly nanoFramework.Azure.Devices.Client, namespace nanoFramework.Azure.Devices.Shared).
// Only what hal/NfCerts.Hal.Nano/NanoHubTransport.cs uses: the twin's two collections as JSON, a collection from JSON,
// its $version, and the desired-patch event.
using System;

namespace nanoFramework.Azure.Devices.Shared
{
    public class Twin
    {
        public Twin() { }
        public TwinProperties Properties { get => throw null; set { } }
    }

    public class TwinProperties
    {
        public TwinProperties() { }
        public TwinCollection Desired { get => throw null; set { } }
        public TwinCollection Reported { get => throw null; set { } }
    }

    public class TwinCollection
    {
        public TwinCollection(string twinJson) { }
        public long Version => throw null;
        public string ToJson() => throw null;
    }

    public delegate void TwinUpdated(object sender, TwinUpdateEventArgs e);

    public class TwinUpdateEventArgs : EventArgs
    {
        public TwinUpdateEventArgs(TwinCollection twin) { }
        public TwinCollection Twin { get => throw null; set { } }
    }
}
