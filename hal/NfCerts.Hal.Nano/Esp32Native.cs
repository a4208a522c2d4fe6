using System;
using NfCerts.Esp32;

namespace NfCerts.Hal.Nano
{
    /// <summary>Tells whether the firmware image carries the nf.Certs ESP32 interop library (firmware/native/esp32).</summary>
    /// <remarks>
    /// <para>On a stock nanoFramework image the managed assembly NfCerts.Esp32 still loads, but its methods have no
    /// native code: the runtime throws <see cref="NotSupportedException"/> at the first call. The probe makes that one
    /// call, catches it, and remembers the answer for the life of the process. An image whose native half has another
    /// interface version counts as absent too, so a stale firmware never half-works.</para>
    /// <para>Absent means: no EAP-TLS (<see cref="NanoWifiRadio"/> is unusable), no native key vault, and the store on a
    /// file on <c>I:</c> (<see cref="StoreFlash"/>).</para>
    /// </remarks>
    public static class Esp32Native
    {
        private static readonly object Gate = new object();
        private static int _state; // 0 unknown, 1 present, 2 absent

        /// <summary>True when the native library is in the firmware with the interface version this code was built for.</summary>
        public static bool IsAvailable
        {
            get
            {
                lock (Gate)
                {
                    if (_state == 0)
                    {
                        _state = Probe() ? 1 : 2;
                    }

                    return _state == 1;
                }
            }
        }

        private static bool Probe()
        {
            try
            {
                return NativeLibrary.GetInterfaceVersion() == NativeLibrary.InterfaceVersion;
            }
            catch (NotSupportedException)
            {
                return false; // CLR_E_NOT_SUPPORTED: the method has no native implementation in this image
            }
            catch (NotImplementedException)
            {
                return false; // a stub table that was generated but not filled in
            }
            catch (Exception)
            {
                return false; // any other refusal of the runtime to bind the method means the same
            }
        }
    }
}
