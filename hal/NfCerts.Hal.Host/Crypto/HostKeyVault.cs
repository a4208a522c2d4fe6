using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NfCerts.Hal.Host
{
    /// <summary>The device's crypto on desktop .NET (<see cref="System.Security.Cryptography"/>, OpenSSL on Linux).</summary>
    /// <remarks>
    /// <para>Inputs are DER only, as on the device: a certificate must be one DER X.509 certificate (PEM is rejected
    /// as InvalidData); a private key must be PKCS#8 PrivateKeyInfo, SEC1 ECPrivateKey or PKCS#1 RSAPrivateKey,
    /// told apart by their ASN.1 shape, with nothing after the key. RSA and EC (any curve OpenSSL knows) keys are
    /// supported; other PKCS#8 algorithms (Ed25519, RSA-PSS, ...) give NotSupported.</para>
    /// <para>Signatures: ECDSA signatures are the DER (X9.62 / RFC 3279 <c>Ecdsa-Sig-Value</c>) encoding that
    /// OpenSSL and mbedTLS produce, not the IEEE P1363 r||s form; RSA signatures are PKCS#1 v1.5. Both over SHA-256.
    /// CSRs are signed with SHA-256 (PKCS#1 v1.5 for RSA).</para>
    /// <para>Errors: unparsable input is <see cref="KeyVaultError.InvalidData"/>; an unknown algorithm or encryption
    /// scheme is <see cref="KeyVaultError.NotSupported"/>; a failure of the crypto engine on good input is
    /// <see cref="KeyVaultError.Failed"/>. Null arguments and offsets outside the array are programming errors and
    /// throw <see cref="ArgumentNullException"/>/<see cref="ArgumentOutOfRangeException"/>. Messages never contain key
    /// bytes or passwords. <see cref="KeyVaultException"/> has no inner exception, so the underlying
    /// <see cref="CryptographicException"/> is not carried.</para>
    /// <para>Stateless and thread-safe.</para>
    /// </remarks>
    public sealed class HostKeyVault : IKeyVault
    {
        private const byte SealVersion = 1;
        private const int NonceSize = 12;
        private const int TagSize = 16;
        private readonly byte[]? _deviceKey;

        /// <summary>A vault without a device key, as on stock firmware: <see cref="CanSealKeys"/> is false. This is what
        /// desktop tools that prepare a store image use, since they do not know the board's device key.</summary>
        public HostKeyVault()
        {
        }

        /// <summary>A vault that seals keys at rest under <paramref name="deviceKey"/> (32 bytes), the stand-in of the
        /// chip's eFuse-held key: keep it outside the flash image.</summary>
        public HostKeyVault(byte[] deviceKey)
        {
            ArgumentNullException.ThrowIfNull(deviceKey);
            if (deviceKey.Length != 32)
            {
                throw new ArgumentException("The device key must be 32 bytes.", nameof(deviceKey));
            }
            _deviceKey = (byte[])deviceKey.Clone();
        }

        /// <inheritdoc />
        public bool CanSealKeys => _deviceKey != null;

        /// <inheritdoc />
        public byte[] SealPrivateKey(byte[] privateKey)
        {
            ArgumentNullException.ThrowIfNull(privateKey);
            byte[] key = _deviceKey ?? throw new KeyVaultException(KeyVaultError.NotSupported, "This vault has no device key to seal keys with.");
            var blob = new byte[1 + NonceSize + TagSize + privateKey.Length];
            blob[0] = SealVersion;
            RandomNumberGenerator.Fill(blob.AsSpan(1, NonceSize));
            using var gcm = new AesGcm(key, TagSize);
            gcm.Encrypt(blob.AsSpan(1, NonceSize), privateKey, blob.AsSpan(1 + NonceSize + TagSize), blob.AsSpan(1 + NonceSize, TagSize));
            return blob;
        }

        /// <inheritdoc />
        public byte[] UnsealPrivateKey(byte[] sealedKey)
        {
            ArgumentNullException.ThrowIfNull(sealedKey);
            byte[] key = _deviceKey ?? throw new KeyVaultException(KeyVaultError.NotSupported, "This vault has no device key to unseal keys with.");
            if (sealedKey.Length <= 1 + NonceSize + TagSize || sealedKey[0] != SealVersion)
            {
                throw new KeyVaultException(KeyVaultError.InvalidData, "The sealed key is malformed.");
            }
            var plain = new byte[sealedKey.Length - 1 - NonceSize - TagSize];
            try
            {
                using var gcm = new AesGcm(key, TagSize);
                gcm.Decrypt(sealedKey.AsSpan(1, NonceSize), sealedKey.AsSpan(1 + NonceSize + TagSize), sealedKey.AsSpan(1 + NonceSize, TagSize), plain);
            }
            catch (CryptographicException)
            {
                throw new KeyVaultException(KeyVaultError.InvalidData, "The sealed key does not verify: altered, or sealed by another device.");
            }
            return plain;
        }

        /// <inheritdoc />
        public byte[] Sha1(byte[] data, int offset, int count)
        {
            CheckRange(data, offset, count);
            return SHA1.HashData(data.AsSpan(offset, count));
        }

        /// <inheritdoc />
        public byte[] Sha256(byte[] data, int offset, int count)
        {
            CheckRange(data, offset, count);
            return SHA256.HashData(data.AsSpan(offset, count));
        }

        /// <inheritdoc />
        /// <remarks>Compares the public parameters derived from the private key with the certificate's public key
        /// (RSA: modulus and exponent; EC: curve and point). A key of another algorithm than the certificate's is
        /// false.</remarks>
        public bool KeyMatchesCertificate(byte[] certificate, byte[] privateKey)
        {
            ArgumentNullException.ThrowIfNull(certificate);
            ArgumentNullException.ThrowIfNull(privateKey);
            using X509Certificate2 cert = LoadCertificate(certificate);
            using AsymmetricAlgorithm key = LoadPrivateKey(privateKey);
            try
            {
                switch (key)
                {
                    case RSA rsa:
                        using (RSA? certKey = cert.GetRSAPublicKey())
                        {
                            return certKey != null && KeyEncodings.SamePublicKey(rsa, certKey);
                        }

                    case ECDsa ecdsa:
                        using (ECDsa? certKey = cert.GetECDsaPublicKey())
                        {
                            return certKey != null && KeyEncodings.SamePublicKey(ecdsa, certKey);
                        }

                    default:
                        throw new KeyVaultException(KeyVaultError.NotSupported, "The private key's algorithm is not supported.");
                }
            }
            catch (CryptographicException)
            {
                throw new KeyVaultException(KeyVaultError.InvalidData, "The certificate's public key could not be read.");
            }
        }

        /// <inheritdoc />
        /// <remarks>
        /// <para>Accepts PBES2 (PBKDF2 with HMAC-SHA1/256/384/512; AES-128/192/256-CBC or 3DES-CBC) and PKCS#12
        /// pbeWithSHAAnd3-KeyTripleDES-CBC; any other scheme (scrypt, Camellia, ...) is NotSupported. The password
        /// is used as UTF-8, as OpenSSL does. Returns the key re-encoded as PKCS#8 PrivateKeyInfo.</para>
        /// <para>A wrong password and a corrupt ciphertext look the same after decryption (bad padding or garbage),
        /// so once the outer structure has parsed, any decryption failure is reported as WrongPassword. An encrypted
        /// key of an algorithm other than RSA or EC also ends there, because .NET does not say which step failed.</para>
        /// </remarks>
        public byte[] DecryptPrivateKey(byte[] encryptedPkcs8, string password)
        {
            ArgumentNullException.ThrowIfNull(encryptedPkcs8);
            ArgumentNullException.ThrowIfNull(password);
            KeyEncodings.CheckEncryptedPkcs8(encryptedPkcs8);

            using (RSA rsa = RSA.Create())
            {
                if (TryImportEncrypted(rsa, password, encryptedPkcs8))
                {
                    return ExportPkcs8(rsa);
                }
            }

            using (ECDsa ecdsa = ECDsa.Create())
            {
                if (TryImportEncrypted(ecdsa, password, encryptedPkcs8))
                {
                    return ExportPkcs8(ecdsa);
                }
            }

            throw new KeyVaultException(KeyVaultError.WrongPassword, "The encrypted private key could not be decrypted: the password is wrong (or the ciphertext is corrupt).");
        }

        /// <inheritdoc />
        public byte[] GenerateKey(KeyAlgorithm algorithm)
        {
            try
            {
                switch (algorithm)
                {
                    case KeyAlgorithm.EcP256:
                        using (ECDsa ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                        {
                            return ecdsa.ExportPkcs8PrivateKey();
                        }

                    case KeyAlgorithm.Rsa2048:
                        using (RSA rsa = RSA.Create(2048))
                        {
                            return rsa.ExportPkcs8PrivateKey();
                        }

                    default:
                        throw new KeyVaultException(KeyVaultError.NotSupported, $"Key algorithm {(int)algorithm} is not supported.");
                }
            }
            catch (CryptographicException)
            {
                throw new KeyVaultException(KeyVaultError.Failed, "Key generation failed.");
            }
        }

        /// <inheritdoc />
        /// <remarks>The subject is parsed by <see cref="Rfc4514Name.Parse"/> (an unparsable subject is InvalidData).
        /// The request carries no attributes or extensions and is signed with SHA-256.</remarks>
        public byte[] CreateCertificateRequest(byte[] privateKey, string subject) => CreateCertificateRequest(privateKey, subject, null);

        /// <inheritdoc />
        /// <remarks>An extensionRequest attribute's extensions become the request's extensions; every other attribute's
        /// values are written as they are (challengePassword, ...). Attributes that do not parse are InvalidData.</remarks>
        public byte[] CreateCertificateRequest(byte[] privateKey, string subject, byte[]? attributes)
        {
            ArgumentNullException.ThrowIfNull(privateKey);
            ArgumentNullException.ThrowIfNull(subject);
            X500DistinguishedName name;
            try
            {
                name = Rfc4514Name.Parse(subject);
            }
            catch (FormatException ex)
            {
                // The parser's message quotes only the subject text, which is not secret.
                throw new KeyVaultException(KeyVaultError.InvalidData, ex.Message);
            }

            using AsymmetricAlgorithm key = LoadPrivateKey(privateKey);
            try
            {
                CertificateRequest request = key switch
                {
                    RSA rsa => new CertificateRequest(name, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                    ECDsa ecdsa => new CertificateRequest(name, ecdsa, HashAlgorithmName.SHA256),
                    _ => throw new KeyVaultException(KeyVaultError.NotSupported, "The private key's algorithm is not supported."),
                };
                if (attributes != null)
                {
                    CsrAttributeWriter.Add(request, attributes);
                }
                return request.CreateSigningRequest();
            }
            catch (CryptographicException)
            {
                throw new KeyVaultException(KeyVaultError.Failed, "Signing the certificate request failed.");
            }
        }

        /// <inheritdoc />
        /// <remarks>An ECDSA signature must be DER-encoded (as OpenSSL and mbedTLS write it); a malformed signature
        /// is simply false. A certificate whose key is neither RSA nor EC is NotSupported.</remarks>
        public bool VerifySignature(byte[] certificate, byte[] data, byte[] signature)
        {
            ArgumentNullException.ThrowIfNull(certificate);
            ArgumentNullException.ThrowIfNull(data);
            ArgumentNullException.ThrowIfNull(signature);
            using X509Certificate2 cert = LoadCertificate(certificate);
            string algorithm = cert.PublicKey.Oid.Value ?? string.Empty;
            try
            {
                if (algorithm == KeyEncodings.RsaEncryption)
                {
                    using RSA rsa = cert.GetRSAPublicKey() ?? throw UnreadablePublicKey();
                    return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                }

                if (algorithm == KeyEncodings.EcPublicKey)
                {
                    using ECDsa ecdsa = cert.GetECDsaPublicKey() ?? throw UnreadablePublicKey();
                    return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
                }
            }
            catch (CryptographicException)
            {
                // Thrown for public keys that do not parse; a signature that merely fails to verify returns false.
                throw UnreadablePublicKey();
            }

            throw new KeyVaultException(KeyVaultError.NotSupported, $"Certificates with public key algorithm {algorithm} are not supported.");
        }

        private static KeyVaultException UnreadablePublicKey()
        {
            return new KeyVaultException(KeyVaultError.InvalidData, "The certificate's public key could not be read.");
        }

        private static void CheckRange(byte[] data, int offset, int count)
        {
            ArgumentNullException.ThrowIfNull(data);
            if (offset < 0 || offset > data.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), offset, "The offset is outside the data.");
            }

            if (count < 0 || count > data.Length - offset)
            {
                throw new ArgumentOutOfRangeException(nameof(count), count, "The count runs past the end of the data.");
            }
        }

        private static X509Certificate2 LoadCertificate(byte[] der)
        {
            // X509CertificateLoader would also take PEM; the device's contract is DER, so insist on a SEQUENCE.
            if (der.Length == 0 || der[0] != 0x30)
            {
                throw new KeyVaultException(KeyVaultError.InvalidData, "The certificate is not DER (it must start with a SEQUENCE).");
            }

            try
            {
                return X509CertificateLoader.LoadCertificate(der);
            }
            catch (CryptographicException)
            {
                throw new KeyVaultException(KeyVaultError.InvalidData, "The certificate could not be parsed as DER X.509.");
            }
        }

        /// <summary>Imports a private key in whichever of the three encodings it is in. The caller disposes it.</summary>
        private static AsymmetricAlgorithm LoadPrivateKey(byte[] der)
        {
            PrivateKeyFormat format = KeyEncodings.Detect(der, out string? pkcs8Algorithm);
            AsymmetricAlgorithm key;
            switch (format)
            {
                case PrivateKeyFormat.Pkcs8 when pkcs8Algorithm == KeyEncodings.RsaEncryption:
                    key = RSA.Create();
                    break;
                case PrivateKeyFormat.Pkcs8 when pkcs8Algorithm == KeyEncodings.EcPublicKey:
                case PrivateKeyFormat.Sec1:
                    key = ECDsa.Create();
                    break;
                case PrivateKeyFormat.Pkcs8:
                    throw new KeyVaultException(KeyVaultError.NotSupported, $"PKCS#8 keys of algorithm {pkcs8Algorithm} are not supported; only RSA and EC.");
                case PrivateKeyFormat.Pkcs1:
                    key = RSA.Create();
                    break;
                default:
                    throw new KeyVaultException(KeyVaultError.InvalidData, "The private key is not DER PKCS#8, SEC1 or PKCS#1.");
            }

            try
            {
                int read;
                switch (format)
                {
                    case PrivateKeyFormat.Pkcs8:
                        key.ImportPkcs8PrivateKey(der, out read);
                        break;
                    case PrivateKeyFormat.Sec1:
                        ((ECDsa)key).ImportECPrivateKey(der, out read);
                        break;
                    default:
                        ((RSA)key).ImportRSAPrivateKey(der, out read);
                        break;
                }

                if (read != der.Length)
                {
                    throw new CryptographicException("Trailing data.");
                }

                return key;
            }
            catch (CryptographicException)
            {
                key.Dispose();
                throw new KeyVaultException(KeyVaultError.InvalidData, $"The private key looks like {Describe(format)} but could not be imported.");
            }
        }

        private static bool TryImportEncrypted(AsymmetricAlgorithm key, string password, byte[] der)
        {
            try
            {
                key.ImportEncryptedPkcs8PrivateKey(password, der, out int read);
                return read == der.Length;
            }
            catch (CryptographicException)
            {
                return false;
            }
        }

        private static byte[] ExportPkcs8(AsymmetricAlgorithm key)
        {
            try
            {
                return key.ExportPkcs8PrivateKey();
            }
            catch (CryptographicException)
            {
                throw new KeyVaultException(KeyVaultError.Failed, "The decrypted key could not be re-encoded as PKCS#8.");
            }
        }

        private static string Describe(PrivateKeyFormat format)
        {
            switch (format)
            {
                case PrivateKeyFormat.Pkcs8:
                    return "PKCS#8";
                case PrivateKeyFormat.Sec1:
                    return "SEC1 (EC)";
                default:
                    return "PKCS#1 (RSA)";
            }
        }
    }
}
