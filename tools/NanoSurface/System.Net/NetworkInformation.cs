// nanoFramework: System.Net nanoFramework.System.Net/NetworkInformation/{NetworkChange,NetworkInterface}.cs (assembly
// System.Net, package nanoFramework.System.Net 1.11). Only the members hal/NfCerts.Hal.Nano/StockStation.cs uses, with
// their exact signatures: the two NetworkChange events (raised on the CLR's event thread with the interface index, a
// boxed ushort, as sender), their delegates and arguments, and NetworkInterface's list and IPv4 address.
namespace System.Net.NetworkInformation
{
    public class NetworkAvailabilityEventArgs : EventArgs
    {
        internal NetworkAvailabilityEventArgs(bool isAvailable) { }
        public bool IsAvailable => throw null;
    }

    public delegate void NetworkAddressChangedEventHandler(object sender, EventArgs e);

    public delegate void NetworkAvailabilityChangedEventHandler(object sender, NetworkAvailabilityEventArgs e);

    public static class NetworkChange
    {
        public static event NetworkAddressChangedEventHandler NetworkAddressChanged { add { } remove { } }
        public static event NetworkAvailabilityChangedEventHandler NetworkAvailabilityChanged { add { } remove { } }
    }

    public class NetworkInterface
    {
        protected NetworkInterface(int interfaceIndex) { }
        public static NetworkInterface[] GetAllNetworkInterfaces() => throw null;
        public string IPv4Address => throw null;
    }
}
