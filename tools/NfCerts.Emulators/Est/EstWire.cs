using System;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace NfCerts.Emulators.Est;

/// <summary>The bytes EST puts on the wire (RFC 7030 4, RFC 8951): base64 bodies, certs-only PKCS#7, CSR attributes,
/// the multipart/mixed answer of /serverkeygen.</summary>
public static class EstWire
{
    /// <summary>Content type of /cacerts answers.</summary>
    public const string CaCertsType = "application/pkcs7-mime";

    /// <summary>Content type of enroll, re-enroll and the certificate part of serverkeygen.</summary>
    public const string CertsOnlyType = "application/pkcs7-mime; smime-type=certs-only";

    /// <summary>Content type of a PKCS#10 request.</summary>
    public const string Pkcs10Type = "application/pkcs10";

    /// <summary>Content type of the key part of serverkeygen.</summary>
    public const string Pkcs8Type = "application/pkcs8";

    /// <summary>Content type of /csrattrs answers.</summary>
    public const string CsrAttrsType = "application/csrattrs";

    /// <summary>Base64 with CRLF every 76 characters (MIME), ASCII bytes.</summary>
    public static byte[] Base64(byte[] der) =>
        Encoding.ASCII.GetBytes(Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks) + "\r\n");

    /// <summary>Decodes a base64 body, ignoring whitespace and line breaks; null when it is not base64.</summary>
    public static byte[]? DecodeBase64(ReadOnlySpan<byte> body)
    {
        var clean = new StringBuilder(body.Length);
        foreach (byte b in body)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }
            clean.Append((char)b);
        }
        try
        {
            return clean.Length == 0 ? null : Convert.FromBase64String(clean.ToString());
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>A certs-only (degenerate SignedData) PKCS#7 of <paramref name="certificates"/>, DER.</summary>
    public static byte[] CertsOnly(X509Certificate2Collection certificates) =>
        certificates.Export(X509ContentType.Pkcs7) ?? throw new CryptographicException("PKCS#7 export failed");

    /// <summary>The /serverkeygen answer (RFC 7030 4.4.2): a multipart/mixed body with the PKCS#8 key part, then the
    /// certs-only part, each base64. Returns the body and sets <paramref name="contentType"/> (with its boundary).</summary>
    public static byte[] ServerKeygenBody(byte[] pkcs8, byte[] certsOnly, bool withTransferEncoding, out string contentType)
    {
        string boundary = "est-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        string cte = withTransferEncoding ? "Content-Transfer-Encoding: base64\r\n" : "";
        var sb = new StringBuilder();
        sb.Append("--").Append(boundary).Append("\r\n");
        sb.Append("Content-Type: ").Append(Pkcs8Type).Append("\r\n").Append(cte).Append("\r\n");
        sb.Append(Encoding.ASCII.GetString(Base64(pkcs8)));
        sb.Append("--").Append(boundary).Append("\r\n");
        sb.Append("Content-Type: ").Append(CertsOnlyType).Append("\r\n").Append(cte).Append("\r\n");
        sb.Append(Encoding.ASCII.GetString(Base64(certsOnly)));
        sb.Append("--").Append(boundary).Append("--\r\n");
        contentType = "multipart/mixed; boundary=" + boundary;
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>The CsrAttrs DER (RFC 7030 4.5.2: SEQUENCE OF AttrOrOID) for <paramref name="attributes"/>.</summary>
    public static byte[] CsrAttrs(EstCsrAttributes attributes)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            if (attributes.RequireChallengePassword)
            {
                w.WriteObjectIdentifier(EstCsrAttributes.ChallengePasswordOid);
            }
            foreach (string oid in attributes.Oids)
            {
                w.WriteObjectIdentifier(oid);
            }
            if (attributes.RequestedExtensions.Count > 0)
            {
                using (w.PushSequence())
                {
                    w.WriteObjectIdentifier("1.2.840.113549.1.9.14"); // extensionRequest
                    using (w.PushSetOf())
                    {
                        foreach (string oid in attributes.RequestedExtensions)
                        {
                            w.WriteObjectIdentifier(oid);
                        }
                    }
                }
            }
        }
        return w.Encode();
    }

    /// <summary>The challengePassword of a CSR (a DirectoryString value of the PKCS#9 attribute), or null.</summary>
    public static string? ChallengePassword(CertificateRequest request)
    {
        foreach (AsnEncodedData a in request.OtherRequestAttributes)
        {
            if (a.Oid?.Value != EstCsrAttributes.ChallengePasswordOid)
            {
                continue;
            }
            try
            {
                var r = new AsnReader(a.RawData, AsnEncodingRules.BER);
                Asn1Tag tag = r.PeekTag();
                if (tag.TagClass == TagClass.Universal)
                {
                    return r.ReadCharacterString((UniversalTagNumber)tag.TagValue);
                }
            }
            catch (Exception e) when (e is AsnContentException or ArgumentException)
            {
                return null;
            }
        }
        return null;
    }
}
