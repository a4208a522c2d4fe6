using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Renewal;
using NfCerts.Core.X509;
using NfCerts.Hal;
using KeyAlgorithm = NfCerts.Hal.KeyAlgorithm;

namespace NfCerts.Core.Est
{
    /// <summary>
    /// The client certificate's <see cref="ICertificateIssuer"/>: an EST server (RFC 7030/8951) as <see cref="EstSettings"/>
    /// describe it.
    /// </summary>
    /// <remarks>
    /// <para>Credentials, in order: the current certificate (request's ID) when it exists and is valid now, for
    /// /simplereenroll; then the bootstrap certificate (<see cref="EstSettings.BootstrapCertificateId"/>) for /simpleenroll,
    /// also when the server refused the current one (TLS alert, 401 or 403); without either, Basic alone. The server must
    /// chain to the explicit anchors (<see cref="EstSettings.TrustAnchorIds"/>) or to the EST CA set kept by
    /// <see cref="EstCaStore"/>.</para>
    /// <para>Per attempt: /cacerts, /csrattrs, then a new key (<see cref="IKeyVault.GenerateKey"/>; the algorithm /csrattrs
    /// names, else the configured one) or the current key when rotation is off, and a CSR with the device's subject and
    /// what /csrattrs asks (challengePassword, extensions given whole); or /serverkeygen. The answer passes
    /// <see cref="EstCertificateCheck"/> before it is returned.</para>
    /// <para>Connections: each attempt is one <see cref="EstClient"/> conversation, /cacerts, /csrattrs and the enrollment on
    /// one kept TLS connection (the client's connection rule), closed when the attempt ends.</para>
    /// <para>Deferral (RFC 7030 4.2.3): after a 202 the issuer keeps the request's key and CSR in RAM, and the next
    /// <see cref="Issue"/> for the same operation, endpoint, credential and subject sends the same CSR again (without asking
    /// /csrattrs anew), so the certificate the server issues at last is for the key the device holds. The pending request is
    /// kept across retryable failures too (the server may have it queued) and dropped on success, on a refusal, or when the
    /// request changes. It lives only in RAM (one key, at most <see cref="CertStore.MaxKeySize"/> bytes, and one CSR): after
    /// a reboot the device makes a new key and sends a new request, which the server takes as a new one.</para>
    /// <para>Crash rules: the issuer never writes a certificate or key; the only value it writes is the EST CA set
    /// (<see cref="EstCaStore"/>, one atomic value, after a verified enrollment), so a failure or power cut leaves the old
    /// credential as it was. The returned credential carries the leaf and, as its chain, the intermediates the server sent
    /// in issuing order (also in <see cref="LastChain"/>).</para>
    /// </remarks>
    public sealed class EstIssuer : ICertificateIssuer
    {
        private readonly CertStore _store;
        private readonly EstSettings? _settings;
        private readonly IKeyVault _vault;
        private readonly ITlsConnector _tls;
        private readonly IClock _clock;
        private byte[]? _pendingKey;
        private byte[]? _pendingCsr;
        private string _pendingFor = "";

        /// <summary>An issuer with fixed settings.</summary>
        public EstIssuer(CertStore store, EstSettings settings, IKeyVault vault, ITlsConnector tls, IClock clock)
            : this(store, vault, tls, clock)
        {
            if (settings == null)
            {
                throw new ArgumentNullException("settings");
            }
            _settings = settings;
        }

        /// <summary>An issuer that reads <see cref="EstSettings"/> from the store's log at every <see cref="Issue"/>, so a
        /// change (from the twin) applies to the next renewal.</summary>
        public EstIssuer(CertStore store, IKeyVault vault, ITlsConnector tls, IClock clock)
        {
            if (store == null || vault == null || tls == null || clock == null)
            {
                throw new ArgumentNullException(store == null ? "store" : (vault == null ? "vault" : (tls == null ? "tls" : "clock")));
            }
            _store = store;
            _vault = vault;
            _tls = tls;
            _clock = clock;
            Timeout = TimeSpan.FromTicks(30 * TimeSpan.TicksPerSecond);
        }

        /// <summary>How long one EST exchange may take.</summary>
        public TimeSpan Timeout;

        /// <summary>The intermediates (DER) sent with the last certificate issued, leaf excluded; empty when none.</summary>
        public byte[][] LastChain = new byte[0][];

        /// <summary>What the last <see cref="Issue"/> did, for logs (credential used, fallbacks, what was not honoured).</summary>
        public string LastNote = "";

        /// <summary>True while a deferred (202) request waits to be sent again with its key and CSR.</summary>
        public bool HasPendingRequest
        {
            get { return _pendingCsr != null; }
        }

        /// <summary>The CSR (DER) of the deferred request that the next <see cref="Issue"/> repeats, or null.</summary>
        public byte[]? PendingRequest
        {
            get { return _pendingCsr; }
        }

        /// <inheritdoc />
        public IssuedCredential Issue(IssueRequest request)
        {
            EstSettings settings = _settings ?? EstSettings.Load(_store.Log) ?? throw Config("no EST settings in the store");
            string? problem = settings.Validate();
            if (problem != null)
            {
                throw Config(problem);
            }
            LastNote = "";
            EstEndpoint endpoint = EstEndpoint.Parse(settings.Url, settings.Label);
            byte[][] anchors = Anchors(settings);
            string current = request.CurrentCertificateId;
            bool haveCurrent = current.Length > 0 && _store.ContainsCertificate(current) && _store.GetCertificateType(current) == CertificateType.Client;
            bool currentValid = haveCurrent && ValidNow(_store.GetCertificateInfo(current));
            string bootstrap = settings.BootstrapCertificateId;
            bool haveBootstrap = bootstrap.Length > 0 && _store.ContainsCertificate(bootstrap) && _store.GetCertificateType(bootstrap) == CertificateType.Client;
            string? subject = settings.Subject.Length > 0 ? settings.Subject
                : (haveCurrent ? _store.GetCertificateSubjectName(current) : (haveBootstrap ? _store.GetCertificateSubjectName(bootstrap) : null));
            if (subject == null)
            {
                throw Config("no subject: set one, or install the current or bootstrap certificate");
            }
            if (haveCurrent && !currentValid)
            {
                Note("'" + current + "' is expired or not yet valid");
            }
            if (currentValid)
            {
                try
                {
                    return Attempt(settings, endpoint, anchors, current, true, current, subject);
                }
                catch (EstException e)
                {
                    if (!haveBootstrap || !Refused(e))
                    {
                        throw;
                    }
                    Note("the server refused '" + current + "' (" + e.Message + ")");
                }
            }
            string? key = haveCurrent ? current : null;
            if (haveBootstrap)
            {
                Note("enrolling with the bootstrap certificate '" + bootstrap + "'");
                return Attempt(settings, endpoint, anchors, bootstrap, false, key, subject);
            }
            if (settings.User.Length == 0)
            {
                throw Config("no usable credential: the current certificate is " + (haveCurrent ? "expired" : "missing")
                    + ", and there is neither a bootstrap certificate nor a Basic user");
            }
            Note("enrolling with Basic credentials only");
            return Attempt(settings, endpoint, anchors, null, false, key, subject);
        }

        private IssuedCredential Attempt(EstSettings settings, EstEndpoint endpoint, byte[][] anchors, string? authId, bool reenroll,
            string? keyId, string subject)
        {
            var client = new EstClient(_tls, _clock, endpoint, anchors);
            client.Timeout = Timeout;
            if (settings.User.Length > 0)
            {
                client.User = settings.User;
                client.Password = settings.Password;
            }
            string operation = settings.ServerKeyGeneration ? "serverkeygen" : (reenroll ? "simplereenroll" : "simpleenroll");
            string requestFor = operation + "|" + settings.Url + "|" + settings.Label + "|" + (authId ?? "") + "|" + subject + "|"
                + ((int)settings.KeyAlgorithm).ToString() + "|" + (settings.RotateKey ? "rotate" : "keep") + "|" + (keyId ?? "");
            if (_pendingCsr != null && _pendingFor != requestFor)
            {
                DropPending();
                Note("the deferred request no longer applies: a new one is made");
            }
            byte[]? authKey = null;
            byte[]? newKey = null;
            bool keepPending = false;
            try
            {
                if (authId != null)
                {
                    client.ClientCertificate = _store.GetCertificate(authId);
                    authKey = _store.GetPrivateKey(authId);
                    client.ClientKey = authKey;
                }
                byte[][] estCa = client.GetCaCerts();
                if (_pendingCsr != null)
                {
                    Note("sending the deferred request again (the same key and CSR)");
                }
                else
                {
                    Prepare(client, settings, keyId, subject, requestFor);
                }
                byte[][] certs;
                if (settings.ServerKeyGeneration)
                {
                    ServerKeyGenResult r = client.ServerKeyGen(_pendingCsr!);
                    newKey = r.PrivateKey;
                    certs = r.Certificates;
                }
                else
                {
                    certs = reenroll ? client.SimpleReenroll(_pendingCsr!) : client.SimpleEnroll(_pendingCsr!);
                    newKey = _pendingKey;
                    _pendingKey = null;
                }
                DropPending();
                byte[][] others = new byte[certs.Length - 1][];
                Array.Copy(certs, 1, others, 0, others.Length);
                EstCertificateCheck.Check(_vault, certs[0], newKey!, subject, others, estCa, _clock.UtcNow, _clock.IsSynchronized);
                if (EstCaStore.Save(_store.Log, estCa))
                {
                    Note("EST CA certificates refreshed from /cacerts");
                }
                LastChain = InIssuingOrder(certs[0], IntermediatesOf(others, estCa));
                Note((reenroll ? "re-enrolled with '" : "enrolled with '") + (authId ?? "Basic") + "'");
                IssuedCredential issued = new IssuedCredential(certs[0], newKey!, Concat(LastChain));
                newKey = null;
                return issued;
            }
            catch (EstException e)
            {
                // Deferred (202) and other retryable answers: the server may hold the request, so the same one goes next time.
                keepPending = e.Retryable;
                throw;
            }
            catch (CertStoreException e)
            {
                throw new EstException(EstError.Configuration, 0, "the credential '" + authId + "' is unusable: " + e.Message, false, TimeSpan.Zero);
            }
            catch (KeyVaultException e)
            {
                throw new EstException(EstError.Configuration, 0, "the key vault failed: " + e.Message, false, TimeSpan.Zero);
            }
            finally
            {
                client.Close();
                if (!keepPending)
                {
                    DropPending();
                }
                if (authKey != null)
                {
                    Array.Clear(authKey, 0, authKey.Length);
                }
                if (newKey != null)
                {
                    Array.Clear(newKey, 0, newKey.Length);
                }
            }
        }

        // The request to send: /csrattrs, then the key (a new one, the current one, or for /serverkeygen a throwaway that
        // only signs the CSR) and the CSR, kept as the pending request until it is answered.
        private void Prepare(EstClient client, EstSettings settings, string? keyId, string subject, string requestFor)
        {
            CsrAttributes attrs = client.GetCsrAttributes();
            byte[] key;
            if (settings.ServerKeyGeneration)
            {
                // RFC 7030 4.4.1: the CSR names the subject; its key is a throwaway the server does not certify.
                key = _vault.GenerateKey(KeyAlgorithm.EcP256);
                try
                {
                    _pendingCsr = _vault.CreateCertificateRequest(key, subject);
                }
                finally
                {
                    Array.Clear(key, 0, key.Length);
                }
            }
            else
            {
                key = ChooseKey(settings, attrs, keyId);
                try
                {
                    _pendingCsr = Csr(key, subject, attrs, settings);
                }
                catch
                {
                    Array.Clear(key, 0, key.Length);
                    throw;
                }
                _pendingKey = key;
            }
            _pendingFor = requestFor;
        }

        private void DropPending()
        {
            if (_pendingKey != null)
            {
                Array.Clear(_pendingKey, 0, _pendingKey.Length);
            }
            _pendingKey = null;
            _pendingCsr = null;
            _pendingFor = "";
        }

        private byte[] ChooseKey(EstSettings settings, CsrAttributes attrs, string? keyId)
        {
            if (!settings.RotateKey && keyId != null)
            {
                return _store.GetPrivateKey(keyId);
            }
            KeyAlgorithm asked = attrs.KeyAlgorithmHint;
            if (asked != 0 && asked != settings.KeyAlgorithm)
            {
                Note("/csrattrs asks for key algorithm " + ((int)asked).ToString() + ": used instead of the configured one");
            }
            return _vault.GenerateKey(asked != 0 ? asked : settings.KeyAlgorithm);
        }

        private byte[] Csr(byte[] key, string subject, CsrAttributes attrs, EstSettings settings)
        {
            string? challenge = null;
            if (attrs.RequestsChallengePassword)
            {
                challenge = settings.ChallengePassword.Length > 0 ? settings.ChallengePassword : settings.Password;
            }
            byte[][] extensions;
            try
            {
                extensions = attrs.ExtensionRequest;
            }
            catch (CertificateFormatException)
            {
                extensions = new byte[0][];
                Note("/csrattrs' extensionRequest does not decode: ignored");
            }
            byte[]? attributes = CsrRequestAttributes.Build(challenge, extensions);
            if (attributes == null)
            {
                return _vault.CreateCertificateRequest(key, subject);
            }
            try
            {
                return _vault.CreateCertificateRequest(key, subject, attributes);
            }
            catch (KeyVaultException e)
            {
                // NotSupported: stock firmware or attributes too large; InvalidData: attributes the board's stricter DER
                // checks refuse. Either way the request goes without them rather than not at all.
                if (e.Error != KeyVaultError.NotSupported && e.Error != KeyVaultError.InvalidData)
                {
                    throw;
                }
                Note("this device cannot put /csrattrs' attributes in its CSR (" + e.Message + "): sent without them");
                return _vault.CreateCertificateRequest(key, subject);
            }
        }

        private byte[][] Anchors(EstSettings settings)
        {
            byte[][] kept = EstCaStore.Load(_store.Log);
            byte[][] all = new byte[settings.TrustAnchorIds.Length + kept.Length][];
            int n = 0;
            for (int i = 0; i < settings.TrustAnchorIds.Length; i++)
            {
                string id = settings.TrustAnchorIds[i];
                if (_store.ContainsCertificate(id))
                {
                    all[n++] = _store.GetCertificate(id);
                }
                else
                {
                    Note("trust anchor '" + id + "' is not in the store");
                }
            }
            for (int i = 0; i < kept.Length; i++)
            {
                all[n++] = kept[i];
            }
            if (n == 0)
            {
                throw Config("none of the EST trust anchors is in the store");
            }
            byte[][] result = new byte[n][];
            Array.Copy(all, result, n);
            return result;
        }

        // PKCS#7 keeps no order: the leaf's issuer first, then each one's issuer, as the store and TLS want them. Certificates
        // that do not continue the chain are left out.
        private static byte[][] InIssuingOrder(byte[] leaf, byte[][] intermediates)
        {
            byte[][] ordered = new byte[intermediates.Length][];
            bool[] used = new bool[intermediates.Length];
            string issuer = CertificateInfo.Parse(leaf).Issuer.Name;
            int n = 0;
            bool found = true;
            while (found && n < intermediates.Length)
            {
                found = false;
                for (int i = 0; i < intermediates.Length; i++)
                {
                    CertificateInfo info = CertificateInfo.Parse(intermediates[i]);
                    if (!used[i] && info.Subject.Name == issuer)
                    {
                        used[i] = true;
                        ordered[n++] = intermediates[i];
                        issuer = info.Issuer.Name;
                        found = true;
                        break;
                    }
                }
            }
            byte[][] result = new byte[n][];
            Array.Copy(ordered, result, n);
            return result;
        }

        private static byte[]? Concat(byte[][] parts)
        {
            if (parts.Length == 0)
            {
                return null;
            }
            int length = 0;
            for (int i = 0; i < parts.Length; i++)
            {
                length += parts[i].Length;
            }
            byte[] all = new byte[length];
            int at = 0;
            for (int i = 0; i < parts.Length; i++)
            {
                Array.Copy(parts[i], 0, all, at, parts[i].Length);
                at += parts[i].Length;
            }
            return all;
        }

        // The answer's certificates that are not the EST CA's self-signed roots: what a client presents after its leaf.
        private static byte[][] IntermediatesOf(byte[][] others, byte[][] estCa)
        {
            byte[][] found = new byte[others.Length][];
            int n = 0;
            for (int i = 0; i < others.Length; i++)
            {
                CertificateInfo info = CertificateInfo.Parse(others[i]);
                if (info.Subject.Name != info.Issuer.Name)
                {
                    found[n++] = others[i];
                }
            }
            byte[][] result = new byte[n][];
            Array.Copy(found, result, n);
            return result;
        }

        private bool ValidNow(CertificateInfo info)
        {
            DateTime now = _clock.UtcNow;
            return !_clock.IsSynchronized || (info.NotBefore <= now + EstCertificateCheck.ClockSlack && now < info.NotAfter);
        }

        private static bool Refused(EstException e)
        {
            return (e.Error == EstError.Tls && e.TlsFailure == TlsFailure.ClientCertificateRejected)
                || (e.Error == EstError.HttpStatus && (e.Status == 401 || e.Status == 403));
        }

        private void Note(string text)
        {
            LastNote = LastNote.Length == 0 ? text : LastNote + "; " + text;
        }

        private static EstException Config(string message)
        {
            return new EstException(EstError.Configuration, 0, message, false, TimeSpan.Zero);
        }
    }
}
