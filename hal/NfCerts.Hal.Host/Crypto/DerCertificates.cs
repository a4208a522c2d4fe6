using System;
using System.Collections.Generic;
using System.Formats.Asn1;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// The HAL's certificate chain convention (<see cref="ITlsConnector"/>, <see cref="IHubTransport"/>,
    /// <see cref="IMqttTransport"/>, EAP-TLS requests): the leaf's DER followed back to back by its intermediates' DER.
    /// One splitter for every host transport; each maps <see cref="FormatException"/> to its own failure type.
    /// </summary>
    public static class DerCertificates
    {
        /// <summary>The most certificates a chain may hold (the store keeps a leaf and at most 3 intermediates).</summary>
        public const int MaxCertificates = 8;

        /// <summary>Splits a chain into its certificates' encodings, leaf first.</summary>
        /// <param name="chain">DER elements back to back, each a SEQUENCE.</param>
        /// <param name="what">What the chain is, for the messages ("the client certificate chain").</param>
        /// <exception cref="FormatException">Empty, more than <see cref="MaxCertificates"/>, something other than a DER
        /// SEQUENCE, or bytes that do not tile into whole DER elements. The message names the certificate's position.</exception>
        public static byte[][] Split(byte[] chain, string what)
        {
            ArgumentNullException.ThrowIfNull(chain);
            var parts = new List<byte[]>();
            ReadOnlySpan<byte> rest = chain;
            while (!rest.IsEmpty)
            {
                if (parts.Count == MaxCertificates)
                {
                    throw new FormatException(what + " holds more than " + MaxCertificates + " certificates");
                }
                if (rest[0] != 0x30)
                {
                    throw new FormatException(parts.Count == 0 ? what + " is not DER (PEM or empty?)"
                        : what + " holds something other than a DER certificate after certificate #" + parts.Count);
                }
                int length;
                try
                {
                    AsnDecoder.ReadEncodedValue(rest, AsnEncodingRules.DER, out _, out _, out length);
                }
                catch (AsnContentException)
                {
                    throw new FormatException(what + ": certificate #" + (parts.Count + 1) + " is not well-formed DER (bad length or truncated)");
                }
                parts.Add(rest[..length].ToArray());
                rest = rest[length..];
            }
            if (parts.Count == 0)
            {
                throw new FormatException(what + " is empty");
            }
            return parts.ToArray();
        }
    }
}
