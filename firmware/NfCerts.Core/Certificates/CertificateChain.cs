using System;
using System.Collections;
using NfCerts.Core.X509;

namespace NfCerts.Core.Certificates
{
    /// <summary>
    /// Reads and checks certificate chains as the store takes them: a PEM bundle (CERTIFICATE blocks in order) or DER
    /// certificates back to back, leaf first, each certificate issued by the next. Bounded before anything is decoded:
    /// at most <see cref="MaxCertificates"/> certificates and <see cref="MaxChainInputSize"/> bytes of input.
    /// </summary>
    public static class CertificateChain
    {
        /// <summary>Most certificates in a client entry's chain: the leaf and three intermediates.</summary>
        public const int MaxCertificates = 4;
        /// <summary>Largest total DER of a chain's intermediates (the leaf excluded): one log value.</summary>
        public const int MaxIntermediatesSize = CertStore.MaxCertificateSize;
        /// <summary>Largest input a chain is read from: the PEM of a largest leaf and largest intermediates, with armour.</summary>
        public const int MaxChainInputSize = (CertStore.MaxCertificateSize + MaxIntermediatesSize) * 3 / 2 + MaxCertificates * 200;

        /// <summary>The number of certificates in PEM or DER input (CERTIFICATE blocks, or DER elements back to back),
        /// without checking them further. Other PEM blocks (a key in the same file) are not counted.</summary>
        /// <exception cref="CertificateFormatException">Malformed PEM, or DER that does not tile into elements.</exception>
        public static int Count(byte[] input)
        {
            if (input == null)
            {
                throw new ArgumentNullException("input");
            }
            return Split(input, int.MaxValue, true).Count;
        }

        /// <summary>
        /// The DER of each certificate of the input, in order. Refuses more than <paramref name="maxCertificates"/> with
        /// <see cref="CertStoreError.OutOfRange"/>, saying how many the input holds.
        /// </summary>
        /// <exception cref="CertStoreException">OutOfRange (empty, too many); InvalidData (not PEM or DER certificates).</exception>
        public static byte[][] Decode(byte[] input, int maxCertificates)
        {
            if (input == null)
            {
                throw new ArgumentNullException("certificate");
            }
            if (input.Length == 0)
            {
                throw new CertStoreException(CertStoreError.OutOfRange, "the certificate is empty");
            }
            ArrayList parts;
            try
            {
                parts = Split(input, maxCertificates, false);
                if (parts.Count > maxCertificates)
                {
                    // The input is bounded by the caller's size check; counting it keeps no certificate.
                    int total = Split(input, int.MaxValue, true).Count;
                    throw new CertStoreException(CertStoreError.OutOfRange, maxCertificates == 1
                        ? "expects one certificate; the input holds " + total
                        : "a chain holds at most " + maxCertificates + " certificates; the input holds " + total);
                }
            }
            catch (CertificateFormatException e)
            {
                throw new CertStoreException(CertStoreError.InvalidData, "not a valid certificate: " + e.Message);
            }
            if (parts.Count == 0)
            {
                throw new CertStoreException(CertStoreError.InvalidData, "not a valid certificate: no CERTIFICATE block found");
            }
            var result = new byte[parts.Count][];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = (byte[])parts[i]!;
            }
            return result;
        }

        /// <summary>
        /// Checks that each certificate of <paramref name="chain"/> (DER, leaf first) is a well-formed certificate issued by
        /// the next one (its issuer name is the next one's subject), and that the first is not a CA's self-signed
        /// certificate followed by others. Parses one certificate at a time.
        /// </summary>
        /// <exception cref="CertStoreException">InvalidData saying which link is broken.</exception>
        public static void CheckLinks(byte[][] chain)
        {
            string previousIssuer = "";
            string previousSubject = "";
            for (int i = 0; i < chain.Length; i++)
            {
                CertificateInfo info;
                try
                {
                    info = CertificateInfo.Parse(chain[i]);
                }
                catch (CertificateFormatException e)
                {
                    throw new CertStoreException(CertStoreError.InvalidData, "certificate " + (i + 1) + " of the chain is not valid: " + e.Message);
                }
                string subject = info.Subject.Name;
                string issuer = info.Issuer.Name;
                if (i == 0 && chain.Length > 1 && info.IsCa && subject == issuer)
                {
                    throw new CertStoreException(CertStoreError.InvalidData, "the bundle starts with the self-signed CA '" + subject
                        + "': a client entry takes the device's certificate first, then its intermediates (the root is not needed)");
                }
                if (i > 0 && previousIssuer != subject)
                {
                    throw new CertStoreException(CertStoreError.InvalidData, "the bundle is not a chain: certificate " + i + " ('" + previousSubject
                        + "') is issued by '" + previousIssuer + "', but certificate " + (i + 1) + " is '" + subject
                        + "'; give the leaf first, each certificate followed by its issuer");
                }
                previousIssuer = issuer;
                previousSubject = subject;
            }
        }

        /// <summary>The certificates from index <paramref name="from"/> on, DER back to back (empty when none).</summary>
        public static byte[] Join(byte[][] chain, int from)
        {
            int length = 0;
            for (int i = from; i < chain.Length; i++)
            {
                length += chain[i].Length;
            }
            var result = new byte[length];
            int at = 0;
            for (int i = from; i < chain.Length; i++)
            {
                Array.Copy(chain[i], 0, result, at, chain[i].Length);
                at += chain[i].Length;
            }
            return result;
        }

        /// <summary><paramref name="first"/> followed by <paramref name="rest"/> in one new array.</summary>
        public static byte[] Join(byte[] first, byte[] rest)
        {
            var result = new byte[first.Length + rest.Length];
            Array.Copy(first, 0, result, 0, first.Length);
            Array.Copy(rest, 0, result, first.Length, rest.Length);
            return result;
        }

        /// <summary>The certificates of the input: up to <paramref name="max"/> + 1 decoded (one more says "too many"), or
        /// with <paramref name="countOnly"/> every one counted with null entries.</summary>
        private static ArrayList Split(byte[] input, int max, bool countOnly)
        {
            var parts = new ArrayList();
            if (PemOrDer.IsPem(input, 0, input.Length))
            {
                int position = 0;
                PemBlock? block;
                while (parts.Count <= max && (block = Pem.ReadNext(input, ref position, input.Length)) != null)
                {
                    if (block.Label == Pem.CertificateLabel)
                    {
                        parts.Add(countOnly ? null : block.Data);
                    }
                }
                return parts;
            }
            int at = 0;
            while (at < input.Length && parts.Count <= max)
            {
                var reader = new DerReader(input, at, input.Length - at);
                int offset;
                int length = reader.ReadEncodedElement(out offset);
                if (input[at] != DerTag.Sequence)
                {
                    throw new CertificateFormatException(CertificateFormatError.UnexpectedTag,
                        "the DER input holds something other than a certificate at offset " + at);
                }
                if (countOnly)
                {
                    parts.Add(null);
                }
                else if (at == 0 && length == input.Length)
                {
                    parts.Add(input); // one DER certificate: used in place
                }
                else
                {
                    var der = new byte[length];
                    Array.Copy(input, at, der, 0, length);
                    parts.Add(der);
                }
                at += length;
            }
            return parts;
        }
    }
}
