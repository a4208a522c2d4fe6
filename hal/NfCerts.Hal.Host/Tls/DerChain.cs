using System;

namespace NfCerts.Hal.Host
{
    /// <summary>Splits a DER certificate chain (certificates back to back, as <see cref="ITlsConnector"/> takes them).</summary>
    internal static class DerChain
    {
        /// <summary>The most certificates a chain may hold.</summary>
        public const int MaxCertificates = 8;

        public static byte[][] Split(byte[] chain)
        {
            var parts = new System.Collections.Generic.List<byte[]>();
            int position = 0;
            while (position < chain.Length)
            {
                if (parts.Count == MaxCertificates)
                {
                    throw Bad("the client certificate chain holds more than " + MaxCertificates + " certificates");
                }
                int length = ElementLength(chain, position);
                parts.Add(chain.AsSpan(position, length).ToArray());
                position += length;
            }
            if (parts.Count == 0)
            {
                throw Bad("the client certificate chain is empty");
            }
            return parts.ToArray();
        }

        // The encoded length of the SEQUENCE at 'at' (short or long form of up to 3 length octets).
        private static int ElementLength(byte[] data, int at)
        {
            if (data.Length - at < 2 || data[at] != 0x30)
            {
                throw Bad("the client certificate chain is not DER certificates back to back");
            }
            int first = data[at + 1];
            if (first < 0x80)
            {
                return Check(data, at, 2 + first);
            }
            int octets = first & 0x7F;
            if (octets == 0 || octets > 3 || data.Length - at < 2 + octets)
            {
                throw Bad("the client certificate chain has a bad DER length");
            }
            int length = 0;
            for (int i = 0; i < octets; i++)
            {
                length = (length << 8) | data[at + 2 + i];
            }
            return Check(data, at, 2 + octets + length);
        }

        private static int Check(byte[] data, int at, int length)
        {
            if (length > data.Length - at)
            {
                throw Bad("the client certificate chain is truncated");
            }
            return length;
        }

        private static TlsException Bad(string message) => new(TlsFailure.HandshakeFailed, message);
    }
}
