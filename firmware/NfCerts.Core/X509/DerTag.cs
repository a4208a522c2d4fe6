namespace NfCerts.Core.X509
{
    /// <summary>Identifier octets (class, constructed bit and tag number in one byte) of the DER elements X.509 uses.</summary>
    public static class DerTag
    {
        /// <summary>BOOLEAN.</summary>
        public const int Boolean = 0x01;
        /// <summary>INTEGER.</summary>
        public const int Integer = 0x02;
        /// <summary>BIT STRING (primitive).</summary>
        public const int BitString = 0x03;
        /// <summary>OCTET STRING (primitive).</summary>
        public const int OctetString = 0x04;
        /// <summary>NULL.</summary>
        public const int Null = 0x05;
        /// <summary>OBJECT IDENTIFIER.</summary>
        public const int ObjectIdentifier = 0x06;
        /// <summary>UTF8String.</summary>
        public const int Utf8String = 0x0C;
        /// <summary>NumericString.</summary>
        public const int NumericString = 0x12;
        /// <summary>PrintableString.</summary>
        public const int PrintableString = 0x13;
        /// <summary>TeletexString (T61String).</summary>
        public const int T61String = 0x14;
        /// <summary>IA5String.</summary>
        public const int Ia5String = 0x16;
        /// <summary>UTCTime.</summary>
        public const int UtcTime = 0x17;
        /// <summary>GeneralizedTime.</summary>
        public const int GeneralizedTime = 0x18;
        /// <summary>VisibleString.</summary>
        public const int VisibleString = 0x1A;
        /// <summary>UniversalString (UCS-4, big endian).</summary>
        public const int UniversalString = 0x1C;
        /// <summary>BMPString (UCS-2, big endian).</summary>
        public const int BmpString = 0x1E;
        /// <summary>SEQUENCE / SEQUENCE OF (always constructed).</summary>
        public const int Sequence = 0x30;
        /// <summary>SET / SET OF (always constructed).</summary>
        public const int Set = 0x31;
        /// <summary>The constructed bit of an identifier octet.</summary>
        public const int ConstructedBit = 0x20;

        /// <summary>The identifier octet of a context-specific tag [<paramref name="number"/>].</summary>
        /// <param name="number">Tag number, 0 to 30.</param>
        /// <param name="constructed">True for a constructed element (EXPLICIT tagging, or IMPLICIT over a SEQUENCE).</param>
        public static int Context(int number, bool constructed)
        {
            return 0x80 | (constructed ? ConstructedBit : 0) | (number & 0x1F);
        }

        /// <summary>True when the identifier octet has the constructed bit set.</summary>
        public static bool IsConstructed(int tag)
        {
            return (tag & ConstructedBit) != 0;
        }
    }
}
