using System;
using NfCerts.Core.Storage;
using NfCerts.Core.X509;
using NfCerts.Hal;

namespace NfCerts.Core.Certificates
{
    /// <summary>The private-key half of the store: decoding, checking against the certificate, reading for TLS/EAP.</summary>
    public sealed partial class CertStore
    {
        /// <summary>The private key DER of a client entry, for the TLS/EAP stack only: never log it, and zero the array
        /// when done.</summary>
        /// <exception cref="CertStoreException">NotFound; InvalidData for a root CA; StorageFailure when the key's flash
        /// record fails its CRC.</exception>
        public byte[] GetPrivateKey(string identifier)
        {
            return ReadKey(identifier);
        }

        /// <summary>The stored form of a client's key.</summary>
        private byte[] ReadKey(string identifier)
        {
            CheckIdentifier(identifier);
            byte[] stored;
            if (!TryRead(KeyPrefix + identifier, identifier, out stored))
            {
                RequireExists(identifier);
                throw new CertStoreException(CertStoreError.InvalidData, "'" + identifier + "' is a root CA certificate and has no private key");
            }
            if (stored.Length == 0)
            {
                throw new CertStoreException(CertStoreError.StorageFailure, "the private key of '" + identifier + "' is empty");
            }
            return stored;
        }

        private void CheckKeyMatches(byte[] certificate, byte[] key)
        {
            bool match;
            try
            {
                match = _vault.KeyMatchesCertificate(certificate, key);
            }
            catch (KeyVaultException e)
            {
                throw new CertStoreException(CertStoreError.InvalidData, "the private key cannot be used: " + e.Message);
            }
            if (!match)
            {
                throw new CertStoreException(CertStoreError.KeyMismatch, "the private key does not belong to the certificate");
            }
        }

        private byte[] DecodeKey(byte[] input, string? password)
        {
            if (input == null)
            {
                throw new ArgumentNullException("privateKey");
            }
            if (input.Length == 0)
            {
                throw new CertStoreException(CertStoreError.OutOfRange, "the private key is empty");
            }
            if (password != null && (password.Length == 0 || password.Length > MaxPasswordLength))
            {
                throw new CertStoreException(CertStoreError.OutOfRange, "a password must have 1-" + MaxPasswordLength + " characters");
            }
            if (input.Length > MaxKeySize * 3 / 2 + 200)
            {
                throw new CertStoreException(CertStoreError.OutOfRange, "the private key input is " + input.Length + " bytes; a key may have at most " + MaxKeySize);
            }
            byte[] der;
            PrivateKeyDescription description;
            try
            {
                der = PemOrDer.GetPrivateKeyDer(input, out description);
            }
            catch (CertificateFormatException e)
            {
                throw new CertStoreException(CertStoreError.InvalidData, "not a valid private key: " + e.Message);
            }
            if (description.Format == PrivateKeyFormat.EncryptedPkcs8)
            {
                if (password == null)
                {
                    throw new CertStoreException(CertStoreError.InvalidData, "the private key is encrypted: a password is required");
                }
                try
                {
                    der = _vault.DecryptPrivateKey(der, password);
                }
                catch (KeyVaultException e)
                {
                    if (e.Error == KeyVaultError.WrongPassword)
                    {
                        throw new CertStoreException(CertStoreError.WrongPassword, "the password does not decrypt the private key");
                    }
                    if (e.Error == KeyVaultError.NotSupported)
                    {
                        throw new CertStoreException(CertStoreError.NotSupported, "this device cannot decrypt keys: install the key unencrypted");
                    }
                    throw new CertStoreException(CertStoreError.InvalidData, "the encrypted private key cannot be read: " + e.Message);
                }
            }
            else if (password != null)
            {
                throw new CertStoreException(CertStoreError.InvalidData, "a password was given but the private key is not encrypted");
            }
            if (der.Length > MaxKeySize)
            {
                if (der != input)
                {
                    Array.Clear(der, 0, der.Length);
                }
                throw new CertStoreException(CertStoreError.OutOfRange, "the private key is " + der.Length + " bytes; at most " + MaxKeySize + " are allowed");
            }
            return der;
        }
    }
}
