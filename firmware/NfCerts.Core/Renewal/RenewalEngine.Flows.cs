using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Timing;
using NfCerts.Core.Wifi;
using NfCerts.Core.X509;

namespace NfCerts.Core.Renewal
{
    public sealed partial class RenewalEngine
    {
        // ---- recovery ------------------------------------------------------------------------------------

        /// <summary>Finishes or rolls back whatever a reboot or power cut interrupted.</summary>
        private void Recover()
        {
            RecoverClient();
            if (_journal.Root == RootRotationStep.NoticeReceived || _journal.Root == RootRotationStep.Finishing)
            {
                RunRootGuarded();
            }
        }

        /// <summary>Rolls back an unproved trial or finishes a proved one.</summary>
        private void RecoverClient()
        {
            if (_journal.Client == ClientRotationStep.Trial)
            {
                // Not proved by a connection: back to ClientCert1, which was never touched.
                DateTime now;
                bool trusted = TryTrustedNow(out now);
                RollbackClient(trusted ? now : DateTime.MinValue, TimeSpan.Zero, "interrupted before ClientCert2 was proved");
            }
            else if (_journal.Client == ClientRotationStep.Proven)
            {
                FinishClient(_clock.IsSynchronized ? _clock.UtcNow : DateTime.MinValue);
            }
        }

        // ---- root CA rotation (seed: "Update a Root CA certificate", steps 1-6) -------------------------------

        /// <summary>
        /// Step 2: a notice that a new RADIUS root CA is coming, with that CA (PEM or DER). It is saved before anything else
        /// is done (a C2D message is acknowledged on receipt), then steps 3 and 4 run. A repeated notice for the same CA is
        /// ignored; a different CA replaces a pending one.
        /// </summary>
        /// <exception cref="ArgumentException">The certificate cannot be parsed.</exception>
        public void BeginRootCaRotation(byte[] rootCa)
        {
            byte[] der;
            try
            {
                der = CertStore.DecodeCertificate(rootCa);
            }
            catch (CertStoreException e)
            {
                throw new ArgumentException("the announced root CA cannot be used: " + e.Message);
            }
            lock (_sync)
            {
                bool rotating = _journal.Root != RootRotationStep.Idle;
                if ((rotating && _effects.HoldsRootCa(der, true))
                    || (rotating && RenewalDriver.SameBytes(_journal.PendingRootCa, der))
                    || (!rotating && _effects.HoldsRootCa(der, false)))
                {
                    // The same notice again (the cloud repeats them), or the root Network1 already trusts.
                    return;
                }
                if (!_effects.HasNetwork(_options.Network1))
                {
                    throw new ArgumentException("there is no network '" + _options.Network1 + "' to duplicate for the new root CA");
                }
                Step("Root.2.NoticeReceived");
                var journal = _journal.Copy();
                journal.Root = RootRotationStep.NoticeReceived;
                journal.PendingRootCa = der;
                journal.LastResult = "root CA notice received";
                journal.LastReason = "";
                journal.Save(_log);
                _journal = journal;
                RunRootGuarded();
            }
        }

        /// <summary>Runs the root flow; a rotation that cannot go on (the store is full, Network1 is gone) is abandoned
        /// with its reason rather than blocking every later check.</summary>
        private void RunRootGuarded()
        {
            try
            {
                RunRoot();
            }
            catch (CertStoreException e)
            {
                if (e.Error == CertStoreError.StorageFailure)
                {
                    throw;
                }
                AbandonRoot(e.Message);
            }
            catch (WifiConfigException e)
            {
                if (e.Error == WifiConfigError.StorageFailure)
                {
                    throw;
                }
                AbandonRoot(e.Message);
            }
            catch (InvalidOperationException e)
            {
                AbandonRoot(e.Message);
            }
        }

        private void AbandonRoot(string reason)
        {
            _journal.Root = RootRotationStep.Idle;
            _journal.PendingRootCa = new byte[0];
            _journal.LastResult = "root CA rotation abandoned";
            _journal.LastReason = reason;
            SaveJournal();
            _status.State = RenewalState.Failed;
        }

        /// <summary>Advances the root CA rotation as far as it can go now, one step of the journal at a time.</summary>
        private void RunRoot()
        {
            while (true)
            {
                switch (RenewalDecision.NextRootStep(_journal.Root))
                {
                    case RootAction.Prepare:
                        PrepareRoot();
                        break;
                    case RootAction.CheckNetwork2:
                        Step("Root.5.CheckConnectedNetwork");
                        if (!_effects.IsConnectedTo(_options.Network2))
                        {
                            // On Network1 the old root still works; not connected: look again at the next check.
                            _status.State = RenewalState.WaitingForNetwork2;
                            return;
                        }
                        _journal.Root = RootRotationStep.Finishing;
                        SaveJournal();
                        break;
                    case RootAction.Finish:
                        FinishRoot();
                        return;
                    default:
                        return;
                }
            }
        }

        /// <summary>Steps 3-4 from the notice the journal holds (<see cref="IRenewalEffects.PrepareRootCa"/>), then the
        /// journal says WaitingForNetwork2.</summary>
        private void PrepareRoot()
        {
            _effects.PrepareRootCa(_journal.PendingRootCa);
            _journal.Root = RootRotationStep.WaitingForNetwork2;
            _journal.PendingRootCa = new byte[0];
            _journal.LastResult = "waiting for " + _options.Network2;
            SaveJournal();
        }

        /// <summary>Step 6 (<see cref="IRenewalEffects.PromoteRootCa"/>), then the journal says Idle and the device connects.</summary>
        private void FinishRoot()
        {
            _effects.PromoteRootCa();
            _journal.Root = RootRotationStep.Idle;
            _journal.LastResult = "root CA rotated";
            _journal.LastReason = "";
            SaveJournal();
            _status.State = RenewalState.Idle;
            _effects.Connect();
        }

        // ---- client certificate rotation (seed: "Update a client certificate", steps 1-7) ---------------------------

        private void RunClient(DateTime now)
        {
            if (_journal.Client != ClientRotationStep.Idle)
            {
                // A step failed earlier in this boot and could not be undone then: undo (or finish) it now.
                RecoverClient();
            }
            RenewalFacts facts = ClientFacts(now);
            RenewalAction next = RenewalDecision.Next(facts, _options.ClientCert1, _options.Network1);
            if (next.Kind == RenewalActionKind.NoClientCertificate)
            {
                _status.State = RenewalState.Failed;
                Condition(next.Reason);
                return;
            }
            DateTime rootNotBefore;
            DateTime rootNotAfter;
            if (_effects.TryGetRootValidity(out rootNotBefore, out rootNotAfter))
            {
                _status.RootCaDaysLeft = DaysLeft(rootNotAfter, now);
            }
            Step("Client.2.CheckNotAfter");
            _status.ClientCertDaysLeft = DaysLeft(facts.NotAfter, now);
            _journal.NextClientAttemptTicks = next.NextAttemptTicks;
            _status.ClientRenewAtUtc = next.RenewAt;
            _status.ThresholdClamped = next.Clamped;
            switch (next.Kind)
            {
                case RenewalActionKind.NotDue:
                    _clockDisagrees = false;
                    if (_status.State != RenewalState.WaitingForNetwork2)
                    {
                        _status.State = RenewalState.Idle;
                    }
                    return;
                case RenewalActionKind.WaitForClock:
                case RenewalActionKind.NoIssuer:
                    Condition(next.Reason);
                    return;
                case RenewalActionKind.WaitForRetry:
                    return;
            }
            Step("Client.1.VerifyNetwork1");
            if (next.Kind == RenewalActionKind.WaitForNetwork1)
            {
                // Due, but off Network1: look again as soon as it connects (NetworkConnected), not at the next daily slot.
                _waitingForNetwork1 = true;
                Condition(next.Reason);
                return;
            }
            RenewClient(now, next.Lifetime);
        }

        /// <summary>What the client decision needs, read from the journal and, through the effects, from the store and the
        /// Wi-Fi state (reads only).</summary>
        private RenewalFacts ClientFacts(DateTime now)
        {
            var f = new RenewalFacts();
            f.Now = now;
            f.Policy = _options.Policy;
            _effects.ReadClientFacts(f);
            f.InstalledTicks = _journal.ClientInstalledTicks;
            f.NextAttemptTicks = _journal.NextClientAttemptTicks;
            f.ClockDisagrees = _clockDisagrees;
            return f;
        }

        private void RenewClient(DateTime now, TimeSpan lifetime)
        {
            _status.State = RenewalState.Renewing;
            Step("Client.3.GetNewCertificate");
            var request = new IssueRequest();
            request.CurrentCertificateId = _options.ClientCert1;
            request.CurrentCertificate = _effects.GetClientCertificate();
            IssuedCredential issued;
            try
            {
                issued = _effects.Issue(request);
            }
            catch (IssuerException e)
            {
                ClientFailed(now, lifetime, "the issuer refused: " + e.Message, e.RetryAfter, e.Retryable);
                return;
            }
            catch (Exception e)
            {
                ClientFailed(now, lifetime, "the issuer failed: " + e.Message, TimeSpan.Zero, true);
                return;
            }
            Step("Client.4.InstallClientCert2");
            string reason;
            bool proved;
            // The key in RAM is cleared once the store has it (sealed), or has refused it, whatever happens.
            try
            {
                // The journal says Trial before ClientCert2 exists, so that a cut at any point after leaves nothing behind.
                _journal.Client = ClientRotationStep.Trial;
                SaveJournal();
                try
                {
                    string refusal;
                    bool installed = _effects.InstallCandidate(issued, out refusal);
                    ForgetKey(issued);
                    if (!installed)
                    {
                        _journal.Client = ClientRotationStep.Idle;
                        ClientFailed(now, lifetime, "the issued credential was refused: " + refusal, TimeSpan.Zero, true);
                        return;
                    }
                    proved = _effects.TryCandidate(out reason);
                }
                catch (Exception e)
                {
                    proved = false;
                    reason = "the trial failed: " + e.Message;
                }
            }
            finally
            {
                ForgetKey(issued);
            }
            if (proved)
            {
                _journal.Client = ClientRotationStep.Proven;
                SaveJournal();
                FinishClient(now);
                DateTime notBefore;
                DateTime notAfter;
                _effects.TryGetClientValidity(out notBefore, out notAfter);
                // Beginning up to NotBeforeSlack after the time decided with is the clock behind, which the certificate
                // corrects (the clock judge's rules); further, or already expired, the clock and the issuer disagree.
                _clockDisagrees = notAfter <= now || ClockJudge.BeginsTooFarAhead(notBefore, now);
                // A certificate issued just now dates the issuer's clock: a second source for the clock judge.
                Dated(notBefore);
                // Decided with the floor (the clock far behind what the device knew), or the certificate begins after the
                // time decided with: it may settle the clock, so the next look comes at once rather than at the next daily
                // slot, up to a day away.
                _lookAgainSoon = _trust == ClockTrust.Floor || notBefore > now;
                // The next check is scheduled from the new certificate's dates, not the old one's (already past): a
                // certificate shorter-lived than the daily interval would otherwise renew at the next daily slot, late.
                RenewalAction fresh = RenewalDecision.Next(ClientFacts(now), _options.ClientCert1, _options.Network1);
                _status.ClientRenewAtUtc = fresh.RenewAt;
                _status.ThresholdClamped = fresh.Clamped;
                _status.ClientCertDaysLeft = DaysLeft(notAfter, now);
            }
            else
            {
                RollbackClient(now, lifetime, reason);
            }
        }

        /// <summary>Step 6 on success, then 7: ClientCert2 onto ClientCert1, Network1 disabled and re-enabled pointing at ClientCert1, reload.</summary>
        private void FinishClient(DateTime now)
        {
            _effects.PromoteCandidate();
            _journal.Client = ClientRotationStep.Idle;
            _journal.ClientFailures = 0;
            _journal.NextClientAttemptTicks = 0;
            _journal.ClientInstalledTicks = now == DateTime.MinValue ? 0 : now.Ticks;
            _journal.Renewals++;
            _journal.LastResult = "client certificate renewed";
            _journal.LastReason = "";
            SaveJournal();
            Step("Client.7.ReloadConfig");
            _effects.ReloadConfig();
            _effects.Connect();
            _status.State = RenewalState.Idle;
        }

        /// <summary>Step 7 on failure: Network1 back on ClientCert1, ClientCert2 removed, reload, retry later.</summary>
        private void RollbackClient(DateTime now, TimeSpan lifetime, string reason)
        {
            _effects.RollBackCandidate();
            _journal.Client = ClientRotationStep.Idle;
            _journal.Rollbacks++;
            ScheduleRetry(now, lifetime, TimeSpan.Zero, true);
            _journal.LastResult = "renewal rolled back";
            _journal.LastReason = reason;
            SaveJournal();
            _effects.ReloadConfig();
            _effects.Connect();
            _status.State = RenewalState.RolledBack;
        }

        private static void ForgetKey(IssuedCredential issued)
        {
            Array.Clear(issued.PrivateKey, 0, issued.PrivateKey.Length);
        }

        private void ClientFailed(DateTime now, TimeSpan lifetime, string reason, TimeSpan retryAfter, bool retryable)
        {
            ScheduleRetry(now, lifetime, retryAfter, retryable);
            _journal.LastResult = "renewal failed";
            _journal.LastReason = reason;
            SaveJournal();
            _status.State = RenewalState.Failed;
        }

        private void ScheduleRetry(DateTime now, TimeSpan lifetime, TimeSpan retryAfter, bool retryable)
        {
            _journal.ClientFailures++;
            _journal.NextClientAttemptTicks = RenewalDecision.RetryAt(_options.Policy, _seed, now, lifetime, _journal.ClientFailures, retryable, retryAfter);
        }
    }
}
