using System;
using System.Formats.Asn1;
using System.Security.Cryptography;

namespace NfCerts.Hal.Host
{
    /// <summary>The private-key encodings the key vault accepts, recognised by their ASN.1 shape.</summary>
    internal enum PrivateKeyFormat
    {
        /// <summary>Not one of the shapes below.</summary>
        Unknown,

        /// <summary>PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER version, SEQUENCE algorithm, OCTET STRING key, ... }.</summary>
        Pkcs8,

        /// <summary>SEC1 ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING d, [0] parameters, [1] public key }.</summary>
        Sec1,

        /// <summary>PKCS#1 RSAPrivateKey: SEQUENCE { INTEGER version, INTEGER modulus, ... }.</summary>
        Pkcs1,
    }

    /// <summary>Reads just enough ASN.1 to tell key encodings and encryption schemes apart, so that the vault can
    /// say "not supported" instead of "invalid" and can call the one matching .NET import.</summary>
    internal static class KeyEncodings
    {
        public const string RsaEncryption = "1.2.840.113549.1.1.1";
        public const string EcPublicKey = "1.2.840.10045.2.1";

        private const string Pbes2 = "1.2.840.113549.1.5.13";
        private const string Pbkdf2 = "1.2.840.113549.1.5.12";
        private const string Pkcs12PbeSha1TripleDes = "1.2.840.113549.1.12.1.3";

        private static readonly string[] SupportedPrfs =
        {
            "1.2.840.113549.2.7",  // hmacWithSHA1
            "1.2.840.113549.2.9",  // hmacWithSHA256
            "1.2.840.113549.2.10", // hmacWithSHA384
            "1.2.840.113549.2.11", // hmacWithSHA512
        };

        private static readonly string[] SupportedCiphers =
        {
            "2.16.840.1.101.3.4.1.2",  // aes128-CBC
            "2.16.840.1.101.3.4.1.22", // aes192-CBC
            "2.16.840.1.101.3.4.1.42", // aes256-CBC
            "1.2.840.113549.3.7",      // des-ede3-cbc
        };

        /// <summary>Tells the three unencrypted key encodings apart by the second element of the outer SEQUENCE.
        /// For PKCS#8, <paramref name="pkcs8Algorithm"/> receives the key algorithm OID.</summary>
        public static PrivateKeyFormat Detect(byte[] der, out string? pkcs8Algorithm)
        {
            pkcs8Algorithm = null;
            try
            {
                var outer = new AsnReader(der, AsnEncodingRules.BER);
                AsnReader body = outer.ReadSequence();
                if (outer.HasData)
                {
                    return PrivateKeyFormat.Unknown;
                }

                body.ReadInteger();
                Asn1Tag second = body.PeekTag();
                if (second.HasSameClassAndValue(Asn1Tag.Sequence))
                {
                    pkcs8Algorithm = body.ReadSequence().ReadObjectIdentifier();
                    return PrivateKeyFormat.Pkcs8;
                }

                if (second.HasSameClassAndValue(Asn1Tag.PrimitiveOctetString))
                {
                    return PrivateKeyFormat.Sec1;
                }

                if (second.HasSameClassAndValue(Asn1Tag.Integer))
                {
                    return PrivateKeyFormat.Pkcs1;
                }
            }
            catch (AsnContentException)
            {
            }

            return PrivateKeyFormat.Unknown;
        }

        /// <summary>Checks that <paramref name="der"/> is an EncryptedPrivateKeyInfo whose scheme .NET can decrypt.</summary>
        /// <exception cref="KeyVaultException">InvalidData when it is not an EncryptedPrivateKeyInfo; NotSupported
        /// when it uses a scheme other than PBES2 (PBKDF2 with HMAC-SHA1/256/384/512, AES-CBC or 3DES) or PKCS#12
        /// SHA1 with 3DES.</exception>
        public static void CheckEncryptedPkcs8(byte[] der)
        {
            string scheme;
            AsnReader? parameters;
            try
            {
                var outer = new AsnReader(der, AsnEncodingRules.BER);
                AsnReader info = outer.ReadSequence();
                AsnReader algorithm = info.ReadSequence();
                scheme = algorithm.ReadObjectIdentifier();
                parameters = algorithm.HasData ? algorithm : null;
                info.ReadOctetString();
                if (info.HasData || outer.HasData)
                {
                    throw NotEncrypted();
                }
            }
            catch (AsnContentException)
            {
                throw NotEncrypted();
            }

            if (scheme == Pkcs12PbeSha1TripleDes)
            {
                return;
            }

            if (scheme != Pbes2 || parameters == null)
            {
                throw new KeyVaultException(KeyVaultError.NotSupported, $"The key is encrypted with scheme {scheme}; only PBES2 (PBKDF2, AES-CBC or 3DES) and PKCS#12 SHA1-3DES are supported.");
            }

            string kdf;
            string prf;
            string cipher;
            try
            {
                AsnReader pbes2 = parameters.ReadSequence();
                AsnReader kdfAlgorithm = pbes2.ReadSequence();
                kdf = kdfAlgorithm.ReadObjectIdentifier();
                prf = "1.2.840.113549.2.7"; // the default PRF of PBKDF2-params
                if (kdf == Pbkdf2)
                {
                    AsnReader kdfParameters = kdfAlgorithm.ReadSequence();
                    kdfParameters.ReadEncodedValue(); // salt
                    kdfParameters.ReadInteger();      // iteration count
                    if (kdfParameters.HasData && kdfParameters.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
                    {
                        kdfParameters.ReadInteger(); // key length
                    }

                    if (kdfParameters.HasData)
                    {
                        prf = kdfParameters.ReadSequence().ReadObjectIdentifier();
                    }
                }

                cipher = pbes2.ReadSequence().ReadObjectIdentifier();
            }
            catch (AsnContentException)
            {
                throw new KeyVaultException(KeyVaultError.InvalidData, "The PBES2 parameters of the encrypted key do not parse.");
            }

            if (kdf != Pbkdf2)
            {
                throw new KeyVaultException(KeyVaultError.NotSupported, $"The key is encrypted with key derivation {kdf}; only PBKDF2 is supported.");
            }

            if (Array.IndexOf(SupportedPrfs, prf) < 0)
            {
                throw new KeyVaultException(KeyVaultError.NotSupported, $"The key's PBKDF2 uses PRF {prf}; only HMAC-SHA1/256/384/512 are supported.");
            }

            if (Array.IndexOf(SupportedCiphers, cipher) < 0)
            {
                throw new KeyVaultException(KeyVaultError.NotSupported, $"The key is encrypted with cipher {cipher}; only AES-CBC and 3DES-CBC are supported.");
            }
        }

        private static KeyVaultException NotEncrypted()
        {
            return new KeyVaultException(KeyVaultError.InvalidData, "The data is not an encrypted PKCS#8 key (EncryptedPrivateKeyInfo).");
        }

        /// <summary>True when both keys are the same point on the same curve.</summary>
        public static bool SamePublicKey(ECDsa a, ECDsa b)
        {
            ECParameters pa = a.ExportExplicitParameters(false);
            ECParameters pb = b.ExportExplicitParameters(false);
            return Same(pa.Q.X, pb.Q.X)
                && Same(pa.Q.Y, pb.Q.Y)
                && pa.Curve.CurveType == pb.Curve.CurveType
                && Same(pa.Curve.Prime, pb.Curve.Prime)
                && Same(pa.Curve.Polynomial, pb.Curve.Polynomial)
                && Same(pa.Curve.A, pb.Curve.A)
                && Same(pa.Curve.B, pb.Curve.B)
                && Same(pa.Curve.G.X, pb.Curve.G.X)
                && Same(pa.Curve.G.Y, pb.Curve.G.Y)
                && Same(pa.Curve.Order, pb.Curve.Order);
        }

        /// <summary>True when both keys have the same modulus and public exponent.</summary>
        public static bool SamePublicKey(RSA a, RSA b)
        {
            RSAParameters pa = a.ExportParameters(false);
            RSAParameters pb = b.ExportParameters(false);
            return Same(pa.Modulus, pb.Modulus) && Same(pa.Exponent, pb.Exponent);
        }

        private static bool Same(byte[]? a, byte[]? b)
        {
            if (a == null || b == null)
            {
                return a == null && b == null;
            }

            return a.AsSpan().SequenceEqual(b);
        }
    }
}
