using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Hub;
using NfCerts.Core.Storage;
using NfCerts.Hal;

namespace NfCerts.Core.Provisioning
{
    /// <summary>
    /// The device's side of DPS between boots: reads the settings and the identity from the store, decides with
    /// <see cref="ReprovisionPolicy"/> whether to register, registers through <see cref="DpsClient"/>, and keeps the
    /// outcome in <see cref="DpsState"/> (key <c>Pdps</c>): a new assignment replaces the old one in one atomic commit; a
    /// failure keeps the old assignment and records why and how many failures in a row, for the backoff and the report.
    /// </summary>
    /// <remarks>
    /// <para>For <c>DeviceRuntime</c> (through <c>ProvisioningDriver</c>): call <see cref="Run(object)"/> once the network is up (a single blocking call, bounded by the
    /// client's caps); connect to <see cref="State"/>'s hub when it returns <see cref="DpsOutcome.Assigned"/>; otherwise
    /// call it again after <see cref="NextAttemptDelay"/> on a one-shot timer. When the hub refuses the device or does
    /// not know it, or the operator asks (a direct method), call <see cref="RequestReprovision"/>: the request is kept on
    /// flash, so the next run, after a reboot too, registers again. Once connected to a hub, report
    /// <see cref="TakeUnreportedFailure"/>.</para>
    /// <para>Not thread-safe: one caller at a time.</para>
    /// </remarks>
    public sealed class DpsProvisioner
    {
        private readonly RecordLog _log;
        private readonly CertStore _store;
        private readonly DpsClient _client;
        private readonly IClock _clock;
        private DpsState _state;

        /// <summary>First delay after a failure. Default 30 seconds.</summary>
        public TimeSpan InitialBackoff = TimeSpan.FromSeconds(30);
        /// <summary>Longest delay between attempts. Default 1 hour.</summary>
        public TimeSpan MaxBackoff = TimeSpan.FromHours(1);
        /// <summary>The device's jitter seed (e.g. a hash of its MAC or registration ID).</summary>
        public uint JitterSeed;

        /// <summary>Creates the provisioner and loads its state; a state that does not decode counts as none (the device
        /// provisions afresh and the next save replaces it).</summary>
        public DpsProvisioner(RecordLog log, CertStore store, DpsClient client, IClock clock)
        {
            if (log == null || store == null || client == null || clock == null)
            {
                throw new ArgumentNullException("log");
            }
            _log = log;
            _store = store;
            _client = client;
            _clock = clock;
            try
            {
                _state = DpsState.Load(log);
            }
            catch (StorageException e)
            {
                if (e.Error != StorageError.Corrupt)
                {
                    throw;
                }
                _state = new DpsState();
                _state.LastFailure = "stored DPS state unreadable (" + e.Message + "); provisioning afresh";
                _state.LastFailureReported = false;
            }
        }

        /// <summary>What the device knows from DPS (a copy is saved before it replaces this one).</summary>
        public DpsState State
        {
            get { return _state; }
        }

        /// <summary>The last attempt's result, or null before the first.</summary>
        public DpsResult? LastResult { get; private set; }

        /// <summary>How long to wait before the next <see cref="Run(object)"/> after a failure: the capped, jittered backoff on the
        /// failures in a row, never less than the retry-after DPS asked for; zero after a success.</summary>
        public TimeSpan NextAttemptDelay
        {
            get
            {
                TimeSpan retryAfter = LastResult == null ? TimeSpan.Zero : LastResult.RetryAfter;
                return DpsBackoff.After(_state.Failures, InitialBackoff, MaxBackoff, JitterSeed, retryAfter);
            }
        }

        /// <summary>Decides and, when needed, registers; returns <see cref="DpsOutcome.Assigned"/> with no request when the
        /// stored assignment stands. For a caller that is the store's only user.</summary>
        public DpsResult Run()
        {
            return Run(new object());
        }

        /// <summary>As <see cref="Run()"/>, touching the store only under <paramref name="storeLock"/> (the lock every user of
        /// the store takes) and never holding it while it talks to DPS.</summary>
        /// <remarks>A new assignment is saved with the hub settings it implies (<see cref="HubSettings"/>: the assigned
        /// host and device ID; the port and model ID kept from the settings before, else 8883) in one atomic commit, so a
        /// power cut leaves the old assignment and hub or the new ones, never a mix.</remarks>
        public DpsResult Run(object storeLock)
        {
            if (storeLock == null)
            {
                throw new ArgumentNullException("storeLock");
            }
            DpsSettings settings;
            byte[] chain;
            byte[] key;
            byte[][] roots;
            string registrationId;
            lock (storeLock)
            {
                DpsResult? early = Prepare(out settings, out chain, out key, out roots, out registrationId);
                if (early != null)
                {
                    return early;
                }
            }
            DpsResult r;
            try
            {
                r = _client.Register(settings.GlobalEndpoint, settings.Port, settings.IdScope, chain, key, roots);
            }
            finally
            {
                Array.Clear(key, 0, key.Length);
            }
            lock (storeLock)
            {
                if (!r.Succeeded)
                {
                    return Failed(r);
                }
                var next = _state.Copy();
                next.RegistrationId = r.RegistrationId;
                next.AssignedHub = r.AssignedHub;
                next.DeviceId = r.DeviceId;
                next.Substatus = r.Substatus;
                next.LastUpdated = r.LastUpdated;
                next.AssignedAtTicks = _clock.IsSynchronized ? _clock.UtcNow.Ticks : 0;
                next.ReprovisionReason = "";
                next.Failures = 0;
                var t = _log.Begin();
                t.Put(DpsState.LogKey, next.Encode());
                t.Put(HubSettings.StoreKey, HubSettingsFor(_log, next).Encode());
                t.Commit();
                _state = next;
                LastResult = r;
                return r;
            }
        }

        /// <summary>Whether the next run would register (<see cref="DpsDecision.Provision"/>, also when the settings or the
        /// identity cannot be read: the run reports why) or use the stored assignment. Reads the store only.</summary>
        public DpsDecision Decide()
        {
            string registrationId;
            try
            {
                DpsSettings settings;
                if (!DpsSettings.TryLoad(_log, out settings))
                {
                    return DpsDecision.Provision;
                }
                registrationId = DpsIdentity.RegistrationIdOf(Chain(settings));
            }
            catch (Exception)
            {
                return DpsDecision.Provision;
            }
            string why;
            return ReprovisionPolicy.Decide(_state, registrationId, out why);
        }

        /// <summary>The hub settings an assignment implies: <paramref name="state"/>'s host and device ID, the port and model
        /// ID of the settings in <paramref name="log"/> (8883 and none without them).</summary>
        public static HubSettings HubSettingsFor(RecordLog log, DpsState state)
        {
            HubSettings kept;
            HubSettings.TryLoad(log, out kept);
            var s = new HubSettings();
            s.HostName = state.AssignedHub;
            s.DeviceId = state.DeviceId;
            s.Port = kept.HostName.Length > 0 ? kept.Port : 8883;
            s.ModelId = kept.ModelId;
            return s;
        }

        // Under the store's lock: the settings, the identity and the decision; a result when there is nothing to send.
        private DpsResult? Prepare(out DpsSettings settings, out byte[] chain, out byte[] key, out byte[][] roots, out string registrationId)
        {
            settings = new DpsSettings();
            chain = new byte[0];
            key = new byte[0];
            roots = new byte[0][];
            registrationId = "";
            try
            {
                if (!DpsSettings.TryLoad(_log, out settings))
                {
                    return Failed(new DpsResult(DpsOutcome.BadIdentity, "no DPS settings in the store"));
                }
                settings.Validate();
                chain = Chain(settings);
                registrationId = DpsIdentity.RegistrationIdOf(chain);
            }
            catch (Exception e)
            {
                return Failed(new DpsResult(DpsOutcome.BadIdentity, "cannot provision: " + e.Message));
            }
            string why;
            if (ReprovisionPolicy.Decide(_state, registrationId, out why) == DpsDecision.UseAssignment)
            {
                var kept = new DpsResult(DpsOutcome.Assigned, why);
                kept.RegistrationId = registrationId;
                kept.AssignedHub = _state.AssignedHub;
                kept.DeviceId = _state.DeviceId;
                kept.Substatus = _state.Substatus;
                kept.LastUpdated = _state.LastUpdated;
                LastResult = kept;
                return kept;
            }
            try
            {
                key = _store.GetPrivateKey(settings.IdentityCertificateId);
                roots = new byte[settings.TrustedRootIds.Length][];
                for (int i = 0; i < roots.Length; i++)
                {
                    roots[i] = _store.GetCertificate(settings.TrustedRootIds[i]);
                }
            }
            catch (Exception e)
            {
                // Read before a root lookup failed: the copy is not left in RAM.
                Array.Clear(key, 0, key.Length);
                key = new byte[0];
                return Failed(new DpsResult(DpsOutcome.BadIdentity, "cannot provision: " + e.Message));
            }
            return null;
        }

        /// <summary>Asks for a registration at the next <see cref="Run(object)"/> (the hub refused the device or does not know it,
        /// or the operator asked), kept on flash. The current assignment stays until a new one replaces it.</summary>
        public void RequestReprovision(string reason)
        {
            var next = _state.Copy();
            next.ReprovisionReason = reason == null || reason.Length == 0 ? "asked" : reason;
            Save(next);
        }

        /// <summary>The last failure's reason if it has not been reported yet (then marked reported on flash), else empty.</summary>
        public string TakeUnreportedFailure()
        {
            if (_state.LastFailureReported || _state.LastFailure.Length == 0)
            {
                return "";
            }
            var next = _state.Copy();
            next.LastFailureReported = true;
            Save(next);
            return next.LastFailure;
        }

        private DpsResult Failed(DpsResult r)
        {
            var next = _state.Copy();
            next.Failures = _state.Failures < 10000 ? _state.Failures + 1 : _state.Failures;
            next.LastFailure = DpsResult.NameOf(r.Outcome) + ": " + r.Reason;
            next.LastFailureReported = false;
            try
            {
                Save(next);
            }
            catch (StorageException)
            {
                // The store is full or failing: the failure is still counted in memory for the backoff.
                _state = next;
            }
            LastResult = r;
            return r;
        }

        private void Save(DpsState next)
        {
            next.Save(_log);
            _state = next;
        }

        // The intermediates named by the settings, else those installed with the identity (an EST-issued chain).
        private byte[] Chain(DpsSettings settings)
        {
            if (settings.IntermediateIds.Length == 0)
            {
                return _store.GetCertificateChain(settings.IdentityCertificateId);
            }
            byte[] leaf = _store.GetCertificate(settings.IdentityCertificateId);
            var parts = new byte[settings.IntermediateIds.Length][];
            int total = leaf.Length;
            for (int i = 0; i < parts.Length; i++)
            {
                parts[i] = _store.GetCertificate(settings.IntermediateIds[i]);
                total += parts[i].Length;
            }
            var chain = new byte[total];
            Array.Copy(leaf, 0, chain, 0, leaf.Length);
            int p = leaf.Length;
            for (int i = 0; i < parts.Length; i++)
            {
                Array.Copy(parts[i], 0, chain, p, parts[i].Length);
                p += parts[i].Length;
            }
            return chain;
        }
    }
}
