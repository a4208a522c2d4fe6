// nanoFramework: nanoFramework.Runtime.Native nanoFramework.Runtime.Native/System/Environment.cs (assembly
// nanoFramework.Runtime.Native, package nanoFramework.Runtime.Native; namespace System). The only Environment member
// nanoFramework has: a monotonic millisecond count since boot. Used by hal/NfCerts.Hal.Nano for uptime.
namespace System
{
    public static class Environment
    {
        public static long TickCount64 => throw null;
    }
}
