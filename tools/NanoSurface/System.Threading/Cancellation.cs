// nanoFramework: System.Threading nanoFramework.System.Threading/Threading/{CancellationToken,CancellationTokenSource}.cs
// (assembly System.Threading, package nanoFramework.System.Threading 1.1; not in mscorlib). Only what DeviceClient's
// signatures name and hal/NfCerts.Hal.Nano/NanoHubTransport.cs uses: the token (a struct) and a source cancelled after
// a delay.
namespace System.Threading
{
    public struct CancellationToken
    {
    }

    public class CancellationTokenSource : IDisposable
    {
        public CancellationTokenSource(int millisecondsDelay) { }
        public CancellationToken Token => throw null;
        public void Dispose() { }
    }
}
