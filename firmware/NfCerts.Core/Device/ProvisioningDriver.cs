using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Est;
using NfCerts.Core.Hub;
using NfCerts.Core.Json;
using NfCerts.Core.Provisioning;
using NfCerts.Core.Renewal;
using NfCerts.Core.Storage;
using NfCerts.Core.Timing;
using NfCerts.Hal;

namespace NfCerts.Core.Device
{
    /// <summary>Raised when provisioning settled on a hub (<paramref name="settings"/>, saved in the store): the runtime
    /// points its hub client at it. <paramref name="registered"/> is true after a registration with DPS (not a stored
    /// assignment).</summary>
    public delegate void HubAssignedHandler(object sender, HubSettings settings, bool registered);

    /// <summary>Raised when an EST enrollment installed the identity certificate, valid from <paramref name="notBefore"/>: a
    /// certificate just issued dates the issuer's clock (see <see cref="RenewalEngine.CertificateIssued"/>).</summary>
    public delegate void IdentityEnrolledHandler(object sender, DateTime notBefore);

    /// <summary>
    /// A fresh device's way to its hub, and its provisioning life after that, on a one-shot timer (never in the boot path):
    /// with Wi-Fi up, <b>EST enrollment</b> when the identity certificate (ClientCert1) is missing, through the issuer with
    /// the bootstrap credential, installed as ClientCert1 in one atomic commit; then <b>DPS</b> (<see cref="DpsProvisioner"/>)
    /// when there is no assignment, a reprovision was asked, or the identity's registration ID changed; then the hub
    /// settings (<see cref="HubAssigned"/>). Each failure retries after the capped, jittered backoff
    /// (<see cref="DeviceJitter.CappedBackoff"/>), never sooner than the server's retry-after; a refusal that is not
    /// retryable (an issued certificate the device refuses, say) waits the longest of them (<see cref="MaxBackoff"/>) at once,
    /// as the renewal engine's do (<see cref="RenewalDecision.RetryAt"/>), so that a cause that will not clear by itself does
    /// not cost an enrollment with a new key every few minutes.
    /// </summary>
    /// <remarks>
    /// <para>Resumable from the store alone: what is done is what the store holds (ClientCert1, <see cref="DpsState"/>
    /// together with <see cref="HubSettings"/> in one commit), so a power cut at any write repeats at most the step it cut.
    /// ClientCert1 goes straight in, not through ClientCert2 and the rotation flow: that flow keeps an old credential usable
    /// until the new one is proved, and here there is none to keep: the bootstrap certificate stays untouched under its own
    /// ID, so a ClientCert1 that does not work is replaced by enrolling again, and the renewal engine rotates it from then
    /// on.</para>
    /// <para>Threads: the work runs on the driver's timer; the store is touched only under the store's lock, which is not
    /// held while DPS is talked to (an EST enrollment holds it, as the renewal engine's issuance does).</para>
    /// </remarks>
    public sealed class ProvisioningDriver
    {
        /// <summary>The supervisor's and the report's name.</summary>
        public const string Component = "provisioning";

        private readonly RecordLog _log;
        private readonly CertStore _store;
        private readonly IWifiRadio _radio;
        private readonly IClock _clock;
        private readonly object _storeLock;
        private readonly uint _seed;
        private readonly string _identityId;
        private readonly ICertificateIssuer? _enroller;
        private readonly DpsProvisioner? _dps;
        private readonly OneShotTimer _timer;
        private readonly Heartbeat _heartbeat = new Heartbeat();
        private readonly object _sync = new object();
        private bool _running;
        private string _state = "idle";
        private string _lastFailure = "";
        private int _enrollFailures;
        private int _refusals;
        private int _enrollments;
        private int _attempts;
        private TimeSpan _nextAttempt = TimeSpan.MaxValue;
        private TimeSpan _resumeAt = TimeSpan.MaxValue;

        /// <summary>Creates the driver; <paramref name="enroller"/> (EST) and <paramref name="dps"/> may each be null.</summary>
        public ProvisioningDriver(RecordLog log, CertStore store, IWifiRadio radio, IClock clock, ITimers timers, object storeLock,
            uint seed, string identityId, ICertificateIssuer? enroller, DpsProvisioner? dps)
        {
            if (log == null || store == null || radio == null || clock == null || timers == null || storeLock == null || identityId == null)
            {
                throw new ArgumentNullException("log");
            }
            _log = log;
            _store = store;
            _radio = radio;
            _clock = clock;
            _storeLock = storeLock;
            _seed = seed == 0 ? 0x9E3779B9u : seed;
            _identityId = identityId;
            _enroller = enroller;
            _dps = dps;
            _timer = new OneShotTimer(timers, OnTimer);
            if (dps != null)
            {
                dps.JitterSeed = _seed;
            }
        }

        /// <summary>First delay after a failed enrollment, before jitter (DPS uses its provisioner's). Default 30 s.</summary>
        public TimeSpan InitialBackoff = TimeSpan.FromSeconds(30);
        /// <summary>Longest delay between attempts, before jitter. Default 1 hour.</summary>
        public TimeSpan MaxBackoff = TimeSpan.FromHours(1);
        /// <summary>How often a driver waiting for Wi-Fi looks again if no network-up notice came. Default 1 minute.</summary>
        public TimeSpan NetworkPoll = TimeSpan.FromMinutes(1);

        /// <summary>Raised on the driver's timer when provisioning settled on a hub.</summary>
        public event HubAssignedHandler? HubAssigned;

        /// <summary>Raised on the driver's timer, outside the store's lock, when an EST enrollment installed the identity.</summary>
        public event IdentityEnrolledHandler? IdentityEnrolled;

        /// <summary>Signs of life for the supervisor (<see cref="ProvisioningWatch"/>).</summary>
        public Heartbeat Heartbeat
        {
            get { return _heartbeat; }
        }

        /// <summary>The DPS side; null on a device without DPS settings or an MQTT transport.</summary>
        public DpsProvisioner? Dps
        {
            get { return _dps; }
        }

        /// <summary>Where provisioning stands: <c>idle</c>, <c>waitingForNetwork</c>, <c>enrolling</c>, <c>registering</c>,
        /// <c>retrying</c>, <c>assigned</c> or <c>done</c> (nothing to do: no DPS).</summary>
        public string State
        {
            get { lock (_sync) { return _state; } }
        }

        /// <summary>EST enrollments this driver made (since boot).</summary>
        public int Enrollments
        {
            get { lock (_sync) { return _enrollments; } }
        }

        /// <summary>Attempts this driver ran that talked to a server (EST or DPS), since boot.</summary>
        public int Attempts
        {
            get { lock (_sync) { return _attempts; } }
        }

        /// <summary>Uptime of the next attempt; <see cref="TimeSpan.MaxValue"/> when none is scheduled.</summary>
        public TimeSpan NextAttemptUptime
        {
            get { lock (_sync) { return _nextAttempt; } }
        }

        /// <summary>Why the last attempt failed (EST or DPS); empty after a success.</summary>
        public string LastFailure
        {
            get { lock (_sync) { return _lastFailure; } }
        }

        /// <summary>Starts: a first look now, or, after a <see cref="Stop"/> with a retry pending (a supervisor restart),
        /// at that retry's time, so a restart never skips the backoff.</summary>
        public void Start()
        {
            lock (_sync)
            {
                if (_running)
                {
                    return;
                }
                _running = true;
                TimeSpan now = _clock.Uptime;
                TimeSpan due = _resumeAt != TimeSpan.MaxValue && _resumeAt > now ? _resumeAt - now : TimeSpan.Zero;
                _resumeAt = TimeSpan.MaxValue;
                _heartbeat.Started(now, true);
                Schedule(due);
            }
        }

        /// <summary>Stops; an attempt in progress finishes, nothing more is scheduled.</summary>
        public void Stop()
        {
            lock (_sync)
            {
                _running = false;
                _timer.Cancel();
                _resumeAt = _nextAttempt;
                _nextAttempt = TimeSpan.MaxValue;
                _heartbeat.Stopped();
            }
        }

        /// <summary>Wi-Fi is up: a driver waiting for it tries now.</summary>
        public void NetworkAvailable()
        {
            lock (_sync)
            {
                if (_running && _state == "waitingForNetwork")
                {
                    Schedule(TimeSpan.Zero);
                }
            }
        }

        /// <summary>Asks for a new DPS registration, kept on flash with <paramref name="reason"/>. A hub refusal
        /// (<paramref name="hubRefused"/>) that repeats without a hub connection in between is spaced by the backoff, so a
        /// hub and DPS that disagree are not hammered. Empty when queued, else why not (no DPS).</summary>
        public string RequestReprovision(string reason, bool hubRefused)
        {
            DpsProvisioner? dps = _dps;
            if (dps == null)
            {
                return "this device is not provisioned through DPS (no DPS settings or no MQTT transport)";
            }
            lock (_storeLock)
            {
                // A request already kept is not written again (a hub that keeps refusing costs no flash).
                if (dps.State.ReprovisionReason.Length == 0)
                {
                    dps.RequestReprovision(reason);
                }
            }
            lock (_sync)
            {
                TimeSpan after = TimeSpan.Zero;
                if (hubRefused)
                {
                    _refusals++;
                    after = _refusals <= 1 ? TimeSpan.Zero : DeviceJitter.CappedBackoff(InitialBackoff, MaxBackoff, _refusals - 1, _seed);
                }
                if (_running)
                {
                    Schedule(after);
                }
            }
            return "";
        }

        /// <summary>The hub accepted the device: refusals start afresh, and a DPS failure not yet reported is taken for the
        /// report (marked reported on flash).</summary>
        public void HubConnected()
        {
            lock (_sync)
            {
                _refusals = 0;
            }
            DpsProvisioner? dps = _dps;
            if (dps != null)
            {
                try
                {
                    lock (_storeLock)
                    {
                        dps.TakeUnreportedFailure();
                    }
                }
                catch (StorageException)
                {
                    // Reported all the same (the state's lastFailure); marked next time.
                }
            }
        }

        /// <summary>The reported <c>provisioning</c> object.</summary>
        public string ReportJson()
        {
            var w = new JsonWriter().BeginObject();
            lock (_sync)
            {
                w.Name("state").Value(_state);
                w.Name("lastFailure").Value(_lastFailure);
                w.Name("enrollments").Value(_enrollments);
            }
            DpsProvisioner? dps = _dps;
            DpsState s = dps == null ? new DpsState() : dps.State;
            w.Name("assignedHub").Value(s.AssignedHub);
            w.Name("deviceId").Value(s.DeviceId);
            w.Name("registrationId").Value(s.RegistrationId);
            w.Name("reprovisionReason").Value(s.ReprovisionReason);
            w.Name("dpsFailures").Value(s.Failures);
            w.Name("lastDpsFailure").Value(s.LastFailure);
            return w.EndObject().ToString();
        }

        // Under _sync.
        private void Schedule(TimeSpan after)
        {
            try
            {
                _timer.Schedule(after);
                _nextAttempt = _clock.Uptime + after;
            }
            catch (Exception e)
            {
                // No timer: the watch restarts the driver.
                _nextAttempt = TimeSpan.MaxValue;
                _lastFailure = "the provisioning timer could not be started: " + e.Message;
            }
            _heartbeat.Due(_nextAttempt);
        }

        private void OnTimer(object? state)
        {
            lock (_sync)
            {
                _nextAttempt = TimeSpan.MaxValue;
                _heartbeat.Due(TimeSpan.MaxValue);
                if (!_running)
                {
                    return;
                }
                _heartbeat.Begin(_clock.Uptime);
            }
            bool failed = false;
            try
            {
                Work();
            }
            catch (Exception e)
            {
                // Past the steps' own handling (a store that fails): retried on the backoff, and the watch sees it.
                failed = true;
                Retry("provisioning failed: " + e.Message, ++_enrollFailures, TimeSpan.Zero, false);
            }
            _heartbeat.End(_clock.Uptime, failed);
        }

        private void Work()
        {
            bool needsEnrollment;
            bool needsDps;
            lock (_storeLock)
            {
                needsEnrollment = _enroller != null && !_store.ContainsCertificate(_identityId) && _log.Contains(EstSettings.LogKey);
                needsDps = _dps != null && _dps.Decide() == DpsDecision.Provision;
            }
            if ((needsEnrollment || needsDps) && !_radio.IsConnected)
            {
                lock (_sync)
                {
                    _state = "waitingForNetwork";
                    if (_running)
                    {
                        Schedule(NetworkPoll);
                    }
                }
                return;
            }
            if (needsEnrollment && !Enroll())
            {
                return;
            }
            if (_dps == null)
            {
                Settle("done");
                if (needsEnrollment)
                {
                    // The hub client may be backing off after "no client certificate": the new identity is worth a try now.
                    HubSettings stored;
                    bool known;
                    lock (_storeLock)
                    {
                        known = HubSettings.TryLoad(_log, out stored);
                    }
                    var assigned = HubAssigned;
                    if (known && assigned != null)
                    {
                        assigned(this, stored, true);
                    }
                }
                return;
            }
            Register(needsDps || needsEnrollment);
        }

        /// <summary>EST enrollment of the identity; false (and a retry scheduled) when it failed.</summary>
        private bool Enroll()
        {
            SetState("enrolling");
            CountAttempt();
            var request = new IssueRequest();
            request.CurrentCertificateId = _identityId;
            TimeSpan retryAfter = TimeSpan.Zero;
            bool fatal = false;
            string failure = "";
            DateTime notBefore = DateTime.MinValue;
            lock (_storeLock)
            {
                try
                {
                    IssuedCredential issued = _enroller!.Issue(request);
                    try
                    {
                        byte[] certificate = issued.Chain == null || issued.Chain.Length == 0 ? issued.Certificate
                            : CertificateChain.Join(CertStore.DecodeCertificate(issued.Certificate), issued.Chain);
                        // One commit: certificate, key (sealed) and chain, or nothing.
                        _store.InstallClientCertificate(_identityId, certificate, issued.PrivateKey, null);
                    }
                    finally
                    {
                        Array.Clear(issued.PrivateKey, 0, issued.PrivateKey.Length);
                    }
                    notBefore = _store.GetCertificateNotBefore(_identityId);
                }
                catch (IssuerException e)
                {
                    failure = "EST enrollment refused: " + e.Message;
                    retryAfter = e.RetryAfter;
                    fatal = !e.Retryable;
                }
                catch (Exception e)
                {
                    failure = "EST enrollment failed: " + e.Message;
                }
            }
            if (failure.Length > 0)
            {
                Retry(failure, ++_enrollFailures, retryAfter, fatal);
                return false;
            }
            lock (_sync)
            {
                _enrollFailures = 0;
                _enrollments++;
                _lastFailure = "";
            }
            var enrolled = IdentityEnrolled;
            if (enrolled != null)
            {
                enrolled(this, notBefore);
            }
            return true;
        }

        /// <summary>DPS (a registration only when <paramref name="needed"/>; else the stored assignment), then the hub.</summary>
        private void Register(bool needed)
        {
            DpsProvisioner dps = _dps!;
            if (needed)
            {
                SetState("registering");
                CountAttempt();
            }
            DpsResult r = dps.Run(_storeLock);
            if (!r.Succeeded)
            {
                Retry("DPS: " + DpsResult.NameOf(r.Outcome) + ": " + r.Reason, 0, TimeSpan.Zero, false);
                return;
            }
            HubSettings settings;
            lock (_storeLock)
            {
                settings = DpsProvisioner.HubSettingsFor(_log, dps.State);
                HubSettings stored;
                if (!HubSettings.TryLoad(_log, out stored) || stored.HostName != settings.HostName || stored.DeviceId != settings.DeviceId)
                {
                    // Not after a registration (the assignment's commit wrote these very settings), only for a stored
                    // assignment whose settings are missing (a store written before DPS wrote both in one commit) or were
                    // changed by an operator: DPS's wins, written once (equal from then on).
                    settings.Save(_log);
                }
            }
            Settle("assigned");
            var h = HubAssigned;
            if (h != null)
            {
                // A new registration or a new identity: the hub client tries now rather than at the end of its backoff.
                h(this, settings, r.Requests > 0 || needed);
            }
        }

        private void Retry(string failure, int failures, TimeSpan retryAfter, bool fatal)
        {
            lock (_sync)
            {
                _lastFailure = BoundedText.Truncate(failure, DpsState.MaxTextChars, "...");
                _state = "retrying";
                if (!_running)
                {
                    return;
                }
                TimeSpan delay;
                if (failures == 0 && _dps != null)
                {
                    delay = _dps.NextAttemptDelay;
                }
                else
                {
                    // Not retryable: the longest wait from the first failure on (jittered all the same).
                    delay = DeviceJitter.CappedBackoff(fatal ? MaxBackoff : InitialBackoff, MaxBackoff, failures, _seed);
                    delay = delay < retryAfter ? retryAfter : delay;
                }
                Schedule(delay);
            }
        }

        private void Settle(string state)
        {
            lock (_sync)
            {
                _state = state;
                _lastFailure = "";
            }
        }

        private void SetState(string state)
        {
            lock (_sync)
            {
                _state = state;
            }
        }

        private void CountAttempt()
        {
            lock (_sync)
            {
                _attempts++;
            }
        }
    }
}
