using System;

namespace NfCerts.Core.Hub
{
    /// <summary>Something the hub sent is refused; the message is the reason reported back (it never quotes key material
    /// or a certificate's bytes).</summary>
    public class HubInputException : Exception
    {
        /// <summary>Creates the exception with the reason.</summary>
        public HubInputException(string reason) : base(reason)
        {
        }
    }
}
