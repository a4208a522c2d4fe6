using System;
using System.Text;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Core.X509;
using NfCerts.Hal;

namespace NfCerts.Core.Hub
{
    /// <summary>
    /// The roots the device trusts for its hub's TLS chain: the three shipped with the firmware (Baltimore CyberTrust Root,
    /// DigiCert Global Root G2, Microsoft RSA Root Certificate Authority 2017, <see cref="HubRoots"/>), all trusted together,
    /// plus roots an operator added later (kept in the store). Nothing below a root is ever pinned.
    /// </summary>
    /// <remarks>
    /// <para>Operator roots: at most <see cref="MaxOperatorRoots"/>, each the DER of one self-signed CA certificate under its
    /// own store key <c>Hr0</c>..<c>Hr7</c>, so that adding or removing one is one atomic commit (after a power cut the set
    /// is the old one or the new one).</para>
    /// <para>Memory: <see cref="GetRoots"/> holds every root's DER at once (the shipped three are about 3 KiB; each operator
    /// root at most <see cref="CertStore.MaxCertificateSize"/>); the other operations hold one root at a time.</para>
    /// <para>Not thread-safe: callers share the store's lock (<c>ConnectionManager.SyncRoot</c>) as for every store user.</para>
    /// </remarks>
    public sealed class HubTrust
    {
        /// <summary>Most operator roots kept.</summary>
        public const int MaxOperatorRoots = 8;
        /// <summary>Store key prefix of the operator roots.</summary>
        public const string KeyPrefix = "Hr";

        private readonly RecordLog _log;
        private readonly IClock? _clock;

        /// <summary>Opens the trust set over the store's log.</summary>
        public HubTrust(RecordLog log) : this(log, null)
        {
        }

        /// <summary>Opens the trust set over the store's log; with a synchronised <paramref name="clock"/>, expired roots
        /// are refused when added.</summary>
        public HubTrust(RecordLog log, IClock? clock)
        {
            if (log == null)
            {
                throw new ArgumentNullException("log");
            }
            _log = log;
            _clock = clock;
        }

        /// <summary>Raised after the set changed (a root added or removed), so that a platform holding the set as one CA
        /// bundle can replace it.</summary>
        public event HubTrustChangedHandler? Changed;

        /// <summary>Every trusted root, DER each: the shipped ones first, then the operator's.</summary>
        public byte[][] GetRoots()
        {
            string[] shipped = HubRoots.GetAll();
            string[] keys = _log.GetKeys(KeyPrefix);
            var roots = new byte[shipped.Length + keys.Length][];
            for (int i = 0; i < shipped.Length; i++)
            {
                byte[] pem = Encoding.UTF8.GetBytes(shipped[i]);
                roots[i] = Pem.DecodeFirst(pem, 0, pem.Length, Pem.CertificateLabel).Data;
            }
            int n = shipped.Length;
            for (int i = 0; i < keys.Length; i++)
            {
                byte[] der;
                if (_log.TryGet(keys[i], out der))
                {
                    roots[n++] = der;
                }
            }
            if (n == roots.Length)
            {
                return roots;
            }
            var cut = new byte[n][];
            Array.Copy(roots, cut, n);
            return cut;
        }

        /// <summary>How many roots an operator added.</summary>
        public int OperatorRootCount
        {
            get { return _log.GetKeys(KeyPrefix).Length; }
        }

        /// <summary>SHA-256 thumbprints (lowercase hex) of the operator roots, in store order.</summary>
        public string[] GetOperatorThumbprints()
        {
            string[] keys = _log.GetKeys(KeyPrefix);
            var result = new string[keys.Length];
            for (int i = 0; i < keys.Length; i++)
            {
                byte[] der;
                result[i] = _log.TryGet(keys[i], out der) ? CertStore.Hex(Sha256.Hash(der)) : "";
            }
            return result;
        }

        /// <summary>Adds an operator root (DER or PEM of one self-signed CA certificate) in one commit; false when it is
        /// already trusted. Throws <see cref="ArgumentException"/> with the reason for anything else (not a CA, not
        /// self-signed, expired, too many roots, store full), changing nothing.</summary>
        public bool AddRoot(byte[] certificate)
        {
            if (certificate == null)
            {
                throw new ArgumentNullException("certificate");
            }
            byte[] der;
            try
            {
                der = CertStore.DecodeCertificate(certificate);
            }
            catch (CertStoreException e)
            {
                throw new ArgumentException("the hub root is refused: " + e.Message);
            }
            CheckRoot(CertificateInfo.Parse(der));
            byte[][] all = GetRoots();
            for (int i = 0; i < all.Length; i++)
            {
                if (SameBytes(all[i], der))
                {
                    return false;
                }
            }
            string? slot = FreeSlot();
            if (slot == null)
            {
                throw new ArgumentException("the hub root is refused: " + MaxOperatorRoots.ToString() + " operator roots are trusted already; remove one first");
            }
            try
            {
                var t = _log.Begin();
                t.Put(slot, der);
                t.Commit();
            }
            catch (StorageException e)
            {
                throw new ArgumentException("the hub root could not be stored: " + e.Message);
            }
            RaiseChanged();
            return true;
        }

        /// <summary>Removes an operator root by its SHA-256 thumbprint (hex); false when there is none. Shipped roots cannot
        /// be removed.</summary>
        public bool RemoveRoot(string sha256Hex)
        {
            if (sha256Hex == null)
            {
                throw new ArgumentNullException("sha256Hex");
            }
            string wanted = sha256Hex.ToLower();
            string[] keys = _log.GetKeys(KeyPrefix);
            for (int i = 0; i < keys.Length; i++)
            {
                byte[] der;
                if (_log.TryGet(keys[i], out der) && CertStore.Hex(Sha256.Hash(der)) == wanted)
                {
                    var t = _log.Begin();
                    t.Delete(keys[i]);
                    t.Commit();
                    RaiseChanged();
                    return true;
                }
            }
            return false;
        }

        private void CheckRoot(CertificateInfo info)
        {
            if (!info.HasBasicConstraints || !info.IsCa)
            {
                throw new ArgumentException("the hub root is refused: it is not a CA certificate (basicConstraints CA:TRUE is missing)");
            }
            if (!SameBytes(info.Subject.RawData, info.Issuer.RawData))
            {
                throw new ArgumentException("the hub root is refused: it is not self-signed (issued by " + info.Issuer.Name + "); trust its root instead, never an intermediate");
            }
            if (_clock != null && _clock.IsSynchronized && info.NotAfter < _clock.UtcNow)
            {
                throw new ArgumentException("the hub root is refused: it expired on " + CertificateInfo.FormatTime(info.NotAfter));
            }
        }

        private string? FreeSlot()
        {
            for (int i = 0; i < MaxOperatorRoots; i++)
            {
                string key = KeyPrefix + i.ToString();
                if (!_log.Contains(key))
                {
                    return key;
                }
            }
            return null;
        }

        private void RaiseChanged()
        {
            var h = Changed;
            if (h != null)
            {
                h(this);
            }
        }

        private static bool SameBytes(byte[] a, byte[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>Raised when the hub's trusted root set changed.</summary>
    public delegate void HubTrustChangedHandler(object sender);
}
