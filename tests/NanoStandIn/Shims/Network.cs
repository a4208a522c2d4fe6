// Compiled into tests/NfCerts.Hal.Nano.Desktop only, like FileSystem.cs: nanoFramework's System.Net NetworkChange and
// NetworkInterface (nanoFramework.System.Net/NetworkInformation/NetworkChange.cs, NetworkInterface.cs) for the Nano HAL,
// over the stand-in board's event queue (NfCerts.NanoStandIn.NetworkEvents) and station (WifiAir). They shadow the BCL's.
using NfCerts.NanoStandIn;

namespace System.Net.NetworkInformation
{
    /// <summary>The arguments of <see cref="NetworkChange.NetworkAvailabilityChanged"/>.</summary>
    internal class NetworkAvailabilityEventArgs : EventArgs
    {
        internal NetworkAvailabilityEventArgs(bool isAvailable)
        {
            IsAvailable = isAvailable;
        }

        public bool IsAvailable { get; }
    }

    internal delegate void NetworkAddressChangedEventHandler(object sender, EventArgs e);

    internal delegate void NetworkAvailabilityChangedEventHandler(object sender, NetworkAvailabilityEventArgs e);

    /// <summary>Raises the firmware's network events on the event thread, with the interface index boxed as a ushort
    /// for sender, as NetworkChange.OnNetworkChangeCallback does.</summary>
    internal static class NetworkChange
    {
        public static event NetworkAddressChangedEventHandler NetworkAddressChanged
        {
            add
            {
                NetworkAddressChangedEventHandler handler = value;
                NetworkEvents.Subscribe(handler, (type, _, index) =>
                {
                    if (type == NetworkEvents.AddressChanged)
                    {
                        handler((ushort)index, EventArgs.Empty);
                    }
                });
            }

            remove => NetworkEvents.Unsubscribe(value);
        }

        public static event NetworkAvailabilityChangedEventHandler NetworkAvailabilityChanged
        {
            add
            {
                NetworkAvailabilityChangedEventHandler handler = value;
                NetworkEvents.Subscribe(handler, (type, available, index) =>
                {
                    if (type == NetworkEvents.AvailabilityChanged)
                    {
                        handler((ushort)index, new NetworkAvailabilityEventArgs(available));
                    }
                });
            }

            remove => NetworkEvents.Unsubscribe(value);
        }
    }

    /// <summary>A snapshot of one interface, as the native GetNetworkInterface returns it: the station's address as lwIP
    /// holds it (DHCP), the soft AP's unset.</summary>
    internal class NetworkInterface
    {
        private readonly string _ipv4Address;

        protected NetworkInterface(int interfaceIndex)
        {
            _ipv4Address = interfaceIndex == NetworkEvents.StationIndex ? WifiAir.StationAddress : WifiAir.NoAddress;
        }

        public string IPv4Address => _ipv4Address;

        public static NetworkInterface[] GetAllNetworkInterfaces()
        {
            return new[] { new NetworkInterface(NetworkEvents.StationIndex), new NetworkInterface(NetworkEvents.SoftApIndex) };
        }
    }
}
