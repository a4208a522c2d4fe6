using System.Runtime.CompilerServices;

namespace NfCerts.Esp32
{
    /// <summary>The key vault of the native library (src/nfcerts_keys.h, mbedTLS). Results &gt;= 0 are lengths or
    /// 1/0 answers; negative results are the status constants below.</summary>
    public static class NativeKeys
    {
        /// <summary>The input does not parse.</summary>
        public const int StatusInvalidData = -1;
        /// <summary>Algorithm or scheme not available.</summary>
        public const int StatusNotSupported = -2;
        /// <summary>Wrong password for an encrypted key.</summary>
        public const int StatusWrongPassword = -3;
        /// <summary>The crypto engine failed.</summary>
        public const int StatusFailed = -4;
        /// <summary>The output buffer is too small.</summary>
        public const int StatusBufferTooSmall = -5;
        /// <summary>Sealing refused: the device key would lie readable in flash (ESP32 without flash encryption).</summary>
        public const int StatusNotProtected = -6;
        /// <summary>The CSR attributes are not a well-formed SET OF Attribute (src/nfcerts_csr_attributes.h).</summary>
        public const int StatusInvalidAttributes = -7;

        /// <summary>The most bytes of CSR attributes <see cref="CreateCsr"/> takes; longer is <see cref="StatusNotSupported"/>.</summary>
        public const int MaxCsrAttributesLength = 1024;

        /// <summary>How many bytes a sealed key is longer than the key: version, nonce and tag.</summary>
        public const int SealOverhead = 29;

        /// <summary>Hash algorithm: SHA-1.</summary>
        public const int HashSha1 = 1;
        /// <summary>Hash algorithm: SHA-256.</summary>
        public const int HashSha256 = 2;

        /// <summary>Hashes <paramref name="count"/> bytes from <paramref name="offset"/> into <paramref name="digest"/>.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int Hash(int algorithm, byte[] data, int offset, int count, byte[] digest);

        /// <summary>Generates a key (KeyAlgorithm value) and writes its PKCS#8 DER into <paramref name="output"/>.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int Generate(int algorithm, byte[] output);

        /// <summary>Writes a PKCS#10 request for the key with the UTF-8 RFC 4514 subject and the request attributes (the
        /// DER of each Attribute, back to back; empty for none), which it checks first (<see cref="StatusInvalidAttributes"/>)
        /// and writes in DER order.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int CreateCsr(byte[] key, byte[] subject, byte[] attributes, byte[] output);

        /// <summary>1 when the key belongs to the certificate, 0 when not.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int MatchCertificate(byte[] certificate, byte[] key);

        /// <summary>Decrypts an EncryptedPrivateKeyInfo and writes the key as PKCS#8 DER.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int Decrypt(byte[] encrypted, byte[] password, byte[] output);

        /// <summary>1 when the SHA-256 signature verifies with the certificate's key, 0 when not.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int Verify(byte[] certificate, byte[] data, byte[] signature);

        /// <summary>1 when the firmware has a device key to seal keys with; otherwise <see cref="StatusNotSupported"/>
        /// (none provisioned: no HMAC_UP eFuse key, or no key partition) or <see cref="StatusNotProtected"/>.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int DeviceKeyStatus();

        /// <summary>Seals a private key under the device key into <paramref name="output"/> (at least the key's length
        /// plus <see cref="SealOverhead"/> bytes) and returns the sealed length.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int Seal(byte[] key, byte[] output);

        /// <summary>Unseals into <paramref name="output"/> (at least the sealed length minus <see cref="SealOverhead"/>)
        /// and returns the key's length; <see cref="StatusInvalidData"/> when the blob is malformed, altered or
        /// sealed by another device.</summary>
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int Unseal(byte[] sealedKey, byte[] output);
    }
}
