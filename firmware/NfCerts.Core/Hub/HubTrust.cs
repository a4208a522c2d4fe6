using System;
using NfCerts.Core.Storage;

namespace NfCerts.Core.Hub
{
    /// <summary>
    /// The roots the device trusts for its hub's TLS chain: the three shipped with the firmware (Baltimore CyberTrust Root,
    /// DigiCert Global Root G2, Microsoft RSA Root Certificate Authority 2017), all trusted together, plus roots an operator
    /// added later (kept in the store). Nothing below a root is ever pinned.
    /// </summary>
    /// <remarks>Placeholder API agreed between the hub client and the twin handlers; the hub client's work fills it in.</remarks>
    public sealed class HubTrust
    {
        /// <summary>Opens the trust set over the store's log.</summary>
        public HubTrust(RecordLog log)
        {
            if (log == null)
            {
                throw new ArgumentNullException("log");
            }
        }

        /// <summary>Every trusted root, DER each: the shipped ones first, then the operator's.</summary>
        public byte[][] GetRoots()
        {
            throw new NotImplementedException("HubTrust.GetRoots");
        }

        /// <summary>Adds an operator root (DER or PEM of one self-signed CA certificate) in one commit; false when it is
        /// already trusted. Throws <see cref="ArgumentException"/> with the reason for anything else (not a CA, not
        /// self-signed, expired, too many roots, store full), changing nothing.</summary>
        public bool AddRoot(byte[] certificate)
        {
            throw new NotImplementedException("HubTrust.AddRoot");
        }

        /// <summary>Removes an operator root by its SHA-256 thumbprint (hex); false when there is none. Shipped roots cannot
        /// be removed.</summary>
        public bool RemoveRoot(string sha256Hex)
        {
            throw new NotImplementedException("HubTrust.RemoveRoot");
        }
    }
}
