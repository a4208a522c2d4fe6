using System;

namespace NfCerts.Hal.Nano
{
    /// <summary>
    /// Certificates in the form nanoFramework's TLS stack (mbedTLS behind <c>SslStream</c>) takes them: one array holding a
    /// NUL-terminated PEM bundle, which <c>mbedtls_x509_crt_parse</c> reads whole, every certificate in it.
    /// </summary>
    /// <remarks>
    /// <para>Why PEM: given DER, <c>mbedtls_x509_crt_parse</c> reads the first certificate and ignores what follows, so a DER
    /// chain (leaf followed by its intermediates) would present the leaf alone, and a DER "bundle" of roots would trust the
    /// first root only. As a NUL-terminated PEM text every certificate is parsed: the client's chain is sent in the handshake
    /// (<c>mbedtls_ssl_conf_own_cert</c> with the parsed chain) and every root is trusted.</para>
    /// <para>Memory: the bundle is built straight into one array of its exact size, about 4/3 of the DER plus 55 bytes per
    /// certificate and one per 64 characters; a chain holds at most <see cref="MaxCertificates"/> certificates, checked
    /// before anything is allocated.</para>
    /// </remarks>
    internal static class NanoCertificates
    {
        /// <summary>The most certificates one chain may hold (the store keeps a leaf and at most 3 intermediates).</summary>
        public const int MaxCertificates = 8;

        /// <summary>The most certificates one set of trusted roots may hold: the hub's 3 shipped roots and
        /// <c>HubTrust.MaxOperatorRoots</c> (8) operator roots, or EST's explicit anchors and up to 8 kept /cacerts
        /// certificates, with room to spare. A root set is refused only beyond this.</summary>
        public const int MaxRoots = 24;

        private const string Begin = "-----BEGIN CERTIFICATE-----\n";
        private const string End = "-----END CERTIFICATE-----\n";
        private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

        /// <summary>The PEM bundle of a DER chain (certificates back to back, leaf first).</summary>
        /// <exception cref="ArgumentException">Not DER certificates back to back, or more than <see cref="MaxCertificates"/>.</exception>
        public static byte[] ChainToPem(byte[] chain)
        {
            int[] starts = new int[MaxCertificates];
            int[] lengths = new int[MaxCertificates];
            int count = 0;
            int at = 0;
            while (at < chain.Length)
            {
                if (count == MaxCertificates)
                {
                    throw new ArgumentException("the certificate chain holds more than " + MaxCertificates.ToString() + " certificates");
                }
                int length = ElementLength(chain, at);
                starts[count] = at;
                lengths[count] = length;
                count++;
                at += length;
            }
            if (count == 0)
            {
                throw new ArgumentException("the certificate chain is empty");
            }
            int size = 1;
            for (int i = 0; i < count; i++)
            {
                size += PemSize(lengths[i]);
            }
            var pem = new byte[size];
            int written = 0;
            for (int i = 0; i < count; i++)
            {
                written = WritePem(chain, starts[i], lengths[i], pem, written);
            }
            pem[written] = 0;
            return pem;
        }

        /// <summary>The PEM bundle of a set of certificates, one DER each.</summary>
        /// <exception cref="ArgumentException">None, more than <see cref="MaxRoots"/>, or one that is not one DER certificate.</exception>
        public static byte[] SetToPem(byte[][] certificates)
        {
            if (certificates.Length == 0 || certificates.Length > MaxRoots)
            {
                throw new ArgumentException("between 1 and " + MaxRoots.ToString() + " certificates are needed, not " + certificates.Length.ToString());
            }
            int size = 1;
            for (int i = 0; i < certificates.Length; i++)
            {
                byte[] der = certificates[i];
                if (der == null || ElementLength(der, 0) != der.Length)
                {
                    throw new ArgumentException("certificate #" + i.ToString() + " is not one DER certificate");
                }
                size += PemSize(der.Length);
            }
            var pem = new byte[size];
            int written = 0;
            for (int i = 0; i < certificates.Length; i++)
            {
                written = WritePem(certificates[i], 0, certificates[i].Length, pem, written);
            }
            pem[written] = 0;
            return pem;
        }

        /// <summary>A copy of <paramref name="key"/> for the TLS stack to keep by reference, so the caller's array stays its own.</summary>
        public static byte[] CopyKey(byte[] key)
        {
            var copy = new byte[key.Length];
            Array.Copy(key, copy, key.Length);
            return copy;
        }

        /// <summary>Overwrites a key buffer with zeros (null is ignored).</summary>
        public static void Zero(byte[]? buffer)
        {
            if (buffer != null)
            {
                Array.Clear(buffer, 0, buffer.Length);
            }
        }

        private static int PemSize(int derLength)
        {
            int chars = (derLength + 2) / 3 * 4;
            return Begin.Length + chars + (chars + 63) / 64 + End.Length;
        }

        private static int WritePem(byte[] der, int offset, int length, byte[] pem, int at)
        {
            at = WriteAscii(Begin, pem, at);
            int column = 0;
            int end = offset + length;
            for (int i = offset; i < end; i += 3)
            {
                int left = end - i;
                int b0 = der[i];
                int b1 = left > 1 ? der[i + 1] : 0;
                int b2 = left > 2 ? der[i + 2] : 0;
                pem[at++] = (byte)Alphabet[b0 >> 2];
                pem[at++] = (byte)Alphabet[((b0 & 0x03) << 4) | (b1 >> 4)];
                pem[at++] = left > 1 ? (byte)Alphabet[((b1 & 0x0F) << 2) | (b2 >> 6)] : (byte)'=';
                pem[at++] = left > 2 ? (byte)Alphabet[b2 & 0x3F] : (byte)'=';
                column += 4;
                if (column == 64)
                {
                    pem[at++] = (byte)'\n';
                    column = 0;
                }
            }
            if (column > 0)
            {
                pem[at++] = (byte)'\n';
            }
            return WriteAscii(End, pem, at);
        }

        private static int WriteAscii(string text, byte[] target, int at)
        {
            for (int i = 0; i < text.Length; i++)
            {
                target[at++] = (byte)text[i];
            }
            return at;
        }

        // The encoded length of the DER SEQUENCE at 'at' (short form, or long form of up to 3 length octets).
        private static int ElementLength(byte[] data, int at)
        {
            if (data.Length - at < 2 || data[at] != 0x30)
            {
                throw new ArgumentException("not DER certificates back to back");
            }
            int first = data[at + 1];
            int total;
            if (first < 0x80)
            {
                total = 2 + first;
            }
            else
            {
                int octets = first & 0x7F;
                if (octets == 0 || octets > 3 || data.Length - at < 2 + octets)
                {
                    throw new ArgumentException("a certificate has a bad DER length");
                }
                int length = 0;
                for (int i = 0; i < octets; i++)
                {
                    length = (length << 8) | data[at + 2 + i];
                }
                total = 2 + octets + length;
            }
            if (total > data.Length - at)
            {
                throw new ArgumentException("a certificate is truncated");
            }
            return total;
        }
    }
}
