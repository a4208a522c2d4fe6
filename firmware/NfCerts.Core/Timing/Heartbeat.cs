using System;

namespace NfCerts.Core.Timing
{
    /// <summary>
    /// A component's signs of life, written by the component and read by a supervisor. It has its own lock, held only for
    /// a field copy, so that it can be read while the component is busy holding its own (a call that hangs holds that).
    /// </summary>
    public sealed class Heartbeat
    {
        private readonly object _sync = new object();
        private bool _running;
        private bool _busy;
        private bool _failed;
        private TimeSpan _lastActivity;
        private TimeSpan _nextDue = TimeSpan.MaxValue;

        /// <summary>True between the component's start and stop.</summary>
        public bool IsRunning
        {
            get { lock (_sync) { return _running; } }
        }

        /// <summary>True while the component does its work (a pass, a check).</summary>
        public bool IsBusy
        {
            get { lock (_sync) { return _busy; } }
        }

        /// <summary>True when the last piece of work failed past the component's own error handling.</summary>
        public bool LastFailed
        {
            get { lock (_sync) { return _failed; } }
        }

        /// <summary>Uptime of the start, or of the start or end of the latest piece of work.</summary>
        public TimeSpan LastActivityUptime
        {
            get { lock (_sync) { return _lastActivity; } }
        }

        /// <summary>Uptime at which the next piece of work is due; MaxValue when none is promised or the component is stopped.</summary>
        public TimeSpan NextDueUptime
        {
            get { lock (_sync) { return _running ? _nextDue : TimeSpan.MaxValue; } }
        }

        /// <summary>The component started at <paramref name="uptime"/>; <paramref name="workDue"/> when it promises work at once.</summary>
        public void Started(TimeSpan uptime, bool workDue)
        {
            lock (_sync)
            {
                _running = true;
                _busy = false;
                _failed = false;
                _lastActivity = uptime;
                _nextDue = workDue ? uptime : TimeSpan.MaxValue;
            }
        }

        /// <summary>The component stopped.</summary>
        public void Stopped()
        {
            lock (_sync)
            {
                _running = false;
                _busy = false;
            }
        }

        /// <summary>Work began at <paramref name="uptime"/>.</summary>
        public void Begin(TimeSpan uptime)
        {
            lock (_sync)
            {
                _busy = true;
                _lastActivity = uptime;
            }
        }

        /// <summary>Work ended at <paramref name="uptime"/>, failed or not.</summary>
        public void End(TimeSpan uptime, bool failed)
        {
            lock (_sync)
            {
                _busy = false;
                _failed = failed;
                _lastActivity = uptime;
            }
        }

        /// <summary>Something happened at <paramref name="uptime"/> that will bring work (a link loss schedules a pass).</summary>
        public void Touch(TimeSpan uptime)
        {
            lock (_sync)
            {
                _lastActivity = uptime;
            }
        }

        /// <summary>The next piece of work is due at <paramref name="uptime"/>.</summary>
        public void Due(TimeSpan uptime)
        {
            lock (_sync)
            {
                _nextDue = uptime;
            }
        }
    }
}
