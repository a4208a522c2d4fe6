// nanoFramework: System.Net nanoFramework.System.Net/{DNS,IPAddress,IPEndPoint,EndPoint,IPHostEntry,SocketException}.cs and
// Sockets/{Socket,NetworkStream,AddressFamily,SocketType,ProtocolType}.cs (assembly System.Net, package
// nanoFramework.System.Net 1.11). Only what hal/NfCerts.Hal.Nano/NanoTlsConnector.cs uses: resolve a name, open a TCP
// socket with receive/send timeouts (milliseconds, 0 or -1 infinite), and catch SocketException (an Exception, not an
// IOException, whose ErrorCode is the lwIP/mbedTLS code the native layer returned).
namespace System.Net.Sockets
{
    public enum AddressFamily
    {
        InterNetwork = 2,
        InterNetworkV6 = 23,
    }

    public enum SocketType
    {
        Stream = 1,
    }

    public enum ProtocolType
    {
        Tcp = 6,
    }

    public enum SocketError
    {
        TimedOut = 10060,
    }

    public class SocketException : Exception
    {
        public SocketException(SocketError errorCode) { }
        public int ErrorCode => throw null;
    }

    public class Socket : IDisposable
    {
        public Socket(AddressFamily addressFamily, SocketType socketType, ProtocolType protocolType) { }
        public int ReceiveTimeout { get => throw null; set => throw null; }
        public int SendTimeout { get => throw null; set => throw null; }
        public void Connect(EndPoint remoteEP) => throw null;
        public void Close() => throw null;
        public void Dispose() => throw null;
    }

    public class NetworkStream : System.IO.Stream
    {
        public NetworkStream(Socket socket, bool ownsSocket) { }
        public override bool CanRead => throw null;
        public override bool CanSeek => throw null;
        public override bool CanTimeout => throw null;
        public override bool CanWrite => throw null;
        public override long Length => throw null;
        public override long Position { get => throw null; set => throw null; }
        public virtual bool DataAvailable => throw null;
        public override void Flush() => throw null;
        public override int Read(byte[] buffer, int offset, int count) => throw null;
        public override long Seek(long offset, System.IO.SeekOrigin origin) => throw null;
        public override void SetLength(long value) => throw null;
        public override void Write(byte[] buffer, int offset, int count) => throw null;
        protected override void Dispose(bool disposing) => throw null;
    }
}

namespace System.Net
{
    public abstract class EndPoint
    {
    }

    public class IPAddress
    {
        public IPAddress(long newAddress) { }
        public System.Net.Sockets.AddressFamily AddressFamily => throw null;
    }

    public class IPEndPoint : EndPoint
    {
        public IPEndPoint(IPAddress address, int port) { }
    }

    public class IPHostEntry
    {
        public IPAddress[] AddressList => throw null;
    }

    public static class Dns
    {
        public static IPHostEntry GetHostEntry(string hostNameOrAddress) => throw null;
    }
}
