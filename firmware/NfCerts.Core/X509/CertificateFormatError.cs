namespace NfCerts.Core.X509
{
    /// <summary>Why a certificate, key, DER or PEM input was refused (see <see cref="CertificateFormatException"/>).</summary>
    public enum CertificateFormatError
    {
        /// <summary>The input ends inside an element: bytes are missing.</summary>
        Truncated = 1,
        /// <summary>A length is malformed: indefinite, not minimally encoded, too large, or reaching past the enclosing element.</summary>
        BadLength = 2,
        /// <summary>A different element was expected here (wrong tag, or a required element is missing).</summary>
        UnexpectedTag = 3,
        /// <summary>Constructed elements are nested deeper than <see cref="DerReader.MaxDepth"/>.</summary>
        TooDeep = 4,
        /// <summary>A UTCTime or GeneralizedTime is not in the form RFC 5280 allows, or names no real instant.</summary>
        BadTime = 5,
        /// <summary>A character string holds bytes its type does not allow (bad UTF-8, odd BMPString length, surrogates).</summary>
        BadString = 6,
        /// <summary>A primitive value breaks DER (non-minimal INTEGER, bad OBJECT IDENTIFIER, BOOLEAN other than 00/FF, constructed form of a primitive type).</summary>
        BadEncoding = 7,
        /// <summary>Bytes follow the element that should end the input (or the enclosing element).</summary>
        TrailingData = 8,
        /// <summary>Well formed but not supported (multi-byte tag numbers, an unknown certificate version, PEM headers, a value too large to represent).</summary>
        Unsupported = 9,
        /// <summary>No PEM block (or none with the wanted label) was found.</summary>
        NoPemBlock = 10,
        /// <summary>A PEM block is malformed: missing or mismatched END line, bad label, empty body, or a label that contradicts the content.</summary>
        BadPem = 11,
        /// <summary>The body of a PEM block is not strict base64.</summary>
        BadBase64 = 12,
    }
}
