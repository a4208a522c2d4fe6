using System.Text;

namespace NfCerts.Core.Renewal
{
    /// <summary>Cuts text to a bound without splitting a character: every string the device keeps in its journal or reports
    /// (reasons, faults) passes through here, because a reason often carries a message from outside (a server, a driver).</summary>
    public static class BoundedText
    {
        /// <summary><paramref name="text"/> if it has at most <paramref name="maxChars"/> UTF-16 chars, else its start followed by
        /// <paramref name="marker"/>, all within <paramref name="maxChars"/>; a surrogate pair is never split. Null gives "".</summary>
        public static string Truncate(string? text, int maxChars, string marker)
        {
            if (text == null || maxChars <= 0)
            {
                return "";
            }
            if (text.Length <= maxChars)
            {
                return text;
            }
            if (marker.Length >= maxChars)
            {
                marker = "";
            }
            int n = maxChars - marker.Length;
            if (n > 0 && text[n - 1] >= '\uD800' && text[n - 1] <= '\uDBFF')
            {
                n--;
            }
            return text.Substring(0, n) + marker;
        }

        /// <summary>The UTF-8 bytes of <paramref name="text"/>, cut (with "...") to at most <paramref name="maxBytes"/> bytes
        /// at a character boundary.</summary>
        public static byte[] ToUtf8(string? text, int maxBytes)
        {
            string t = Truncate(text, maxBytes, "...");
            byte[] b = Encoding.UTF8.GetBytes(t);
            int chars = t.Length;
            while (b.Length > maxBytes && chars > 0)
            {
                // Each char is at most 3 bytes of UTF-8 (a pair is 4 for 2 chars): cut at least what is over.
                chars -= (b.Length - maxBytes + 2) / 3;
                t = Truncate(text, chars, "...");
                chars = t.Length;
                b = Encoding.UTF8.GetBytes(t);
            }
            return b;
        }
    }
}
