using System;

namespace NfCerts.Core.Renewal
{
    /// <summary>
    /// Everything the renewal engine does to the device, apart from its own journal: the store, the Wi-Fi configuration,
    /// the connection and the issuer. The engine decides (<see cref="RenewalDecision"/>), records the step it is about to
    /// take in <see cref="RenewalJournal"/>, calls one of these, and records the outcome; <see cref="RenewalDriver"/> is the
    /// device's implementation.
    /// </summary>
    /// <remarks>
    /// <para><b>Crash rules.</b> Each effect states what flash holds after a power cut before, during and after it, and why
    /// running it again is safe. They all rest on three facts of the store (SPEC.md): a commit is atomic (a cut leaves the
    /// state before or after it, never a mix), <c>MoveCertificate</c> is one commit, and a committed record survives any later
    /// cut. An effect is never interrupted by anything but a cut or an exception; after either, the engine's next start reads
    /// the journal and calls the effect that finishes or undoes the step (<see cref="RollBackCandidate"/> for
    /// <see cref="ClientRotationStep.Trial"/>, <see cref="PromoteCandidate"/> for <see cref="ClientRotationStep.Proven"/>,
    /// <see cref="PrepareRootCa"/> for <see cref="RootRotationStep.NoticeReceived"/>, <see cref="PromoteRootCa"/> for
    /// <see cref="RootRotationStep.Finishing"/>), so each of those must be idempotent and must accept every state a cut
    /// inside itself or inside the step before it can leave.</para>
    /// <para>The old credential (ClientCert1, RootCA1 and Network1 pointing at them) is never written before the journal says
    /// the new one was proved by a connection (<see cref="ClientRotationStep.Proven"/>) or seen working
    /// (<see cref="RootRotationStep.Finishing"/>).</para>
    /// <para>The reads (<see cref="ReadClientFacts"/> and the others without a flash write) never write and may be called at
    /// any time. Exceptions other than those documented mean the flash or the radio failed; the engine rolls back or reports.</para>
    /// </remarks>
    public interface IRenewalEffects
    {
        /// <summary>The lock the engine holds while it calls these (the connection manager's: both drive the same store,
        /// configuration and log).</summary>
        object SyncRoot { get; }

        /// <summary>Raised before each sub-step an effect takes (step names of the seed's flows, such as
        /// <c>Client.5.ReloadConfig</c>), between flash writes: where tests cut power or throw.</summary>
        event RenewalStepHandler StepReached;

        // ---- reads ----------------------------------------------------------------------------------

        /// <summary>Fills in what the store and the Wi-Fi state say: <see cref="RenewalFacts.HasClientCertificate"/>, its
        /// validity, <see cref="RenewalFacts.HasIssuer"/> and <see cref="RenewalFacts.OnNetwork1"/>. Reads only.</summary>
        void ReadClientFacts(RenewalFacts facts);

        /// <summary>The validity of ClientCert1 (false when there is none). Reads only.</summary>
        bool TryGetClientValidity(out DateTime notBefore, out DateTime notAfter);

        /// <summary>The validity of RootCA1 (false when there is none). Reads only.</summary>
        bool TryGetRootValidity(out DateTime notBefore, out DateTime notAfter);

        /// <summary>ClientCert1's certificate (DER), for the issuer's request. Reads only.</summary>
        byte[] GetClientCertificate();

        /// <summary>True when the store holds <paramref name="der"/> as RootCA1 (<paramref name="asRootCa2"/> false) or as
        /// RootCA2. Reads only.</summary>
        bool HoldsRootCa(byte[] der, bool asRootCa2);

        /// <summary>True when the configuration has a network of that config name. Reads only.</summary>
        bool HasNetwork(string configName);

        /// <summary>True when the device is connected to the network of that config name now. Reads only.</summary>
        bool IsConnectedTo(string configName);

        // ---- client certificate rotation -------------------------------------------------------------

        /// <summary>
        /// Seed step 3: asks the issuer for a new certificate and key. <b>Crash rule:</b> it must leave ClientCert1, its key
        /// and the Wi-Fi configuration intact, whether it returns, throws or loses power; the engine has written nothing
        /// before it, so a cut or a failure costs only the attempt. An issuer may keep state of its own in the log with
        /// atomic commits (<c>EstIssuer</c> keeps the <c>/cacerts</c> answer as its trust anchors, written only when it
        /// changes), never a credential.
        /// </summary>
        /// <exception cref="IssuerException">The issuer refused or failed (retryable or not, with the server's delay).</exception>
        IssuedCredential Issue(IssueRequest request);

        /// <summary>
        /// Seed step 4: ClientCert2 = the issued certificate, its chain and key, in one commit; then Network1 points at
        /// ClientCert2, persisted (a second commit: <c>ReloadConfig</c> discards what is not persisted). Returns false, with
        /// why, when the store refuses the credential before writing anything (unparsable, key does not match, too large).
        /// <b>Crash rule:</b> the journal says <see cref="ClientRotationStep.Trial"/> before this is called. A cut before the
        /// first commit leaves no ClientCert2; between the two, ClientCert2 with Network1 still on ClientCert1; after, both.
        /// ClientCert1 is untouched in all three, and <see cref="RollBackCandidate"/> undoes each of them.
        /// </summary>
        bool InstallCandidate(IssuedCredential issued, out string refusal);

        /// <summary>
        /// Seed steps 5-6: <c>ReloadConfig</c>, then connects Network1 (with ClientCert2), a few times if the failure is not
        /// about a certificate. True when the device is on Network1; otherwise false with why. <b>Crash rule:</b> writes
        /// nothing; a cut here finds the journal at <see cref="ClientRotationStep.Trial"/> and the next start rolls back.
        /// </summary>
        bool TryCandidate(out string reason);

        /// <summary>
        /// Seed step 6 on success: ClientCert2 moves onto ClientCert1 (one atomic commit, skipped when ClientCert2 is gone:
        /// the move happened before a cut); Network1 is disabled, pointed at ClientCert1 and re-enabled, persisted in one
        /// commit. <b>Crash rule:</b> the journal says <see cref="ClientRotationStep.Proven"/> before this is called. After a
        /// cut before the move, ClientCert1 is the old certificate and ClientCert2 the proved one; after it, ClientCert1 is the
        /// new one and Network1 may still name ClientCert2 (which no longer exists). Running it again from either state ends
        /// in the same place, so the next start simply repeats it.
        /// </summary>
        void PromoteCandidate();

        /// <summary>
        /// Seed step 7 on failure: Network1 points at ClientCert1 again (persisted), then ClientCert2 is deleted. <b>Crash
        /// rule:</b> the journal still says <see cref="ClientRotationStep.Trial"/> while this runs, and ClientCert1 was never
        /// written; each write is idempotent (a pointer already right is rewritten, a missing ClientCert2 is not deleted), so
        /// a cut anywhere is undone by running it again at the next start.
        /// </summary>
        void RollBackCandidate();

        // ---- root CA rotation -----------------------------------------------------------------------

        /// <summary>
        /// Seed steps 3-4: RootCA2 = <paramref name="rootCa"/>, and Network2 as an enabled duplicate of Network1 trusting it
        /// (an existing Network2 is reused), persisted. <b>Crash rule:</b> the journal says
        /// <see cref="RootRotationStep.NoticeReceived"/> with the CA itself before this is called; each write is idempotent
        /// (install replaces, the duplicate is made once), so a cut anywhere is redone from the journal's copy of the notice.
        /// RootCA1 and Network1 are not written.
        /// </summary>
        /// <exception cref="InvalidOperationException">There is no Network1 to duplicate.</exception>
        void PrepareRootCa(byte[] rootCa);

        /// <summary>
        /// Seed step 6: RootCA2 moves onto RootCA1 (one commit, skipped when RootCA2 is gone: done before a cut),
        /// <c>ReloadConfig</c>, Network2 is forgotten, persisted. <b>Crash rule:</b> the journal says
        /// <see cref="RootRotationStep.Finishing"/> before this is called; after a cut before the move both networks still
        /// work as before, after it Network1 trusts the new root and Network2 is redundant; repeating it ends in the same
        /// place.
        /// </summary>
        void PromoteRootCa();

        // ---- connection -----------------------------------------------------------------------------

        /// <summary><c>ReloadConfig</c>: the radio drops the link and the networks are read again from flash. Writes nothing.</summary>
        void ReloadConfig();

        /// <summary>Connects now on the configuration's order of networks. Writes nothing.</summary>
        void Connect();
    }
}
