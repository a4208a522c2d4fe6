namespace NfCerts.Core.Est
{
    /// <summary>One entry of a /csrattrs answer: a bare OID, or an attribute (OID and values).</summary>
    public sealed class CsrAttribute
    {
        internal CsrAttribute(string oid, byte[][] values)
        {
            Oid = oid;
            Values = values;
        }

        /// <summary>The OID, dotted ("1.2.840.113549.1.9.7" is challengePassword).</summary>
        public string Oid { get; private set; }

        /// <summary>The attribute's values, each its DER element; empty for a bare OID.</summary>
        public byte[][] Values { get; private set; }
    }
}
