using System;

namespace NfCerts.Core.X509
{
    /// <summary>
    /// What a private key's DER is: its container format, algorithm, curve and size. Holds no key material,
    /// and neither <see cref="ToString"/> nor any exception message ever shows key bytes.
    /// </summary>
    public sealed class PrivateKeyDescription
    {
        private const string RsaOid = "1.2.840.113549.1.1.1";
        private const string EcOid = "1.2.840.10045.2.1";

        private PrivateKeyDescription(PrivateKeyFormat format)
        {
            Format = format;
        }

        /// <summary>The container format.</summary>
        public PrivateKeyFormat Format { get; private set; }

        /// <summary>The key's algorithm; <see cref="KeyAlgorithm.Unknown"/> for an encrypted key (not known until decrypted) or an unrecognised OID.</summary>
        public KeyAlgorithm Algorithm { get; private set; }

        /// <summary>The key algorithm's OID, dotted (implied by the format for SEC 1 and PKCS #1); null for an encrypted key.</summary>
        public string? AlgorithmOid { get; private set; }

        /// <summary>For an encrypted key: the encryption scheme's OID (PBES2 is 1.2.840.113549.1.5.13); null otherwise.</summary>
        public string? EncryptionAlgorithmOid { get; private set; }

        /// <summary>For an encrypted key: the scheme as OpenSSL names it, with the key derivation and cipher of PBES2, e.g.
        /// "PBES2 (PBKDF2, aes-256-cbc)", "PBES2 (scrypt, aes-256-cbc)" or "PBE-SHA1-3DES"; null otherwise.</summary>
        public string? EncryptionScheme { get; private set; }

        /// <summary>For an EC key whose curve is named: "P-256", "P-384", "P-521" or "secp256k1"; null otherwise.</summary>
        public string? CurveName { get; private set; }

        /// <summary>For an EC key whose curve is named: the curve OID, dotted; null otherwise.</summary>
        public string? CurveOid { get; private set; }

        /// <summary>Key size in bits (RSA modulus length, EC curve size, 256 for Ed25519, 456 for Ed448); 0 when unknown.</summary>
        public int KeySize { get; private set; }

        /// <summary>Describes a private key whose DER fills the array exactly.</summary>
        /// <param name="der">The key's DER.</param>
        /// <exception cref="CertificateFormatException">Not a well-formed PKCS #8, encrypted PKCS #8, SEC 1 or PKCS #1 key.</exception>
        public static PrivateKeyDescription Detect(byte[] der)
        {
            if (der == null)
            {
                throw new ArgumentNullException("der");
            }

            return Detect(der, 0, der.Length);
        }

        /// <summary>Describes a private key whose DER fills the given range exactly.</summary>
        /// <param name="der">The array holding the key.</param>
        /// <param name="offset">Index of its first byte.</param>
        /// <param name="count">Its length.</param>
        /// <exception cref="CertificateFormatException">Not a well-formed PKCS #8, encrypted PKCS #8, SEC 1 or PKCS #1 key.</exception>
        public static PrivateKeyDescription Detect(byte[] der, int offset, int count)
        {
            DerReader.Validate(der, offset, count);
            DerReader input = new DerReader(der, offset, count);
            DerReader key = input.ReadSequence();
            input.ExpectEnd();

            int first = key.PeekTag();
            if (first == DerTag.Sequence)
            {
                return ReadEncrypted(key);
            }

            if (first != DerTag.Integer)
            {
                throw NotAKey(key.Position);
            }

            int version = key.ReadInt32();
            int second = key.PeekTag();
            PrivateKeyDescription description;
            if (second == DerTag.Sequence)
            {
                description = new PrivateKeyDescription(PrivateKeyFormat.Pkcs8);
                description.ReadPkcs8(key, version);
            }
            else if (second == DerTag.OctetString)
            {
                description = new PrivateKeyDescription(PrivateKeyFormat.Sec1Ec);
                description.Algorithm = KeyAlgorithm.Ec;
                description.AlgorithmOid = EcOid;
                description.ReadSec1(key, version);
            }
            else if (second == DerTag.Integer)
            {
                description = new PrivateKeyDescription(PrivateKeyFormat.Pkcs1Rsa);
                description.Algorithm = KeyAlgorithm.Rsa;
                description.AlgorithmOid = RsaOid;
                description.ReadPkcs1(key, version);
            }
            else
            {
                throw NotAKey(key.Position);
            }

            return description;
        }

        /// <summary>Format, algorithm, curve and size, e.g. "PKCS#8 id-ecPublicKey P-256 (256 bit)"; never key bytes.</summary>
        public override string ToString()
        {
            string text = FormatName(Format);
            if (Format == PrivateKeyFormat.EncryptedPkcs8)
            {
                return text + " (" + EncryptionAlgorithmOid + ")";
            }

            string? name = KeyAlgorithms.Name(Algorithm);
            text += " " + (name == null ? AlgorithmOid : name);
            if (CurveName != null)
            {
                text += " " + CurveName;
            }

            return KeySize > 0 ? text + " (" + KeySize.ToString() + " bit)" : text;
        }

        /// <summary>A readable name of a format: "PKCS#8", "encrypted PKCS#8", "SEC1", "PKCS#1".</summary>
        /// <param name="format">The format.</param>
        public static string FormatName(PrivateKeyFormat format)
        {
            switch (format)
            {
                case PrivateKeyFormat.Pkcs8: return "PKCS#8";
                case PrivateKeyFormat.EncryptedPkcs8: return "encrypted PKCS#8";
                case PrivateKeyFormat.Sec1Ec: return "SEC1";
                case PrivateKeyFormat.Pkcs1Rsa: return "PKCS#1";
                default: return "unknown";
            }
        }

        // EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
        private static PrivateKeyDescription ReadEncrypted(DerReader key)
        {
            PrivateKeyDescription description = new PrivateKeyDescription(PrivateKeyFormat.EncryptedPkcs8);
            DerReader algorithm = key.ReadSequence();
            description.EncryptionAlgorithmOid = algorithm.ReadOid();
            description.EncryptionScheme = EncryptionSchemes.Describe(description.EncryptionAlgorithmOid, algorithm);
            algorithm.ExpectEnd();
            int offset;
            int length;
            key.ReadOctetStringContent(out offset, out length);
            if (length == 0)
            {
                throw DerReader.Bad(CertificateFormatError.BadEncoding, offset, "encrypted private key is empty");
            }

            key.ExpectEnd();
            return description;
        }

        // PrivateKeyInfo ::= SEQUENCE { version (0, or 1 for OneAsymmetricKey), privateKeyAlgorithm AlgorithmIdentifier,
        //   privateKey OCTET STRING, attributes [0] IMPLICIT OPTIONAL, publicKey [1] IMPLICIT BIT STRING OPTIONAL }
        private void ReadPkcs8(DerReader key, int version)
        {
            if (version != 0 && version != 1)
            {
                throw new CertificateFormatException(CertificateFormatError.Unsupported, "PKCS#8 version " + version.ToString() + " is not supported");
            }

            DerReader algorithm = key.ReadSequence();
            int oidOffset;
            int oidLength;
            algorithm.ReadOidContent(out oidOffset, out oidLength);
            Algorithm = KeyAlgorithms.FromOid(algorithm.Buffer, oidOffset, oidLength);
            AlgorithmOid = DerOid.ToDottedString(algorithm.Buffer, oidOffset, oidLength);
            if (Algorithm == KeyAlgorithm.Ec && algorithm.NextIs(DerTag.ObjectIdentifier))
            {
                ReadCurve(algorithm);
            }
            else if (algorithm.HasData)
            {
                algorithm.Skip();
            }

            algorithm.ExpectEnd();

            DerReader inner = key.ReadOctetStringReader();
            if (key.NextIs(DerTag.Context(0, true)))
            {
                key.Skip();
            }

            if (version == 1 && key.NextIs(DerTag.Context(1, false)))
            {
                key.Skip();
            }

            key.ExpectEnd();

            // The inner key must be what the algorithm says, so that garbage in the OCTET STRING is caught here.
            if (Algorithm == KeyAlgorithm.Rsa || Algorithm == KeyAlgorithm.RsaPss)
            {
                DerReader rsa = inner.ReadSequence();
                inner.ExpectEnd();
                ReadPkcs1(rsa, rsa.ReadInt32());
            }
            else if (Algorithm == KeyAlgorithm.Ec)
            {
                DerReader ec = inner.ReadSequence();
                inner.ExpectEnd();
                ReadSec1(ec, ec.ReadInt32());
            }
            else if (Algorithm == KeyAlgorithm.Ed25519 || Algorithm == KeyAlgorithm.Ed448)
            {
                int offset;
                int length;
                inner.ReadOctetStringContent(out offset, out length);
                inner.ExpectEnd();
                KeySize = Algorithm == KeyAlgorithm.Ed25519 ? 256 : 456;
                if (length * 8 != KeySize)
                {
                    throw DerReader.Bad(CertificateFormatError.BadEncoding, offset, "EdDSA private key has the wrong length");
                }
            }
        }

        // ECPrivateKey ::= SEQUENCE { version INTEGER { ecPrivkeyVer1(1) }, privateKey OCTET STRING,
        //   parameters [0] ECParameters OPTIONAL, publicKey [1] BIT STRING OPTIONAL }
        private void ReadSec1(DerReader key, int version)
        {
            if (version != 1)
            {
                throw new CertificateFormatException(CertificateFormatError.Unsupported, "SEC1 EC private key version " + version.ToString() + " is not 1");
            }

            int offset;
            int length;
            key.ReadOctetStringContent(out offset, out length);
            if (length == 0)
            {
                throw DerReader.Bad(CertificateFormatError.BadEncoding, offset, "EC private key is empty");
            }

            DerReader? parameters = key.ReadOptionalConstructed(DerTag.Context(0, true));
            if (parameters != null)
            {
                if (parameters.NextIs(DerTag.ObjectIdentifier) && CurveOid == null)
                {
                    ReadCurve(parameters);
                }
                else
                {
                    parameters.Skip();
                }

                parameters.ExpectEnd();
            }

            DerReader? publicKey = key.ReadOptionalConstructed(DerTag.Context(1, true));
            if (publicKey != null)
            {
                int unusedBits;
                publicKey.ReadBitStringContent(out offset, out length, out unusedBits);
                publicKey.ExpectEnd();
            }

            key.ExpectEnd();
        }

        // RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, privateExponent, prime1, prime2,
        //   exponent1, exponent2, coefficient, otherPrimeInfos OPTIONAL (version 1 only) }
        private void ReadPkcs1(DerReader key, int version)
        {
            if (version != 0 && version != 1)
            {
                throw new CertificateFormatException(CertificateFormatError.Unsupported, "PKCS#1 RSA private key version " + version.ToString() + " is not supported");
            }

            int offset;
            int length;
            key.ReadIntegerContent(out offset, out length);
            KeySize = KeyAlgorithms.IntegerBits(key.Buffer, offset, length);
            for (int i = 0; i < 7; i++)
            {
                key.ReadIntegerContent(out offset, out length);
            }

            if (version == 1)
            {
                key.ReadSequence();
            }

            key.ExpectEnd();
        }

        private void ReadCurve(DerReader reader)
        {
            int offset;
            int length;
            reader.ReadOidContent(out offset, out length);
            int bits;
            CurveName = KeyAlgorithms.CurveName(reader.Buffer, offset, length, out bits);
            CurveOid = DerOid.ToDottedString(reader.Buffer, offset, length);
            KeySize = bits;
        }

        private static CertificateFormatException NotAKey(int offset)
        {
            return DerReader.Bad(
                CertificateFormatError.UnexpectedTag, offset, "not a PKCS#8, encrypted PKCS#8, SEC1 EC or PKCS#1 RSA private key");
        }
    }
}
