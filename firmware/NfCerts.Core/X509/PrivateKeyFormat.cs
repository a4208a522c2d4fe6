namespace NfCerts.Core.X509
{
    /// <summary>The container a private key's DER is in.</summary>
    public enum PrivateKeyFormat
    {
        /// <summary>PKCS #8 PrivateKeyInfo / OneAsymmetricKey (RFC 5208, RFC 5958); PEM label "PRIVATE KEY".</summary>
        Pkcs8 = 1,
        /// <summary>PKCS #8 EncryptedPrivateKeyInfo; PEM label "ENCRYPTED PRIVATE KEY". Needs a password.</summary>
        EncryptedPkcs8 = 2,
        /// <summary>SEC 1 ECPrivateKey (RFC 5915); PEM label "EC PRIVATE KEY".</summary>
        Sec1Ec = 3,
        /// <summary>PKCS #1 RSAPrivateKey (RFC 8017); PEM label "RSA PRIVATE KEY".</summary>
        Pkcs1Rsa = 4,
    }
}
