using System;

namespace NfCerts.NanoStandIn
{
    /// <summary>The board lost power: the code that was running stops here (a test catches it and reboots).</summary>
    public sealed class PowerCutException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public PowerCutException()
            : base("The board lost power.")
        {
        }
    }
}
