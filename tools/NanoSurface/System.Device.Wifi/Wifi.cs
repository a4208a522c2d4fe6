// nanoFramework: System.Device.Wifi System.Device.Wifi/{WifiAdapter,WifiConnectionResult,WifiConnectionStatus,
// WifiReconnectionKind}.cs (assembly System.Device.Wifi, package nanoFramework.System.Device.Wifi 1.5). Only the members
// hal/NfCerts.Hal.Nano/StockStation.cs calls, with their exact signatures; enum members in the firmware's order
// (nf-interpreter keeps a copy of WifiConnectionStatus in sync by value).
namespace System.Device.Wifi
{
    public sealed class WifiAdapter : IDisposable
    {
        private WifiAdapter() { }
        public int NetworkInterface => throw null;
        public static WifiAdapter[] FindAllAdapters() => throw null;
        public WifiConnectionResult Connect(string ssid, WifiReconnectionKind reconnectionKind, string passwordCredential) => throw null;
        public void Disconnect() => throw null;
        public void Dispose() => throw null;
    }

    public class WifiConnectionResult
    {
        private WifiConnectionResult() { }
        public WifiConnectionStatus ConnectionStatus => throw null;
    }

    public enum WifiConnectionStatus
    {
        AccessRevoked,
        InvalidCredential,
        NetworkNotAvailable,
        Success,
        Timeout,
        UnspecifiedFailure,
        UnsupportedAuthenticationProtocol,
    }

    public enum WifiReconnectionKind
    {
        Automatic,
        Manual,
    }
}
