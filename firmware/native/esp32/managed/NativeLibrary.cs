using System.Runtime.CompilerServices;

namespace NfCerts.Esp32
{
    /// <summary>Identifies the native half of this library in the firmware image.</summary>
    /// <remarks>
    /// Every class of this assembly holds only <c>InternalCall</c> methods and constants: the firmware binds native
    /// code by the position of each method in the assembly and by a checksum over all of them, so a managed helper
    /// added here would shift the table. Managed logic lives in hal/NfCerts.Hal.Nano.
    /// </remarks>
    public static class NativeLibrary
    {
        /// <summary>The interface version this managed assembly expects from <see cref="GetInterfaceVersion"/>.</summary>
        public const int InterfaceVersion = 3;

        /// <summary>Returns the native interface version. On a firmware image without this library the runtime
        /// throws <see cref="System.NotSupportedException"/> instead (the method has no native code).</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int GetInterfaceVersion();
    }
}
