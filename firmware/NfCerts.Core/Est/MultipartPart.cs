namespace NfCerts.Core.Est
{
    /// <summary>One body part of a multipart/mixed answer: its Content-Type and where its body lies in the message.</summary>
    public sealed class MultipartPart
    {
        internal MultipartPart(string contentType, int offset, int length)
        {
            ContentType = contentType;
            Offset = offset;
            Length = length;
        }

        /// <summary>The part's Content-Type value as sent ("" when absent).</summary>
        public string ContentType { get; private set; }

        /// <summary>Index of the part's first body byte in the message passed to <see cref="MultipartReader.Read"/>.</summary>
        public int Offset { get; private set; }

        /// <summary>Length of the part's body in bytes.</summary>
        public int Length { get; private set; }
    }
}
