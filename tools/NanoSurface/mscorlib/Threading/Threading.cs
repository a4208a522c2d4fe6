// nanoFramework: CoreLibrary nanoFramework.CoreLibrary/System/Threading/{Thread,ThreadStart,Timer,Timeout,WaitHandle,
// AutoResetEvent,ManualResetEvent,Monitor,Interlocked}.cs (assembly mscorlib; the nanoFramework.System.Threading
// package adds other types that portable code does not use). Differences from .NET: WaitHandle is not IDisposable;
// Monitor has only Enter(object)/Exit(object) (the compiler falls back to them for lock); Interlocked is int-only;
// WaitOne(int) without exitContext does not exist; there is no ThreadPool, Task or CancellationToken here.
namespace System.Threading
{
    public delegate void ThreadStart();

    public delegate void TimerCallback(object state);

    public static class Timeout
    {
        public const int Infinite = -1;
    }

    public sealed class Thread
    {
        public Thread(ThreadStart start) { }
        public void Start() => throw null;
        public void Join() => throw null;
        public bool Join(int millisecondsTimeout) => throw null;
        public bool Join(TimeSpan timeout) => throw null;
        public bool IsAlive => throw null;
        public int ManagedThreadId => throw null;
        public static void Sleep(int millisecondsTimeout) => throw null;
        public static void Sleep(TimeSpan timeout) => throw null;
        public static Thread CurrentThread => throw null;
    }

    public sealed class Timer : IDisposable
    {
        public Timer(TimerCallback callback, object state, int dueTime, int period) { }
        public Timer(TimerCallback callback, object state, TimeSpan dueTime, TimeSpan period) { }
        public bool Change(int dueTime, int period) => throw null;
        public bool Change(TimeSpan dueTime, TimeSpan period) => throw null;
        public void Dispose() => throw null;
    }

    public abstract class WaitHandle
    {
        public const int WaitTimeout = 0x102;
        public virtual bool WaitOne(int millisecondsTimeout, bool exitContext) => throw null;
        public virtual bool WaitOne() => throw null;
        public static bool WaitAll(WaitHandle[] waitHandles, int millisecondsTimeout, bool exitContext) => throw null;
        public static bool WaitAll(WaitHandle[] waitHandles) => throw null;
        public static int WaitAny(WaitHandle[] waitHandles, int millisecondsTimeout, bool exitContext) => throw null;
        public static int WaitAny(WaitHandle[] waitHandles) => throw null;
    }

    public sealed class AutoResetEvent : WaitHandle
    {
        public AutoResetEvent(bool initialState) { }
        public bool Reset() => throw null;
        public bool Set() => throw null;
    }

    public sealed class ManualResetEvent : WaitHandle
    {
        public ManualResetEvent(bool initialState) { }
        public bool Reset() => throw null;
        public bool Set() => throw null;
    }

    public static class Monitor
    {
        public static void Enter(object obj) => throw null;
        public static void Exit(object obj) => throw null;
    }

    public static class Interlocked
    {
        public static int Increment(ref int location) => throw null;
        public static int Decrement(ref int location) => throw null;
        public static int Exchange(ref int location1, int value) => throw null;
        public static int CompareExchange(ref int location1, int value, int comparand) => throw null;
    }
}
