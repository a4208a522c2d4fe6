using System;
using System.Text;

namespace NfCerts.Core.X509
{
    /// <summary>
    /// An X.501 Name (a certificate's issuer or subject): its DER and its RFC 4514 text exactly as
    /// <c>openssl x509 -noout -subject -nameopt RFC2253</c> (OpenSSL 3) prints it.
    /// </summary>
    /// <remarks>
    /// The rendering rules, OpenSSL's: RDNs last to first, separated by ','; the values of a multi-valued RDN
    /// also last to first (as encoded), separated by '+'; no spaces added. Attribute types by OpenSSL's short
    /// name (CN, O, OU, C, ST, L, street, DC, UID, emailAddress, serialNumber, ...), other OIDs in dotted form
    /// with the whole value DER-dumped as '#' and uppercase hex. Values of type SEQUENCE, BIT STRING and
    /// other non-string types are dumped the same way. String values are escaped: <c>, + " \ &lt; &gt; ;</c> with a
    /// backslash, a space at the start or end as <c>"\ "</c>, a '#' at the start (unless it is the only character)
    /// as <c>\#</c>, control characters and every octet of a non-ASCII character's UTF-8 form as <c>\XX</c>
    /// (uppercase hex). UTF8String values are escaped octet by octet; the one-octet types (PrintableString,
    /// TeletexString, IA5String, NumericString, VisibleString) are read as ISO 8859-1 and converted to UTF-8
    /// first; BMPString and UniversalString are converted to UTF-8 first. Strings OpenSSL refuses to load
    /// (bad UTF-8, odd BMPString length, surrogates) are refused with <see cref="CertificateFormatError.BadString"/>.
    /// Empty RDNs are accepted and print nothing, as in OpenSSL.
    /// </remarks>
    public sealed class DistinguishedName
    {
        private const string HexDigits = "0123456789ABCDEF";

        private DistinguishedName(string name, byte[] rawData)
        {
            Name = name;
            RawData = rawData;
        }

        /// <summary>The name in RFC 4514 form as OpenSSL prints it with -nameopt RFC2253 (empty for an empty name).</summary>
        public string Name { get; private set; }

        /// <summary>The DER encoding of the Name (the whole SEQUENCE), a copy owned by this object.</summary>
        public byte[] RawData { get; private set; }

        /// <summary>Parses a DER Name that fills the given range exactly.</summary>
        /// <param name="der">The array holding the Name.</param>
        /// <param name="offset">Index of its first byte.</param>
        /// <param name="count">Its length.</param>
        /// <exception cref="CertificateFormatException">The bytes are not a well-formed Name.</exception>
        public static DistinguishedName Parse(byte[] der, int offset, int count)
        {
            DerReader reader = new DerReader(der, offset, count);
            DistinguishedName name = Read(reader);
            reader.ExpectEnd();
            return name;
        }

        /// <summary>Parses a DER Name that fills the array exactly.</summary>
        /// <param name="der">The Name.</param>
        public static DistinguishedName Parse(byte[] der)
        {
            if (der == null)
            {
                throw new ArgumentNullException("der");
            }

            return Parse(der, 0, der.Length);
        }

        /// <summary>The RFC 4514 text (<see cref="Name"/>).</summary>
        public override string ToString()
        {
            return Name;
        }

        /// <summary>Reads the Name that is the next element of <paramref name="reader"/>.</summary>
        internal static DistinguishedName Read(DerReader reader)
        {
            int start = reader.Position;
            DerReader rdns = reader.ReadSequence();
            byte[] raw = new byte[reader.Position - start];
            Array.Copy(reader.Buffer, start, raw, 0, raw.Length);

            // First pass: check every AVA and count them. Second pass: note where each is and in which RDN.
            int count = 0;
            DerReader scan = rdns.Restart();
            while (scan.HasData)
            {
                DerReader rdn = scan.ReadSet();
                while (rdn.HasData)
                {
                    CheckAttribute(rdn.ReadSequence());
                    count++;
                }
            }

            int[] entries = new int[count * 3];
            int index = 0;
            int set = 0;
            while (rdns.HasData)
            {
                DerReader rdn = rdns.ReadSet();
                while (rdn.HasData)
                {
                    DerReader ava = rdn.ReadSequence();
                    entries[index++] = ava.Position;
                    entries[index++] = ava.End;
                    entries[index++] = set;
                }

                set++;
            }

            StringBuilder text = new StringBuilder();
            for (int i = count - 1; i >= 0; i--)
            {
                if (i < count - 1)
                {
                    text.Append(entries[(3 * i) + 2] == entries[(3 * (i + 1)) + 2] ? '+' : ',');
                }

                AppendAttribute(text, reader.Buffer, entries[3 * i], entries[(3 * i) + 1]);
            }

            return new DistinguishedName(text.ToString(), raw);
        }

        // AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }
        private static void CheckAttribute(DerReader ava)
        {
            int offset;
            int length;
            ava.ReadOidContent(out offset, out length);
            int tag = ava.ReadElement(out offset, out length);
            ava.ExpectEnd();
            DerText.Check(ava.Buffer, tag, offset, length);
        }

        // Renders one checked AttributeTypeAndValue whose contents span [start, end).
        private static void AppendAttribute(StringBuilder text, byte[] buffer, int start, int end)
        {
            int oidOffset;
            int oidLength;
            DerReader.ParseHeader(buffer, start, end, false, out oidOffset, out oidLength);
            int valueStart = oidOffset + oidLength;
            int valueOffset;
            int valueLength;
            int tag = DerReader.ParseHeader(buffer, valueStart, end, false, out valueOffset, out valueLength);

            string? shortName = AttributeNames.ShortName(buffer, oidOffset, oidLength);
            text.Append(shortName == null ? DerOid.ToDottedString(buffer, oidOffset, oidLength) : shortName);
            text.Append('=');
            int width = DerText.Width(tag);
            if (shortName == null || width == 0)
            {
                // Unknown type, or a value OpenSSL does not print as text: '#' and the hex of the whole element.
                text.Append('#');
                for (int i = valueStart; i < end; i++)
                {
                    text.Append(HexDigits[buffer[i] >> 4]);
                    text.Append(HexDigits[buffer[i] & 0xF]);
                }

                return;
            }

            int valueEnd = valueOffset + valueLength;
            int step = width < 0 ? 1 : width;
            for (int i = valueOffset; i < valueEnd; i += step)
            {
                bool first = i == valueOffset;
                bool last = i + step == valueEnd;
                if (width < 0)
                {
                    // UTF8String: octet by octet, as OpenSSL does (non-ASCII octets are all escaped).
                    AppendEscaped(text, buffer[i], first, last);
                    continue;
                }

                int c = width == 1 ? buffer[i] : DerText.CodePoint(buffer, i, width);
                AppendUtf8Escaped(text, c, first, last);
            }
        }

        private static void AppendUtf8Escaped(StringBuilder text, int c, bool first, bool last)
        {
            if (c < 0x80)
            {
                AppendEscaped(text, c, first, last);
            }
            else if (c < 0x800)
            {
                AppendHex(text, 0xC0 | (c >> 6));
                AppendHex(text, 0x80 | (c & 0x3F));
            }
            else if (c < 0x10000)
            {
                AppendHex(text, 0xE0 | (c >> 12));
                AppendHex(text, 0x80 | ((c >> 6) & 0x3F));
                AppendHex(text, 0x80 | (c & 0x3F));
            }
            else
            {
                AppendHex(text, 0xF0 | (c >> 18));
                AppendHex(text, 0x80 | ((c >> 12) & 0x3F));
                AppendHex(text, 0x80 | ((c >> 6) & 0x3F));
                AppendHex(text, 0x80 | (c & 0x3F));
            }
        }

        // OpenSSL's RFC 2253 escaping of one octet; 'first' loses to 'last' for a one-character value, as in OpenSSL.
        private static void AppendEscaped(StringBuilder text, int b, bool first, bool last)
        {
            if (b >= 0x80 || b < 0x20 || b == 0x7F)
            {
                AppendHex(text, b);
                return;
            }

            switch (b)
            {
                case ',':
                case '+':
                case '"':
                case '\\':
                case '<':
                case '>':
                case ';':
                    text.Append('\\');
                    break;
                case ' ':
                    if (first || last)
                    {
                        text.Append('\\');
                    }

                    break;
                case '#':
                    if (first && !last)
                    {
                        text.Append('\\');
                    }

                    break;
            }

            text.Append((char)b);
        }

        private static void AppendHex(StringBuilder text, int b)
        {
            text.Append('\\');
            text.Append(HexDigits[b >> 4]);
            text.Append(HexDigits[b & 0xF]);
        }
    }
}
