using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace NfCerts.Hal.Host.Mqtt
{
    /// <summary>The HAL's client certificate chains (leaf DER followed back to back by its intermediates' DER) as .NET
    /// certificates.</summary>
    public static class CertificateChain
    {
        /// <summary>Splits back-to-back DER certificates into their encodings (leaf first).</summary>
        /// <exception cref="ArgumentException">The bytes are not a sequence of DER SEQUENCEs with definite lengths.</exception>
        public static IReadOnlyList<byte[]> Split(byte[] chain)
        {
            ArgumentNullException.ThrowIfNull(chain);
            var parts = new List<byte[]>();
            int p = 0;
            while (p < chain.Length)
            {
                if (chain[p] != 0x30 || p + 2 > chain.Length)
                {
                    throw new ArgumentException("the certificate chain is not back-to-back DER certificates (offset " + p + ")");
                }
                int lengthByte = chain[p + 1];
                int header = 2;
                long length = lengthByte;
                if (lengthByte >= 0x80)
                {
                    int n = lengthByte & 0x7F;
                    if (n < 1 || n > 3 || p + 2 + n > chain.Length)
                    {
                        throw new ArgumentException("the certificate chain has a bad DER length at offset " + p);
                    }
                    length = 0;
                    for (int i = 0; i < n; i++)
                    {
                        length = (length << 8) | chain[p + 2 + i];
                    }
                    header += n;
                }
                if (p + header + length > chain.Length)
                {
                    throw new ArgumentException("the certificate chain is truncated at offset " + p);
                }
                parts.Add(chain.AsSpan(p, header + (int)length).ToArray());
                p += header + (int)length;
            }
            if (parts.Count == 0)
            {
                throw new ArgumentException("the certificate chain is empty");
            }
            return parts;
        }

        /// <summary>The leaf with its private key, and the intermediates to send after it.</summary>
        /// <exception cref="EapCredentialException">A certificate or the key cannot be used (the message holds no key material).</exception>
        public static (X509Certificate2 Leaf, X509Certificate2Collection Intermediates) Load(byte[] chain, byte[] key)
        {
            IReadOnlyList<byte[]> parts;
            try
            {
                parts = Split(chain);
            }
            catch (ArgumentException e)
            {
                throw new EapCredentialException(e.Message);
            }
            var leaf = EapCredentials.LoadClientCertificate(parts[0], key);
            var intermediates = new X509Certificate2Collection();
            for (int i = 1; i < parts.Count; i++)
            {
                intermediates.Add(EapCredentials.LoadCertificate(parts[i], "intermediate #" + i));
            }
            return (leaf, intermediates);
        }
    }
}
