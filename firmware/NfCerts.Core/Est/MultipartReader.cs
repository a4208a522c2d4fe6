using System;
using System.Text;

namespace NfCerts.Core.Est
{
    /// <summary>
    /// Splits a multipart/mixed body (RFC 2046 5.1) into its parts, as RFC 7030 4.4.2's /serverkeygen answer needs.
    /// </summary>
    /// <remarks>
    /// <para>The boundary comes from the Content-Type's <c>boundary</c> parameter (quoted or not, 1 to 70 characters).
    /// Each delimiter is <c>--boundary</c> at the start of a line; the body ends at <c>--boundary--</c>. Part headers
    /// end at an empty line (CRLF, or bare LF tolerated); only Content-Type is kept; the line break before a delimiter
    /// belongs to the delimiter. Preamble and epilogue are ignored.</para>
    /// <para>Bounds: at most <see cref="MaxParts"/> parts and <see cref="MaxPartHeaderBytes"/> bytes of headers per part;
    /// no copy of the bodies is made (parts are offsets into the message). A missing close delimiter, a part without
    /// the header/body separator, or a bad boundary is <see cref="EstException"/> BadContent.</para>
    /// </remarks>
    public static class MultipartReader
    {
        /// <summary>Most parts accepted.</summary>
        public const int MaxParts = 4;
        /// <summary>Most bytes of header lines accepted in one part.</summary>
        public const int MaxPartHeaderBytes = 1024;

        /// <summary>The parts of <paramref name="body"/>, framed as <paramref name="contentType"/> says.</summary>
        public static MultipartPart[] Read(byte[] body, string contentType)
        {
            byte[] delimiter = Encoding.UTF8.GetBytes("--" + Boundary(contentType));
            int position = FindDelimiter(body, delimiter, 0);
            if (position < 0)
            {
                throw EstException.Content("the multipart body has no boundary line");
            }
            MultipartPart[] parts = new MultipartPart[MaxParts];
            int count = 0;
            while (true)
            {
                int after = position + delimiter.Length;
                if (after + 1 < body.Length && body[after] == '-' && body[after + 1] == '-')
                {
                    break;
                }
                int start = SkipLine(body, after);
                if (start < 0)
                {
                    throw EstException.Content("the multipart body ends after a boundary line");
                }
                if (count == MaxParts)
                {
                    throw EstException.Content("the multipart body has more than " + MaxParts.ToString() + " parts");
                }
                int next = FindDelimiter(body, delimiter, start);
                if (next < 0)
                {
                    throw EstException.Content("the multipart body has no closing boundary");
                }
                parts[count++] = ReadPart(body, start, LineBreakBefore(body, next));
                position = next;
            }
            if (count == 0)
            {
                throw EstException.Content("the multipart body has no parts");
            }
            MultipartPart[] result = new MultipartPart[count];
            Array.Copy(parts, result, count);
            return result;
        }

        /// <summary>The media type of a Content-Type value: lower case, without parameters or blanks.</summary>
        public static string MediaType(string contentType)
        {
            int semicolon = contentType.IndexOf(';');
            return (semicolon >= 0 ? contentType.Substring(0, semicolon) : contentType).Trim().ToLower();
        }

        /// <summary>The value of parameter <paramref name="name"/> of a Content-Type (unquoted), or null.</summary>
        public static string? Parameter(string contentType, string name)
        {
            string[] pieces = contentType.Split(';');
            for (int i = 1; i < pieces.Length; i++)
            {
                string piece = pieces[i].Trim();
                int equals = piece.IndexOf('=');
                if (equals > 0 && piece.Substring(0, equals).Trim().ToLower() == name)
                {
                    string value = piece.Substring(equals + 1).Trim();
                    if (value.Length >= 2 && value[0] == '"' && value[value.Length - 1] == '"')
                    {
                        value = value.Substring(1, value.Length - 2);
                    }
                    return value;
                }
            }
            return null;
        }

        private static string Boundary(string contentType)
        {
            if (MediaType(contentType) != "multipart/mixed")
            {
                throw EstException.Content("the answer is not multipart/mixed");
            }
            string? boundary = Parameter(contentType, "boundary");
            if (boundary == null || boundary.Length == 0 || boundary.Length > 70)
            {
                throw EstException.Content("the multipart Content-Type has no usable boundary");
            }
            return boundary;
        }

        private static MultipartPart ReadPart(byte[] body, int start, int end)
        {
            string type = "";
            int line = start;
            while (true)
            {
                if (line >= end)
                {
                    throw EstException.Content("a multipart part has no empty line after its headers");
                }
                int stop = LineEnd(body, line, end);
                int length = stop - line;
                if (length > 0 && body[stop - 1] == '\r')
                {
                    length--;
                }
                if (line - start > MaxPartHeaderBytes)
                {
                    throw EstException.Content("a multipart part's headers exceed " + MaxPartHeaderBytes.ToString() + " bytes");
                }
                int next = stop < end ? stop + 1 : end;
                if (length == 0)
                {
                    return new MultipartPart(type, next, end - next);
                }
                string header = Encoding.UTF8.GetString(body, line, length);
                int colon = header.IndexOf(':');
                if (colon > 0 && header.Substring(0, colon).Trim().ToLower() == "content-type")
                {
                    type = header.Substring(colon + 1).Trim();
                }
                line = next;
            }
        }

        // A delimiter counts only at the start of the body or of a line.
        private static int FindDelimiter(byte[] body, byte[] delimiter, int from)
        {
            for (int i = from; i + delimiter.Length <= body.Length; i++)
            {
                if ((i == 0 || body[i - 1] == '\n') && Matches(body, i, delimiter))
                {
                    return i;
                }
            }
            return -1;
        }

        private static bool Matches(byte[] body, int at, byte[] pattern)
        {
            for (int j = 0; j < pattern.Length; j++)
            {
                if (body[at + j] != pattern[j])
                {
                    return false;
                }
            }
            return true;
        }

        private static int SkipLine(byte[] body, int from)
        {
            for (int i = from; i < body.Length; i++)
            {
                if (body[i] == '\n')
                {
                    return i + 1;
                }
            }
            return -1;
        }

        private static int LineEnd(byte[] body, int from, int end)
        {
            for (int i = from; i < end; i++)
            {
                if (body[i] == '\n')
                {
                    return i;
                }
            }
            return end;
        }

        private static int LineBreakBefore(byte[] body, int delimiter)
        {
            int end = delimiter - 1;
            if (end > 0 && body[end - 1] == '\r')
            {
                end--;
            }
            return end;
        }
    }
}
