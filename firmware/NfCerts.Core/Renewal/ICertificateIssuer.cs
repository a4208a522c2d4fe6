using System;

namespace NfCerts.Core.Renewal
{
    /// <summary>What the device asks an issuer for.</summary>
    public sealed class IssueRequest
    {
        /// <summary>Store ID of the credential to authenticate with (the current client certificate).</summary>
        public string CurrentCertificateId = "";
        /// <summary>The current certificate, DER (its subject and public key describe what to renew).</summary>
        public byte[]? CurrentCertificate;
    }

    /// <summary>A new certificate and its private key, DER, ready to install.</summary>
    public sealed class IssuedCredential
    {
        /// <summary>Creates the credential.</summary>
        public IssuedCredential(byte[] certificate, byte[] privateKey)
        {
            Certificate = certificate;
            PrivateKey = privateKey;
        }

        /// <summary>Creates the credential with the issuer's chain.</summary>
        /// <param name="certificate">The new certificate, DER or PEM.</param>
        /// <param name="privateKey">Its private key, DER or PEM.</param>
        /// <param name="chain">The intermediates between the certificate and the root, DER back to back, the certificate's
        /// issuer first and each issued by the next (the root itself is not needed); null or empty when the root issued it.</param>
        public IssuedCredential(byte[] certificate, byte[] privateKey, byte[]? chain)
        {
            Certificate = certificate;
            PrivateKey = privateKey;
            Chain = chain;
        }

        /// <summary>The certificate, DER or PEM.</summary>
        public byte[] Certificate { get; private set; }
        /// <summary>Its private key, DER or PEM. Never logged.</summary>
        public byte[] PrivateKey { get; private set; }
        /// <summary>The issuer's intermediates, DER back to back (see the constructor), or null. Installed with the
        /// certificate, so that EAP-TLS and TLS present them to servers that trust only the root.</summary>
        public byte[]? Chain { get; private set; }
    }

    /// <summary>The issuer could not issue now.</summary>
    public class IssuerException : Exception
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">What happened (no secrets).</param>
        /// <param name="retryable">True when trying again later may work (timeouts, 5xx, 202 Accepted).</param>
        /// <param name="retryAfter">The server's "retry after", or zero.</param>
        public IssuerException(string message, bool retryable, TimeSpan retryAfter) : base(message)
        {
            Retryable = retryable;
            RetryAfter = retryAfter;
        }

        /// <summary>True when trying again later may work.</summary>
        public bool Retryable { get; private set; }
        /// <summary>The server's "retry after", or zero.</summary>
        public TimeSpan RetryAfter { get; private set; }
    }

    /// <summary>
    /// Where new client certificates come from (an EST server, a local CA). Crash rules: an issuer never writes a
    /// credential, so a failure or a power cut during <see cref="Issue"/> leaves the old credential as it was; state of its
    /// own (EstIssuer keeps the /cacerts answer as its trust anchors) is written in atomic commits and only when it changes.
    /// Failures throw <see cref="IssuerException"/>; anything else thrown is treated as retryable.
    /// </summary>
    public interface ICertificateIssuer
    {
        /// <summary>Gets a new certificate and key for the device. Blocks; bounded by the issuer's own timeouts.</summary>
        IssuedCredential Issue(IssueRequest request);
    }
}
