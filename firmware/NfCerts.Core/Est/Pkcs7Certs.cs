using System;
using NfCerts.Core.X509;

namespace NfCerts.Core.Est
{
    /// <summary>
    /// Reads a certs-only CMS SignedData (RFC 5652; the "degenerate" PKCS#7 of RFC 7030 4.1.3 and 4.2.3) and returns
    /// the DER of its certificates, in order.
    /// </summary>
    /// <remarks>
    /// <para>Structure: <c>ContentInfo { id-signedData, [0] SignedData { version, digestAlgorithms SET, encapContentInfo
    /// { id-data, no or an empty eContent }, certificates [0] IMPLICIT SET OF Certificate, crls [1] OPTIONAL, signerInfos SET } }</c>.
    /// Certs-only means no content; digest algorithms and signer infos are allowed but ignored (no signature is
    /// checked: the TLS connection authenticated the server). Other certificate choices (attribute certificates) are
    /// refused.</para>
    /// <para>Bounds, checked before anything is copied: the input is at most <see cref="MaxInputSize"/> bytes, nests at
    /// most <see cref="DerReader.MaxDepth"/> deep (the DER reader's limit, checked over the whole input first), holds at
    /// most <see cref="MaxCertificates"/> certificates of at most 8 KiB each. Each certificate must parse
    /// (<see cref="CertificateInfo.Parse(byte[], int, int)"/>). Failures are <see cref="EstException"/> BadContent.</para>
    /// </remarks>
    public static class Pkcs7Certs
    {
        /// <summary>The largest PKCS#7 accepted, in bytes.</summary>
        public const int MaxInputSize = 24 * 1024;
        /// <summary>The most certificates accepted in one answer.</summary>
        public const int MaxCertificates = 8;
        /// <summary>The largest certificate accepted, in bytes (the store's own limit).</summary>
        public const int MaxCertificateSize = 8192;

        private static readonly byte[] SignedDataOid = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02 };
        private static readonly byte[] DataOid = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01 };

        /// <summary>The certificates of the PKCS#7 in <paramref name="der"/>, each as its own DER array.</summary>
        public static byte[][] Read(byte[] der)
        {
            if (der == null)
            {
                throw new ArgumentNullException("der");
            }
            if (der.Length > MaxInputSize)
            {
                throw EstException.Content("the PKCS#7 is larger than " + MaxInputSize.ToString() + " bytes");
            }
            try
            {
                return ReadChecked(der);
            }
            catch (CertificateFormatException e)
            {
                throw EstException.Content("the PKCS#7 does not decode: " + e.Message);
            }
        }

        private static byte[][] ReadChecked(byte[] der)
        {
            DerReader.Validate(der, 0, der.Length);
            DerReader outer = new DerReader(der);
            DerReader contentInfo = outer.ReadSequence();
            outer.ExpectEnd();
            ExpectOid(contentInfo, SignedDataOid, "the PKCS#7 is not SignedData");
            DerReader explicitContent = contentInfo.ReadConstructed(0xA0);
            contentInfo.ExpectEnd();
            DerReader signedData = explicitContent.ReadSequence();
            explicitContent.ExpectEnd();

            signedData.ReadInt32();
            signedData.ReadSet();
            DerReader encap = signedData.ReadSequence();
            ExpectOid(encap, DataOid, "the PKCS#7 encapsulates something other than data");
            if (encap.HasData)
            {
                // .NET's SignedCms writes an empty eContent ([0] { OCTET STRING, 0 bytes }); any content is not certs-only.
                DerReader explicitData = encap.ReadConstructed(0xA0);
                int contentOffset;
                int contentLength;
                explicitData.ReadOctetStringContent(out contentOffset, out contentLength);
                explicitData.ExpectEnd();
                encap.ExpectEnd();
                if (contentLength != 0)
                {
                    throw EstException.Content("the PKCS#7 carries content: not certs-only");
                }
            }
            DerReader? certificates = signedData.ReadOptionalConstructed(0xA0);
            if (certificates == null)
            {
                throw EstException.Content("the PKCS#7 holds no certificates");
            }
            signedData.ReadOptionalConstructed(0xA1);
            signedData.ReadSet();
            signedData.ExpectEnd();

            byte[][] found = new byte[MaxCertificates][];
            int count = 0;
            while (certificates.HasData)
            {
                if (certificates.PeekTag() != DerTag.Sequence)
                {
                    throw EstException.Content("the PKCS#7 holds a certificate choice other than an X.509 certificate");
                }
                if (count == MaxCertificates)
                {
                    throw EstException.Content("the PKCS#7 holds more than " + MaxCertificates.ToString() + " certificates");
                }
                int start;
                int length = certificates.ReadEncodedElement(out start);
                if (length > MaxCertificateSize)
                {
                    throw EstException.Content("a certificate in the PKCS#7 is larger than " + MaxCertificateSize.ToString() + " bytes");
                }
                CertificateInfo.Parse(der, start, length);
                byte[] one = new byte[length];
                Array.Copy(der, start, one, 0, length);
                found[count++] = one;
            }
            if (count == 0)
            {
                throw EstException.Content("the PKCS#7 holds no certificates");
            }
            byte[][] result = new byte[count][];
            Array.Copy(found, result, count);
            return result;
        }

        private static void ExpectOid(DerReader reader, byte[] oid, string message)
        {
            int offset;
            int length;
            reader.ReadOidContent(out offset, out length);
            if (!DerOid.Equals(reader.Buffer, offset, length, oid))
            {
                throw EstException.Content(message);
            }
        }
    }
}
