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
    /// renewals are scheduled in between. Timers run on uptime; time-based decisions wait until the clock is synchronised,
    /// never go back behind the latest trusted time seen, and a forward jump within a boot is confirmed six hours later
    /// before it is believed.</para>
    /// <para>Every step is recorded in <see cref="RenewalJournal"/> before and after it is taken. <see cref="Start"/> reads it
    /// and resumes or rolls back: the old credential stays usable until the new one has been proved by a connection. A
    /// journal that cannot be read is set aside (<see cref="RenewalJournal.SetAsideKey"/>) and the engine starts afresh.</para>
    /// <para>Call <see cref="Start"/> before starting the <see cref="ConnectionManager"/>, so that recovery runs first.</para>
    /// </remarks>
    public sealed partial class RenewalEngine
    {
        private static readonly TimeSpan SyncWait = TimeSpan.FromMinutes(1);
        /// <summary>How long a forward jump must last before it is believed: several SNTP intervals (ESP-IDF: 1 h).</summary>
        private static readonly TimeSpan JumpConfirm = TimeSpan.FromHours(6);
        private const long TicksPerDay = 864000000000L;

        private readonly RecordLog _log;
        private readonly CertStore _store;
        private readonly WifiConfig _wifi;
        private readonly ConnectionManager _manager;
        private readonly ICertificateIssuer _issuer;
        private readonly IClock _clock;
        private readonly ITimers _timers;
        private readonly RenewalOptions _options;
        private readonly uint _seed;
        private readonly object _sync;
        private RenewalJournal _journal = new RenewalJournal();
        private readonly RenewalStatus _status = new RenewalStatus();
        private readonly OneShotTimer _timer;
        private bool _running;
        private bool _haveLastCheck;
        private DateTime _lastCheckWall;
        private TimeSpan _lastCheckUptime;
        private bool _jumpSuspect;
        private long _jumpSkew;
        private bool _clockDisagrees;
        private string _journalProblem = "";

        /// <summary>Creates the engine; <paramref name="deviceSeed"/> spreads a fleet's check times and retries.</summary>
        public RenewalEngine(RecordLog log, CertStore store, WifiConfig wifi, ConnectionManager manager, ICertificateIssuer issuer,
            IClock clock, ITimers timers, RenewalOptions options, uint deviceSeed)
        {
            if (log == null || store == null || wifi == null || manager == null || issuer == null || clock == null || timers == null || options == null)
            {
                throw new ArgumentNullException("log");
            }
            string problem = options.Policy.Validate();
            if (problem.Length > 0)
            {
                throw new ArgumentException("renewal policy: " + problem);
            }
            _log = log;
            _store = store;
            _wifi = wifi;
            _manager = manager;
            _issuer = issuer;
            _clock = clock;
            _timers = timers;
            _options = options;
            _seed = deviceSeed == 0 ? 0x9E3779B9u : deviceSeed;
            // One lock with the connection manager: both drive the same configuration, store and log.
            _sync = manager.SyncRoot;
            _timer = new OneShotTimer(timers, OnTimer);
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
                    s.LastReason = _journal.LastReason;
                    s.ClientCertDaysLeft = _status.ClientCertDaysLeft;
                    s.RootCaDaysLeft = _status.RootCaDaysLeft;
                    s.ClientRenewAtUtc = _status.ClientRenewAtUtc;
                    s.ThresholdClamped = _status.ThresholdClamped;
                    s.ClockTrusted = _status.ClockTrusted;
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
                _journal = RenewalJournal.LoadOrSetAside(_log, out _journalProblem);
                Recover();
                _timer.Schedule(TimeSpan.Zero);
            }
        }

        /// <summary>Stops the timers.</summary>
        public void Stop()
        {
            lock (_sync)
            {
                _running = false;
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
            DateTime now = DateTime.MinValue;
            bool trusted = false;
            // The two flows fail separately: a stuck root CA rotation must not stop client renewals, nor the reverse.
            try
            {
                RunRootGuarded();
            }
            catch (Exception e)
            {
                _status.State = RenewalState.Failed;
                _journal.LastReason = "root CA check failed: " + e.Message;
            }
            try
            {
                trusted = TryTrustedNow(out now);
                _status.ClockTrusted = trusted;
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
                _status.State = RenewalState.Failed;
                _journal.LastReason = "client certificate check failed: " + e.Message;
            }
            if (_running)
            {
                ScheduleNext(trusted, now);
            }
        }

        private void ScheduleNext(bool trusted, DateTime now)
        {
            if (!trusted)
            {
                _status.NextCheckUtc = DateTime.MinValue;
                _timer.Schedule(_clock.IsSynchronized ? JumpConfirm : SyncWait);
                return;
            }
            DateTime next = NextDailySlot(now);
            if (_journal.NextClientAttemptTicks > now.Ticks && _journal.NextClientAttemptTicks < next.Ticks)
            {
                next = new DateTime(_journal.NextClientAttemptTicks, DateTimeKind.Utc);
            }
            if (_status.ClientRenewAtUtc > now && _status.ClientRenewAtUtc < next)
            {
                next = _status.ClientRenewAtUtc;
            }
            _status.NextCheckUtc = next;
            TimeSpan delay = next - now;
            _timer.Schedule(delay < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : delay);
        }

        /// <summary>The next occurrence, after <paramref name="now"/>, of this device's minute in the daily window.</summary>
        public DateTime NextDailySlot(DateTime now)
        {
            var p = _options.Policy;
            int length = p.WindowEndMinute - p.WindowStartMinute;
            if (length <= 0)
            {
                length += 1440;
            }
            int minute = (p.WindowStartMinute + (int)(DeviceJitter.Mix(_seed) % (uint)length)) % 1440;
            long day = now.Ticks - now.Ticks % TicksPerDay;
            long at = day + minute * TimeSpan.TicksPerMinute;
            if (at <= now.Ticks)
            {
                at += TicksPerDay;
            }
            return new DateTime(at, DateTimeKind.Utc);
        }

        // ---- time ------------------------------------------------------------------------------------------

        /// <summary>
        /// The time to decide with, if the wall clock can be trusted now. Within a boot, time measured by uptime since the
        /// last trusted look is a floor (a backward jump changes nothing) and a forward jump of over a day is believed only
        /// when it is still there six hours later; across boots, the latest trusted time seen is a floor (unless the clock is
        /// more than 30 days behind it, which means that time was wrong).
        /// </summary>
        private bool TryTrustedNow(out DateTime now)
        {
            now = DateTime.MinValue;
            if (!_clock.IsSynchronized)
            {
                _journal.LastReason = "waiting for the clock to be synchronised";
                return false;
            }
            DateTime wall = _clock.UtcNow;
            TimeSpan up = _clock.Uptime;
            if (_haveLastCheck)
            {
                DateTime expected = _lastCheckWall + (up - _lastCheckUptime);
                long skew = (wall - expected).Ticks;
                if (skew > TicksPerDay)
                {
                    long diff = skew - _jumpSkew;
                    if (!_jumpSuspect || diff > TimeSpan.TicksPerHour || diff < -TimeSpan.TicksPerHour)
                    {
                        _jumpSuspect = true;
                        _jumpSkew = skew;
                        _journal.LastReason = "the wall clock jumped forward; waiting to confirm it";
                        return false;
                    }
                }
                else if (wall < expected)
                {
                    wall = expected;
                }
            }
            _jumpSuspect = false;
            long hw = _journal.HighWaterTicks;
            if (wall.Ticks < hw && hw - wall.Ticks < 30 * TicksPerDay)
            {
                wall = new DateTime(hw, DateTimeKind.Utc);
            }
            _haveLastCheck = true;
            _lastCheckWall = wall;
            _lastCheckUptime = up;
            now = wall;
            if (wall.Ticks > hw + TicksPerDay / 2 || wall.Ticks < hw)
            {
                _journal.HighWaterTicks = wall.Ticks;
                SaveJournal();
            }
            return true;
        }

        // ---- shared helpers -----------------------------------------------------------------------------------

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
                    _journal = RenewalJournal.LoadOrSetAside(_log, out _journalProblem);
                }
                catch (Exception)
                {
                }
                throw;
            }
        }

        private int NetworkId(string configName)
        {
            try
            {
                return _wifi.GetNetworkIdByConfigName(configName);
            }
            catch (WifiConfigException)
            {
                return -1;
            }
        }

        private bool ConnectedTo(string configName)
        {
            int connected;
            int id = NetworkId(configName);
            return id >= 0 && _wifi.TryGetConnectedNetworkId(out connected) && connected == id;
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
