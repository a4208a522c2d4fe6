using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.Text;
using NfCerts.Hal;
using NfCerts.NanoStandIn;

namespace NfCerts.Esp32
{
    /// <summary>Stand-in for firmware/native/esp32/managed/NativeKeys.cs; mbedTLS is played by the host's key vault.
    /// Results &gt;= 0 are lengths or 1/0 answers; negative results are the status constants below.</summary>
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
        public static int Hash(int algorithm, byte[] data, int offset, int count, byte[] digest)
        {
            NativeLibrary.Require();
            if (data == null || digest == null)
            {
                throw new ArgumentNullException(data == null ? nameof(data) : nameof(digest));
            }

            if (offset < 0 || count < 0 || offset > data.Length || count > data.Length - offset)
            {
                throw new ArgumentOutOfRangeException(nameof(count), "CLR_E_OUT_OF_RANGE");
            }

            byte[] hash = algorithm == HashSha1 ? Board.Crypto.Sha1(data, offset, count)
                : algorithm == HashSha256 ? Board.Crypto.Sha256(data, offset, count)
                : Array.Empty<byte>();
            return hash.Length == 0 ? StatusNotSupported : Output(hash, digest);
        }

        /// <summary>Generates a key (KeyAlgorithm value) and writes its PKCS#8 DER into <paramref name="output"/>.</summary>
        public static int Generate(int algorithm, byte[] output)
        {
            return Run(() => Board.Crypto.GenerateKey((KeyAlgorithm)algorithm), output);
        }

        /// <summary>Writes a PKCS#10 request for the key with the UTF-8 RFC 4514 subject and the request attributes (empty
        /// or null for none). As the native writer, it checks the attributes' bound and their Attribute structure before
        /// the key is used; the host's writer refuses what else does not parse (StatusInvalidData) and puts them in DER order.</summary>
        public static int CreateCsr(byte[] key, byte[] subject, byte[] attributes, byte[] output)
        {
            NativeLibrary.Require();
            if (output == null)
            {
                throw new ArgumentNullException(nameof(output)); // CLR_E_ARGUMENT_NULL
            }

            bool none = attributes == null || attributes.Length == 0;
            if (!none && attributes!.Length > MaxCsrAttributesLength)
            {
                return StatusNotSupported;
            }

            if (!none && !AreAttributes(attributes!))
            {
                return StatusInvalidAttributes;
            }

            return Run(() => Board.Crypto.CreateCertificateRequest(key, Encoding.UTF8.GetString(subject), none ? null : attributes), output);
        }

        // At most 16 elements SEQUENCE { OBJECT IDENTIFIER, SET OF at least one value }, back to back, each type once.
        private static bool AreAttributes(byte[] der)
        {
            try
            {
                var reader = new AsnReader(der, AsnEncodingRules.DER);
                var types = new HashSet<string>(StringComparer.Ordinal);
                while (reader.HasData)
                {
                    AsnReader attribute = reader.ReadSequence();
                    string type = attribute.ReadObjectIdentifier();
                    AsnReader values = attribute.ReadSetOf(skipSortOrderValidation: true);
                    attribute.ThrowIfNotEmpty();
                    if (!values.HasData || !types.Add(type) || types.Count > 16)
                    {
                        return false;
                    }
                }

                return true;
            }
            catch (AsnContentException)
            {
                return false;
            }
        }

        /// <summary>1 when the key belongs to the certificate, 0 when not.</summary>
        public static int MatchCertificate(byte[] certificate, byte[] key)
        {
            return Answer(() => Board.Crypto.KeyMatchesCertificate(certificate, key));
        }

        /// <summary>Decrypts an EncryptedPrivateKeyInfo and writes the key as PKCS#8 DER.</summary>
        public static int Decrypt(byte[] encrypted, byte[] password, byte[] output)
        {
            return Run(() => Board.Crypto.DecryptPrivateKey(encrypted, Encoding.UTF8.GetString(password)), output);
        }

        /// <summary>1 when the SHA-256 signature verifies with the certificate's key, 0 when not.</summary>
        public static int Verify(byte[] certificate, byte[] data, byte[] signature)
        {
            return Answer(() => Board.Crypto.VerifySignature(certificate, data, signature));
        }

        /// <summary>1 when the board has a device key (<see cref="Board.DeviceKeyStatus"/>), else the status that says why not.</summary>
        public static int DeviceKeyStatus()
        {
            NativeLibrary.Require();
            return Board.DeviceKeyStatus;
        }

        /// <summary>Seals a private key under the board's device key into <paramref name="output"/>.</summary>
        public static int Seal(byte[] key, byte[] output)
        {
            return Board.DeviceKeyStatus != 1 ? Board.DeviceKeyStatus : Run(() => Board.Crypto.SealPrivateKey(key), output);
        }

        /// <summary>Unseals a key sealed by <see cref="Seal"/> on this board into <paramref name="output"/>.</summary>
        public static int Unseal(byte[] sealedKey, byte[] output)
        {
            return Board.DeviceKeyStatus != 1 ? Board.DeviceKeyStatus : Run(() => Board.Crypto.UnsealPrivateKey(sealedKey), output);
        }

        private static int Answer(Func<bool> question)
        {
            NativeLibrary.Require();
            try
            {
                return question() ? 1 : 0;
            }
            catch (KeyVaultException e)
            {
                return Status(e.Error);
            }
        }

        private static int Run(Func<byte[]> produce, byte[] output)
        {
            NativeLibrary.Require();
            byte[] result;
            try
            {
                result = produce();
            }
            catch (KeyVaultException e)
            {
                return Status(e.Error);
            }

            try
            {
                return Output(result, output);
            }
            finally
            {
                Array.Clear(result); // native code zeroes its copies of keys
            }
        }

        private static int Output(byte[] result, byte[] output)
        {
            if (result.Length > output.Length)
            {
                return StatusBufferTooSmall;
            }

            Array.Copy(result, output, result.Length);
            return result.Length;
        }

        private static int Status(KeyVaultError error)
        {
            switch (error)
            {
                case KeyVaultError.InvalidData: return StatusInvalidData;
                case KeyVaultError.NotSupported: return StatusNotSupported;
                case KeyVaultError.WrongPassword: return StatusWrongPassword;
                default: return StatusFailed;
            }
        }
    }
}
