using System.Text;

namespace NfCerts.Core.Json
{
    /// <summary>
    /// Writes compact JSON, deterministically: members in the order written, no whitespace, numbers as invariant integers,
    /// strings escaped as RFC 8259 requires (<c>"</c>, <c>\</c> and control characters; the common ones as <c>\n</c>,
    /// <c>\t</c>, ..., the others as <c>\u00XX</c>). A lone surrogate, which JSON cannot carry, is written as U+FFFD.
    /// </summary>
    /// <remarks>The caller writes a well-formed sequence (names only inside objects); the writer inserts the commas.</remarks>
    public sealed class JsonWriter
    {
        private readonly StringBuilder _sb = new StringBuilder();
        // One flag per open container: true once it has a member, so the next one needs a comma. Depth 32 at most.
        private readonly bool[] _hasItem = new bool[32];
        private int _depth;
        private bool _afterName;

        /// <summary>Characters written so far.</summary>
        public int Length
        {
            get { return _sb.Length; }
        }

        /// <summary>Opens an object.</summary>
        public JsonWriter BeginObject()
        {
            Open('{');
            return this;
        }

        /// <summary>Closes an object.</summary>
        public JsonWriter EndObject()
        {
            Close('}');
            return this;
        }

        /// <summary>Opens an array.</summary>
        public JsonWriter BeginArray()
        {
            Open('[');
            return this;
        }

        /// <summary>Closes an array.</summary>
        public JsonWriter EndArray()
        {
            Close(']');
            return this;
        }

        /// <summary>Writes a member name; the value follows.</summary>
        public JsonWriter Name(string name)
        {
            Separate();
            AppendString(name);
            _sb.Append(':');
            _afterName = true;
            return this;
        }

        /// <summary>Writes a string (null writes <c>null</c>).</summary>
        public JsonWriter Value(string? value)
        {
            Separate();
            if (value == null)
            {
                _sb.Append("null");
            }
            else
            {
                AppendString(value);
            }
            return this;
        }

        /// <summary>Writes an integer.</summary>
        public JsonWriter Value(long value)
        {
            Separate();
            _sb.Append(value.ToString());
            return this;
        }

        /// <summary>Writes <c>true</c> or <c>false</c>.</summary>
        public JsonWriter Value(bool value)
        {
            Separate();
            _sb.Append(value ? "true" : "false");
            return this;
        }

        /// <summary>Writes <c>null</c>.</summary>
        public JsonWriter Null()
        {
            Separate();
            _sb.Append("null");
            return this;
        }

        /// <summary>Writes JSON text that is already well formed (e.g. another writer's output) as one value.</summary>
        public JsonWriter Raw(string json)
        {
            Separate();
            _sb.Append(json);
            return this;
        }

        /// <summary>Writes a parsed value back (same members in the same order).</summary>
        public JsonWriter Node(JsonNode node)
        {
            switch (node.Kind)
            {
                case JsonKind.String:
                    return Value(node.Text);
                case JsonKind.Array:
                    BeginArray();
                    for (int i = 0; i < node.Count; i++)
                    {
                        Node(node[i]);
                    }
                    return EndArray();
                case JsonKind.Object:
                    BeginObject();
                    for (int i = 0; i < node.Count; i++)
                    {
                        Name(node.NameAt(i));
                        Node(node[i]);
                    }
                    return EndObject();
                default:
                    return Raw(node.Text);
            }
        }

        /// <summary>The text written.</summary>
        public override string ToString()
        {
            return _sb.ToString();
        }

        /// <summary>A JSON string literal for <paramref name="value"/>, quotes included.</summary>
        public static string Quote(string value)
        {
            var w = new JsonWriter();
            w.AppendString(value);
            return w.ToString();
        }

        private void Open(char c)
        {
            Separate();
            if (_depth == _hasItem.Length)
            {
                throw new System.InvalidOperationException("JSON nested deeper than " + _hasItem.Length.ToString());
            }
            _hasItem[_depth++] = false;
            _sb.Append(c);
        }

        private void Close(char c)
        {
            _depth--;
            _sb.Append(c);
        }

        private void Separate()
        {
            if (_afterName)
            {
                _afterName = false;
                return;
            }
            if (_depth > 0)
            {
                if (_hasItem[_depth - 1])
                {
                    _sb.Append(',');
                }
                _hasItem[_depth - 1] = true;
            }
        }

        private void AppendString(string s)
        {
            _sb.Append('"');
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                switch (c)
                {
                    case '"': _sb.Append("\\\""); continue;
                    case '\\': _sb.Append("\\\\"); continue;
                    case '\n': _sb.Append("\\n"); continue;
                    case '\r': _sb.Append("\\r"); continue;
                    case '\t': _sb.Append("\\t"); continue;
                    case '\b': _sb.Append("\\b"); continue;
                    case '\f': _sb.Append("\\f"); continue;
                }
                if (c < ' ')
                {
                    _sb.Append("\\u00");
                    _sb.Append(HexDigit(c >> 4));
                    _sb.Append(HexDigit(c & 0xF));
                }
                else if (c >= '\uD800' && c <= '\uDBFF' && i + 1 < s.Length && s[i + 1] >= '\uDC00' && s[i + 1] <= '\uDFFF')
                {
                    _sb.Append(c);
                    _sb.Append(s[++i]);
                }
                else if (c >= '\uD800' && c <= '\uDFFF')
                {
                    _sb.Append('\uFFFD');
                }
                else
                {
                    _sb.Append(c);
                }
            }
            _sb.Append('"');
        }

        private static char HexDigit(int v)
        {
            return (char)(v < 10 ? '0' + v : 'a' + v - 10);
        }
    }
}
