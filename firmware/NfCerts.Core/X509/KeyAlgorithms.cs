namespace NfCerts.Core.X509
{
    /// <summary>Recognises key algorithm and curve OIDs and gives OpenSSL's names for them.</summary>
    internal static class KeyAlgorithms
    {
        private static readonly byte[] RsaOid = new byte[] { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01 };
        private static readonly byte[] RsaPssOid = new byte[] { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A };
        private static readonly byte[] EcOid = new byte[] { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01 };
        private static readonly byte[] Ed25519Oid = new byte[] { 0x2B, 0x65, 0x70 };
        private static readonly byte[] Ed448Oid = new byte[] { 0x2B, 0x65, 0x71 };
        private static readonly byte[] P256Oid = new byte[] { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 };
        private static readonly byte[] P384Oid = new byte[] { 0x2B, 0x81, 0x04, 0x00, 0x22 };
        private static readonly byte[] P521Oid = new byte[] { 0x2B, 0x81, 0x04, 0x00, 0x23 };
        private static readonly byte[] Secp256k1Oid = new byte[] { 0x2B, 0x81, 0x04, 0x00, 0x0A };

        /// <summary>The algorithm whose OID contents are given.</summary>
        public static KeyAlgorithm FromOid(byte[] buffer, int offset, int length)
        {
            if (DerOid.Equals(buffer, offset, length, RsaOid))
            {
                return KeyAlgorithm.Rsa;
            }

            if (DerOid.Equals(buffer, offset, length, EcOid))
            {
                return KeyAlgorithm.Ec;
            }

            if (DerOid.Equals(buffer, offset, length, RsaPssOid))
            {
                return KeyAlgorithm.RsaPss;
            }

            if (DerOid.Equals(buffer, offset, length, Ed25519Oid))
            {
                return KeyAlgorithm.Ed25519;
            }

            if (DerOid.Equals(buffer, offset, length, Ed448Oid))
            {
                return KeyAlgorithm.Ed448;
            }

            return KeyAlgorithm.Unknown;
        }

        /// <summary>OpenSSL's name for the algorithm ("Public Key Algorithm:" in <c>openssl x509 -text</c>), or null for Unknown.</summary>
        public static string? Name(KeyAlgorithm algorithm)
        {
            switch (algorithm)
            {
                case KeyAlgorithm.Rsa: return "rsaEncryption";
                case KeyAlgorithm.RsaPss: return "rsassaPss";
                case KeyAlgorithm.Ec: return "id-ecPublicKey";
                case KeyAlgorithm.Ed25519: return "ED25519";
                case KeyAlgorithm.Ed448: return "ED448";
                default: return null;
            }
        }

        /// <summary>The NIST name of a named curve ("P-256"), "secp256k1", or null for other curves.</summary>
        public static string? CurveName(byte[] buffer, int offset, int length, out int bits)
        {
            if (DerOid.Equals(buffer, offset, length, P256Oid))
            {
                bits = 256;
                return "P-256";
            }

            if (DerOid.Equals(buffer, offset, length, P384Oid))
            {
                bits = 384;
                return "P-384";
            }

            if (DerOid.Equals(buffer, offset, length, P521Oid))
            {
                bits = 521;
                return "P-521";
            }

            if (DerOid.Equals(buffer, offset, length, Secp256k1Oid))
            {
                bits = 256;
                return "secp256k1";
            }

            bits = 0;
            return null;
        }

        /// <summary>Number of significant bits of a non-negative INTEGER's contents (e.g. an RSA modulus).</summary>
        public static int IntegerBits(byte[] buffer, int offset, int length)
        {
            int i = offset;
            int end = offset + length;
            while (i < end && buffer[i] == 0)
            {
                i++;
            }

            if (i == end)
            {
                return 0;
            }

            int bits = (end - i - 1) * 8;
            int top = buffer[i];
            while (top != 0)
            {
                bits++;
                top >>= 1;
            }

            return bits;
        }
    }
}
