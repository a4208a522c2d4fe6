using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Json;
using NfCerts.Core.Renewal;
using NfCerts.Core.Storage;
using NfCerts.Core.Wifi;
using NfCerts.Hal;

namespace NfCerts.Core.Hub
{
    /// <summary>
    /// Root CA notices from C2D and the twin: checked fully, saved in the store in one commit, and only then handed to
    /// <see cref="RenewalEngine.BeginRootCaRotation"/>; a notice saved but not yet handed over is resumed at boot
    /// (<see cref="ResumePending"/>).
    /// </summary>
    /// <remarks>
    /// <para>Crash rules. A C2D message is acknowledged on receipt, before this runs; a power cut before the commit of
    /// <see cref="PendingKey"/> loses that copy. The operator therefore also sets the same notice as the twin's desired
    /// <c>rootCaRollout</c>, which is durable and seen in the full twin after every boot: one of the two copies always
    /// gets saved. After the commit, a cut at any point is resumed at boot; handing the same notice to the engine twice is
    /// harmless (it recognises its own pending CA).</para>
    /// <para>Store (each value written in one commit): <see cref="PendingKey"/> = sequence (8 bytes, big-endian) + the
    /// CA's DER, present from the save until the engine has taken it; <see cref="LastKey"/> = the last accepted sequence
    /// (8 bytes) + SHA-256 of its CA (32 bytes), for recognising replays.</para>
    /// </remarks>
    public sealed class RootCaNotices
    {
        /// <summary>Store key of a notice saved but not yet handed to the engine.</summary>
        public const string PendingKey = "Nnotice";
        /// <summary>Store key of the last accepted notice's sequence and CA hash.</summary>
        public const string LastKey = "Nlast";

        private readonly RecordLog _log;
        private readonly CertStore _store;
        private readonly WifiConfig _wifi;
        private readonly RenewalEngine _engine;
        private readonly RenewalOptions _options;
        private readonly OperatorKey _key;
        private readonly IKeyVault _vault;

        /// <summary>Creates the inbox over the device's store and engine.</summary>
        public RootCaNotices(RecordLog log, CertStore store, WifiConfig wifi, RenewalEngine engine, RenewalOptions options, OperatorKey key, IKeyVault vault)
        {
            if (log == null || store == null || wifi == null || engine == null || options == null || key == null || vault == null)
            {
                throw new ArgumentNullException("log");
            }
            _log = log;
            _store = store;
            _wifi = wifi;
            _engine = engine;
            _options = options;
            _key = key;
            _vault = vault;
        }

        /// <summary>The last accepted sequence number (0 when none).</summary>
        public long LastSequence
        {
            get
            {
                byte[] v;
                return _log.TryGet(LastKey, out v) && v.Length == 40 ? SeqBytes.Read(v) : 0;
            }
        }

        /// <summary>Checks a notice and, when it is new and valid, saves it and starts the rotation.</summary>
        /// <param name="node">The notice's JSON object.</param>
        /// <param name="source"><c>c2d</c> or <c>twin</c>.</param>
        public NoticeOutcome Receive(JsonNode node, string source)
        {
            RootCaNotice notice;
            try
            {
                notice = RootCaNotice.Parse(node, _options);
            }
            catch (HubInputException e)
            {
                return new NoticeOutcome(NoticeStatus.Refused, e.Message, SequenceOf(node), source);
            }
            long seq = notice.Sequence;
            byte[] sha = _vault.Sha256(notice.Certificate, 0, notice.Certificate.Length);
            string shaHex = CertStore.Hex(sha);
            if (_key.IsSet)
            {
                if (notice.Signature.Length == 0)
                {
                    return new NoticeOutcome(NoticeStatus.Refused, "unsigned: this device has an operator key and takes only signed notices", seq, source);
                }
                if (!_key.Verifies(RootCaNotice.SignedBytes(seq, notice.Network, notice.RootCaId, shaHex), notice.Signature))
                {
                    return new NoticeOutcome(NoticeStatus.Refused, "the signature does not verify with the operator key", seq, source);
                }
            }
            byte[] last;
            if (_log.TryGet(LastKey, out last) && last.Length == 40)
            {
                long lastSeq = SeqBytes.Read(last);
                if (seq <= lastSeq)
                {
                    bool same = seq == lastSeq && SameBytes(last, 8, sha);
                    return new NoticeOutcome(NoticeStatus.Ignored, same ? "already accepted (seq " + seq.ToString() + ")"
                        : "seq " + seq.ToString() + " is not newer than the last accepted " + lastSeq.ToString(), seq, source);
                }
            }
            string held = AlreadyHeld(notice.Certificate);
            if (held.Length > 0)
            {
                return new NoticeOutcome(NoticeStatus.Ignored, held, seq, source);
            }
            if (NetworkId(_options.Network1) < 0)
            {
                return new NoticeOutcome(NoticeStatus.Refused, "there is no network '" + _options.Network1 + "' to duplicate for the new root CA", seq, source);
            }
            try
            {
                var t = _log.Begin();
                t.Put(PendingKey, SeqBytes.Concat(seq, notice.Certificate));
                t.Put(LastKey, SeqBytes.Concat(seq, sha));
                t.Commit();
            }
            catch (StorageException e)
            {
                return new NoticeOutcome(NoticeStatus.Refused, "the notice could not be saved: " + e.Message, seq, source);
            }
            return Hand(seq, notice.Certificate, source);
        }

        /// <summary>Hands a notice saved before a reboot or power cut to the engine; null when there is none. The runtime
        /// calls it once at start, after the engine has started.</summary>
        public NoticeOutcome? ResumePending()
        {
            byte[] v;
            if (!_log.TryGet(PendingKey, out v) || v.Length <= 8)
            {
                return null;
            }
            var der = new byte[v.Length - 8];
            Array.Copy(v, 8, der, 0, der.Length);
            return Hand(SeqBytes.Read(v), der, "boot");
        }

        private NoticeOutcome Hand(long seq, byte[] der, string source)
        {
            try
            {
                _engine.BeginRootCaRotation(der);
            }
            catch (ArgumentException e)
            {
                // It can never be acted on (Network1 gone): drop it rather than retry it at every boot.
                Forget();
                return new NoticeOutcome(NoticeStatus.Refused, e.Message, seq, source);
            }
            catch (Exception e)
            {
                return new NoticeOutcome(NoticeStatus.Pending, "saved; the rotation could not start yet and resumes at the next boot: " + e.Message, seq, source);
            }
            // The engine has it in its journal now: the saved copy has done its job.
            Forget();
            return new NoticeOutcome(NoticeStatus.Started, "rotation started: " + _options.RootCa2 + " installed, " + _options.Network2 + " added", seq, source);
        }

        private void Forget()
        {
            try
            {
                var t = _log.Begin();
                t.Delete(PendingKey);
                t.Commit();
            }
            catch (StorageException)
            {
                // Left in place it is handed over again at boot, which the engine ignores.
            }
        }

        /// <summary>Why this CA needs no rotation (already Network1's root, or the one rotating), or empty.</summary>
        private string AlreadyHeld(byte[] der)
        {
            RenewalJournal j = _engine.Journal;
            bool rotating = j.Root != RootRotationStep.Idle;
            if (rotating && (SameBytes(j.PendingRootCa, 0, der) && j.PendingRootCa.Length == der.Length
                || Holds(_options.RootCa2, der)))
            {
                return "this root CA is already being rotated in";
            }
            if (!rotating && Holds(_options.RootCa1, der))
            {
                return "this root CA is already installed as " + _options.RootCa1;
            }
            return "";
        }

        private bool Holds(string id, byte[] der)
        {
            if (!_store.ContainsCertificate(id))
            {
                return false;
            }
            byte[] have = _store.GetCertificate(id);
            return have.Length == der.Length && SameBytes(have, 0, der);
        }

        private int NetworkId(string name)
        {
            try
            {
                return _wifi.GetNetworkIdByConfigName(name);
            }
            catch (WifiConfigException)
            {
                return -1;
            }
        }

        private static long SequenceOf(JsonNode node)
        {
            long seq;
            JsonNode? v = node.Kind == JsonKind.Object ? node.Get("seq") : null;
            return v != null && v.TryGetLong(1, RootCaNotice.MaxSequence, out seq) ? seq : 0;
        }

        /// <summary>True when <paramref name="b"/> equals <paramref name="a"/> from <paramref name="at"/> on, byte for byte.</summary>
        private static bool SameBytes(byte[] a, int at, byte[] b)
        {
            if (a.Length - at < b.Length)
            {
                return false;
            }
            for (int i = 0; i < b.Length; i++)
            {
                if (a[at + i] != b[i])
                {
                    return false;
                }
            }
            return true;
        }
    }
}
