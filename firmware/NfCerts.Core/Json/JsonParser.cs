using System.Collections;
using System.Text;

namespace NfCerts.Core.Json
{
    /// <summary>
    /// A strict JSON reader (RFC 8259) for the device: no System.Text.Json on nanoFramework, so the core reads its hub
    /// messages with this.
    /// </summary>
    /// <remarks>
    /// <para>Strict: one value with optional whitespace around it; no comments, trailing commas, single quotes, leading
    /// zeros, <c>NaN</c>, unescaped control characters, bad or incomplete escapes, or lone surrogates (escaped or raw).
    /// <b>Duplicate member names are refused</b> anywhere in the document (RFC 8259 leaves them undefined; a device that
    /// took the first or the last would read a signed notice differently from whoever signed it).</para>
    /// <para>Bounded: the text's length is checked against <see cref="JsonLimits.MaxChars"/> before anything is read;
    /// depth, string length, members per container and nodes while reading. Every error is a <see cref="JsonException"/>
    /// with the offset; recursion is bounded by the depth limit.</para>
    /// </remarks>
    public sealed class JsonParser
    {
        private readonly string _text;
        private readonly JsonLimits _limits;
        private readonly string[] _keep;
        private readonly StringBuilder _buffer = new StringBuilder();
        private int _pos;
        private int _nodes;

        private JsonParser(string text, JsonLimits limits, string[] keep)
        {
            _text = text;
            _limits = limits;
            _keep = keep;
        }

        /// <summary>Parses a whole document.</summary>
        /// <exception cref="JsonException">Malformed, or beyond a limit.</exception>
        public static JsonNode Parse(string text, JsonLimits limits)
        {
            return Parse(text, limits, new string[0]);
        }

        /// <summary>Parses a document whose top level is an object, keeping only the members named in
        /// <paramref name="keepTopLevel"/> (an empty array keeps all and allows any value at the top); the others are
        /// checked just as strictly but not kept.</summary>
        /// <exception cref="JsonException">Malformed, or beyond a limit.</exception>
        public static JsonNode Parse(string text, JsonLimits limits, string[] keepTopLevel)
        {
            if (text == null || limits == null || keepTopLevel == null)
            {
                throw new System.ArgumentNullException("text");
            }
            if (text.Length > limits.MaxChars)
            {
                throw new JsonException("the text is " + text.Length.ToString() + " characters; at most " + limits.MaxChars.ToString() + " are accepted", 0);
            }
            var p = new JsonParser(text, limits, keepTopLevel);
            p.SkipWhitespace();
            if (keepTopLevel.Length > 0 && (p._pos >= text.Length || text[p._pos] != '{'))
            {
                throw new JsonException("expected an object", p._pos);
            }
            JsonNode? root = p.ReadValue(1, true);
            p.SkipWhitespace();
            if (p._pos != text.Length)
            {
                throw new JsonException("unexpected text after the value", p._pos);
            }
            return root!;
        }

        private JsonNode? ReadValue(int depth, bool build)
        {
            if (_pos >= _text.Length)
            {
                throw new JsonException("unexpected end of text", _pos);
            }
            int start = _pos;
            char c = _text[_pos];
            if (c == '{' || c == '[')
            {
                if (depth > _limits.MaxDepth)
                {
                    throw new JsonException("nested deeper than " + _limits.MaxDepth.ToString() + " levels", _pos);
                }
                return c == '{' ? ReadObject(depth, build) : ReadArray(depth, build);
            }
            if (c == '"')
            {
                string s = ReadString();
                return build ? Node(JsonKind.String, s, start) : null;
            }
            if (c == '-' || (c >= '0' && c <= '9'))
            {
                ReadNumber();
                return build ? Node(JsonKind.Number, _text.Substring(start, _pos - start), start) : null;
            }
            if (Literal("true") || Literal("false"))
            {
                return build ? Node(JsonKind.Boolean, _text.Substring(start, _pos - start), start) : null;
            }
            if (Literal("null"))
            {
                return build ? Node(JsonKind.Null, "null", start) : null;
            }
            throw new JsonException("unexpected character", _pos);
        }

        private JsonNode Node(JsonKind kind, string text, int offset)
        {
            Count(offset);
            return JsonNode.Scalar(kind, text, offset);
        }

        private void Count(int offset)
        {
            _nodes++;
            if (_nodes > _limits.MaxNodes)
            {
                throw new JsonException("more than " + _limits.MaxNodes.ToString() + " values", offset);
            }
        }

        private JsonNode? ReadObject(int depth, bool build)
        {
            int start = _pos++;
            JsonNode? node = null;
            if (build)
            {
                Count(start);
                node = JsonNode.Container(JsonKind.Object, start);
            }
            // Names are kept for the duplicate check even where the values are not.
            var names = new ArrayList();
            SkipWhitespace();
            if (Peek() == '}')
            {
                _pos++;
                return node;
            }
            while (true)
            {
                SkipWhitespace();
                int at = _pos;
                if (Peek() != '"')
                {
                    throw new JsonException("expected a member name", _pos);
                }
                string name = ReadString();
                if (names.Contains(name))
                {
                    throw new JsonException("duplicate member '" + Printable(name) + "'", at);
                }
                if (names.Count == _limits.MaxMembers)
                {
                    throw new JsonException("more than " + _limits.MaxMembers.ToString() + " members", at);
                }
                names.Add(name);
                SkipWhitespace();
                Expect(':');
                SkipWhitespace();
                bool keep = build && (depth > 1 || Kept(name));
                JsonNode? value = ReadValue(depth + 1, keep);
                if (keep)
                {
                    node!.Add(name, value!);
                }
                SkipWhitespace();
                if (Peek() == ',')
                {
                    _pos++;
                    continue;
                }
                Expect('}');
                return node;
            }
        }

        private bool Kept(string name)
        {
            if (_keep.Length == 0)
            {
                return true;
            }
            for (int i = 0; i < _keep.Length; i++)
            {
                if (_keep[i] == name)
                {
                    return true;
                }
            }
            return false;
        }

        private JsonNode? ReadArray(int depth, bool build)
        {
            int start = _pos++;
            JsonNode? node = null;
            if (build)
            {
                Count(start);
                node = JsonNode.Container(JsonKind.Array, start);
            }
            SkipWhitespace();
            if (Peek() == ']')
            {
                _pos++;
                return node;
            }
            int count = 0;
            while (true)
            {
                SkipWhitespace();
                if (count == _limits.MaxMembers)
                {
                    throw new JsonException("more than " + _limits.MaxMembers.ToString() + " items", _pos);
                }
                JsonNode? value = ReadValue(depth + 1, build);
                count++;
                if (build)
                {
                    node!.Add(null, value!);
                }
                SkipWhitespace();
                if (Peek() == ',')
                {
                    _pos++;
                    continue;
                }
                Expect(']');
                return node;
            }
        }

        private string ReadString()
        {
            int start = _pos++;
            _buffer.Length = 0;
            while (true)
            {
                if (_pos >= _text.Length)
                {
                    throw new JsonException("unterminated string", start);
                }
                char c = _text[_pos];
                if (c == '"')
                {
                    _pos++;
                    return _buffer.ToString();
                }
                if (c < ' ')
                {
                    throw new JsonException("control character in a string", _pos);
                }
                if (_buffer.Length >= _limits.MaxStringChars)
                {
                    throw new JsonException("a string longer than " + _limits.MaxStringChars.ToString() + " characters", start);
                }
                if (c != '\\')
                {
                    if (c >= '\uD800' && c <= '\uDFFF')
                    {
                        ReadRawSurrogates();
                        continue;
                    }
                    _buffer.Append(c);
                    _pos++;
                    continue;
                }
                ReadEscape();
            }
        }

        private void ReadRawSurrogates()
        {
            char high = _text[_pos];
            if (high > '\uDBFF' || _pos + 1 >= _text.Length || _text[_pos + 1] < '\uDC00' || _text[_pos + 1] > '\uDFFF')
            {
                throw new JsonException("lone surrogate in a string", _pos);
            }
            _buffer.Append(high);
            _buffer.Append(_text[_pos + 1]);
            _pos += 2;
        }

        private void ReadEscape()
        {
            int at = _pos;
            if (_pos + 1 >= _text.Length)
            {
                throw new JsonException("incomplete escape", at);
            }
            char e = _text[_pos + 1];
            _pos += 2;
            switch (e)
            {
                case '"': _buffer.Append('"'); return;
                case '\\': _buffer.Append('\\'); return;
                case '/': _buffer.Append('/'); return;
                case 'b': _buffer.Append('\b'); return;
                case 'f': _buffer.Append('\f'); return;
                case 'n': _buffer.Append('\n'); return;
                case 'r': _buffer.Append('\r'); return;
                case 't': _buffer.Append('\t'); return;
                case 'u': break;
                default: throw new JsonException("bad escape", at);
            }
            int u = ReadHex4(at);
            if (u >= 0xDC00 && u <= 0xDFFF)
            {
                throw new JsonException("lone surrogate escape", at);
            }
            if (u >= 0xD800 && u <= 0xDBFF)
            {
                if (_pos + 1 >= _text.Length || _text[_pos] != '\\' || _text[_pos + 1] != 'u')
                {
                    throw new JsonException("lone surrogate escape", at);
                }
                _pos += 2;
                int low = ReadHex4(at);
                if (low < 0xDC00 || low > 0xDFFF)
                {
                    throw new JsonException("lone surrogate escape", at);
                }
                _buffer.Append((char)u);
                _buffer.Append((char)low);
                return;
            }
            _buffer.Append((char)u);
        }

        private int ReadHex4(int escapeAt)
        {
            if (_pos + 4 > _text.Length)
            {
                throw new JsonException("incomplete \\u escape", escapeAt);
            }
            int v = 0;
            for (int i = 0; i < 4; i++)
            {
                char c = _text[_pos + i];
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (d < 0)
                {
                    throw new JsonException("bad \\u escape", escapeAt);
                }
                v = v * 16 + d;
            }
            _pos += 4;
            return v;
        }

        private void ReadNumber()
        {
            int start = _pos;
            if (Peek() == '-')
            {
                _pos++;
            }
            if (Peek() == '0')
            {
                _pos++;
                if (IsDigit(Peek()))
                {
                    throw new JsonException("leading zero in a number", start);
                }
            }
            else if (!Digits())
            {
                throw new JsonException("bad number", start);
            }
            if (Peek() == '.')
            {
                _pos++;
                if (!Digits())
                {
                    throw new JsonException("bad number: digits must follow '.'", start);
                }
            }
            if (Peek() == 'e' || Peek() == 'E')
            {
                _pos++;
                if (Peek() == '+' || Peek() == '-')
                {
                    _pos++;
                }
                if (!Digits())
                {
                    throw new JsonException("bad number: digits must follow the exponent", start);
                }
            }
            if (_pos - start > 64)
            {
                throw new JsonException("a number longer than 64 characters", start);
            }
        }

        private bool Digits()
        {
            int from = _pos;
            while (IsDigit(Peek()))
            {
                _pos++;
            }
            return _pos > from;
        }

        private static bool IsDigit(char c)
        {
            return c >= '0' && c <= '9';
        }

        private bool Literal(string word)
        {
            if (_pos + word.Length > _text.Length)
            {
                return false;
            }
            for (int i = 0; i < word.Length; i++)
            {
                if (_text[_pos + i] != word[i])
                {
                    return false;
                }
            }
            _pos += word.Length;
            return true;
        }

        private char Peek()
        {
            return _pos < _text.Length ? _text[_pos] : '\0';
        }

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw new JsonException(_pos >= _text.Length ? "unexpected end of text" : "expected '" + c.ToString() + "'", _pos);
            }
            _pos++;
        }

        private void SkipWhitespace()
        {
            while (_pos < _text.Length)
            {
                char c = _text[_pos];
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                {
                    return;
                }
                _pos++;
            }
        }

        /// <summary>A name as it may appear in an error: at most 32 printable ASCII characters.</summary>
        internal static string Printable(string name)
        {
            var sb = new StringBuilder();
            for (int i = 0; i < name.Length && i < 32; i++)
            {
                char c = name[i];
                sb.Append(c >= ' ' && c < '\u007f' ? c : '?');
            }
            return sb.ToString();
        }
    }
}
