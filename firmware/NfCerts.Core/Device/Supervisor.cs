using System;
using System.Collections;
using NfCerts.Hal;

namespace NfCerts.Core.Device
{
    /// <summary>A component a <see cref="Supervisor"/> watches. Both members are called on the supervisor's timer and must
    /// not wait for the component's own lock unless the component is known not to hold it (a hung call holds it forever).</summary>
    public interface ISupervised
    {
        /// <summary>Short name, used as the fault's component.</summary>
        string Name { get; }

        /// <summary>Empty when healthy; else the symptom, with <paramref name="restart"/> true when <see cref="Restart"/>
        /// can cure it (false: only report it, e.g. a call that has not returned and cannot be interrupted).</summary>
        string Check(TimeSpan uptime, out bool restart);

        /// <summary>Stops and starts the component from its persisted state.</summary>
        void Restart();
    }

    /// <summary>
    /// A watchdog for components, not for the board: every <see cref="Period"/> it asks each component whether it is stuck
    /// and restarts the one that is, reporting it in the fault list. A component that sticks again is restarted after one
    /// period at the earliest, then two, four, ... up to 64 periods, so that a persistent fault does not thrash; the backoff
    /// starts afresh once the component has been healthy for 64 periods since its last restart.
    /// </summary>
    /// <remarks>The supervisor runs on <see cref="ITimers"/> like the components, and the HAL's timers run callbacks one
    /// at a time (NanoTimers under one lock): a callback that never returned would hold the supervisor's too. So blocking
    /// calls are bounded where they are made (<see cref="BoundedRadio"/> for the radio driver, timeouts on network I/O),
    /// and the supervisor's part is the components whose timers died, whose checks keep failing, or that missed an
    /// event; a hang it can see (a connect that has not returned) is reported, not cured.</remarks>
    public sealed class Supervisor
    {
        private const int MaxBackoffShift = 6;

        private readonly IClock _clock;
        private readonly ITimers _timers;
        private readonly FaultList _faults;
        private readonly object _sync = new object();
        private readonly ArrayList _entries = new ArrayList();
        private ITimerHandle? _handle;

        /// <summary>Creates a supervisor that looks every <paramref name="period"/> (positive).</summary>
        public Supervisor(IClock clock, ITimers timers, TimeSpan period, FaultList faults)
        {
            if (clock == null || timers == null || faults == null)
            {
                throw new ArgumentNullException("clock");
            }
            if (period <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException("period");
            }
            _clock = clock;
            _timers = timers;
            _faults = faults;
            Period = period;
        }

        /// <summary>How often the components are checked.</summary>
        public TimeSpan Period { get; private set; }

        /// <summary>Adds a component to watch.</summary>
        public void Add(ISupervised component)
        {
            lock (_sync)
            {
                _entries.Add(new Entry(component));
            }
        }

        /// <summary>Forgets every component (they are being replaced).</summary>
        public void Clear()
        {
            lock (_sync)
            {
                _entries.Clear();
            }
        }

        /// <summary>Starts the periodic checks.</summary>
        public void Start()
        {
            lock (_sync)
            {
                if (_handle == null)
                {
                    _handle = _timers.StartPeriodic(Period, Period, OnTimer, null);
                }
            }
        }

        /// <summary>Stops the periodic checks.</summary>
        public void Stop()
        {
            lock (_sync)
            {
                if (_handle != null)
                {
                    _handle.Cancel();
                    _handle = null;
                }
            }
        }

        /// <summary>How many times the component named <paramref name="name"/> was restarted.</summary>
        public int GetRestartCount(string name)
        {
            lock (_sync)
            {
                for (int i = 0; i < _entries.Count; i++)
                {
                    var e = (Entry)_entries[i]!;
                    if (e.Component.Name == name)
                    {
                        return e.Restarts;
                    }
                }
                return 0;
            }
        }

        /// <summary>Checks every component now (what the timer runs).</summary>
        public void CheckNow()
        {
            Entry[] entries;
            lock (_sync)
            {
                entries = new Entry[_entries.Count];
                _entries.CopyTo(entries, 0);
            }
            for (int i = 0; i < entries.Length; i++)
            {
                CheckOne(entries[i]);
            }
        }

        private void CheckOne(Entry e)
        {
            TimeSpan now = _clock.Uptime;
            string symptom;
            bool restart;
            try
            {
                symptom = e.Component.Check(now, out restart);
            }
            catch (Exception ex)
            {
                symptom = "its health check failed: " + ex.Message;
                restart = false;
            }
            if (symptom.Length == 0)
            {
                // Healthy for the longest backoff since the last restart: the next symptom starts the backoff afresh.
                if (e.Strikes > 0 && now - e.LastRestart >= TimeSpan.FromTicks(Period.Ticks << MaxBackoffShift))
                {
                    e.Strikes = 0;
                }
                return;
            }
            if (!restart)
            {
                _faults.Report(e.Component.Name, symptom);
                return;
            }
            if (now < e.NextAllowed)
            {
                return;
            }
            int shift = e.Strikes < MaxBackoffShift ? e.Strikes : MaxBackoffShift;
            e.Strikes++;
            e.LastRestart = now;
            e.NextAllowed = now + TimeSpan.FromTicks(Period.Ticks << shift);
            lock (_sync)
            {
                e.Restarts++;
            }
            _faults.Report(e.Component.Name, "restarted: " + symptom);
            try
            {
                e.Component.Restart();
            }
            catch (Exception ex)
            {
                _faults.Report(e.Component.Name, "restart failed: " + ex.Message + " (after: " + symptom + ")");
            }
        }

        private void OnTimer(object? state)
        {
            CheckNow();
        }

        private sealed class Entry
        {
            public Entry(ISupervised component)
            {
                Component = component;
            }

            public readonly ISupervised Component;
            public int Restarts;
            public int Strikes;
            public TimeSpan NextAllowed;
            public TimeSpan LastRestart;
        }
    }
}
