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
    /// <para>Input is PEM or DER. Keys are kept as given (PKCS#8, SEC1 EC or PKCS#1 RSA DER); encrypted PKCS#8 is
    /// decrypted through <see cref="IKeyVault"/> first. Where the vault can seal (<see cref="IKeyVault.CanSealKeys"/>),
    /// a key is sealed before it is written and unsealed only by <see cref="GetPrivateKey"/>, for the TLS/EAP stack;
    /// elsewhere it is written in clear and reported as such (<see cref="GetKeyProtection"/>).</para>
    /// <para>Layout in the log (README.md): the certificate DER under <c>"C" + identifier</c>, for a client its key
    /// under <c>"K" + identifier</c> and its intermediates, if any, under <c>"I" + identifier</c>, all written in one
    /// commit, so that certificate queries never read the key. The RAM each operation needs is stated in README.md.</para>
    /// </remarks>
    public sealed partial class CertStore
    {
        /// <summary>Longest identifier.</summary>
        public const int MaxIdentifierLength = 16;
        /// <summary>Largest certificate, in bytes of DER (and of PEM input).</summary>
        public const int MaxCertificateSize = 8192;
        /// <summary>Largest private key, in bytes of DER.</summary>
        public const int MaxKeySize = 4096;
        /// <summary>Longest private key password.</summary>
        public const int MaxPasswordLength = 256;
        /// <summary>The largest log value the store is mounted for; pass it to <see cref="RecordLog.Mount"/>. An entry's largest
        /// value is its certificate (<see cref="MaxCertificateSize"/>); this stays at the size of the first layout, which kept
        /// a whole entry in one value, so that the log's reserve does not change under existing stores.</summary>
        public const int MaxEntrySize = 1 + MaxCertificateSize + MaxKeySize;

        private const string Prefix = "C";
        private const string KeyPrefix = "K";
        private const string ChainPrefix = "I";
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
            var t = _log.Begin();
            t.Put(Prefix + identifier, der);
            DeleteIfPresent(t, KeyPrefix + identifier);
            DeleteIfPresent(t, ChainPrefix + identifier);
            Commit(t);
        }

        /// <summary>Installs (or replaces) a client certificate, its intermediates and its private key under
        /// <paramref name="identifier"/>, in one commit.</summary>
        /// <param name="identifier">1-16 characters of <c>[A-Za-z0-9._-]</c>.</param>
        /// <param name="certificate">The device's certificate, optionally followed by its intermediates (leaf first, each
        /// issued by the next, at most <see cref="CertificateChain.MaxCertificates"/> in all): a PEM bundle or DER back to
        /// back. A bundle that is not such a chain is refused (InvalidData), never cut.</param>
        /// <param name="privateKey">PEM or DER: PKCS#8, SEC1 EC, PKCS#1 RSA, or encrypted PKCS#8 with <paramref name="password"/>.</param>
        /// <param name="password">Only for an encrypted key; null otherwise.</param>
        public void InstallClientCertificate(string identifier, byte[] certificate, byte[] privateKey, string? password)
        {
            CheckIdentifier(identifier);
            byte[][] chain = DecodeChain(certificate);
            byte[] key = DecodeKey(privateKey, password);
            try
            {
                CheckKeyMatches(chain[0], key);
                var t = _log.Begin();
                t.Put(Prefix + identifier, chain[0]);
                t.Put(KeyPrefix + identifier, KeyAtRest(key));
                if (chain.Length > 1)
                {
                    t.Put(ChainPrefix + identifier, CertificateChain.Join(chain, 1));
                }
                else if (_log.Contains(ChainPrefix + identifier))
                {
                    t.Delete(ChainPrefix + identifier);
                }
                Commit(t);
            }
            finally
            {
                // A key the store decoded (from PEM or by decryption) is the store's to wipe; a DER key is the caller's array.
                if (key != privateKey)
                {
                    Array.Clear(key, 0, key.Length);
                }
            }
        }

        /// <summary>Renames <paramref name="source"/> to <paramref name="destination"/> in one atomic step, with its key and
        /// chain, replacing whatever the destination held. The source no longer exists afterwards.</summary>
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
            MoveOrDrop(t, KeyPrefix, source, destination);
            MoveOrDrop(t, ChainPrefix, source, destination);
            Commit(t);
        }

        /// <summary>Removes the certificate (and key) under <paramref name="identifier"/>.</summary>
        public void DeleteCertificate(string identifier)
        {
            CheckIdentifier(identifier);
            RequireExists(identifier);
            var t = _log.Begin();
            t.Delete(Prefix + identifier);
            DeleteIfPresent(t, KeyPrefix + identifier);
            DeleteIfPresent(t, ChainPrefix + identifier);
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

        /// <summary>Every identifier in the store, in ordinal order (what <see cref="GetCertificateIdentifierAt"/> gives for
        /// 0 .. count-1, in one call).</summary>
        public string[] GetCertificateIdentifiers()
        {
            string[] keys = _log.GetKeys(Prefix);
            for (int i = 0; i < keys.Length; i++)
            {
                keys[i] = keys[i].Substring(Prefix.Length);
            }
            return keys;
        }

        /// <summary>A number that changes every time the certificate under <paramref name="identifier"/> is written
        /// (installed, replaced, moved onto it, or rewritten by the log's compaction) and stays while it is not; 0 when there
        /// is none. Reads no flash: a cache of what a certificate says is current while its stamp is. RAM only, numbered
        /// afresh at every mount (see <see cref="RecordLog.GetStamp"/>).</summary>
        public int GetCertificateStamp(string identifier)
        {
            return IsValidIdentifier(identifier) ? _log.GetStamp(Prefix + identifier) : 0;
        }

        /// <summary>True when <paramref name="identifier"/> is in the store.</summary>
        public bool ContainsCertificate(string identifier)
        {
            return IsValidIdentifier(identifier) && _log.Contains(Prefix + identifier);
        }

        /// <summary>Bytes of certificate and key data that can still be installed, as one new client entry with a
        /// 16-character identifier (its two values and a sealed key's overhead counted).</summary>
        public int GetAvailableSpace()
        {
            int keyLength = Prefix.Length + MaxIdentifierLength;
            int free = _log.AvailableBytes - _log.ValueOverhead(keyLength, MaxCertificateSize)
                - _log.ValueOverhead(keyLength, MaxKeySize + SealOverhead) - SealOverhead;
            return free > 0 ? free : 0;
        }

        /// <summary>What kind of entry <paramref name="identifier"/> holds: a client when it has a key. Reads no flash,
        /// so it answers for an entry whose data is damaged too.</summary>
        public CertificateType GetCertificateType(string identifier)
        {
            CheckIdentifier(identifier);
            RequireExists(identifier);
            return _log.Contains(KeyPrefix + identifier) ? CertificateType.Client : CertificateType.RootCA;
        }

        /// <summary>The parsed certificate under <paramref name="identifier"/>. Reads the certificate only, never the key.</summary>
        /// <exception cref="CertStoreException">NotFound; StorageFailure when the stored bytes fail their CRC or are no
        /// certificate (the message says which, and names the entry).</exception>
        public CertificateInfo GetCertificateInfo(string identifier)
        {
            byte[] der;
            return GetCertificateInfo(identifier, out der);
        }

        /// <summary>The parsed certificate under <paramref name="identifier"/> and the DER it was parsed from (one read, for
        /// a caller that hashes it too). Reads the certificate only, never the key.</summary>
        /// <exception cref="CertStoreException">As <see cref="GetCertificateInfo(string)"/>.</exception>
        public CertificateInfo GetCertificateInfo(string identifier, out byte[] der)
        {
            der = GetCertificate(identifier);
            try
            {
                return CertificateInfo.Parse(der);
            }
            catch (CertificateFormatException e)
            {
                throw new CertStoreException(CertStoreError.StorageFailure, "'" + identifier + "' does not hold a readable certificate: " + e.Message);
            }
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

        /// <summary>The certificate's DER (a fresh array, read from flash; the key is not read).</summary>
        public byte[] GetCertificate(string identifier)
        {
            CheckIdentifier(identifier);
            byte[] der;
            if (!TryRead(Prefix + identifier, identifier, out der))
            {
                throw NotFound(identifier);
            }
            return der;
        }

        /// <summary>The certificate's DER followed back to back by its intermediates' DER (leaf first, each issued by the
        /// next), as <c>WifiConnectRequest</c>, <c>HubConnectOptions</c> and <c>ITlsConnector</c> take a client chain. An
        /// entry installed without intermediates (every entry of the first layout) is a chain of one: its certificate.</summary>
        public byte[] GetCertificateChain(string identifier)
        {
            byte[] leaf = GetCertificate(identifier);
            byte[] intermediates;
            if (!TryRead(ChainPrefix + identifier, identifier, out intermediates) || intermediates.Length == 0)
            {
                return leaf;
            }
            return CertificateChain.Join(leaf, intermediates);
        }

        /// <summary>How many certificates <see cref="GetCertificateChain"/> returns: 1 plus the intermediates. Reads the
        /// intermediates' value only.</summary>
        public int GetCertificateChainCount(string identifier)
        {
            CheckIdentifier(identifier);
            RequireExists(identifier);
            byte[] intermediates;
            if (!TryRead(ChainPrefix + identifier, identifier, out intermediates) || intermediates.Length == 0)
            {
                return 1;
            }
            return 1 + CertificateChain.Count(intermediates);
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
                throw NotFound(identifier);
            }
        }

        private static CertStoreException NotFound(string identifier)
        {
            return new CertStoreException(CertStoreError.NotFound, "no certificate '" + identifier + "' in the store");
        }

        /// <summary>Reads one log value of entry <paramref name="identifier"/>; false when there is none.</summary>
        private bool TryRead(string logKey, string identifier, out byte[] value)
        {
            try
            {
                return _log.TryGet(logKey, out value);
            }
            catch (StorageException e)
            {
                throw new CertStoreException(CertStoreError.StorageFailure, "'" + identifier + "' cannot be read: " + e.Message, e);
            }
        }

        private void DeleteIfPresent(LogTransaction t, string logKey)
        {
            if (_log.Contains(logKey))
            {
                t.Delete(logKey);
            }
        }

        /// <summary>Moves the <paramref name="prefix"/> value of the source onto the destination, or drops the
        /// destination's when the source has none.</summary>
        private void MoveOrDrop(LogTransaction t, string prefix, string source, string destination)
        {
            if (_log.Contains(prefix + source))
            {
                t.Move(prefix + source, prefix + destination);
            }
            else
            {
                DeleteIfPresent(t, prefix + destination);
            }
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

        /// <summary>Checks a certificate as <see cref="InstallRootCACertificate"/> would (PEM or DER, one certificate,
        /// well-formed, at most <see cref="MaxCertificateSize"/> bytes) and returns its DER, without touching the store.</summary>
        /// <exception cref="CertStoreException">OutOfRange (empty, too large, or a bundle of several certificates: "expects
        /// one certificate; the input holds 3") or InvalidData, as the install would report.</exception>
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
            byte[] der = CertificateChain.Decode(input, 1)[0];
            if (der.Length > MaxCertificateSize)
            {
                throw new CertStoreException(CertStoreError.OutOfRange, "the certificate is " + der.Length + " bytes; at most " + MaxCertificateSize + " are allowed");
            }
            try
            {
                CertificateInfo.Parse(der);
            }
            catch (CertificateFormatException e)
            {
                throw new CertStoreException(CertStoreError.InvalidData, "not a valid certificate: " + e.Message);
            }
            return der;
        }

        /// <summary>Reads a client chain as <see cref="InstallClientCertificate"/> takes it: bounded (input, count, the
        /// leaf's and the intermediates' sizes) before it is parsed, then checked link by link.</summary>
        private static byte[][] DecodeChain(byte[] input)
        {
            if (input == null)
            {
                throw new ArgumentNullException("certificate");
            }
            if (input.Length > CertificateChain.MaxChainInputSize)
            {
                throw new CertStoreException(CertStoreError.OutOfRange, "the certificate input is " + input.Length
                    + " bytes; a certificate and its intermediates may have at most " + MaxCertificateSize + " and " + CertificateChain.MaxIntermediatesSize);
            }
            byte[][] chain = CertificateChain.Decode(input, CertificateChain.MaxCertificates);
            if (chain[0].Length > MaxCertificateSize)
            {
                throw new CertStoreException(CertStoreError.OutOfRange, "the certificate is " + chain[0].Length + " bytes; at most " + MaxCertificateSize + " are allowed");
            }
            int intermediates = 0;
            for (int i = 1; i < chain.Length; i++)
            {
                intermediates += chain[i].Length;
            }
            if (intermediates > CertificateChain.MaxIntermediatesSize)
            {
                throw new CertStoreException(CertStoreError.OutOfRange, "the intermediates are " + intermediates + " bytes; at most "
                    + CertificateChain.MaxIntermediatesSize + " are allowed");
            }
            CertificateChain.CheckLinks(chain);
            return chain;
        }
    }
}
