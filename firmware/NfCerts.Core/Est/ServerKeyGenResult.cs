namespace NfCerts.Core.Est
{
    /// <summary>What /serverkeygen returned: the certificates (leaf first) and the server-generated private key.</summary>
    public sealed class ServerKeyGenResult
    {
        internal ServerKeyGenResult(byte[][] certificates, byte[] privateKey)
        {
            Certificates = certificates;
            PrivateKey = privateKey;
        }

        /// <summary>The certificates of the answer's certificate part, DER each, in the server's order.</summary>
        public byte[][] Certificates { get; private set; }

        /// <summary>The private key, PKCS#8 DER (never logged).</summary>
        public byte[] PrivateKey { get; private set; }
    }
}
