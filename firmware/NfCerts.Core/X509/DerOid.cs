using System.Text;

namespace NfCerts.Core.X509
{
    /// <summary>OBJECT IDENTIFIER contents: checks, comparison and dotted-decimal rendering, without allocating for the common cases.</summary>
    internal static class DerOid
    {
        // A subidentifier longer than this (140 bits) is refused when rendered: UUID arcs (2.25.x, 128 bits) fit.
        private const int MaxArcOctets = 20;

        /// <summary>DER rules: at least one octet, every subidentifier minimal (no leading 0x80), the last one complete.</summary>
        public static void Check(byte[] buffer, int offset, int length)
        {
            if (length == 0)
            {
                throw DerReader.Bad(CertificateFormatError.BadEncoding, offset, "OBJECT IDENTIFIER has no contents");
            }

            bool atStart = true;
            int end = offset + length;
            for (int i = offset; i < end; i++)
            {
                int b = buffer[i];
                if (atStart && b == 0x80)
                {
                    throw DerReader.Bad(CertificateFormatError.BadEncoding, i, "OBJECT IDENTIFIER subidentifier is not minimal");
                }

                atStart = (b & 0x80) == 0;
            }

            if (!atStart)
            {
                throw DerReader.Bad(CertificateFormatError.BadEncoding, end - 1, "OBJECT IDENTIFIER ends inside a subidentifier");
            }
        }

        /// <summary>True when the contents at <paramref name="offset"/> equal <paramref name="expected"/>.</summary>
        public static bool Equals(byte[] buffer, int offset, int length, byte[] expected)
        {
            if (length != expected.Length)
            {
                return false;
            }

            for (int i = 0; i < length; i++)
            {
                if (buffer[offset + i] != expected[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Dotted decimal form of checked contents, e.g. "1.2.840.113549.1.1.1" (arcs of any size up to 140 bits).</summary>
        public static string ToDottedString(byte[] buffer, int offset, int length)
        {
            StringBuilder text = new StringBuilder();
            int end = offset + length;
            int start = offset;
            bool first = true;
            while (start < end)
            {
                int stop = start;
                while (stop < end && (buffer[stop] & 0x80) != 0)
                {
                    stop++;
                }

                if (stop == end)
                {
                    throw DerReader.Bad(CertificateFormatError.BadEncoding, end - 1, "OBJECT IDENTIFIER ends inside a subidentifier");
                }

                stop++;
                int octets = stop - start;
                if (octets > MaxArcOctets)
                {
                    throw DerReader.Bad(CertificateFormatError.Unsupported, start, "OBJECT IDENTIFIER arc longer than 140 bits");
                }

                if (octets <= 9)
                {
                    ulong value = 0;
                    for (int i = start; i < stop; i++)
                    {
                        value = (value << 7) | (byte)(buffer[i] & 0x7F);
                    }

                    if (first)
                    {
                        if (value < 40)
                        {
                            text.Append("0.");
                        }
                        else if (value < 80)
                        {
                            text.Append("1.");
                            value -= 40;
                        }
                        else
                        {
                            text.Append("2.");
                            value -= 80;
                        }
                    }
                    else
                    {
                        text.Append('.');
                    }

                    text.Append(value.ToString());
                }
                else
                {
                    // Over 63 bits: necessarily the third joint arc when first (2.x with x >= 2^63 - 80).
                    text.Append(first ? "2." : ".");
                    AppendBigArc(text, buffer, start, stop, first ? 80 : 0);
                }

                first = false;
                start = stop;
            }

            return text.ToString();
        }

        // Decimal digits of a base-128 number (high bits of each octet ignored), minus 'subtract' (< 128).
        private static void AppendBigArc(StringBuilder text, byte[] buffer, int start, int stop, int subtract)
        {
            int n = stop - start;
            byte[] digits = new byte[n];
            for (int i = 0; i < n; i++)
            {
                digits[i] = (byte)(buffer[start + i] & 0x7F);
            }

            int borrow = subtract;
            for (int i = n - 1; i >= 0 && borrow != 0; i--)
            {
                int v = digits[i] - borrow;
                borrow = 0;
                if (v < 0)
                {
                    v += 128;
                    borrow = 1;
                }

                digits[i] = (byte)v;
            }

            // Repeated division by 10; 20 base-128 digits give at most 43 decimal digits.
            char[] decimals = new char[48];
            int count = 0;
            int lead = 0;
            while (lead < n)
            {
                int remainder = 0;
                for (int i = lead; i < n; i++)
                {
                    int v = (remainder << 7) | digits[i];
                    digits[i] = (byte)(v / 10);
                    remainder = v % 10;
                }

                decimals[count++] = (char)('0' + remainder);
                while (lead < n && digits[lead] == 0)
                {
                    lead++;
                }
            }

            for (int i = count - 1; i >= 0; i--)
            {
                text.Append(decimals[i]);
            }
        }
    }
}
