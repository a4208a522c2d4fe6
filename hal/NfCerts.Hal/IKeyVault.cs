using System;

namespace NfCerts.Hal
{
    /// <summary>Key algorithms the device can generate.</summary>
    public enum KeyAlgorithm
    {
        /// <summary>ECDSA on NIST P-256.</summary>
        EcP256 = 1,
        /// <summary>RSA 2048 bits.</summary>
        Rsa2048 = 2,
    }

    /// <summary>Why a key-vault operation failed.</summary>
    public enum KeyVaultError
    {
        /// <summary>The key or certificate could not be parsed.</summary>
        InvalidData = 1,
        /// <summary>The operation or algorithm is not available on this device.</summary>
        NotSupported = 2,
        /// <summary>The password for an encrypted key is wrong.</summary>
        WrongPassword = 3,
        /// <summary>The crypto engine failed.</summary>
        Failed = 4,
    }

    /// <summary>A key-vault operation failed. The message never contains key material.</summary>
    public class KeyVaultException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public KeyVaultException(KeyVaultError error, string message) : base(message)
        {
            Error = error;
        }

        /// <summary>Creates the exception with its cause (whose message must not contain key material either).</summary>
        public KeyVaultException(KeyVaultError error, string message, Exception inner) : base(message, inner)
        {
            Error = error;
        }

        /// <summary>Why it failed.</summary>
        public KeyVaultError Error { get; private set; }
    }

    /// <summary>The cryptography the device gets from native code (mbedTLS on ESP32).</summary>
    /// <remarks>
    /// Keys are passed as DER: PKCS#8 PrivateKeyInfo, SEC1 ECPrivateKey or PKCS#1 RSAPrivateKey; certificates as DER X.509.
    /// Methods throw <see cref="KeyVaultException"/> on unusable input and never echo key bytes in messages.
    /// </remarks>
    public interface IKeyVault
    {
        /// <summary>SHA-1 of <paramref name="count"/> bytes of <paramref name="data"/> from <paramref name="offset"/> (20 bytes).</summary>
        byte[] Sha1(byte[] data, int offset, int count);

        /// <summary>SHA-256 of <paramref name="count"/> bytes of <paramref name="data"/> from <paramref name="offset"/> (32 bytes).</summary>
        byte[] Sha256(byte[] data, int offset, int count);

        /// <summary>True when <paramref name="privateKey"/> is the private half of the public key in <paramref name="certificate"/>.
        /// False for a well-formed key of another pair; throws <see cref="KeyVaultException"/> (InvalidData) when either does not parse.</summary>
        bool KeyMatchesCertificate(byte[] certificate, byte[] privateKey);

        /// <summary>Decrypts an encrypted PKCS#8 key (PBES2). Throws <see cref="KeyVaultException"/> with WrongPassword,
        /// InvalidData, or NotSupported when the device cannot decrypt keys.</summary>
        byte[] DecryptPrivateKey(byte[] encryptedPkcs8, string password);

        /// <summary>Generates a new key pair and returns its private key as PKCS#8 DER, to be stored at once.</summary>
        byte[] GenerateKey(KeyAlgorithm algorithm);

        /// <summary>Builds and signs a PKCS#10 certificate request for <paramref name="privateKey"/> with the subject
        /// <paramref name="subject"/> (RFC 4514 form, e.g. <c>CN=device-001,O=Contoso</c>). Returns DER.</summary>
        byte[] CreateCertificateRequest(byte[] privateKey, string subject);

        /// <summary>Like <see cref="CreateCertificateRequest(byte[], string)"/>, with the request's attributes:
        /// <paramref name="attributes"/> is the DER of each <c>Attribute</c> (<c>SEQUENCE { type OID, values SET }</c>),
        /// back to back, as an EST server's /csrattrs asks (challengePassword; extensionRequest, whose extensions are
        /// requested as given). Null or empty: none. Throws <see cref="KeyVaultException"/> InvalidData when the attributes
        /// do not parse, NotSupported when the platform cannot write them (the caller may fall back to the plain request).</summary>
        byte[] CreateCertificateRequest(byte[] privateKey, string subject, byte[]? attributes);

        /// <summary>Verifies an ECDSA or RSA (PKCS#1 v1.5) SHA-256 signature over <paramref name="data"/> with the
        /// public key of <paramref name="certificate"/>. False when it does not verify.</summary>
        bool VerifySignature(byte[] certificate, byte[] data, byte[] signature);

        /// <summary>True when <see cref="SealPrivateKey"/> protects keys with a device key that never leaves the chip
        /// (or, on the host, never enters the flash image). False where the platform has no such key (stock firmware):
        /// the store then keeps keys unsealed and reports it.</summary>
        bool CanSealKeys { get; }

        /// <summary>Encrypts and authenticates <paramref name="privateKey"/> under the device key for storage at rest.
        /// The result is the sealed-key format of the store's SPEC.md: version byte <c>0x01</c>, 12-byte nonce, 16-byte
        /// AES-256-GCM tag, ciphertext (same length as the key); 29 bytes longer than the key. A fresh nonce every call.
        /// Throws <see cref="KeyVaultException"/> NotSupported when <see cref="CanSealKeys"/> is false.</summary>
        byte[] SealPrivateKey(byte[] privateKey);

        /// <summary>Reverses <see cref="SealPrivateKey"/>. Throws <see cref="KeyVaultException"/> InvalidData when the blob
        /// is malformed, was sealed by another device, or was altered (the tag does not verify); NotSupported when
        /// <see cref="CanSealKeys"/> is false. The caller zeroes the returned key when done with it.</summary>
        byte[] UnsealPrivateKey(byte[] sealedKey);
    }
}
