using System;
using System.Collections;
using System.Text;

namespace NfCerts.Core.Provisioning
{
    /// <summary>The JSON DPS answers hold, read into <see cref="Hashtable"/> objects, <see cref="ArrayList"/> arrays,
    /// strings, doubles, booleans and <see cref="Null"/>. Hostile input is refused with <see cref="FormatException"/>.</summary>
    /// <remarks>
    /// <para>The one place the DPS client reads JSON, so that it can be switched to the core's shared reader in one step.
    /// Budget: the input is refused before parsing when it is larger than <see cref="MaxInputBytes"/>; nesting is at most
    /// <see cref="MaxDepth"/>, an object or array at most <see cref="MaxMembers"/> entries, a string at most
    /// <see cref="MaxStringLength"/> characters, so what it allocates stays within a few times the input's size.</para>
    /// <para>Duplicate names are refused (a second <c>status</c> must not be able to override the first).</para>
    /// </remarks>
    public sealed class DpsJson
    {
        /// <summary>Largest answer read, in bytes (a DPS registration answer is well under 2 KiB).</summary>
        public const int MaxInputBytes = 4096;
        /// <summary>Deepest nesting accepted.</summary>
        public const int MaxDepth = 6;
        /// <summary>Most members of one object or elements of one array.</summary>
        public const int MaxMembers = 32;
        /// <summary>Longest string value or name, in characters.</summary>
        public const int MaxStringLength = 1024;

        /// <summary>The JSON <c>null</c>.</summary>
        public static readonly object Null = new object();

        private readonly string _text;
        private int _pos;

        private DpsJson(string text)
        {
            _text = text;
        }

        /// <summary>Parses a UTF-8 JSON document whose top level is an object.</summary>
        /// <exception cref="FormatException">Too large, not UTF-8, not JSON, over a limit, or not an object.</exception>
        public static Hashtable ParseObject(byte[] utf8)
        {
            if (utf8 == null || utf8.Length == 0)
            {
                throw new FormatException("empty answer where a JSON object was expected");
            }
            if (utf8.Length > MaxInputBytes)
            {
                throw new FormatException("answer of " + utf8.Length.ToString() + " bytes is over the " + MaxInputBytes.ToString() + "-byte limit");
            }
            string text;
            try
            {
                text = Encoding.UTF8.GetString(utf8, 0, utf8.Length);
            }
            catch (Exception)
            {
                throw new FormatException("answer is not UTF-8");
            }
            var p = new DpsJson(text);
            p.SkipSpace();
            object value = p.ReadValue(0);
            p.SkipSpace();
            if (p._pos != text.Length)
            {
                throw p.Bad("text after the JSON value");
            }
            var obj = value as Hashtable;
            if (obj == null)
            {
                throw new FormatException("answer is JSON but not an object");
            }
            return obj;
        }

        /// <summary>The string member <paramref name="name"/> of <paramref name="obj"/>, or null when absent; a member of
        /// another type is refused.</summary>
        public static string? GetString(Hashtable obj, string name)
        {
            object? v = obj[name];
            if (v == null || v == Null)
            {
                return null;
            }
            var s = v as string;
            if (s == null)
            {
                throw new FormatException("'" + name + "' is not a string");
            }
            return s;
        }

        /// <summary>The object member <paramref name="name"/>, or null when absent; a member of another type is refused.</summary>
        public static Hashtable? GetObject(Hashtable obj, string name)
        {
            object? v = obj[name];
            if (v == null || v == Null)
            {
                return null;
            }
            var o = v as Hashtable;
            if (o == null)
            {
                throw new FormatException("'" + name + "' is not an object");
            }
            return o;
        }

        /// <summary>The integer member <paramref name="name"/>, or <paramref name="absent"/>; a fraction or another type is refused.</summary>
        public static long GetInteger(Hashtable obj, string name, long absent)
        {
            object? v = obj[name];
            if (v == null || v == Null)
            {
                return absent;
            }
            if (!(v is double))
            {
                throw new FormatException("'" + name + "' is not a number");
            }
            double d = (double)v;
            if (d > 9.0e15 || d < -9.0e15 || d != (double)(long)d)
            {
                throw new FormatException("'" + name + "' is not an integer");
            }
            return (long)d;
        }

        // ---- the reader ------------------------------------------------------------------------

        private object ReadValue(int depth)
        {
            if (_pos >= _text.Length)
            {
                throw Bad("unexpected end");
            }
            char c = _text[_pos];
            switch (c)
            {
                case '{': return ReadObject(depth + 1);
                case '[': return ReadArray(depth + 1);
                case '"': return ReadString();
                case 't': Expect("true"); return true;
                case 'f': Expect("false"); return false;
                case 'n': Expect("null"); return Null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        return ReadNumber();
                    }
                    throw Bad("unexpected character");
            }
        }

        private Hashtable ReadObject(int depth)
        {
            CheckDepth(depth);
            _pos++;
            var obj = new Hashtable();
            SkipSpace();
            if (Peek() == '}')
            {
                _pos++;
                return obj;
            }
            while (true)
            {
                SkipSpace();
                if (Peek() != '"')
                {
                    throw Bad("expected a member name");
                }
                string name = ReadString();
                if (obj.Contains(name))
                {
                    throw Bad("duplicate member '" + name + "'");
                }
                if (obj.Count >= MaxMembers)
                {
                    throw Bad("more than " + MaxMembers.ToString() + " members");
                }
                SkipSpace();
                if (Peek() != ':')
                {
                    throw Bad("expected ':'");
                }
                _pos++;
                SkipSpace();
                obj.Add(name, ReadValue(depth));
                SkipSpace();
                char c = Peek();
                _pos++;
                if (c == '}')
                {
                    return obj;
                }
                if (c != ',')
                {
                    throw Bad("expected ',' or '}'");
                }
            }
        }

        private ArrayList ReadArray(int depth)
        {
            CheckDepth(depth);
            _pos++;
            var list = new ArrayList();
            SkipSpace();
            if (Peek() == ']')
            {
                _pos++;
                return list;
            }
            while (true)
            {
                SkipSpace();
                if (list.Count >= MaxMembers)
                {
                    throw Bad("more than " + MaxMembers.ToString() + " elements");
                }
                list.Add(ReadValue(depth));
                SkipSpace();
                char c = Peek();
                _pos++;
                if (c == ']')
                {
                    return list;
                }
                if (c != ',')
                {
                    throw Bad("expected ',' or ']'");
                }
            }
        }

        private string ReadString()
        {
            _pos++;
            var sb = new StringBuilder();
            while (true)
            {
                if (_pos >= _text.Length)
                {
                    throw Bad("unterminated string");
                }
                char c = _text[_pos++];
                if (c == '"')
                {
                    return sb.ToString();
                }
                if (c < ' ')
                {
                    throw Bad("control character in a string");
                }
                if (c == '\\')
                {
                    if (_pos >= _text.Length)
                    {
                        throw Bad("unterminated escape");
                    }
                    char e = _text[_pos++];
                    switch (e)
                    {
                        case '"': sb.Append('"'); break;
                        case '\\': sb.Append('\\'); break;
                        case '/': sb.Append('/'); break;
                        case 'b': sb.Append('\b'); break;
                        case 'f': sb.Append('\f'); break;
                        case 'n': sb.Append('\n'); break;
                        case 'r': sb.Append('\r'); break;
                        case 't': sb.Append('\t'); break;
                        case 'u': sb.Append((char)ReadHex4()); break;
                        default: throw Bad("bad escape");
                    }
                }
                else
                {
                    sb.Append(c);
                }
                if (sb.Length > MaxStringLength)
                {
                    throw Bad("string longer than " + MaxStringLength.ToString() + " characters");
                }
            }
        }

        private int ReadHex4()
        {
            if (_pos + 4 > _text.Length)
            {
                throw Bad("short \\u escape");
            }
            int v = 0;
            for (int i = 0; i < 4; i++)
            {
                char h = _text[_pos++];
                int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                if (d < 0)
                {
                    throw Bad("bad \\u escape");
                }
                v = (v << 4) | d;
            }
            return v;
        }

        private double ReadNumber()
        {
            int start = _pos;
            if (Peek() == '-')
            {
                _pos++;
            }
            int digits = 0;
            while (_pos < _text.Length && _text[_pos] >= '0' && _text[_pos] <= '9')
            {
                _pos++;
                digits++;
            }
            if (digits == 0)
            {
                throw Bad("bad number");
            }
            bool integral = true;
            while (_pos < _text.Length && "0123456789.eE+-".IndexOf(_text[_pos]) >= 0)
            {
                integral = false;
                _pos++;
            }
            if (_pos - start > 24)
            {
                throw Bad("number too long");
            }
            string s = _text.Substring(start, _pos - start);
            try
            {
                return integral ? (double)long.Parse(s) : double.Parse(s);
            }
            catch (Exception)
            {
                throw Bad("bad number");
            }
        }

        private void Expect(string word)
        {
            if (_pos + word.Length > _text.Length || _text.Substring(_pos, word.Length) != word)
            {
                throw Bad("unexpected word");
            }
            _pos += word.Length;
        }

        private void CheckDepth(int depth)
        {
            if (depth > MaxDepth)
            {
                throw Bad("nested deeper than " + MaxDepth.ToString());
            }
        }

        private char Peek()
        {
            return _pos < _text.Length ? _text[_pos] : '\0';
        }

        private void SkipSpace()
        {
            while (_pos < _text.Length && (_text[_pos] == ' ' || _text[_pos] == '\t' || _text[_pos] == '\n' || _text[_pos] == '\r'))
            {
                _pos++;
            }
        }

        private FormatException Bad(string what)
        {
            return new FormatException("malformed JSON at " + _pos.ToString() + ": " + what);
        }
    }
}
