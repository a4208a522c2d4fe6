using System;

namespace NfCerts.Core.X509
{
    /// <summary>
    /// Reads certificate and private key input that may be PEM or DER, as the store accepts both. DER certificates
    /// and keys always start with a SEQUENCE (0x30); any other first byte means PEM (which tolerates text before
    /// the first block, so "-----BEGIN" need not come first).
    /// </summary>
    public static class PemOrDer
    {
        private static readonly string[] KeyLabels = new string[]
        {
            Pem.PrivateKeyLabel, Pem.EncryptedPrivateKeyLabel, Pem.EcPrivateKeyLabel, Pem.RsaPrivateKeyLabel,
        };

        /// <summary>True when the input is to be read as PEM: it is not empty and does not start with 0x30.</summary>
        /// <param name="data">The array holding the input.</param>
        /// <param name="offset">Index of its first byte.</param>
        /// <param name="count">Its length.</param>
        public static bool IsPem(byte[] data, int offset, int count)
        {
            CheckRange(data, offset, count);
            return count > 0 && data[offset] != DerTag.Sequence;
        }

        /// <summary>
        /// The DER of a certificate given as DER (returned as is: the caller's array itself when the range is the whole
        /// array) or PEM (the first CERTIFICATE block). The DER is not parsed here: see <see cref="ReadCertificate"/>.
        /// </summary>
        /// <param name="data">The array holding the input.</param>
        /// <param name="offset">Index of its first byte.</param>
        /// <param name="count">Its length.</param>
        /// <exception cref="CertificateFormatException">PEM without a CERTIFICATE block, or malformed PEM; empty input.</exception>
        public static byte[] GetCertificateDer(byte[] data, int offset, int count)
        {
            CheckRange(data, offset, count);
            if (count == 0)
            {
                throw new CertificateFormatException(CertificateFormatError.Truncated, "the certificate input is empty");
            }

            if (!IsPem(data, offset, count))
            {
                return Slice(data, offset, count);
            }

            return Pem.DecodeFirst(data, offset, count, Pem.CertificateLabel).Data;
        }

        /// <summary>Reads and parses a certificate given as PEM or DER (see <see cref="GetCertificateDer"/>).</summary>
        /// <param name="data">The input, whole.</param>
        /// <exception cref="CertificateFormatException">The input holds no well-formed certificate.</exception>
        public static CertificateInfo ReadCertificate(byte[] data)
        {
            if (data == null)
            {
                throw new ArgumentNullException("data");
            }

            return CertificateInfo.Parse(GetCertificateDer(data, 0, data.Length));
        }

        /// <summary>
        /// The DER of a private key given as DER or PEM (the first block labelled PRIVATE KEY, ENCRYPTED PRIVATE KEY,
        /// EC PRIVATE KEY or RSA PRIVATE KEY; other blocks, such as EC PARAMETERS or CERTIFICATE, are skipped), with a
        /// description of it. A PEM label must agree with the content (an "EC PRIVATE KEY" must hold SEC 1).
        /// For DER input the caller's array itself is returned when the range is the whole array.
        /// </summary>
        /// <param name="data">The array holding the input.</param>
        /// <param name="offset">Index of its first byte.</param>
        /// <param name="count">Its length.</param>
        /// <param name="description">The key's format, algorithm, curve and size.</param>
        /// <exception cref="CertificateFormatException">No key block, malformed PEM, a label contradicting the content,
        /// or DER that is no private key. The message never holds key bytes.</exception>
        public static byte[] GetPrivateKeyDer(byte[] data, int offset, int count, out PrivateKeyDescription description)
        {
            CheckRange(data, offset, count);
            if (count == 0)
            {
                throw new CertificateFormatException(CertificateFormatError.Truncated, "the private key input is empty");
            }

            if (!IsPem(data, offset, count))
            {
                description = PrivateKeyDescription.Detect(data, offset, count);
                return Slice(data, offset, count);
            }

            PemBlock? block = Pem.DecodeFirstOf(data, offset, count, KeyLabels);
            if (block == null)
            {
                throw new CertificateFormatException(
                    CertificateFormatError.NoPemBlock,
                    "no PEM block labelled PRIVATE KEY, ENCRYPTED PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY found");
            }

            byte[] der = block.Data;
            try
            {
                description = PrivateKeyDescription.Detect(der);
                PrivateKeyFormat expected = LabelFormat(block.Label);
                if (description.Format != expected)
                {
                    throw new CertificateFormatException(
                        CertificateFormatError.BadPem,
                        "PEM label " + block.Label + " announces " + PrivateKeyDescription.FormatName(expected)
                        + " but the block holds " + PrivateKeyDescription.FormatName(description.Format));
                }
            }
            catch (CertificateFormatException)
            {
                // Do not leave a decoded key lying in the heap.
                Array.Clear(der, 0, der.Length);
                throw;
            }

            return der;
        }

        /// <summary>
        /// Like <see cref="GetPrivateKeyDer(byte[], int, int, out PrivateKeyDescription)"/> over a whole array.
        /// </summary>
        /// <param name="data">The input, whole.</param>
        /// <param name="description">The key's format, algorithm, curve and size.</param>
        public static byte[] GetPrivateKeyDer(byte[] data, out PrivateKeyDescription description)
        {
            if (data == null)
            {
                throw new ArgumentNullException("data");
            }

            return GetPrivateKeyDer(data, 0, data.Length, out description);
        }

        private static PrivateKeyFormat LabelFormat(string label)
        {
            if (label == Pem.EncryptedPrivateKeyLabel)
            {
                return PrivateKeyFormat.EncryptedPkcs8;
            }

            if (label == Pem.EcPrivateKeyLabel)
            {
                return PrivateKeyFormat.Sec1Ec;
            }

            if (label == Pem.RsaPrivateKeyLabel)
            {
                return PrivateKeyFormat.Pkcs1Rsa;
            }

            return PrivateKeyFormat.Pkcs8;
        }

        private static byte[] Slice(byte[] data, int offset, int count)
        {
            if (offset == 0 && count == data.Length)
            {
                return data;
            }

            byte[] copy = new byte[count];
            Array.Copy(data, offset, copy, 0, count);
            return copy;
        }

        private static void CheckRange(byte[] data, int offset, int count)
        {
            if (data == null)
            {
                throw new ArgumentNullException("data");
            }

            if (offset < 0 || count < 0 || offset > data.Length - count)
            {
                throw new ArgumentOutOfRangeException("offset", "the range lies outside the array");
            }
        }
    }
}
