using System.Text;

namespace NfCerts.Core.X509
{
    /// <summary>
    /// Character string contents: the checks OpenSSL applies when it loads a name (strict UTF-8, even BMPString
    /// lengths, no surrogates, code points up to U+10FFFF) and decoding to a .NET string.
    /// </summary>
    internal static class DerText
    {
        /// <summary>True for the string types <see cref="DerReader.ReadString"/> accepts.</summary>
        public static bool IsStringTag(int tag)
        {
            return Width(tag) != 0;
        }

        /// <summary>Octets per character of a string type: 1 (ISO 8859-1), 2 (BMP), 4 (UCS-4), -1 for UTF-8, 0 for a non-string.</summary>
        public static int Width(int tag)
        {
            switch (tag)
            {
                case DerTag.Utf8String:
                    return -1;
                case DerTag.NumericString:
                case DerTag.PrintableString:
                case DerTag.T61String:
                case DerTag.Ia5String:
                case DerTag.VisibleString:
                    return 1;
                case DerTag.BmpString:
                    return 2;
                case DerTag.UniversalString:
                    return 4;
                default:
                    return 0;
            }
        }

        /// <summary>Checks the contents of a string type (see the class summary); one-octet types accept any octet.</summary>
        public static void Check(byte[] buffer, int tag, int offset, int length)
        {
            int width = Width(tag);
            if (width == -1)
            {
                CheckUtf8(buffer, offset, length);
            }
            else if (width > 1)
            {
                if (length % width != 0)
                {
                    throw Bad(offset, (width == 2 ? "BMPString" : "UniversalString") + " length is not a multiple of " + width.ToString());
                }

                for (int i = offset; i < offset + length; i += width)
                {
                    CodePoint(buffer, i, width);
                }
            }
        }

        /// <summary>The code point of the character at <paramref name="offset"/> of a BMPString (width 2) or UniversalString (width 4).</summary>
        public static int CodePoint(byte[] buffer, int offset, int width)
        {
            int c;
            if (width == 2)
            {
                c = (buffer[offset] << 8) | buffer[offset + 1];
            }
            else
            {
                if (buffer[offset] != 0)
                {
                    throw Bad(offset, "UniversalString character beyond U+10FFFF");
                }

                c = (buffer[offset + 1] << 16) | (buffer[offset + 2] << 8) | buffer[offset + 3];
            }

            if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            {
                throw Bad(offset, "string holds a surrogate or a character beyond U+10FFFF");
            }

            return c;
        }

        /// <summary>Decodes checked or unchecked contents of a string type into a .NET string.</summary>
        public static string Decode(byte[] buffer, int tag, int offset, int length)
        {
            Check(buffer, tag, offset, length);
            int width = Width(tag);
            if (width == -1)
            {
                return length == 0 ? string.Empty : Encoding.UTF8.GetString(buffer, offset, length);
            }

            StringBuilder text = new StringBuilder();
            for (int i = offset; i < offset + length; i += width)
            {
                int c = width == 1 ? buffer[i] : CodePoint(buffer, i, width);
                if (c > 0xFFFF)
                {
                    c -= 0x10000;
                    text.Append((char)(0xD800 + (c >> 10)));
                    text.Append((char)(0xDC00 + (c & 0x3FF)));
                }
                else
                {
                    text.Append((char)c);
                }
            }

            return text.ToString();
        }

        private static void CheckUtf8(byte[] buffer, int offset, int length)
        {
            int end = offset + length;
            int i = offset;
            while (i < end)
            {
                int b = buffer[i];
                int more;
                int c;
                if (b < 0x80)
                {
                    i++;
                    continue;
                }
                else if (b >= 0xC2 && b < 0xE0)
                {
                    more = 1;
                    c = b & 0x1F;
                }
                else if (b >= 0xE0 && b < 0xF0)
                {
                    more = 2;
                    c = b & 0x0F;
                }
                else if (b >= 0xF0 && b < 0xF5)
                {
                    more = 3;
                    c = b & 0x07;
                }
                else
                {
                    throw Bad(i, "UTF8String holds an octet that cannot start a character");
                }

                if (more > end - i - 1)
                {
                    throw Bad(i, "UTF8String ends inside a character");
                }

                for (int k = 1; k <= more; k++)
                {
                    int t = buffer[i + k];
                    if ((t & 0xC0) != 0x80)
                    {
                        throw Bad(i, "UTF8String character has a bad continuation octet");
                    }

                    c = (c << 6) | (t & 0x3F);
                }

                if ((more == 2 && c < 0x800) || (more == 3 && c < 0x10000))
                {
                    throw Bad(i, "UTF8String character is not in its shortest form");
                }

                if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
                {
                    throw Bad(i, "UTF8String holds a surrogate or a character beyond U+10FFFF");
                }

                i += more + 1;
            }
        }

        private static CertificateFormatException Bad(int offset, string what)
        {
            return new CertificateFormatException(CertificateFormatError.BadString, what + " (offset " + offset.ToString() + ")");
        }
    }
}
