using System;

namespace NfCerts.Core.Json
{
    /// <summary>JSON text was refused: malformed, or beyond a <see cref="JsonLimits"/> bound. The message says what and
    /// where (character offset); it quotes at most a member name, never a string's value.</summary>
    public class JsonException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public JsonException(string message, int offset) : base(message + " at offset " + offset.ToString())
        {
            Offset = offset;
        }

        /// <summary>Character offset in the text where the problem was found.</summary>
        public int Offset { get; private set; }
    }
}
