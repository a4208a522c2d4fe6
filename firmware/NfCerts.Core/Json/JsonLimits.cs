namespace NfCerts.Core.Json
{
    /// <summary>
    /// Bounds on JSON input, checked before parsing (<see cref="MaxChars"/>) and while parsing (the rest), so that what a
    /// message costs on the device's heap is known before it is read.
    /// </summary>
    /// <remarks>
    /// <para>RAM: the tree of a document within these limits costs about its text (strings are copied once) plus
    /// <see cref="MaxNodes"/> nodes of a few dozen bytes each; members skipped by a filter
    /// (<see cref="JsonParser.Parse(string, JsonLimits, string[])"/>) cost nothing but are still checked.</para>
    /// </remarks>
    public sealed class JsonLimits
    {
        /// <summary>Longest text accepted, in characters (checked before the first character is read).</summary>
        public int MaxChars;
        /// <summary>Deepest nesting of arrays and objects (the top level is depth 1).</summary>
        public int MaxDepth = 16;
        /// <summary>Longest string (a member name or a value), in characters after unescaping.</summary>
        public int MaxStringChars;
        /// <summary>Most members of one object or items of one array.</summary>
        public int MaxMembers = 64;
        /// <summary>Most values kept in the tree (each object, array, string, number, literal counts one).</summary>
        public int MaxNodes = 512;

        /// <summary>Creates limits with the given text and string bounds and the default depth 16, 64 members, 512 nodes.</summary>
        public JsonLimits(int maxChars, int maxStringChars)
        {
            MaxChars = maxChars;
            MaxStringChars = maxStringChars;
        }

        /// <summary>A C2D message body: 16 KiB, strings up to 12 KiB (a PEM certificate of 8 KiB DER).</summary>
        public static JsonLimits C2dMessage()
        {
            return new JsonLimits(16 * 1024, 12 * 1024);
        }

        /// <summary>A full twin or a desired patch: 32 KiB, strings up to 12 KiB.</summary>
        public static JsonLimits Twin()
        {
            return new JsonLimits(32 * 1024, 12 * 1024);
        }

        /// <summary>A DPS answer (registration or operation status): 4 KiB, strings up to 1 KiB, depth 6, 32 members, 128
        /// values; a real answer is under 2 KiB and about 20 values, so the tree costs at most a few KiB.</summary>
        public static JsonLimits DpsAnswer()
        {
            var l = new JsonLimits(4 * 1024, 1024);
            l.MaxDepth = 6;
            l.MaxMembers = 32;
            l.MaxNodes = 128;
            return l;
        }

        /// <summary>A direct method's payload: 4 KiB, strings up to 1 KiB.</summary>
        public static JsonLimits MethodPayload()
        {
            return new JsonLimits(4 * 1024, 1024);
        }
    }
}
