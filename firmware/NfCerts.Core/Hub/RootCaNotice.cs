using System;
using System.Text;
using NfCerts.Core.Certificates;
using NfCerts.Core.Json;
using NfCerts.Core.Renewal;
using NfCerts.Core.X509;

namespace NfCerts.Core.Hub
{
    /// <summary>
    /// A notice that a new RADIUS root CA is coming (step 2 of the seed's root CA flow), as a C2D message body or as the
    /// twin's desired <c>rootCaRollout</c>; one format for both.
    /// </summary>
    /// <remarks>
    /// <para>JSON members: <c>seq</c> (operator sequence number, 1 to 2^53-1, required), <c>certificate</c> (PEM of the
    /// one new root CA, required), <c>network</c> (the network the new root goes to, default <c>Network2</c>),
    /// <c>rootCaId</c> (the store ID it is installed under, default <c>RootCA2</c>), <c>signature</c> (base64 of a DER
    /// ECDSA P-256 SHA-256 signature over <see cref="SignedBytes"/>; required once an operator key is set), and in a C2D
    /// body <c>type</c>: <c>rootCaNotice</c>. Any other member is refused.</para>
    /// <para>The names must be the ones this device rotates through (its <see cref="RenewalOptions"/>): a notice for
    /// another layout is refused rather than half applied.</para>
    /// </remarks>
    public sealed class RootCaNotice
    {
        /// <summary>The C2D message type (property bag <c>type=</c> or the body's <c>type</c>).</summary>
        public const string MessageType = "rootCaNotice";
        /// <summary>First line of the signed bytes.</summary>
        public const string SignedHeader = "nfcerts-root-ca-notice/1";
        /// <summary>Largest sequence number (what a JSON number carries exactly).</summary>
        public const long MaxSequence = 9007199254740991L;

        private RootCaNotice()
        {
        }

        /// <summary>The operator's sequence number; a notice is acted on only when it is newer than the last accepted.</summary>
        public long Sequence { get; private set; }
        /// <summary>DER of the new root CA.</summary>
        public byte[] Certificate { get; private set; } = new byte[0];
        /// <summary>The network config name (Network2).</summary>
        public string Network { get; private set; } = "";
        /// <summary>The store ID (RootCA2).</summary>
        public string RootCaId { get; private set; } = "";
        /// <summary>The signature's DER, or empty when unsigned.</summary>
        public byte[] Signature { get; private set; } = new byte[0];

        /// <summary>Reads and checks a notice; everything is checked before anything is kept.</summary>
        /// <exception cref="HubInputException">With the reason.</exception>
        public static RootCaNotice Parse(JsonNode node, RenewalOptions options)
        {
            if (node.Kind != JsonKind.Object)
            {
                throw new HubInputException("a root CA notice must be a JSON object");
            }
            for (int i = 0; i < node.Count; i++)
            {
                string name = node.NameAt(i);
                if (name != "seq" && name != "certificate" && name != "network" && name != "rootCaId" && name != "signature" && name != "type")
                {
                    throw new HubInputException("a root CA notice has no member '" + JsonParser.Printable(name) + "'");
                }
            }
            var n = new RootCaNotice();
            n.Sequence = HubJson.RequireSequence(node, "seq", "the notice");
            JsonNode? type = node.Get("type");
            if (type != null && (type.Kind != JsonKind.String || type.Text != MessageType))
            {
                throw new HubInputException("the notice's type must be '" + MessageType + "'");
            }
            n.Network = HubJson.OptionalString(node, "network", options.Network2);
            n.RootCaId = HubJson.OptionalString(node, "rootCaId", options.RootCa2);
            if (n.Network != options.Network2)
            {
                throw new HubInputException("this device rotates root CAs through network '" + options.Network2 + "', not '" + JsonParser.Printable(n.Network) + "'");
            }
            if (!CertStore.IsValidIdentifier(n.RootCaId))
            {
                throw new HubInputException("rootCaId '" + JsonParser.Printable(n.RootCaId) + "' is not a store ID (1-16 of A-Z a-z 0-9 . _ -)");
            }
            if (n.RootCaId != options.RootCa2)
            {
                throw new HubInputException("this device installs an announced root CA as '" + options.RootCa2 + "', not '" + n.RootCaId + "'");
            }
            CertificateInfo info;
            n.Certificate = SinglePem.Read(HubJson.RequireString(node, "certificate", "the notice"), "the notice's certificate", out info);
            if (!info.IsCa)
            {
                throw new HubInputException("the notice's certificate is not a CA certificate (no basicConstraints cA=true)");
            }
            JsonNode? sig = node.Get("signature");
            if (sig != null)
            {
                n.Signature = HubJson.Base64(sig, "the notice's signature", 256);
            }
            return n;
        }

        /// <summary>
        /// The bytes the operator signs: UTF-8, lines ending in LF, in this order:
        /// <c>nfcerts-root-ca-notice/1</c>, <c>seq=N</c> (decimal), <c>network=NAME</c>, <c>rootCaId=ID</c>,
        /// <c>sha256=HEX</c> (lowercase SHA-256 of the certificate's DER). Not bound to one device: one signature serves a fleet.
        /// </summary>
        public static byte[] SignedBytes(long sequence, string network, string rootCaId, string certificateSha256Hex)
        {
            var sb = new StringBuilder();
            sb.Append(SignedHeader).Append('\n');
            sb.Append("seq=").Append(sequence.ToString()).Append('\n');
            sb.Append("network=").Append(network).Append('\n');
            sb.Append("rootCaId=").Append(rootCaId).Append('\n');
            sb.Append("sha256=").Append(certificateSha256Hex).Append('\n');
            return Encoding.UTF8.GetBytes(sb.ToString());
        }
    }
}
