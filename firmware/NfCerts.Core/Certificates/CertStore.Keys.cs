using System;
using NfCerts.Core.Storage;
using NfCerts.Core.X509;
using NfCerts.Hal;

namespace NfCerts.Core.Certificates
{
    /// <summary>The private-key half of the store: decoding, sealing at rest, unsealing for TLS/EAP.</summary>
    public sealed partial class CertStore
    {
        /// <summary>Bytes a sealed key takes beyond the key: version, nonce and tag (IKeyVault.SealPrivateKey).</summary>
        private const int SealOverhead = 29;

        /// <summary>First byte of a key kept in clear: the DER SEQUENCE tag. Anything else is a sealed blob.</summary>
        private const byte ClearKeyTag = 0x30;

        /// <summary>Set by <see cref="SealPendingKeys"/> on a device whose vault cannot seal: its clear keys are then
        /// reported as <see cref="KeyProtection.Unsealed"/>, not as waiting for a seal.</summary>
        private bool _keysStayClear;

        /// <summary>The private key DER of a client entry, for the TLS/EAP stack only: never log it, and zero the array
        /// when done. A sealed key is unsealed here, into a fresh array that only the caller holds.</summary>
        /// <exception cref="CertStoreException">NotFound; InvalidData for a root CA; StorageFailure when the key's flash
        /// record fails its CRC; KeyUnreadable when its seal does not verify (altered, or sealed by another device).</exception>
        public byte[] GetPrivateKey(string identifier)
        {
            byte[] stored = ReadKey(identifier);
            if (stored[0] == ClearKeyTag)
            {
                return stored;
            }
            if (!_vault.CanSealKeys)
            {
                throw new CertStoreException(CertStoreError.KeyUnreadable,
                    "the private key of '" + identifier + "' is sealed under a device key, and this device has none");
            }
            try
            {
                return _vault.UnsealPrivateKey(stored);
            }
            catch (KeyVaultException e)
            {
                throw new CertStoreException(CertStoreError.KeyUnreadable,
                    "the private key of '" + identifier + "' does not unseal (" + e.Message + "): install the entry again");
            }
        }

        /// <summary>How the private key of <paramref name="identifier"/> lies in flash; <see cref="KeyProtection.None"/> for a
        /// root CA. A sealed key is unsealed (and wiped) to tell <see cref="KeyProtection.Sealed"/> from
        /// <see cref="KeyProtection.Unreadable"/> when the vault can seal; a vault without device key reports the seal
        /// unchecked. Never throws for damaged data.</summary>
        /// <exception cref="CertStoreException">InvalidIdentifier, or NotFound.</exception>
        public KeyProtection GetKeyProtection(string identifier)
        {
            if (GetCertificateType(identifier) == CertificateType.RootCA)
            {
                return KeyProtection.None;
            }
            byte[] stored;
            try
            {
                stored = ReadKey(identifier);
            }
            catch (CertStoreException)
            {
                return KeyProtection.Unreadable;
            }
            if (stored[0] == ClearKeyTag)
            {
                Array.Clear(stored, 0, stored.Length);
                return _keysStayClear ? KeyProtection.Unsealed : KeyProtection.PendingSeal;
            }
            if (!_vault.CanSealKeys)
            {
                return KeyProtection.Sealed;
            }
            try
            {
                byte[] key = _vault.UnsealPrivateKey(stored);
                Array.Clear(key, 0, key.Length);
                return KeyProtection.Sealed;
            }
            catch (KeyVaultException)
            {
                return KeyProtection.Unreadable;
            }
        }

        /// <summary>
        /// Seals every key kept in clear (a store image prepared on the desktop), one atomic commit per entry; the device
        /// calls it at boot. A key that cannot be read, and every key once the store is full, stay as they are and are
        /// reported (<see cref="GetKeyProtection"/>). On a device whose vault cannot seal (stock firmware) it writes
        /// nothing and from then on reports clear keys as <see cref="KeyProtection.Unsealed"/>.
        /// </summary>
        /// <returns>The number of keys sealed.</returns>
        /// <exception cref="CertStoreException">StorageFailure when the flash fails while writing.</exception>
        public int SealPendingKeys()
        {
            if (!_vault.CanSealKeys)
            {
                _keysStayClear = true;
                return 0;
            }
            int sealedCount = 0;
            string[] keys = _log.GetKeys(KeyPrefix);
            for (int i = 0; i < keys.Length; i++)
            {
                // The first seal also records that a purge is owed, so that a cut before the purge is done is resumed.
                if (SealPending(keys[i], !_log.Contains(PurgeMarkerKey)))
                {
                    sealedCount++;
                }
            }
            FinishPurge();
            return sealedCount;
        }

        /// <summary>True when any client entry keeps its private key in clear on flash (unsealed or pending seal).</summary>
        /// <remarks>Reads each stored key's tag only: nothing is unsealed.</remarks>
        public bool HasClearKeys()
        {
            string[] keys = _log.GetKeys(KeyPrefix);
            for (int i = 0; i < keys.Length; i++)
            {
                byte[] stored;
                try
                {
                    if (!_log.TryGet(keys[i], out stored))
                    {
                        continue;
                    }
                }
                catch (StorageException)
                {
                    continue; // unreadable, not clear
                }
                bool clear = stored.Length > 0 && stored[0] == ClearKeyTag;
                Array.Clear(stored, 0, stored.Length);
                if (clear)
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>True when sealing left clear copies of keys in superseded records that a purge has not erased yet
        /// (it could not finish: the store was too full); <see cref="SealPendingKeys"/> tries again.</summary>
        public bool PurgeOwed
        {
            get { return _log.Contains(PurgeMarkerKey); }
        }

        /// <summary>Log key of the marker that says clear key bytes may still lie in superseded records on flash.</summary>
        internal const string PurgeMarkerKey = "Spurge";

        /// <summary>Erases the clear copies that sealing superseded (<see cref="RecordLog.Purge"/>), when the marker says a
        /// purge is owed, then drops the marker. A purge that cannot finish now (flash full of live data) is retried at the
        /// next boot.</summary>
        private void FinishPurge()
        {
            if (!_log.Contains(PurgeMarkerKey))
            {
                return;
            }
            try
            {
                _log.Purge();
                var t = _log.Begin();
                t.Delete(PurgeMarkerKey);
                Commit(t);
            }
            catch (StorageException e)
            {
                if (e.Error != StorageError.NoSpace)
                {
                    throw new CertStoreException(CertStoreError.StorageFailure, "erasing the superseded clear keys failed: " + e.Message);
                }
            }
        }

        /// <summary>Seals one clear key in its own commit; false when it was sealed already, cannot be read or sealed, or
        /// does not fit.</summary>
        private bool SealPending(string logKey, bool markPurge)
        {
            byte[] clear;
            try
            {
                if (!_log.TryGet(logKey, out clear) || clear.Length == 0 || clear[0] != ClearKeyTag)
                {
                    return false;
                }
            }
            catch (StorageException)
            {
                return false;
            }
            try
            {
                var t = _log.Begin();
                if (markPurge)
                {
                    t.Put(PurgeMarkerKey, new byte[] { 1 });
                }
                t.Put(logKey, Seal(clear));
                Commit(t);
                return true;
            }
            catch (CertStoreException e)
            {
                // A full store or a vault refusing this key leaves it pending, reported; a failing flash is the caller's.
                if (e.Error == CertStoreError.NoSpace || e.Error == CertStoreError.KeyUnreadable)
                {
                    return false;
                }
                throw;
            }
            finally
            {
                Array.Clear(clear, 0, clear.Length);
            }
        }

        /// <summary>The key's stored form: sealed where the vault can seal, else the clear DER itself.</summary>
        private byte[] KeyAtRest(byte[] key)
        {
            return _vault.CanSealKeys ? Seal(key) : key;
        }

        private byte[] Seal(byte[] key)
        {
            byte[] blob;
            try
            {
                blob = _vault.SealPrivateKey(key);
            }
            catch (KeyVaultException e)
            {
                throw new CertStoreException(CertStoreError.KeyUnreadable, "the private key could not be sealed: " + e.Message);
            }
            if (blob.Length == 0 || blob[0] == ClearKeyTag)
            {
                throw new CertStoreException(CertStoreError.KeyUnreadable, "the key vault returned a sealed key in an unknown format");
            }
            return blob;
        }

        /// <summary>The stored form of a client's key (clear DER or sealed blob).</summary>
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
                        throw new CertStoreException(CertStoreError.NotSupported, "the private key is encrypted with "
                            + description.EncryptionScheme + ", which is not supported: " + e.Message);
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
