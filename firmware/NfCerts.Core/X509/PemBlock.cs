namespace NfCerts.Core.X509
{
    /// <summary>One decoded PEM block: its label and the bytes of its base64 body.</summary>
    public sealed class PemBlock
    {
        /// <summary>Creates a block.</summary>
        /// <param name="label">The label of the BEGIN/END lines, e.g. "CERTIFICATE".</param>
        /// <param name="data">The decoded body.</param>
        public PemBlock(string label, byte[] data)
        {
            Label = label;
            Data = data;
        }

        /// <summary>The label of the BEGIN/END lines, e.g. "CERTIFICATE" or "PRIVATE KEY".</summary>
        public string Label { get; private set; }

        /// <summary>The decoded body (DER for the labels this project uses).</summary>
        public byte[] Data { get; private set; }

        /// <summary>The label and size only; never the contents (they may be a key).</summary>
        public override string ToString()
        {
            return "PEM " + Label + " block, " + Data.Length.ToString() + " bytes";
        }
    }
}
