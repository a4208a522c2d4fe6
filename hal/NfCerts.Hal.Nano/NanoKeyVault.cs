using System;
using System.Text;
using NfCerts.Esp32;

namespace NfCerts.Hal.Nano
{
    /// <summary><see cref="IKeyVault"/> on the firmware's mbedTLS through the native interop library.</summary>
    /// <remarks>
    /// <para>Key material boundary: private keys cross into native code as DER from the store and come back only from
    /// <see cref="GenerateKey"/> and <see cref="DecryptPrivateKey"/>, as PKCS#8 to be stored at once. Native code zeroes
    /// its copies; the temporary managed buffers used here are cleared before they are dropped. Messages carry no key
    /// bytes or passwords.</para>
    /// <para>Calls block the calling thread (and, in nanoFramework, the interpreter) while mbedTLS works: milliseconds
    /// for P-256, seconds for RSA 2048 key generation. Serialised by a lock.</para>
    /// <para>Use only when <see cref="Esp32Native.IsAvailable"/>; on stock firmware every call throws
    /// <see cref="KeyVaultException"/> with <see cref="KeyVaultError.NotSupported"/>.</para>
    /// </remarks>
    public sealed class NanoKeyVault : IKeyVault
    {
        private const int OutputSize = 4096;

        private const int DeviceKeyUnknown = int.MinValue;

        private static readonly byte[] NoAttributes = new byte[0];

        private readonly object _gate = new object();
        private int _deviceKeyStatus = DeviceKeyUnknown;

        /// <inheritdoc/>
        public byte[] Sha1(byte[] data, int offset, int count)
        {
            return Hash(NativeKeys.HashSha1, 20, data, offset, count);
        }

        /// <inheritdoc/>
        public byte[] Sha256(byte[] data, int offset, int count)
        {
            return Hash(NativeKeys.HashSha256, 32, data, offset, count);
        }

        /// <inheritdoc/>
        public bool KeyMatchesCertificate(byte[] certificate, byte[] privateKey)
        {
            Require(certificate, "certificate");
            Require(privateKey, "privateKey");
            int result;
            lock (_gate)
            {
                CheckAvailable();
                result = NativeKeys.MatchCertificate(certificate, privateKey);
            }

            return Answer(result, "The key or the certificate could not be parsed.");
        }

        /// <inheritdoc/>
        /// <remarks>PBES2 with PBKDF2 and the ciphers the firmware's mbedTLS maps (DES-EDE3-CBC everywhere; AES-CBC
        /// in recent mbedTLS 3.x), or PKCS#12 PBE when the firmware's mbedTLS has PKCS#12. Anything else is
        /// NotSupported. Returns PKCS#8.</remarks>
        public byte[] DecryptPrivateKey(byte[] encryptedPkcs8, string password)
        {
            Require(encryptedPkcs8, "encryptedPkcs8");
            if (password == null)
            {
                throw new ArgumentNullException("password");
            }

            byte[] secret = Encoding.UTF8.GetBytes(password);
            try
            {
                return Produce("Decrypting the private key", encryptedPkcs8, secret, null, null, 0);
            }
            finally
            {
                Array.Clear(secret, 0, secret.Length);
            }
        }

        /// <inheritdoc/>
        public byte[] GenerateKey(KeyAlgorithm algorithm)
        {
            if (algorithm != KeyAlgorithm.EcP256 && algorithm != KeyAlgorithm.Rsa2048)
            {
                throw new KeyVaultException(KeyVaultError.NotSupported, "Key algorithm " + ((int)algorithm).ToString() + " is not supported.");
            }

            return Produce("Key generation", null, null, null, null, (int)algorithm);
        }

        /// <inheritdoc/>
        /// <remarks>Single-valued RDNs only (mbedTLS 2.x cannot write multi-valued ones; NotSupported). SHA-256.</remarks>
        public byte[] CreateCertificateRequest(byte[] privateKey, string subject)
        {
            return CreateCertificateRequest(privateKey, subject, null);
        }

        /// <inheritdoc/>
        /// <remarks>The native writer checks the attributes before it uses the key (InvalidData unless each is a
        /// well-formed <c>Attribute</c>, each type once, challengePassword a string and extensionRequest well-formed
        /// extensions) and writes them in DER's SET OF order. More than <see cref="NativeKeys.MaxCsrAttributesLength"/>
        /// bytes is NotSupported, so the EST client sends the request without them.</remarks>
        public byte[] CreateCertificateRequest(byte[] privateKey, string subject, byte[]? attributes)
        {
            Require(privateKey, "privateKey");
            if (subject == null)
            {
                throw new ArgumentNullException("subject");
            }

            if (attributes != null && attributes.Length > NativeKeys.MaxCsrAttributesLength)
            {
                throw new KeyVaultException(KeyVaultError.NotSupported, "The request attributes are " + attributes.Length.ToString()
                    + " bytes; the device's CSR writer takes at most " + NativeKeys.MaxCsrAttributesLength.ToString() + ".");
            }

            return Produce("Creating the certificate request", privateKey, null, Encoding.UTF8.GetBytes(subject),
                attributes != null ? attributes : NoAttributes, 0);
        }

        /// <inheritdoc/>
        public bool VerifySignature(byte[] certificate, byte[] data, byte[] signature)
        {
            Require(certificate, "certificate");
            Require(data, "data");
            Require(signature, "signature");
            int result;
            lock (_gate)
            {
                CheckAvailable();
                result = NativeKeys.Verify(certificate, data, signature);
            }

            return Answer(result, "The certificate could not be parsed.");
        }

        /// <inheritdoc/>
        /// <remarks>True when the interop library is built in and reports a device key (NativeKeys.DeviceKeyStatus): an
        /// HMAC_UP eFuse key on chips with the HMAC peripheral, or the encrypted key partition on the ESP32 with flash
        /// encryption on. Asked once (again after a hardware failure); on the ESP32 the first ask creates the device
        /// key.</remarks>
        public bool CanSealKeys
        {
            get
            {
                lock (_gate)
                {
                    if (_deviceKeyStatus == DeviceKeyUnknown || _deviceKeyStatus == NativeKeys.StatusFailed)
                    {
                        // A hardware failure is asked again next time; a key, or its absence, is final.
                        _deviceKeyStatus = Esp32Native.IsAvailable ? NativeKeys.DeviceKeyStatus() : NativeKeys.StatusNotSupported;
                    }

                    return _deviceKeyStatus == 1;
                }
            }
        }

        /// <inheritdoc/>
        public byte[] SealPrivateKey(byte[] privateKey)
        {
            Require(privateKey, "privateKey");
            byte[] sealedKey = new byte[privateKey.Length + NativeKeys.SealOverhead];
            int length = SealCall(true, privateKey, sealedKey, "Sealing the private key failed: the key is empty.");
            if (length != sealedKey.Length)
            {
                throw Failure(NativeKeys.StatusFailed, "Sealing the private key failed.");
            }

            return sealedKey;
        }

        /// <inheritdoc/>
        public byte[] UnsealPrivateKey(byte[] sealedKey)
        {
            Require(sealedKey, "sealedKey");
            if (sealedKey.Length <= NativeKeys.SealOverhead)
            {
                throw new KeyVaultException(KeyVaultError.InvalidData, "The sealed key is malformed.");
            }

            byte[] privateKey = new byte[sealedKey.Length - NativeKeys.SealOverhead];
            int length = SealCall(false, sealedKey, privateKey,
                "Unsealing the private key failed: the sealed key is malformed, altered, or sealed by another device.");
            if (length != privateKey.Length)
            {
                Array.Clear(privateKey, 0, privateKey.Length);
                throw Failure(NativeKeys.StatusFailed, "Unsealing the private key failed.");
            }

            return privateKey;
        }

        // Seal or unseal into output; a failure clears output and throws (invalid: the message for InvalidData).
        private int SealCall(bool seal, byte[] input, byte[] output, string invalid)
        {
            if (!CanSealKeys)
            {
                throw new KeyVaultException(KeyVaultError.NotSupported, _deviceKeyStatus == NativeKeys.StatusNotProtected
                    ? "This device cannot seal keys: its device key would not be protected (flash encryption is off)."
                    : "This device cannot seal keys: it has no device key (none provisioned, or no native key vault).");
            }

            int length;
            lock (_gate)
            {
                length = seal ? NativeKeys.Seal(input, output) : NativeKeys.Unseal(input, output);
            }

            if (length < 0)
            {
                Array.Clear(output, 0, output.Length);
                if (length == NativeKeys.StatusInvalidData)
                {
                    throw new KeyVaultException(KeyVaultError.InvalidData, invalid);
                }

                throw Failure(length, (seal ? "Sealing" : "Unsealing") + " the private key failed.");
            }

            return length;
        }

        // One native call that writes DER into a scratch buffer: generation (key == null, subject == null),
        // decryption (password != null) or a CSR (subject and attributes != null).
        private byte[] Produce(string operation, byte[]? key, byte[]? password, byte[]? subject, byte[]? attributes, int algorithm)
        {
            byte[] scratch = new byte[OutputSize];
            try
            {
                int length;
                lock (_gate)
                {
                    CheckAvailable();
                    if (subject != null)
                    {
                        length = NativeKeys.CreateCsr(key!, subject, attributes!, scratch);
                    }
                    else if (password != null)
                    {
                        length = NativeKeys.Decrypt(key!, password, scratch);
                    }
                    else
                    {
                        length = NativeKeys.Generate(algorithm, scratch);
                    }
                }

                if (length < 0)
                {
                    throw Failure(length, operation + " failed.");
                }

                byte[] result = new byte[length];
                Array.Copy(scratch, result, length);
                return result;
            }
            finally
            {
                Array.Clear(scratch, 0, scratch.Length);
            }
        }

        private byte[] Hash(int algorithm, int size, byte[] data, int offset, int count)
        {
            if (data == null)
            {
                throw new ArgumentNullException("data");
            }

            if (offset < 0 || offset > data.Length)
            {
                throw new ArgumentOutOfRangeException("offset", "The offset is outside the data.");
            }

            if (count < 0 || count > data.Length - offset)
            {
                throw new ArgumentOutOfRangeException("count", "The count runs past the end of the data.");
            }

            byte[] digest = new byte[size];
            int result;
            lock (_gate)
            {
                CheckAvailable();
                result = NativeKeys.Hash(algorithm, data, offset, count, digest);
            }

            if (result != size)
            {
                throw Failure(result < 0 ? result : NativeKeys.StatusFailed, "Hashing failed.");
            }

            return digest;
        }

        private static bool Answer(int result, string invalid)
        {
            if (result == 1)
            {
                return true;
            }

            if (result == 0)
            {
                return false;
            }

            throw Failure(result, result == NativeKeys.StatusInvalidData ? invalid : "The operation failed.");
        }

        private static KeyVaultException Failure(int status, string message)
        {
            switch (status)
            {
                case NativeKeys.StatusInvalidData:
                    return new KeyVaultException(KeyVaultError.InvalidData, message + " The input is not valid DER of the expected kind.");
                case NativeKeys.StatusInvalidAttributes:
                    return new KeyVaultException(KeyVaultError.InvalidData, message + " The request attributes are not well-formed DER Attribute elements.");
                case NativeKeys.StatusNotSupported:
                    return new KeyVaultException(KeyVaultError.NotSupported, message + " The algorithm or scheme is not supported by the device.");
                case NativeKeys.StatusNotProtected:
                    return new KeyVaultException(KeyVaultError.NotSupported, message + " The device key is not protected (flash encryption is off).");
                case NativeKeys.StatusWrongPassword:
                    return new KeyVaultException(KeyVaultError.WrongPassword, message + " The password is wrong (or the ciphertext is corrupt).");
                default:
                    return new KeyVaultException(KeyVaultError.Failed, message + " The crypto engine reported status " + status.ToString() + ".");
            }
        }

        private static void Require(byte[] value, string name)
        {
            if (value == null)
            {
                throw new ArgumentNullException(name);
            }
        }

        private static void CheckAvailable()
        {
            if (!Esp32Native.IsAvailable)
            {
                throw new KeyVaultException(KeyVaultError.NotSupported, "This firmware image has no native key vault (the nf.Certs ESP32 interop library is not built in).");
            }
        }
    }
}
