using System;
using System.Text;

namespace NfCerts.Core.X509
{
    /// <summary>
    /// What the certificate store reports about an X.509 certificate, read from its DER: version, serial,
    /// issuer and subject, validity, subject public key algorithm and size, and basicConstraints.
    /// Nothing is verified (no signature, chain or time check): this describes, it does not trust.
    /// </summary>
    public sealed class CertificateInfo
    {
        private static readonly byte[] BasicConstraintsOid = new byte[] { 0x55, 0x1D, 0x13 };
        private const string HexDigits = "0123456789abcdef";

        private CertificateInfo(byte[] rawData)
        {
            RawData = rawData;
            SerialNumber = new byte[0];
            SerialNumberHex = string.Empty;
            PublicKeyAlgorithmOid = string.Empty;
            PublicKeyAlgorithmName = string.Empty;
            PathLengthConstraint = -1;
        }

        /// <summary>The certificate's DER, exactly the outer SEQUENCE (the caller's array itself when it held nothing else).</summary>
        public byte[] RawData { get; private set; }

        /// <summary>The X.509 version: 1, 2 or 3 (as <c>openssl x509 -text</c> prints it; the encoded value plus one).</summary>
        public int Version { get; private set; }

        /// <summary>The serial number's INTEGER contents as encoded: two's complement, big endian, minimal (a leading 0x00 kept).</summary>
        public byte[] SerialNumber { get; private set; }

        /// <summary>
        /// The serial number in hex as <c>openssl x509 -serial</c> prints it, in lowercase: the magnitude without
        /// the sign octet, two digits per octet, "-" before a negative one, "00" for zero (e.g. "00ff" is "ff").
        /// </summary>
        public string SerialNumberHex { get; private set; }

        /// <summary>The issuer name.</summary>
        public DistinguishedName Issuer { get; private set; } = null!;

        /// <summary>The subject name.</summary>
        public DistinguishedName Subject { get; private set; } = null!;

        /// <summary>Start of the validity period, UTC (clamped to <see cref="DerReader.MinTime"/>..<see cref="DerReader.MaxTime"/>).</summary>
        public DateTime NotBefore { get; private set; }

        /// <summary>End of the validity period, UTC (99991231235959Z, "no expiration", reads as <see cref="DerReader.MaxTime"/>).</summary>
        public DateTime NotAfter { get; private set; }

        /// <summary>The subject public key's algorithm.</summary>
        public KeyAlgorithm PublicKeyAlgorithm { get; private set; }

        /// <summary>The subject public key's algorithm OID, dotted ("1.2.840.113549.1.1.1").</summary>
        public string PublicKeyAlgorithmOid { get; private set; }

        /// <summary>OpenSSL's name of the algorithm ("rsaEncryption", "id-ecPublicKey", "rsassaPss", "ED25519", "ED448"), else the dotted OID.</summary>
        public string PublicKeyAlgorithmName { get; private set; }

        /// <summary>For an EC key on a named curve: "P-256", "P-384", "P-521" or "secp256k1"; null otherwise (see <see cref="CurveOid"/>).</summary>
        public string? CurveName { get; private set; }

        /// <summary>For an EC key on a named curve: the curve's OID, dotted; null otherwise.</summary>
        public string? CurveOid { get; private set; }

        /// <summary>
        /// Key size in bits: the RSA modulus length, the EC curve size (256, 384, 521), 256 for Ed25519, 456 for
        /// Ed448; 0 when unknown (another algorithm or curve).
        /// </summary>
        public int PublicKeySize { get; private set; }

        /// <summary>True when the certificate carries a basicConstraints extension.</summary>
        public bool HasBasicConstraints { get; private set; }

        /// <summary>The cA flag of basicConstraints (false when the extension is absent).</summary>
        public bool IsCa { get; private set; }

        /// <summary>The pathLenConstraint of basicConstraints, or -1 when absent.</summary>
        public int PathLengthConstraint { get; private set; }

        /// <summary>Parses a certificate whose DER fills the array exactly.</summary>
        /// <param name="der">The certificate's DER (kept as <see cref="RawData"/>, not copied).</param>
        /// <exception cref="ArgumentNullException"><paramref name="der"/> is null.</exception>
        /// <exception cref="CertificateFormatException">The bytes are not a well-formed certificate, or bytes follow it.</exception>
        public static CertificateInfo Parse(byte[] der)
        {
            if (der == null)
            {
                throw new ArgumentNullException("der");
            }

            return Parse(der, 0, der.Length);
        }

        /// <summary>Parses a certificate whose DER fills the given range exactly.</summary>
        /// <param name="der">The array holding the certificate.</param>
        /// <param name="offset">Index of its first byte.</param>
        /// <param name="count">Its length; bytes after the certificate's outer SEQUENCE are an error.</param>
        /// <exception cref="ArgumentNullException"><paramref name="der"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The range lies outside the array.</exception>
        /// <exception cref="CertificateFormatException">The bytes are not a well-formed certificate, or bytes follow it.</exception>
        public static CertificateInfo Parse(byte[] der, int offset, int count)
        {
            // Structure first (every TLV, depth, trailing bytes), then the fields.
            DerReader.Validate(der, offset, count);
            DerReader input = new DerReader(der, offset, count);

            byte[] raw = der;
            if (offset != 0 || count != der.Length)
            {
                raw = new byte[count];
                Array.Copy(der, offset, raw, 0, count);
            }

            CertificateInfo info = new CertificateInfo(raw);

            // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
            DerReader certificate = input.ReadSequence();
            input.ExpectEnd();
            DerReader tbs = certificate.ReadSequence();
            ReadAlgorithmIdentifier(certificate.ReadSequence());
            int bitsOffset;
            int bitsLength;
            int unusedBits;
            certificate.ReadBitStringContent(out bitsOffset, out bitsLength, out unusedBits);
            certificate.ExpectEnd();

            info.ReadTbs(tbs);
            return info;
        }

        /// <summary>A one-line description: subject, issuer, serial and validity (no key material).</summary>
        public override string ToString()
        {
            return "subject=" + Subject.Name + "; issuer=" + Issuer.Name + "; serial=" + SerialNumberHex
                + "; notBefore=" + FormatTime(NotBefore) + "; notAfter=" + FormatTime(NotAfter);
        }

        /// <summary>ISO 8601 UTC with seconds and 'Z', e.g. "2030-01-01T00:00:00Z".</summary>
        /// <param name="time">A UTC time.</param>
        public static string FormatTime(DateTime time)
        {
            StringBuilder text = new StringBuilder();
            AppendDigits(text, time.Year, 4);
            text.Append('-');
            AppendDigits(text, time.Month, 2);
            text.Append('-');
            AppendDigits(text, time.Day, 2);
            text.Append('T');
            AppendDigits(text, time.Hour, 2);
            text.Append(':');
            AppendDigits(text, time.Minute, 2);
            text.Append(':');
            AppendDigits(text, time.Second, 2);
            text.Append('Z');
            return text.ToString();
        }

        private static void AppendDigits(StringBuilder text, int value, int digits)
        {
            int divisor = 1;
            for (int i = 1; i < digits; i++)
            {
                divisor *= 10;
            }

            for (; divisor > 0; divisor /= 10)
            {
                text.Append((char)('0' + ((value / divisor) % 10)));
            }
        }

        // TBSCertificate ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, serialNumber, signature, issuer, validity,
        //   subject, subjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT OPTIONAL, subjectUniqueID [2] IMPLICIT OPTIONAL,
        //   extensions [3] EXPLICIT OPTIONAL }
        private void ReadTbs(DerReader tbs)
        {
            Version = 1;
            DerReader? version = tbs.ReadOptionalConstructed(DerTag.Context(0, true));
            if (version != null)
            {
                int value = version.ReadInt32();
                version.ExpectEnd();
                if (value < 0 || value > 2)
                {
                    throw new CertificateFormatException(
                        CertificateFormatError.Unsupported, "certificate version value " + value.ToString() + " is not v1, v2 or v3");
                }

                Version = value + 1;
            }

            SerialNumber = tbs.ReadIntegerBytes();
            SerialNumberHex = FormatSerial(SerialNumber);
            ReadAlgorithmIdentifier(tbs.ReadSequence());
            Issuer = DistinguishedName.Read(tbs);
            DerReader validity = tbs.ReadSequence();
            NotBefore = validity.ReadTime();
            NotAfter = validity.ReadTime();
            validity.ExpectEnd();
            Subject = DistinguishedName.Read(tbs);
            ReadSubjectPublicKeyInfo(tbs.ReadSequence());

            if (tbs.NextIs(DerTag.Context(1, false)))
            {
                tbs.Skip();
            }

            if (tbs.NextIs(DerTag.Context(2, false)))
            {
                tbs.Skip();
            }

            DerReader? extensions = tbs.ReadOptionalConstructed(DerTag.Context(3, true));
            if (extensions != null)
            {
                ReadExtensions(extensions.ReadSequence());
                extensions.ExpectEnd();
            }

            tbs.ExpectEnd();
        }

        // AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
        private static void ReadAlgorithmIdentifier(DerReader algorithm)
        {
            int offset;
            int length;
            algorithm.ReadOidContent(out offset, out length);
            if (algorithm.HasData)
            {
                algorithm.Skip();
            }

            algorithm.ExpectEnd();
        }

        // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
        private void ReadSubjectPublicKeyInfo(DerReader spki)
        {
            DerReader algorithm = spki.ReadSequence();
            int oidOffset;
            int oidLength;
            algorithm.ReadOidContent(out oidOffset, out oidLength);
            byte[] buffer = algorithm.Buffer;
            PublicKeyAlgorithm = KeyAlgorithms.FromOid(buffer, oidOffset, oidLength);
            PublicKeyAlgorithmOid = DerOid.ToDottedString(buffer, oidOffset, oidLength);
            string? name = KeyAlgorithms.Name(PublicKeyAlgorithm);
            PublicKeyAlgorithmName = name == null ? PublicKeyAlgorithmOid : name;

            if (PublicKeyAlgorithm == KeyAlgorithm.Ec && algorithm.NextIs(DerTag.ObjectIdentifier))
            {
                int curveOffset;
                int curveLength;
                algorithm.ReadOidContent(out curveOffset, out curveLength);
                int bits;
                CurveName = KeyAlgorithms.CurveName(buffer, curveOffset, curveLength, out bits);
                CurveOid = DerOid.ToDottedString(buffer, curveOffset, curveLength);
                PublicKeySize = bits;
            }
            else if (algorithm.HasData)
            {
                algorithm.Skip();
            }

            algorithm.ExpectEnd();

            if (PublicKeyAlgorithm == KeyAlgorithm.Rsa || PublicKeyAlgorithm == KeyAlgorithm.RsaPss)
            {
                // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
                DerReader keyBits = spki.ReadBitStringReader();
                DerReader rsa = keyBits.ReadSequence();
                keyBits.ExpectEnd();
                int modulusOffset;
                int modulusLength;
                rsa.ReadIntegerContent(out modulusOffset, out modulusLength);
                rsa.ReadIntegerContent(out oidOffset, out oidLength);
                rsa.ExpectEnd();
                PublicKeySize = KeyAlgorithms.IntegerBits(buffer, modulusOffset, modulusLength);
            }
            else
            {
                int keyOffset;
                int keyLength;
                int unusedBits;
                spki.ReadBitStringContent(out keyOffset, out keyLength, out unusedBits);
                if (PublicKeyAlgorithm == KeyAlgorithm.Ed25519)
                {
                    PublicKeySize = 256;
                }
                else if (PublicKeyAlgorithm == KeyAlgorithm.Ed448)
                {
                    PublicKeySize = 456;
                }
            }

            spki.ExpectEnd();
        }

        // Extensions ::= SEQUENCE OF Extension; Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
        private void ReadExtensions(DerReader list)
        {
            while (list.HasData)
            {
                DerReader extension = list.ReadSequence();
                int oidOffset;
                int oidLength;
                extension.ReadOidContent(out oidOffset, out oidLength);
                if (extension.NextIs(DerTag.Boolean))
                {
                    extension.ReadBoolean();
                }

                DerReader value = extension.ReadOctetStringReader();
                extension.ExpectEnd();
                if (DerOid.Equals(extension.Buffer, oidOffset, oidLength, BasicConstraintsOid))
                {
                    if (HasBasicConstraints)
                    {
                        throw DerReader.Bad(CertificateFormatError.BadEncoding, oidOffset, "basicConstraints extension appears twice");
                    }

                    ReadBasicConstraints(value);
                }
            }
        }

        // BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }
        private void ReadBasicConstraints(DerReader value)
        {
            DerReader constraints = value.ReadSequence();
            value.ExpectEnd();
            HasBasicConstraints = true;
            if (constraints.NextIs(DerTag.Boolean))
            {
                IsCa = constraints.ReadBoolean();
            }

            if (constraints.NextIs(DerTag.Integer))
            {
                int offset = constraints.Position;
                PathLengthConstraint = constraints.ReadInt32();
                if (PathLengthConstraint < 0)
                {
                    throw DerReader.Bad(CertificateFormatError.BadEncoding, offset, "basicConstraints pathLenConstraint is negative");
                }
            }

            constraints.ExpectEnd();
        }

        private static string FormatSerial(byte[] serial)
        {
            bool negative = (serial[0] & 0x80) != 0;
            byte[] magnitude = serial;
            if (negative)
            {
                magnitude = new byte[serial.Length];
                int carry = 1;
                for (int i = serial.Length - 1; i >= 0; i--)
                {
                    int v = (~serial[i] & 0xFF) + carry;
                    magnitude[i] = (byte)v;
                    carry = v >> 8;
                }
            }

            int start = 0;
            while (start < magnitude.Length - 1 && magnitude[start] == 0)
            {
                start++;
            }

            StringBuilder text = new StringBuilder();
            if (negative)
            {
                text.Append('-');
            }

            for (int i = start; i < magnitude.Length; i++)
            {
                text.Append(HexDigits[magnitude[i] >> 4]);
                text.Append(HexDigits[magnitude[i] & 0xF]);
            }

            return text.ToString();
        }
    }
}
