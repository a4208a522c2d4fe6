using System;

namespace NfCerts.Core.X509
{
    /// <summary>
    /// A certificate, private key, DER or PEM input was refused. Every parsing failure in
    /// <c>NfCerts.Core.X509</c> is reported with this exception; <see cref="Error"/> tells why.
    /// Messages name positions and tags only, never content bytes (which could be key material).
    /// </summary>
    public class CertificateFormatException : Exception
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="error">Why the input was refused.</param>
        /// <param name="message">What exactly was wrong, and where; never content bytes.</param>
        public CertificateFormatException(CertificateFormatError error, string message) : base(message)
        {
            Error = error;
        }

        /// <summary>Why the input was refused.</summary>
        public CertificateFormatError Error { get; private set; }
    }
}
