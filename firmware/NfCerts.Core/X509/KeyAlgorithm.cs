namespace NfCerts.Core.X509
{
    /// <summary>The family of a public or private key.</summary>
    public enum KeyAlgorithm
    {
        /// <summary>An algorithm this reader does not name (its OID is still reported).</summary>
        Unknown = 0,
        /// <summary>RSA (rsaEncryption, 1.2.840.113549.1.1.1).</summary>
        Rsa = 1,
        /// <summary>RSA restricted to RSASSA-PSS (rsassaPss, 1.2.840.113549.1.1.10).</summary>
        RsaPss = 2,
        /// <summary>Elliptic curve (id-ecPublicKey, 1.2.840.10045.2.1), with a named curve.</summary>
        Ec = 3,
        /// <summary>Ed25519 (1.3.101.112).</summary>
        Ed25519 = 4,
        /// <summary>Ed448 (1.3.101.113).</summary>
        Ed448 = 5,
    }
}
