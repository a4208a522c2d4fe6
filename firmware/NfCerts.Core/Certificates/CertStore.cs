using System;
using NfCerts.Core.Storage;
using NfCerts.Core.X509;
using NfCerts.Hal;

namespace NfCerts.Core.Certificates
{
    /// <summary>
    /// Root CA certificates and client certificate + private key pairs under short identifiers (<c>RootCA1</c>,
    /// <c>ClientCert2</c>), kept in the power-safe <see cref="RecordLog"/>. The operations and limits are those of the
    /// reference platform's <c>CertStore_*</c> API.
    /// </summary>
    /// <remarks>
    /// <para>Every change is one atomic commit: installing under an existing identifier replaces it (of either type),
    /// <see cref="MoveCertificate"/> overwrites the destination and removes the source in one step. On any error nothing
    /// changed. Networks see changes only after <c>WifiConfig.ReloadConfig</c>.</para>
    /// <para>Input is PEM or DER. Keys are stored as given (PKCS#8, SEC1 EC or PKCS#1 RSA DER); encrypted PKCS#8 is
    /// decrypted through <see cref="IKeyVault"/> before it is stored. Private keys leave the store only through
    /// <see cref="GetPrivateKey"/>, for the TLS/EAP stack.</para>
    /// <para>Entries live under log keys <c>"C" + identifier</c>; the value is one type byte (1 root CA, 2 client),
    /// the certificate DER, then for a client the key DER.</para>
    /// </remarks>
    public sealed class CertStore
    {
        /// <summary>Longest identifier.</summary>
        public const int MaxIdentifierLength = 16;
        /// <summary>Largest certificate, in bytes of DER (and of PEM input).</summary>
        public const int MaxCertificateSize = 8192;
        /// <summary>Largest private key, in bytes of DER.</summary>
        public const int MaxKeySize = 4096;
        /// <summary>Longest private key password.</summary>
        public const int MaxPasswordLength = 256;
        /// <summary>Largest log value an entry needs; pass it to <see cref="RecordLog.Mount"/>.</summary>
        public const int MaxEntrySize = 1 + MaxCertificateSize + MaxKeySize;

        private const string Prefix = "C";
        private readonly RecordLog _log;
        private readonly IKeyVault _vault;

        /// <summary>Creates the store over a mounted log (which may hold other namespaces too).</summary>
        public CertStore(RecordLog log, IKeyVault vault)
        {
            if (log == null)
            {
                throw new ArgumentNullException("log");
            }
            if (vault == null)
            {
                throw new ArgumentNullException("vault");
            }
            _log = log;
            _vault = vault;
        }

        /// <summary>The log under the store.</summary>
        public RecordLog Log
        {
            get { return _log; }
        }

        /// <summary>Installs (or replaces) a root CA certificate under <paramref name="identifier"/>.</summary>
        public void InstallRootCACertificate(string identifier, byte[] certificate)
        {
            CheckIdentifier(identifier);
            byte[] der = DecodeCertificate(certificate);
            Commit(Put(identifier, CertificateType.RootCA, der, null));
        }

        /// <summary>Installs (or replaces) a client certificate and its private key under <paramref name="identifier"/>.</summary>
        /// <param name="identifier">1-16 characters of <c>[A-Za-z0-9._-]</c>.</param>
        /// <param name="certificate">PEM or DER.</param>
        /// <param name="privateKey">PEM or DER: PKCS#8, SEC1 EC, PKCS#1 RSA, or encrypted PKCS#8 with <paramref name="password"/>.</param>
        /// <param name="password">Only for an encrypted key; null otherwise.</param>
        public void InstallClientCertificate(string identifier, byte[] certificate, byte[] privateKey, string? password)
        {
            CheckIdentifier(identifier);
            byte[] der = DecodeCertificate(certificate);
            byte[] key = DecodeKey(privateKey, password);
            bool match;
            try
            {
                match = _vault.KeyMatchesCertificate(der, key);
            }
            catch (KeyVaultException e)
            {
                throw new CertStoreException(CertStoreError.InvalidData, "the private key cannot be used: " + e.Message);
            }
            if (!match)
            {
                throw new CertStoreException(CertStoreError.KeyMismatch, "the private key does not belong to the certificate");
            }
            Commit(Put(identifier, CertificateType.Client, der, key));
        }

        /// <summary>Renames <paramref name="source"/> to <paramref name="destination"/> in one atomic step, replacing whatever
        /// the destination held. The source no longer exists afterwards.</summary>
        public void MoveCertificate(string source, string destination)
        {
            CheckIdentifier(source);
            CheckIdentifier(destination);
            RequireExists(source);
            if (source == destination)
            {
                return;
            }
            var t = _log.Begin();
            t.Move(Prefix + source, Prefix + destination);
            Commit(t);
        }

        /// <summary>Removes the certificate (and key) under <paramref name="identifier"/>.</summary>
        public void DeleteCertificate(string identifier)
        {
            CheckIdentifier(identifier);
            RequireExists(identifier);
            var t = _log.Begin();
            t.Delete(Prefix + identifier);
            Commit(t);
        }

        /// <summary>Number of certificates in the store.</summary>
        public int GetCertificateCount()
        {
            return _log.GetKeys(Prefix).Length;
        }

        /// <summary>The identifier at <paramref name="index"/> (0-based, in ordinal order of identifiers).</summary>
        public string GetCertificateIdentifierAt(int index)
        {
            var keys = _log.GetKeys(Prefix);
            if (index < 0 || index >= keys.Length)
            {
                throw new CertStoreException(CertStoreError.OutOfRange, "index " + index + " is outside 0.." + (keys.Length - 1));
            }
            return keys[index].Substring(Prefix.Length);
        }

        /// <summary>True when <paramref name="identifier"/> is in the store.</summary>
        public bool ContainsCertificate(string identifier)
        {
            return IsValidIdentifier(identifier) && _log.Contains(Prefix + identifier);
        }

        /// <summary>Bytes of certificate and key data that can still be installed, as one new entry with a 16-character identifier.</summary>
        public int GetAvailableSpace()
        {
            int free = _log.AvailableBytes - _log.ValueOverhead(Prefix.Length + MaxIdentifierLength, MaxEntrySize) - 1;
            return free > 0 ? free : 0;
        }

        /// <summary>What kind of entry <paramref name="identifier"/> holds.</summary>
        public CertificateType GetCertificateType(string identifier)
        {
            return (CertificateType)Load(identifier)[0];
        }

        /// <summary>The parsed certificate under <paramref name="identifier"/>.</summary>
        public CertificateInfo GetCertificateInfo(string identifier)
        {
            return CertificateInfo.Parse(GetCertificate(identifier));
        }

        /// <summary>Start of validity (UTC).</summary>
        public DateTime GetCertificateNotBefore(string identifier)
        {
            return GetCertificateInfo(identifier).NotBefore;
        }

        /// <summary>End of validity (UTC).</summary>
        public DateTime GetCertificateNotAfter(string identifier)
        {
            return GetCertificateInfo(identifier).NotAfter;
        }

        /// <summary>Subject in RFC 4514 form.</summary>
        public string GetCertificateSubjectName(string identifier)
        {
            return GetCertificateInfo(identifier).Subject.Name;
        }

        /// <summary>Issuer in RFC 4514 form.</summary>
        public string GetCertificateIssuerName(string identifier)
        {
            return GetCertificateInfo(identifier).Issuer.Name;
        }

        /// <summary>The certificate's DER.</summary>
        public byte[] GetCertificate(string identifier)
        {
            var v = Load(identifier);
            int len = CertificateLength(v);
            var der = new byte[len];
            Array.Copy(v, 1, der, 0, len);
            return der;
        }

        /// <summary>The private key DER of a client entry, for the TLS/EAP stack only. Never log it.</summary>
        public byte[] GetPrivateKey(string identifier)
        {
            var v = Load(identifier);
            if (v[0] != (byte)CertificateType.Client)
            {
                throw new CertStoreException(CertStoreError.InvalidData, "'" + identifier + "' is a root CA certificate and has no private key");
            }
            int start = 1 + CertificateLength(v);
            var key = new byte[v.Length - start];
            Array.Copy(v, start, key, 0, key.Length);
            return key;
        }

        /// <summary>SHA-1 thumbprint, lowercase hex.</summary>
        public string GetThumbprintSha1(string identifier)
        {
            var der = GetCertificate(identifier);
            return Hex(_vault.Sha1(der, 0, der.Length));
        }

        /// <summary>SHA-256 thumbprint, lowercase hex.</summary>
        public string GetThumbprintSha256(string identifier)
        {
            var der = GetCertificate(identifier);
            return Hex(_vault.Sha256(der, 0, der.Length));
        }

        /// <summary>True for 1-16 characters of <c>[A-Za-z0-9._-]</c>.</summary>
        public static bool IsValidIdentifier(string? identifier)
        {
            if (identifier == null || identifier.Length < 1 || identifier.Length > MaxIdentifierLength)
            {
                return false;
            }
            for (int i = 0; i < identifier.Length; i++)
            {
                char c = identifier[i];
                bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                if (!ok)
                {
                    return false;
                }
            }
            return true;
        }

        /// <summary>Lowercase hex of <paramref name="bytes"/>.</summary>
        public static string Hex(byte[] bytes)
        {
            const string digits = "0123456789abcdef";
            var c = new char[bytes.Length * 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                c[2 * i] = digits[bytes[i] >> 4];
                c[2 * i + 1] = digits[bytes[i] & 15];
            }
            return new string(c);
        }

        // ---- internals -----------------------------------------------------------------------------

        private static void CheckIdentifier(string identifier)
        {
            if (identifier == null)
            {
                throw new ArgumentNullException("identifier");
            }
            if (!IsValidIdentifier(identifier))
            {
                throw new CertStoreException(CertStoreError.InvalidIdentifier,
                    "identifier '" + Printable(identifier) + "' must be 1-" + MaxIdentifierLength + " characters of A-Z a-z 0-9 . _ -");
            }
        }

        private static string Printable(string s)
        {
            var c = s.ToCharArray();
            int n = c.Length > 40 ? 40 : c.Length;
            for (int i = 0; i < n; i++)
            {
                if (c[i] < ' ' || c[i] > '~')
                {
                    c[i] = '?';
                }
            }
            return new string(c, 0, n) + (c.Length > n ? "..." : "");
        }

        private void RequireExists(string identifier)
        {
            if (!_log.Contains(Prefix + identifier))
            {
                throw new CertStoreException(CertStoreError.NotFound, "no certificate '" + identifier + "' in the store");
            }
        }

        private byte[] Load(string identifier)
        {
            CheckIdentifier(identifier);
            byte[] v;
            bool found;
            try
            {
                found = _log.TryGet(Prefix + identifier, out v);
            }
            catch (StorageException e)
            {
                throw new CertStoreException(CertStoreError.StorageFailure, "'" + identifier + "' cannot be read: " + e.Message, e);
            }
            if (!found)
            {
                throw new CertStoreException(CertStoreError.NotFound, "no certificate '" + identifier + "' in the store");
            }
            return v;
        }

        private LogTransaction Put(string identifier, CertificateType type, byte[] der, byte[]? key)
        {
            var value = new byte[1 + der.Length + (key == null ? 0 : key.Length)];
            value[0] = (byte)type;
            Array.Copy(der, 0, value, 1, der.Length);
            if (key != null)
            {
                Array.Copy(key, 0, value, 1 + der.Length, key.Length);
            }
            var t = _log.Begin();
            t.Put(Prefix + identifier, value);
            return t;
        }

        private static void Commit(LogTransaction t)
        {
            try
            {
                t.Commit();
            }
            catch (StorageException e)
            {
                if (e.Error == StorageError.NoSpace)
                {
                    throw new CertStoreException(CertStoreError.NoSpace, "the certificate store is full: " + e.Message, e);
                }
                if (e.Error == StorageError.NotFound)
                {
                    throw new CertStoreException(CertStoreError.NotFound, e.Message, e);
                }
                throw new CertStoreException(CertStoreError.StorageFailure, "the certificate store could not be written: " + e.Message, e);
            }
        }

        /// <summary>Length of the certificate DER at offset 1 of a stored value.</summary>
        private static int CertificateLength(byte[] v)
        {
            int offset;
            return new DerReader(v, 1, v.Length - 1).ReadEncodedElement(out offset);
        }

        /// <summary>Checks a certificate as <see cref="InstallRootCACertificate"/> would (PEM or DER, well-formed, at most
        /// <see cref="MaxCertificateSize"/> bytes) and returns its DER, without touching the store.</summary>
        /// <exception cref="CertStoreException">OutOfRange or InvalidData, as the install would report.</exception>
        public static byte[] DecodeCertificate(byte[] input)
        {
            if (input == null)
            {
                throw new ArgumentNullException("certificate");
            }
            if (input.Length == 0)
            {
                throw new CertStoreException(CertStoreError.OutOfRange, "the certificate is empty");
            }
            // PEM costs 4/3 of the DER plus line breaks and armour: anything longer cannot hold an allowed certificate.
            if (input.Length > MaxCertificateSize * 3 / 2 + 200)
            {
                throw new CertStoreException(CertStoreError.OutOfRange, "the certificate input is " + input.Length + " bytes; a certificate may have at most " + MaxCertificateSize);
            }
            byte[] der;
            try
            {
                der = PemOrDer.GetCertificateDer(input, 0, input.Length);
                if (der.Length > MaxCertificateSize)
                {
                    throw new CertStoreException(CertStoreError.OutOfRange, "the certificate is " + der.Length + " bytes; at most " + MaxCertificateSize + " are allowed");
                }
                CertificateInfo.Parse(der);
            }
            catch (CertificateFormatException e)
            {
                throw new CertStoreException(CertStoreError.InvalidData, "not a valid certificate: " + e.Message);
            }
            return der;
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
                throw new CertStoreException(CertStoreError.OutOfRange, "the private key is " + der.Length + " bytes; at most " + MaxKeySize + " are allowed");
            }
            return der;
        }
    }
}
