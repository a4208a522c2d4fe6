namespace NfCerts.Core.X509
{
    /// <summary>Readable names of the password-based encryption schemes an encrypted PKCS #8 key may use (RFC 8018,
    /// RFC 7914, PKCS #12), so that a refusal can say which scheme it refuses.</summary>
    internal static class EncryptionSchemes
    {
        /// <summary>PBES2 (RFC 8018).</summary>
        public const string Pbes2Oid = "1.2.840.113549.1.5.13";

        // Pairs of dotted OID and name, as OpenSSL calls them.
        private static readonly string[] Names = new string[]
        {
            Pbes2Oid, "PBES2",
            "1.2.840.113549.1.5.12", "PBKDF2",
            "1.3.6.1.4.1.11591.4.11", "scrypt",
            "2.16.840.1.101.3.4.1.2", "aes-128-cbc",
            "2.16.840.1.101.3.4.1.22", "aes-192-cbc",
            "2.16.840.1.101.3.4.1.42", "aes-256-cbc",
            "1.2.840.113549.3.7", "des-ede3-cbc",
            "1.2.392.200011.61.1.1.1.2", "camellia-128-cbc",
            "1.2.392.200011.61.1.1.1.4", "camellia-256-cbc",
            "1.2.840.113549.1.12.1.3", "PBE-SHA1-3DES",
            "1.2.840.113549.1.12.1.6", "PBE-SHA1-RC2-40",
            "1.2.840.113549.1.5.3", "PBE-MD5-DES",
            "1.2.840.113549.1.5.10", "PBE-SHA1-DES",
        };

        /// <summary>OpenSSL's name of a scheme, KDF or cipher OID; the dotted OID itself when unknown.</summary>
        public static string Name(string oid)
        {
            for (int i = 0; i < Names.Length; i += 2)
            {
                if (Names[i] == oid)
                {
                    return Names[i + 1];
                }
            }

            return oid;
        }

        /// <summary>Reads an encryptionAlgorithm AlgorithmIdentifier whose OID has been read, and names it: "PBES2 (scrypt,
        /// aes-256-cbc)" for PBES2, whose parameters name a key derivation function and a cipher, else the scheme's name.</summary>
        /// <param name="oid">The scheme's OID, dotted.</param>
        /// <param name="parameters">The rest of the AlgorithmIdentifier; consumed.</param>
        /// <exception cref="CertificateFormatException">PBES2 parameters that are not two AlgorithmIdentifiers.</exception>
        public static string Describe(string oid, DerReader parameters)
        {
            if (oid != Pbes2Oid)
            {
                if (parameters.HasData)
                {
                    parameters.Skip();
                }

                return Name(oid);
            }

            // PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier }
            DerReader pbes2 = parameters.ReadSequence();
            string kdf = pbes2.ReadSequence().ReadOid();
            string cipher = pbes2.ReadSequence().ReadOid();
            pbes2.ExpectEnd();
            return "PBES2 (" + Name(kdf) + ", " + Name(cipher) + ")";
        }
    }
}
