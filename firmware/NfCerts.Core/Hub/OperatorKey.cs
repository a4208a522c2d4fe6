using System;
using System.Text;
using NfCerts.Core.Certificates;
using NfCerts.Core.Json;
using NfCerts.Core.Storage;
using NfCerts.Core.X509;
using NfCerts.Hal;

namespace NfCerts.Core.Hub
{
    /// <summary>
    /// The operator's signing key (ECDSA P-256), as an X.509 certificate carrying its public key (self-signed is fine:
    /// only the key is used). Once one is kept, root CA notices must be signed with it.
    /// </summary>
    /// <remarks>
    /// <para>Set through the twin's desired <c>operatorKey</c>: <c>{"seq":N,"certificate":"PEM","signature":"base64"}</c>.
    /// The first key is taken as it comes (the twin reaches the device over the hub's authenticated TLS); every later
    /// change must be signed by the key it replaces over <see cref="SignedBytes"/> and carry a newer <c>seq</c>, so a stolen
    /// twin write cannot swap the key, and an old key change cannot be replayed. A key cannot be removed through the twin.</para>
    /// <para>A certificate rather than a bare public key, because the device's verify (mbedTLS through the interop,
    /// <see cref="IKeyVault.VerifySignature"/>) takes one; <c>openssl req -x509 -new -key operator.key -subj /CN=operator</c>
    /// makes it.</para>
    /// <para>Store: key <see cref="LogKey"/>, the key's sequence number (8 bytes, big-endian) then the certificate's DER.</para>
    /// </remarks>
    public sealed class OperatorKey
    {
        /// <summary>Store key of the operator key.</summary>
        public const string LogKey = "Nopkey";
        /// <summary>First line of the signed bytes of a key change.</summary>
        public const string SignedHeader = "nfcerts-operator-key/1";

        private readonly RecordLog _log;
        private readonly IKeyVault _vault;
        private byte[] _certificate = new byte[0];
        private long _sequence;

        /// <summary>Reads the kept key, if any.</summary>
        public OperatorKey(RecordLog log, IKeyVault vault)
        {
            _log = log;
            _vault = vault;
            byte[] value;
            if (log.TryGet(LogKey, out value) && value.Length > 8)
            {
                _sequence = SeqBytes.Read(value);
                _certificate = new byte[value.Length - 8];
                Array.Copy(value, 8, _certificate, 0, _certificate.Length);
            }
        }

        /// <summary>True once a key is kept.</summary>
        public bool IsSet
        {
            get { return _certificate.Length > 0; }
        }

        /// <summary>The kept key's sequence number (0 when none).</summary>
        public long Sequence
        {
            get { return _sequence; }
        }

        /// <summary>SHA-256 (hex) of the kept key's certificate, or empty.</summary>
        public string Sha256
        {
            get { return IsSet ? CertStore.Hex(_vault.Sha256(_certificate, 0, _certificate.Length)) : ""; }
        }

        /// <summary>The bytes the current key signs to hand over to a new one: UTF-8, LF line ends:
        /// <c>nfcerts-operator-key/1</c>, <c>seq=N</c>, <c>sha256=HEX</c> (of the new certificate's DER).</summary>
        public static byte[] SignedBytes(long sequence, string newCertificateSha256Hex)
        {
            return Encoding.UTF8.GetBytes(SignedHeader + "\nseq=" + sequence.ToString() + "\nsha256=" + newCertificateSha256Hex + "\n");
        }

        /// <summary>True when <paramref name="signature"/> over <paramref name="data"/> verifies with the kept key; false
        /// when there is no key or it does not verify.</summary>
        public bool Verifies(byte[] data, byte[] signature)
        {
            if (!IsSet || signature.Length == 0)
            {
                return false;
            }
            try
            {
                return _vault.VerifySignature(_certificate, data, signature);
            }
            catch (KeyVaultException)
            {
                return false;
            }
        }

        /// <summary>Applies a desired <c>operatorKey</c>; true when it changed the key, false when it is the kept one.
        /// Committed in one step.</summary>
        /// <exception cref="HubInputException">Refused, with the reason; nothing changed.</exception>
        public bool Apply(JsonNode node)
        {
            if (node.Kind != JsonKind.Object)
            {
                throw new HubInputException(node.Kind == JsonKind.Null ? "the operator key cannot be removed through the twin" : "operatorKey must be an object {seq, certificate, signature}");
            }
            long seq = HubJson.RequireSequence(node, "seq", "operatorKey");
            CertificateInfo info;
            byte[] der = SinglePem.Read(HubJson.RequireString(node, "certificate", "operatorKey"), "operatorKey's certificate", out info);
            if (info.PublicKeyAlgorithm != NfCerts.Core.X509.KeyAlgorithm.Ec || info.CurveName != "P-256")
            {
                throw new HubInputException("operatorKey's certificate must carry an ECDSA P-256 key");
            }
            string sha = CertStore.Hex(_vault.Sha256(der, 0, der.Length));
            if (IsSet && sha == Sha256)
            {
                return false;
            }
            if (IsSet)
            {
                if (seq <= _sequence)
                {
                    throw new HubInputException("operatorKey seq " + seq.ToString() + " is not newer than the kept key's " + _sequence.ToString());
                }
                JsonNode? sig = node.Get("signature");
                if (sig == null)
                {
                    throw new HubInputException("a new operator key must be signed by the current one");
                }
                if (!Verifies(SignedBytes(seq, sha), HubJson.Base64(sig, "operatorKey's signature", 256)))
                {
                    throw new HubInputException("the new operator key's signature does not verify with the current key");
                }
            }
            var t = _log.Begin();
            t.Put(LogKey, SeqBytes.Concat(seq, der));
            t.Commit();
            _certificate = der;
            _sequence = seq;
            return true;
        }
    }
}
