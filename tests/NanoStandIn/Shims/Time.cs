// Compiled into tests/NfCerts.Hal.Nano.Desktop only, like FileSystem.cs: nanoFramework's Environment.TickCount64 and
// System.Threading.Timer for the Nano HAL, on the stand-in board's clock (NfCerts.NanoStandIn.BoardTime).
using NfCerts.NanoStandIn;

namespace System
{
    /// <summary>nanoFramework.Runtime.Native's Environment: the tick count only.</summary>
    internal static class Environment
    {
        public static long TickCount64 => BoardTime.TickCount64;
    }
}

namespace System.Threading
{
    /// <summary>mscorlib's Timer, on the board's clock.</summary>
    internal sealed class Timer : IDisposable
    {
        private readonly BoardTimer _inner;

        public Timer(TimerCallback callback, object? state, int dueTime, int period)
        {
            _inner = new BoardTimer(callback, state, dueTime, period);
        }

        public bool Change(int dueTime, int period) => _inner.Change(dueTime, period);

        public void Dispose() => _inner.Dispose();
    }
}
