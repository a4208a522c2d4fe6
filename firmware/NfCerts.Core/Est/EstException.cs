using System;
using NfCerts.Core.Renewal;
using NfCerts.Hal;

namespace NfCerts.Core.Est
{
    /// <summary>An EST exchange failed. It is an <see cref="IssuerException"/>, so the renewal engine reschedules
    /// (retryable) or stops and reports (not retryable) from it directly. Messages never contain keys or passwords.</summary>
    public sealed class EstException : IssuerException
    {
        /// <summary>Creates the exception.</summary>
        public EstException(EstError error, int status, string message, bool retryable, TimeSpan retryAfter)
            : base(message, retryable, retryAfter)
        {
            Error = error;
            Status = status;
        }

        /// <summary>What failed.</summary>
        public EstError Error { get; private set; }

        /// <summary>The HTTP status of the answer, or 0 when there was none.</summary>
        public int Status { get; private set; }

        /// <summary>Why the TLS connection failed when <see cref="Error"/> is Tls, else 0.</summary>
        public TlsFailure TlsFailure { get; private set; }

        internal static EstException Tls(TlsException e)
        {
            // A server the anchors do not vouch for, or a client certificate it refuses, stays so until something
            // changes: the issuer tries its other credential, the engine does not hammer.
            bool retryable = e.Failure != TlsFailure.ServerCertificateNotTrusted && e.Failure != TlsFailure.ClientCertificateRejected;
            var result = new EstException(EstError.Tls, 0, "TLS: " + e.Message, retryable, TimeSpan.Zero);
            result.TlsFailure = e.Failure;
            return result;
        }

        internal static EstException Content(string message)
        {
            return new EstException(EstError.BadContent, 0, message, false, TimeSpan.Zero);
        }

        internal static EstException Response(string message)
        {
            return new EstException(EstError.BadResponse, 0, message, true, TimeSpan.Zero);
        }
    }
}
