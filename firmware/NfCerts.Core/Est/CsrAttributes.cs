using System;
using NfCerts.Core.X509;
using KeyAlgorithm = NfCerts.Hal.KeyAlgorithm;

namespace NfCerts.Core.Est
{
    /// <summary>
    /// What an EST server asks to find in certificate requests (RFC 7030 4.5.2, with RFC 8951's corrections):
    /// <c>CsrAttrs ::= SEQUENCE SIZE (0..MAX) OF AttrOrOID</c>, <c>AttrOrOID ::= CHOICE { oid OBJECT IDENTIFIER,
    /// attribute Attribute }</c>.
    /// </summary>
    /// <remarks>
    /// Bounds: at most <see cref="MaxInputSize"/> bytes, <see cref="MaxEntries"/> entries and
    /// <see cref="MaxValues"/> values per attribute. What the client makes of it: <see cref="RequestsChallengePassword"/>,
    /// the extensions given whole in an extensionRequest attribute (<see cref="ExtensionRequest"/>, copied into the CSR),
    /// and the key type named (<see cref="KeyAlgorithmHint"/>). Other OIDs (signature algorithms, bare extension OIDs
    /// without a value the client could fill in) are kept for the caller to report.
    /// </remarks>
    public sealed class CsrAttributes
    {
        /// <summary>The largest answer accepted, in bytes.</summary>
        public const int MaxInputSize = 4096;
        /// <summary>Most entries accepted.</summary>
        public const int MaxEntries = 32;
        /// <summary>Most values accepted in one attribute.</summary>
        public const int MaxValues = 16;
        /// <summary>challengePassword (PKCS#9).</summary>
        public const string ChallengePasswordOid = "1.2.840.113549.1.9.7";
        /// <summary>extensionRequest (PKCS#9).</summary>
        public const string ExtensionRequestOid = "1.2.840.113549.1.9.14";
        /// <summary>id-ecPublicKey.</summary>
        public const string EcPublicKeyOid = "1.2.840.10045.2.1";
        /// <summary>rsaEncryption.</summary>
        public const string RsaEncryptionOid = "1.2.840.113549.1.1.1";
        /// <summary>secp256r1 (P-256).</summary>
        public const string P256Oid = "1.2.840.10045.3.1.7";

        private readonly CsrAttribute[] _entries;

        private CsrAttributes(CsrAttribute[] entries)
        {
            _entries = entries;
        }

        /// <summary>An empty set (the server asks for nothing: 204 or 404 to /csrattrs).</summary>
        public static readonly CsrAttributes None = new CsrAttributes(new CsrAttribute[0]);

        /// <summary>The entries in order.</summary>
        public CsrAttribute[] Entries
        {
            get { return _entries; }
        }

        /// <summary>True when challengePassword is named (bare or as an attribute).</summary>
        public bool RequestsChallengePassword
        {
            get { return Find(ChallengePasswordOid) != null; }
        }

        /// <summary>The key algorithm the server names (an ecPublicKey attribute with P-256, or rsaEncryption), or 0 when it
        /// names none this device can generate.</summary>
        public KeyAlgorithm KeyAlgorithmHint
        {
            get
            {
                CsrAttribute? ec = Find(EcPublicKeyOid);
                if (ec != null)
                {
                    for (int i = 0; i < ec.Values.Length; i++)
                    {
                        if (OidOf(ec.Values[i]) == P256Oid)
                        {
                            return KeyAlgorithm.EcP256;
                        }
                    }
                    return ec.Values.Length == 0 ? KeyAlgorithm.EcP256 : (KeyAlgorithm)0;
                }
                return Find(RsaEncryptionOid) != null ? KeyAlgorithm.Rsa2048 : (KeyAlgorithm)0;
            }
        }

        /// <summary>The Extension elements (DER, <c>SEQUENCE { extnID, critical, extnValue }</c>) given whole in an
        /// extensionRequest attribute, to be requested as they are; empty when none.</summary>
        public byte[][] ExtensionRequest
        {
            get
            {
                CsrAttribute? request = Find(ExtensionRequestOid);
                if (request == null || request.Values.Length == 0)
                {
                    return new byte[0][];
                }
                // The value is Extensions ::= SEQUENCE OF Extension.
                byte[] value = request.Values[0];
                DerReader extensions = new DerReader(value).ReadSequence();
                byte[][] found = new byte[MaxValues][];
                int n = 0;
                while (extensions.HasData && n < MaxValues)
                {
                    int start;
                    int length = extensions.ReadEncodedElement(out start);
                    found[n] = new byte[length];
                    Array.Copy(value, start, found[n], 0, length);
                    n++;
                }
                byte[][] result = new byte[n][];
                Array.Copy(found, result, n);
                return result;
            }
        }

        /// <summary>The entry for <paramref name="oid"/>, or null.</summary>
        public CsrAttribute? Find(string oid)
        {
            for (int i = 0; i < _entries.Length; i++)
            {
                if (_entries[i].Oid == oid)
                {
                    return _entries[i];
                }
            }
            return null;
        }

        /// <summary>Parses the DER of a CsrAttrs (the decoded body of a /csrattrs answer). Throws <see cref="EstException"/>
        /// BadContent when it is malformed or over the bounds.</summary>
        public static CsrAttributes Parse(byte[] der)
        {
            if (der == null)
            {
                throw new ArgumentNullException("der");
            }
            if (der.Length > MaxInputSize)
            {
                throw EstException.Content("the CSR attributes exceed " + MaxInputSize.ToString() + " bytes");
            }
            try
            {
                DerReader.Validate(der, 0, der.Length);
                DerReader outer = new DerReader(der);
                DerReader list = outer.ReadSequence();
                outer.ExpectEnd();
                CsrAttribute[] entries = new CsrAttribute[MaxEntries];
                int count = 0;
                while (list.HasData)
                {
                    if (count == MaxEntries)
                    {
                        throw EstException.Content("more than " + MaxEntries.ToString() + " CSR attributes");
                    }
                    entries[count++] = ReadEntry(list, der);
                }
                CsrAttribute[] result = new CsrAttribute[count];
                Array.Copy(entries, result, count);
                return new CsrAttributes(result);
            }
            catch (CertificateFormatException e)
            {
                throw EstException.Content("the CSR attributes do not decode: " + e.Message);
            }
        }

        private static CsrAttribute ReadEntry(DerReader list, byte[] der)
        {
            if (list.PeekTag() == DerTag.ObjectIdentifier)
            {
                return new CsrAttribute(list.ReadOid(), new byte[0][]);
            }
            DerReader attribute = list.ReadSequence();
            string oid = attribute.ReadOid();
            DerReader set = attribute.ReadSet();
            attribute.ExpectEnd();
            byte[][] values = new byte[MaxValues][];
            int n = 0;
            while (set.HasData)
            {
                if (n == MaxValues)
                {
                    throw EstException.Content("a CSR attribute has more than " + MaxValues.ToString() + " values");
                }
                int start;
                int length = set.ReadEncodedElement(out start);
                values[n] = new byte[length];
                Array.Copy(der, start, values[n], 0, length);
                n++;
            }
            byte[][] result = new byte[n][];
            Array.Copy(values, result, n);
            return new CsrAttribute(oid, result);
        }

        private static string OidOf(byte[] element)
        {
            try
            {
                DerReader reader = new DerReader(element);
                return reader.PeekTag() == DerTag.ObjectIdentifier ? reader.ReadOid() : "";
            }
            catch (CertificateFormatException)
            {
                return "";
            }
        }
    }
}
