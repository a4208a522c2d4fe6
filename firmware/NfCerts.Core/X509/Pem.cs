using System;
using System.Collections;
using System.Text;

namespace NfCerts.Core.X509
{
    /// <summary>
    /// Decodes PEM (RFC 7468 textual encoding): blocks between <c>-----BEGIN LABEL-----</c> and
    /// <c>-----END LABEL-----</c> lines, with a base64 body.
    /// </summary>
    /// <remarks>
    /// Tolerated: any text before, between and after blocks; CRLF or LF line ends; spaces and tabs at line ends
    /// and inside the body; several blocks in one input. Refused (with <see cref="CertificateFormatException"/>):
    /// no block (<see cref="CertificateFormatError.NoPemBlock"/>); a BEGIN line without closing dashes, an empty
    /// or over-long label, a missing END line or one whose label differs, an empty body
    /// (<see cref="CertificateFormatError.BadPem"/>); RFC 1421 headers such as <c>Proc-Type</c> (legacy OpenSSL
    /// encryption, <see cref="CertificateFormatError.Unsupported"/>); a body that is not strict base64 - a
    /// character outside the alphabet, padding other than one or two '=' at the very end, a length that is not
    /// a multiple of four (<see cref="CertificateFormatError.BadBase64"/>). The body is decoded straight from the
    /// input bytes into one array of the exact size: no intermediate strings.
    /// </remarks>
    public static class Pem
    {
        /// <summary>Label of an X.509 certificate.</summary>
        public const string CertificateLabel = "CERTIFICATE";
        /// <summary>Label of a PKCS #8 private key.</summary>
        public const string PrivateKeyLabel = "PRIVATE KEY";
        /// <summary>Label of a PKCS #8 encrypted private key.</summary>
        public const string EncryptedPrivateKeyLabel = "ENCRYPTED PRIVATE KEY";
        /// <summary>Label of a SEC 1 EC private key.</summary>
        public const string EcPrivateKeyLabel = "EC PRIVATE KEY";
        /// <summary>Label of a PKCS #1 RSA private key.</summary>
        public const string RsaPrivateKeyLabel = "RSA PRIVATE KEY";

        private const int MaxLabelLength = 64;
        private const string Begin = "-----BEGIN ";
        private const string End = "-----END ";
        private const string Dashes = "-----";

        /// <summary>Decodes every block of the input.</summary>
        /// <param name="data">The PEM text as bytes (ASCII or UTF-8).</param>
        /// <exception cref="CertificateFormatException">No block, or a malformed one.</exception>
        public static PemBlock[] DecodeAll(byte[] data)
        {
            CheckArray(data);
            return DecodeAll(data, 0, data.Length);
        }

        /// <summary>Decodes every block of <paramref name="count"/> bytes from <paramref name="offset"/>.</summary>
        /// <param name="data">The array holding the PEM text.</param>
        /// <param name="offset">Index of its first byte.</param>
        /// <param name="count">Its length.</param>
        /// <exception cref="CertificateFormatException">No block, or a malformed one.</exception>
        public static PemBlock[] DecodeAll(byte[] data, int offset, int count)
        {
            CheckRange(data, offset, count);
            ArrayList blocks = new ArrayList();
            int position = offset;
            int end = offset + count;
            PemBlock? block;
            while ((block = ReadNext(data, ref position, end)) != null)
            {
                blocks.Add(block);
            }

            if (blocks.Count == 0)
            {
                throw new CertificateFormatException(CertificateFormatError.NoPemBlock, "no -----BEGIN line found: the input is not PEM");
            }

            PemBlock[] result = new PemBlock[blocks.Count];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = (PemBlock)blocks[i]!;
            }

            return result;
        }

        /// <summary>
        /// Decodes the first block labelled <paramref name="label"/>; blocks with other labels are checked for structure
        /// but not decoded.
        /// </summary>
        /// <param name="data">The array holding the PEM text.</param>
        /// <param name="offset">Index of its first byte.</param>
        /// <param name="count">Its length.</param>
        /// <param name="label">The label wanted, e.g. <see cref="CertificateLabel"/>.</param>
        /// <exception cref="CertificateFormatException"><see cref="CertificateFormatError.NoPemBlock"/> if there is none.</exception>
        public static PemBlock DecodeFirst(byte[] data, int offset, int count, string label)
        {
            PemBlock? block = DecodeFirstOf(data, offset, count, new string[] { label });
            if (block == null)
            {
                throw new CertificateFormatException(CertificateFormatError.NoPemBlock, "no PEM block labelled " + label + " found");
            }

            return block;
        }

        /// <summary>
        /// Reads the next block at or after <paramref name="position"/> and moves <paramref name="position"/> past its END line;
        /// returns null when no further BEGIN line exists (text after the last block is ignored).
        /// </summary>
        /// <param name="data">The array holding the PEM text.</param>
        /// <param name="position">Where to search from; updated.</param>
        /// <param name="end">Index just past the PEM text.</param>
        /// <exception cref="CertificateFormatException">The block found is malformed.</exception>
        public static PemBlock? ReadNext(byte[] data, ref int position, int end)
        {
            CheckRange(data, position, end - position);
            int labelStart;
            int labelLength;
            int bodyStart;
            int bodyEnd;
            if (!FindBlock(data, ref position, end, out labelStart, out labelLength, out bodyStart, out bodyEnd))
            {
                return null;
            }

            return new PemBlock(Ascii(data, labelStart, labelLength), DecodeBase64(data, bodyStart, bodyEnd));
        }

        /// <summary>The first block whose label is one of <paramref name="labels"/>, or null if none.</summary>
        internal static PemBlock? DecodeFirstOf(byte[] data, int offset, int count, string[] labels)
        {
            CheckRange(data, offset, count);
            int position = offset;
            int end = offset + count;
            int labelStart;
            int labelLength;
            int bodyStart;
            int bodyEnd;
            while (FindBlock(data, ref position, end, out labelStart, out labelLength, out bodyStart, out bodyEnd))
            {
                for (int i = 0; i < labels.Length; i++)
                {
                    if (Matches(data, labelStart, end, labels[i]) && labels[i].Length == labelLength)
                    {
                        return new PemBlock(labels[i], DecodeBase64(data, bodyStart, bodyEnd));
                    }
                }
            }

            return null;
        }

        // Finds the next BEGIN line from 'position'; checks the block's framing; leaves 'position' after its END line.
        private static bool FindBlock(
            byte[] data, ref int position, int end, out int labelStart, out int labelLength, out int bodyStart, out int bodyEnd)
        {
            labelStart = 0;
            labelLength = 0;
            bodyStart = 0;
            bodyEnd = 0;
            int begin = IndexOf(data, position, end, Begin);
            if (begin < 0)
            {
                position = end;
                return false;
            }

            labelStart = begin + Begin.Length;
            int close = IndexOf(data, labelStart, LineEnd(data, labelStart, end), Dashes);
            if (close < 0)
            {
                throw BadPem("BEGIN line at offset " + begin.ToString() + " has no closing -----");
            }

            labelLength = close - labelStart;
            CheckLabel(data, labelStart, labelLength, begin);
            int lineEnd = CheckRestOfLine(data, close + Dashes.Length, end, begin);
            bodyStart = NextLine(data, lineEnd, end);
            string label = Ascii(data, labelStart, labelLength);

            int line = bodyStart;
            while (line < end)
            {
                int stop = LineEnd(data, line, end);
                int first = SkipBlanks(data, line, stop);
                if (Matches(data, first, stop, End))
                {
                    int endLabel = first + End.Length;
                    if (!Matches(data, endLabel, stop, label) || !Matches(data, endLabel + labelLength, stop, Dashes))
                    {
                        throw BadPem("END line at offset " + first.ToString() + " does not match -----BEGIN " + label + "-----");
                    }

                    CheckRestOfLine(data, endLabel + labelLength + Dashes.Length, end, first);
                    bodyEnd = line;
                    position = NextLine(data, stop, end);
                    if (IsBlank(data, bodyStart, bodyEnd))
                    {
                        throw BadPem("PEM block " + label + " at offset " + begin.ToString() + " is empty");
                    }

                    return true;
                }

                if (Matches(data, first, stop, "-----BEGIN"))
                {
                    break;
                }

                if (IndexOf(data, first, stop, ":") >= 0)
                {
                    throw new CertificateFormatException(
                        CertificateFormatError.Unsupported,
                        Matches(data, first, stop, "Proc-Type:")
                            ? "PEM block " + label + " uses legacy OpenSSL encryption (Proc-Type header); use PKCS #8 (ENCRYPTED PRIVATE KEY)"
                            : "PEM block " + label + " has RFC 1421 headers, which are not supported");
                }

                line = NextLine(data, stop, end);
            }

            throw BadPem("PEM block " + label + " at offset " + begin.ToString() + " has no -----END " + label + "----- line");
        }

        private static void CheckLabel(byte[] data, int start, int length, int begin)
        {
            if (length == 0 || length > MaxLabelLength)
            {
                throw BadPem("BEGIN line at offset " + begin.ToString() + " has an empty or over-long label");
            }

            for (int i = start; i < start + length; i++)
            {
                int c = data[i];
                if (c < 0x20 || c > 0x7E || ((i == start || i == start + length - 1) && (c == ' ' || c == '-')))
                {
                    throw BadPem("BEGIN line at offset " + begin.ToString() + " has a label with a character RFC 7468 does not allow");
                }
            }
        }

        // Only blanks may follow the closing dashes; returns the index of the line end.
        private static int CheckRestOfLine(byte[] data, int from, int end, int lineStart)
        {
            int stop = LineEnd(data, from, end);
            if (!IsBlank(data, from, stop))
            {
                throw BadPem("text follows the closing ----- of the line at offset " + lineStart.ToString());
            }

            return stop;
        }

        /// <summary>Decodes strict base64 (padding required) from data[start..end), ignoring blanks and line breaks anywhere;
        /// also the EST client's body decoder.</summary>
        internal static byte[] DecodeBase64(byte[] data, int start, int end)
        {
            // Pass 1: check and count. Pass 2: decode into an array of the exact size.
            int symbols = 0;
            int padding = 0;
            for (int i = start; i < end; i++)
            {
                int c = data[i];
                if (IsBlankOrNewline(c))
                {
                    continue;
                }

                if (c == '=')
                {
                    padding++;
                    if (padding > 2)
                    {
                        throw BadBase64(i, "more than two '=' padding characters");
                    }
                }
                else if (Sextet(c) < 0)
                {
                    throw BadBase64(i, "a character outside the base64 alphabet");
                }
                else if (padding > 0)
                {
                    throw BadBase64(i, "data after '=' padding");
                }

                symbols++;
            }

            if (symbols % 4 != 0)
            {
                throw BadBase64(start, "a body whose length is not a multiple of four");
            }

            byte[] result = new byte[((symbols / 4) * 3) - padding];
            int accumulator = 0;
            int bits = 0;
            int p = 0;
            for (int i = start; i < end && p < result.Length; i++)
            {
                int v = Sextet(data[i]);
                if (v < 0)
                {
                    continue;
                }

                accumulator = ((accumulator << 6) | v) & 0xFFFFFF;
                bits += 6;
                if (bits >= 8)
                {
                    bits -= 8;
                    result[p++] = (byte)(accumulator >> bits);
                }
            }

            return result;
        }

        private static int Sextet(int c)
        {
            if (c >= 'A' && c <= 'Z')
            {
                return c - 'A';
            }

            if (c >= 'a' && c <= 'z')
            {
                return c - 'a' + 26;
            }

            if (c >= '0' && c <= '9')
            {
                return c - '0' + 52;
            }

            if (c == '+')
            {
                return 62;
            }

            return c == '/' ? 63 : -1;
        }

        private static bool IsBlankOrNewline(int c)
        {
            return c == ' ' || c == '\t' || c == '\r' || c == '\n';
        }

        private static bool IsBlank(byte[] data, int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                if (!IsBlankOrNewline(data[i]))
                {
                    return false;
                }
            }

            return true;
        }

        private static int SkipBlanks(byte[] data, int start, int end)
        {
            while (start < end && (data[start] == ' ' || data[start] == '\t'))
            {
                start++;
            }

            return start;
        }

        // Index of the '\r' or '\n' that ends the line containing 'start', or 'end'.
        private static int LineEnd(byte[] data, int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                if (data[i] == '\n' || data[i] == '\r')
                {
                    return i;
                }
            }

            return end;
        }

        // Index of the first byte of the next line, given the index of a line end.
        private static int NextLine(byte[] data, int lineEnd, int end)
        {
            if (lineEnd < end && data[lineEnd] == '\r')
            {
                lineEnd++;
            }

            if (lineEnd < end && data[lineEnd] == '\n')
            {
                lineEnd++;
            }

            return lineEnd;
        }

        private static bool Matches(byte[] data, int at, int end, string text)
        {
            if (text.Length > end - at)
            {
                return false;
            }

            for (int i = 0; i < text.Length; i++)
            {
                if (data[at + i] != text[i])
                {
                    return false;
                }
            }

            return true;
        }

        private static int IndexOf(byte[] data, int start, int end, string text)
        {
            for (int i = start; i <= end - text.Length; i++)
            {
                if (Matches(data, i, end, text))
                {
                    return i;
                }
            }

            return -1;
        }

        private static string Ascii(byte[] data, int start, int length)
        {
            StringBuilder text = new StringBuilder();
            for (int i = start; i < start + length; i++)
            {
                text.Append((char)data[i]);
            }

            return text.ToString();
        }

        private static CertificateFormatException BadPem(string message)
        {
            return new CertificateFormatException(CertificateFormatError.BadPem, message);
        }

        private static CertificateFormatException BadBase64(int offset, string what)
        {
            return new CertificateFormatException(
                CertificateFormatError.BadBase64, "PEM body is not strict base64: " + what + " (offset " + offset.ToString() + ")");
        }

        private static void CheckArray(byte[] data)
        {
            if (data == null)
            {
                throw new ArgumentNullException("data");
            }
        }

        private static void CheckRange(byte[] data, int offset, int count)
        {
            CheckArray(data);
            if (offset < 0 || count < 0 || offset > data.Length - count)
            {
                throw new ArgumentOutOfRangeException("offset", "the range lies outside the array");
            }
        }
    }
}
