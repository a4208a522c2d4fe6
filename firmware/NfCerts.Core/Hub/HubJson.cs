using System;
using NfCerts.Core.Json;

namespace NfCerts.Core.Hub
{
    /// <summary>Reading members of the hub's JSON with the reason for what is wrong.</summary>
    internal static class HubJson
    {
        public static long RequireSequence(JsonNode node, string name, string what)
        {
            JsonNode? v = node.Get(name);
            long seq;
            if (v == null)
            {
                throw new HubInputException(what + " has no '" + name + "'");
            }
            if (!v.TryGetLong(1, RootCaNotice.MaxSequence, out seq))
            {
                throw new HubInputException(what + "'s '" + name + "' must be an integer from 1 to " + RootCaNotice.MaxSequence.ToString());
            }
            return seq;
        }

        public static string RequireString(JsonNode node, string name, string what)
        {
            JsonNode? v = node.Get(name);
            if (v == null || v.Kind != JsonKind.String)
            {
                throw new HubInputException(what + " needs '" + name + "' as a string");
            }
            return v.Text;
        }

        public static string OptionalString(JsonNode node, string name, string fallback)
        {
            JsonNode? v = node.Get(name);
            if (v == null)
            {
                return fallback;
            }
            if (v.Kind != JsonKind.String)
            {
                throw new HubInputException("'" + name + "' must be a string");
            }
            return v.Text;
        }

        public static byte[] Base64(JsonNode v, string what, int maxBytes)
        {
            if (v.Kind != JsonKind.String || v.Text.Length == 0 || v.Text.Length > (maxBytes + 2) / 3 * 4)
            {
                throw new HubInputException(what + " must be base64 of at most " + maxBytes.ToString() + " bytes");
            }
            try
            {
                return Convert.FromBase64String(v.Text);
            }
            catch (Exception)
            {
                throw new HubInputException(what + " is not valid base64");
            }
        }
    }
}
