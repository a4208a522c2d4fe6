using System;

namespace NfCerts.Core.Certificates
{
    /// <summary>Why a <see cref="CertStore"/> call failed. Nothing in the store changed.</summary>
    public enum CertStoreError
    {
        /// <summary>No certificate under that identifier.</summary>
        NotFound = 1,
        /// <summary>An index, a size (empty, or a certificate over 8 KiB) or a password length is outside its range.</summary>
        OutOfRange = 2,
        /// <summary>The store is full.</summary>
        NoSpace = 3,
        /// <summary>The certificate or key is not valid PEM/DER, or a password was given for an unencrypted key (or none for an encrypted one).</summary>
        InvalidData = 4,
        /// <summary>The private key does not belong to the certificate.</summary>
        KeyMismatch = 5,
        /// <summary>The identifier is not 1-16 characters of <c>[A-Za-z0-9._-]</c>.</summary>
        InvalidIdentifier = 6,
        /// <summary>The key is encrypted with a scheme this device does not decrypt (the message names it).</summary>
        NotSupported = 7,
        /// <summary>The password does not decrypt the key.</summary>
        WrongPassword = 8,
        /// <summary>The flash failed or holds corrupt data; see the inner exception.</summary>
        StorageFailure = 9,
        /// <summary>A private key does not unseal (it was altered, or sealed by another device, or this firmware has no
        /// device key), or the vault failed to seal one. Nothing in the store changed.</summary>
        KeyUnreadable = 10,
    }

    /// <summary>A certificate store call failed; <see cref="Error"/> says why. Messages never contain key material.</summary>
    public class CertStoreException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public CertStoreException(CertStoreError error, string message) : base(message)
        {
            Error = error;
        }

        /// <summary>Creates the exception with its cause.</summary>
        public CertStoreException(CertStoreError error, string message, Exception inner) : base(message, inner)
        {
            Error = error;
        }

        /// <summary>Why it failed.</summary>
        public CertStoreError Error { get; private set; }
    }

    /// <summary>What a store entry holds.</summary>
    public enum CertificateType
    {
        /// <summary>A root CA certificate (trust anchor for a RADIUS server, the hub, an EST server).</summary>
        RootCA = 1,
        /// <summary>A client certificate with its private key.</summary>
        Client = 2,
    }
}
