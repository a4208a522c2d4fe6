using System;
using NfCerts.Core.X509;

namespace NfCerts.Core.Provisioning
{
    /// <summary>The device's identity as DPS sees it: the registration ID is the subject CN of the leaf certificate.</summary>
    public static class DpsIdentity
    {
        /// <summary>Longest registration ID DPS accepts.</summary>
        public const int MaxRegistrationIdLength = 128;

        private static readonly byte[] CommonNameOid = new byte[] { 0x55, 0x04, 0x03 };

        /// <summary>Length of the leaf (the first DER element) of a chain of certificates written back to back.</summary>
        /// <exception cref="CertificateFormatException">The bytes do not start with a DER element.</exception>
        public static int LeafLength(byte[] chain)
        {
            var reader = new DerReader(chain, 0, chain.Length);
            int offset;
            return reader.ReadEncodedElement(out offset);
        }

        /// <summary>The registration ID for a chain (leaf first): the leaf's subject CN, which must be a valid registration ID.</summary>
        /// <exception cref="CertificateFormatException">The leaf does not parse.</exception>
        /// <exception cref="ArgumentException">The leaf has no CN, or its CN is not a valid registration ID.</exception>
        public static string RegistrationIdOf(byte[] chain)
        {
            CertificateInfo leaf = CertificateInfo.Parse(chain, 0, LeafLength(chain));
            string? cn = CommonName(leaf.Subject.RawData);
            if (cn == null)
            {
                throw new ArgumentException("the identity certificate's subject has no CN, so it has no DPS registration ID");
            }
            if (!IsValidRegistrationId(cn))
            {
                throw new ArgumentException("the identity certificate's CN '" + cn + "' is not a valid DPS registration ID (1-128 of a-z 0-9 . _ -, not starting or ending with a special character)");
            }
            return cn;
        }

        /// <summary>The last CN in a DER Name (the most specific one), or null when there is none.</summary>
        public static string? CommonName(byte[] nameDer)
        {
            string? found = null;
            DerReader rdns = new DerReader(nameDer, 0, nameDer.Length).ReadSequence();
            while (rdns.HasData)
            {
                DerReader rdn = rdns.ReadSet();
                while (rdn.HasData)
                {
                    DerReader ava = rdn.ReadSequence();
                    int oidOffset;
                    int oidLength;
                    ava.ReadOidContent(out oidOffset, out oidLength);
                    int valueOffset;
                    int valueLength;
                    int tag = ava.ReadElement(out valueOffset, out valueLength);
                    if (DerOid.Equals(nameDer, oidOffset, oidLength, CommonNameOid) && DerText.IsStringTag(tag))
                    {
                        found = DerText.Decode(nameDer, tag, valueOffset, valueLength);
                    }
                }
            }
            return found;
        }

        /// <summary>True for 1-128 characters of lowercase letters, digits, '.', '_' and '-', with a letter or digit first
        /// and last (DPS compares registration IDs case-insensitively; X.509 devices use their CN as it is).</summary>
        public static bool IsValidRegistrationId(string? id)
        {
            if (id == null || id.Length < 1 || id.Length > MaxRegistrationIdLength)
            {
                return false;
            }
            for (int i = 0; i < id.Length; i++)
            {
                char c = id[i];
                bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                bool special = c == '.' || c == '_' || c == '-';
                if (!alnum && !(special && i > 0 && i < id.Length - 1))
                {
                    return false;
                }
            }
            return true;
        }
    }
}
