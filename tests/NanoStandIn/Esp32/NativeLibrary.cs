using System;
using NfCerts.NanoStandIn;

namespace NfCerts.Esp32
{
    /// <summary>Stand-in for firmware/native/esp32/managed/NativeLibrary.cs: same names and signatures.</summary>
    public static class NativeLibrary
    {
        /// <summary>The interface version the managed half expects.</summary>
        public const int InterfaceVersion = 3;

        /// <summary>The native half's version; on a stock image the runtime finds no native code and throws.</summary>
        public static int GetInterfaceVersion()
        {
            if (!Board.HasInterop)
            {
                throw new NotSupportedException(); // CLR_E_NOT_SUPPORTED: no native implementation in this image
            }

            return Board.NativeInterfaceVersion;
        }

        /// <summary>Every native call of the library fails the same way on a stock image.</summary>
        internal static void Require()
        {
            if (!Board.HasInterop)
            {
                throw new NotSupportedException();
            }
        }
    }
}
