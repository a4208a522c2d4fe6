using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Core.Timing;
using NfCerts.Core.Wifi;
using NfCerts.Hal;

namespace NfCerts.Core.Renewal
{
    /// <summary>
    /// The two flows of the seed document, driven by timers and surviving reboot and power loss at every step: root CA
    /// rotation through a duplicate network (Network2), and client certificate rotation through ClientCert1/ClientCert2.
    /// </summary>
    /// <remarks>
    /// <para>Checks run after every boot and daily, at a per-device minute inside the policy's window; retries and due
    /// renewals are scheduled in between, and a look right after a certificate was issued when it was decided with the floor
    /// of time or begins after the time decided with (the new certificate dates the issuer's clock: it may settle a clock the
    /// device did not believe, or show one behind). Timers run on uptime; whether the wall clock may be used, and with what
    /// time, is decided by <see cref="ClockJudge"/> (its rules are stated there): time-based decisions wait until the clock is
    /// synchronised, never go back behind what the device knows has passed, and a clock far behind that is not believed
    /// without a second source (<see cref="CorroborateClock(DateTime, TimeSpan)"/>, or the certificate an issuer has just
    /// given: <see cref="CertificateIssued"/>).</para>
    /// <para>Every step is recorded in <see cref="RenewalJournal"/> before and after it is taken. <see cref="Start"/> reads it
    /// and resumes or rolls back: the old credential stays usable until the new one has been proved by a connection. A
    /// journal that cannot be read is set aside (<see cref="RenewalJournal.SetAsideKey"/>) and the engine starts afresh.</para>
    /// <para>Without an <see cref="ICertificateIssuer"/> the root CA flow runs and the client flow reports that it has
    /// no issuer when a renewal is due.</para>
    /// <para>Call <see cref="Start"/> before starting the <see cref="ConnectionManager"/>, so that recovery runs first.</para>
    /// <para><b>Decisions and effects.</b> What to do next and when is decided by pure functions of the facts the engine
    /// reads (<see cref="RenewalDecision"/>, <see cref="CheckSchedule"/>, <see cref="ClockJudge"/>). Everything done to the
    /// device goes through <see cref="IRenewalEffects"/> (<see cref="RenewalDriver"/> on the device), whose members state their
    /// crash rules. The engine itself only gathers facts, asks, calls one effect, and keeps the journal around it:</para>
    /// <list type="bullet">
    /// <item>Getting a certificate (<see cref="IRenewalEffects.Issue"/>) is not journaled; a failure only schedules a retry
    /// (<see cref="RenewalDecision.RetryAt"/>), saved with the reason.</item>
    /// <item>The journal says <see cref="ClientRotationStep.Trial"/> before <see cref="IRenewalEffects.InstallCandidate"/>; a
    /// start that finds Trial calls <see cref="IRenewalEffects.RollBackCandidate"/> and then says Idle.</item>
    /// <item>The journal says <see cref="ClientRotationStep.Proven"/> only after <see cref="IRenewalEffects.TryCandidate"/>
    /// connected; a start that finds Proven calls <see cref="IRenewalEffects.PromoteCandidate"/> and then says Idle.</item>
    /// <item>A root CA notice is saved in the journal before anything else (a C2D message is acknowledged on receipt);
    /// <see cref="IRenewalEffects.PrepareRootCa"/> is redone from it until the journal says WaitingForNetwork2; the journal
    /// says Finishing before <see cref="IRenewalEffects.PromoteRootCa"/>, which is redone until the journal says Idle.</item>
    /// </list>
    /// <para>The crash tests hold both to it (a power cut at every flash write of a renewal and of a rotation).</para>
    /// </remarks>
    public sealed partial class RenewalEngine
    {
        private const long TicksPerDay = 864000000000L;
        /// <summary>Longest reason kept in memory or shown in the status.</summary>
        public const int MaxReasonChars = RenewalJournal.MaxTextBytes;

        private readonly RecordLog _log;
        private readonly IRenewalEffects _effects;
        private readonly IClock _clock;
        private readonly ITimers _timers;
        private readonly RenewalOptions _options;
        private readonly uint _seed;
        private readonly object _sync;
        private RenewalJournal _journal = new RenewalJournal();
        private readonly RenewalStatus _status = new RenewalStatus();
        private readonly OneShotTimer _timer;
        private bool _running;
        private readonly ClockEvidence _evidence = new ClockEvidence();
        private ClockTrust _trust;
        private TimeSpan _lag = TimeSpan.Zero;
        private bool _clockDisagrees;
        private bool _lookAgainSoon;
        private bool _waitingForNetwork1;
        private string _condition = "";
        private string _journalProblem = "";
        private readonly Heartbeat _heartbeat = new Heartbeat();

        /// <summary>Creates the engine on the device's own effects (<see cref="RenewalDriver"/>); <paramref name="deviceSeed"/>
        /// spreads a fleet's check times and retries. <paramref name="issuer"/> may be null: the device has no way to get a
        /// new client certificate yet.</summary>
        public RenewalEngine(RecordLog log, CertStore store, WifiConfig wifi, ConnectionManager manager, ICertificateIssuer? issuer,
            IClock clock, ITimers timers, RenewalOptions options, uint deviceSeed)
            : this(log, new RenewalDriver(store, wifi, manager, issuer, options), clock, timers, options, deviceSeed)
        {
        }

        /// <summary>Creates the engine on <paramref name="effects"/>; the journal is kept in <paramref name="log"/> (the log the
        /// effects' store and configuration live in, so that a journal step and the effect it records share one medium).</summary>
        public RenewalEngine(RecordLog log, IRenewalEffects effects, IClock clock, ITimers timers, RenewalOptions options, uint deviceSeed)
        {
            if (log == null || effects == null || clock == null || timers == null || options == null)
            {
                throw new ArgumentNullException("log");
            }
            string problem = options.Policy.Validate();
            if (problem.Length > 0)
            {
                throw new ArgumentException("renewal policy: " + problem);
            }
            _log = log;
            _effects = effects;
            _clock = clock;
            _timers = timers;
            _options = options;
            _seed = deviceSeed == 0 ? 0x9E3779B9u : deviceSeed;
            // One lock with the connection manager: both drive the same configuration, store and log.
            _sync = effects.SyncRoot;
            _timer = new OneShotTimer(timers, OnTimer);
            effects.StepReached += OnEffectStep;
        }

        /// <summary>Raised at each step of the flows.</summary>
        public event RenewalStepHandler? StepReached;

        /// <summary>A snapshot of the engine's state.</summary>
        public RenewalStatus Status
        {
            get
            {
                lock (_sync)
                {
                    var s = new RenewalStatus();
                    s.State = _status.State;
                    s.NextCheckUtc = _status.NextCheckUtc;
                    s.LastResult = _journal.LastResult;
                    s.LastReason = _condition.Length > 0 ? _condition : _journal.LastReason;
                    s.ClientCertDaysLeft = _status.ClientCertDaysLeft;
                    s.RootCaDaysLeft = _status.RootCaDaysLeft;
                    s.ClientRenewAtUtc = _status.ClientRenewAtUtc;
                    s.ThresholdClamped = _status.ThresholdClamped;
                    s.ClockTrusted = _trust == ClockTrust.Believed;
                    s.Clock = _trust;
                    s.ClockLag = _lag;
                    s.JournalSetAside = _journalProblem;
                    s.Renewals = _journal.Renewals;
                    s.Rollbacks = _journal.Rollbacks;
                    s.ConsecutiveFailures = _journal.ClientFailures;
                    return s;
                }
            }
        }

        /// <summary>The journal as last written (for diagnostics and tests).</summary>
        public RenewalJournal Journal
        {
            get { return _journal; }
        }

        /// <summary>Reads the journal, finishes or rolls back an interrupted step, and schedules the boot check.</summary>
        public void Start()
        {
            lock (_sync)
            {
                if (_running)
                {
                    return;
                }
                _running = true;
                // Due now: if anything below throws, a supervisor sees the boot check overdue and restarts the engine.
                _heartbeat.Started(_clock.Uptime, true);
                _journal = RenewalJournal.LoadOrSetAside(_log, out _journalProblem);
                Recover();
                _timer.Schedule(TimeSpan.Zero);
            }
        }

        /// <summary>Signs of life for a supervisor, readable while a check runs: running, checking (busy), whether the last
        /// check threw past the flows' own handling, and when the next check is due (a time well past means the engine's
        /// timer is gone).</summary>
        public Heartbeat Heartbeat
        {
            get { return _heartbeat; }
        }

        /// <summary>Stops the timers.</summary>
        public void Stop()
        {
            lock (_sync)
            {
                _running = false;
                _heartbeat.Stopped();
                _timer.Cancel();
            }
        }

        /// <summary>Runs the check now (what the daily timer runs).</summary>
        public void CheckNow()
        {
            lock (_sync)
            {
                RunCheck();
            }
        }

        /// <summary>
        /// The device has just connected to <paramref name="configName"/> (the connection manager's event). When the last
        /// check found the client certificate due but the device off Network1, the check runs again
        /// <see cref="CheckSchedule.MinimumWait"/> from now, on the engine's timer: a renewal that waited for the network
        /// goes on when the network is back, not at the next daily slot (which may be after a short-lived certificate
        /// expired). Nothing else moves the schedule.
        /// </summary>
        public void NetworkConnected(string configName)
        {
            lock (_sync)
            {
                if (!_running || !_waitingForNetwork1 || configName != _options.Network1)
                {
                    return;
                }
                _waitingForNetwork1 = false;
                _timer.Schedule(CheckSchedule.MinimumWait);
                _heartbeat.Due(_clock.Uptime + CheckSchedule.MinimumWait);
            }
        }

        // ---- scheduling ---------------------------------------------------------------------------------

        private void OnTimer(object? state)
        {
            lock (_sync)
            {
                if (_running)
                {
                    RunCheck();
                }
            }
        }

        private void RunCheck()
        {
            _heartbeat.Begin(_clock.Uptime);
            bool ok = true;
            try
            {
                ok = RunCheckGuarded();
            }
            finally
            {
                // An exception out of here (no timer for the next check) shows as an overdue check instead.
                _heartbeat.End(_clock.Uptime, !ok);
            }
        }

        /// <summary>The check; false when a flow threw past its own handling.</summary>
        private bool RunCheckGuarded()
        {
            DateTime now = DateTime.MinValue;
            bool trusted = false;
            bool failed = false;
            // Conditions are re-established by each check: a reason that stopped being true goes with it.
            _condition = "";
            _waitingForNetwork1 = false;
            // The two flows fail separately: a stuck root CA rotation must not stop client renewals, nor the reverse.
            try
            {
                RunRootGuarded();
            }
            catch (Exception e)
            {
                failed = true;
                _status.State = RenewalState.Failed;
                Condition("root CA check failed: " + e.Message);
            }
            try
            {
                trusted = TryTrustedNow(out now);
                if (trusted)
                {
                    RunClient(now);
                }
                else if (_status.State != RenewalState.WaitingForNetwork2)
                {
                    _status.State = RenewalState.Idle;
                }
            }
            catch (Exception e)
            {
                failed = true;
                _status.State = RenewalState.Failed;
                Condition("client certificate check failed: " + e.Message);
            }
            if (_running)
            {
                ScheduleNext(trusted, now);
            }
            return !failed;
        }

        /// <summary>Says why the engine waits or failed in this check (kept in memory, cleared by the next check).</summary>
        private void Condition(string reason)
        {
            _condition = BoundedText.Truncate(reason, MaxReasonChars, "...");
        }

        private void ScheduleNext(bool trusted, DateTime now)
        {
            DateTime next;
            // Without a decision time (not synchronised, a jump to confirm, or the look itself failed) only the wait differs.
            ClockTrust trust = trusted ? ClockTrust.Believed
                : _trust == ClockTrust.JumpUnconfirmed ? ClockTrust.JumpUnconfirmed : ClockTrust.Unsynchronised;
            TimeSpan delay = CheckSchedule.Next(trust, now,
                trusted ? NextDailySlot(now) : DateTime.MinValue, new DateTime(_journal.NextClientAttemptTicks, DateTimeKind.Utc),
                _status.ClientRenewAtUtc, out next);
            if (_lookAgainSoon && trusted)
            {
                _lookAgainSoon = false;
                delay = CheckSchedule.MinimumWait;
                next = now + delay;
            }
            _status.NextCheckUtc = next;
            _timer.Schedule(delay);
            _heartbeat.Due(_clock.Uptime + delay);
        }

        /// <summary>The next occurrence, after <paramref name="now"/>, of this device's minute in the daily window.</summary>
        public DateTime NextDailySlot(DateTime now)
        {
            return CheckSchedule.DailySlot(_options.Policy, _seed, now);
        }

        // ---- shared helpers -----------------------------------------------------------------------------------

        private void OnEffectStep(object sender, string name)
        {
            Step(name);
        }

        private void Step(string name)
        {
            var h = StepReached;
            if (h != null)
            {
                h(this, name);
            }
        }

        private void SaveJournal()
        {
            try
            {
                _journal.Save(_log);
            }
            catch (Exception)
            {
                // Keep memory in step with flash where flash can still be read; a dead flash means a reboot anyway.
                try
                {
                    _journal = RenewalJournal.Load(_log);
                }
                catch (Exception)
                {
                }
                throw;
            }
        }

        private static int DaysLeft(DateTime notAfter, DateTime now)
        {
            long t = (notAfter - now).Ticks;
            long d = t / TicksPerDay;
            if (t < 0 && t % TicksPerDay != 0)
            {
                d--;
            }
            return (int)d;
        }
    }
}
