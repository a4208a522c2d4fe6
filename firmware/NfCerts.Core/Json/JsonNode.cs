using System.Collections;

namespace NfCerts.Core.Json
{
    /// <summary>A parsed JSON value: a literal, a number (its text), a string, an array or an object (members in document
    /// order; names are unique, see <see cref="JsonParser"/>).</summary>
    public sealed class JsonNode
    {
        private readonly ArrayList? _items;
        private readonly ArrayList? _names;

        private JsonNode(JsonKind kind, string text, int offset)
        {
            Kind = kind;
            Text = text;
            Offset = offset;
            if (kind == JsonKind.Array || kind == JsonKind.Object)
            {
                _items = new ArrayList();
            }
            if (kind == JsonKind.Object)
            {
                _names = new ArrayList();
            }
        }

        internal static JsonNode Scalar(JsonKind kind, string text, int offset)
        {
            return new JsonNode(kind, text, offset);
        }

        internal static JsonNode Container(JsonKind kind, int offset)
        {
            return new JsonNode(kind, "", offset);
        }

        /// <summary>What the value is.</summary>
        public JsonKind Kind { get; private set; }

        /// <summary>A string's value, a number's text as written, <c>true</c>/<c>false</c>/<c>null</c>; empty for arrays and objects.</summary>
        public string Text { get; private set; }

        /// <summary>Character offset of the value in the text it was parsed from.</summary>
        public int Offset { get; private set; }

        /// <summary>Members of an object or items of an array; 0 for anything else.</summary>
        public int Count
        {
            get { return _items == null ? 0 : _items.Count; }
        }

        /// <summary>The member or item at <paramref name="index"/>.</summary>
        public JsonNode this[int index]
        {
            get { return (JsonNode)_items![index]!; }
        }

        /// <summary>The name of the member at <paramref name="index"/> (objects only).</summary>
        public string NameAt(int index)
        {
            return (string)_names![index]!;
        }

        /// <summary>The member named <paramref name="name"/>, or null when there is none (or this is not an object).</summary>
        public JsonNode? Get(string name)
        {
            if (_names == null)
            {
                return null;
            }
            for (int i = 0; i < _names.Count; i++)
            {
                if ((string)_names[i]! == name)
                {
                    return (JsonNode)_items![i]!;
                }
            }
            return null;
        }

        /// <summary>True for <c>true</c>.</summary>
        public bool IsTrue
        {
            get { return Kind == JsonKind.Boolean && Text == "true"; }
        }

        /// <summary>Reads an integral number within [<paramref name="min"/>, <paramref name="max"/>]; false for anything else
        /// (a fraction, an exponent, out of range, not a number).</summary>
        public bool TryGetLong(long min, long max, out long value)
        {
            value = 0;
            if (Kind != JsonKind.Number)
            {
                return false;
            }
            string t = Text;
            bool negative = t.Length > 0 && t[0] == '-';
            int i = negative ? 1 : 0;
            if (i == t.Length || t.Length - i > 18)
            {
                return false;
            }
            long v = 0;
            for (; i < t.Length; i++)
            {
                char c = t[i];
                if (c < '0' || c > '9')
                {
                    return false;
                }
                v = v * 10 + (c - '0');
            }
            v = negative ? -v : v;
            if (v < min || v > max)
            {
                return false;
            }
            value = v;
            return true;
        }

        internal void Add(string? name, JsonNode value)
        {
            if (_names != null)
            {
                _names.Add(name);
            }
            _items!.Add(value);
        }

        internal bool HasName(string name)
        {
            return Get(name) != null;
        }
    }
}
