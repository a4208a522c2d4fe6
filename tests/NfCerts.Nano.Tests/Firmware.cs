using System.Reflection;
using NfCerts.Hal.Nano;
using NfCerts.NanoStandIn;
using Xunit;

// The board and the firmware's natives are process-wide, as on the device: one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace NfCerts.Nano.Tests
{
    /// <summary>Boots the simulated board with a firmware image, as a power-on does.</summary>
    internal static class Firmware
    {
        /// <summary>A fresh board running stock nanoFramework (no interop library) or the nf.Certs image.</summary>
        public static void Boot(bool withInterop)
        {
            Board.Reset(withInterop);
            // Esp32Native remembers its probe for the life of the process, as it should on a device; a reboot forgets it.
            typeof(Esp32Native).GetField("_state", BindingFlags.NonPublic | BindingFlags.Static)!.SetValue(null, 0);
        }
    }
}
