using System;
using System.Collections.Generic;
using System.Threading;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// A deterministic clock and timer service for tests and the emulator: time moves only when the caller
    /// says so, and timers fire inside <see cref="Advance"/> in due-time order.
    /// </summary>
    /// <remarks>
    /// <para>Three times are kept. <see cref="Uptime"/> is the device's monotonic time since its last boot and is
    /// what timers are measured on. <see cref="UtcNow"/> is the device's wall clock: it moves with uptime but can be
    /// set, jump, and be wrong after a reboot. <see cref="TrueUtc"/> is the real time of the simulated world (what
    /// servers and certificate validity are measured against): it moves with uptime, never jumps and survives
    /// <see cref="Reboot"/>, so a test can play "SNTP answers" with <c>Synchronize(clock.TrueUtc)</c>.</para>
    /// <para>Timers fire in order of due uptime, ties in the order the timers were started (a periodic timer keeps
    /// its place). Each callback sees <see cref="Uptime"/>, <see cref="UtcNow"/> and <see cref="TrueUtc"/> exactly at
    /// its own due time. Callbacks may start and cancel timers, call <see cref="SetWallClock"/>,
    /// <see cref="Synchronize"/> or even <see cref="Reboot"/>; a timer they start that falls due within the window
    /// being advanced fires in the same call. A periodic timer is rescheduled from its due time, not from the time
    /// its callback ran, so it never drifts.</para>
    /// <para>An exception thrown by a callback is caught, appended to <see cref="CallbackErrors"/>, raised through
    /// <see cref="CallbackFailed"/> and does not stop other timers.</para>
    /// <para>All members are thread-safe. Callbacks run on the thread that calls <see cref="Advance"/> (one at a
    /// time, without the clock's lock held); only one advance may run at a time.</para>
    /// </remarks>
    public sealed class VirtualClock : IClock, ITimers
    {
        /// <summary>The wall clock a device has right after boot when nobody has set it: 1970-01-01T00:00:00Z,
        /// as on ESP32.</summary>
        public static readonly DateTime DefaultBootWallClock = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        private readonly object _lock = new object();
        private readonly SortedSet<VirtualTimer> _queue = new SortedSet<VirtualTimer>(VirtualTimer.DueOrder);
        private readonly CallbackRunner _callbacks = new CallbackRunner();
        private TimeSpan _uptime;
        private DateTime _wallUtc;
        private DateTime _trueUtc;
        private bool _synchronized;
        private DateTime _bootWallClock = DefaultBootWallClock;
        private long _nextSequence;
        private int _rebootCount;
        private Thread? _advancingThread;

        /// <summary>Creates a clock whose wall clock and true time start at <paramref name="startUtc"/> with an uptime of zero.</summary>
        /// <param name="startUtc">The start time; Local times are converted, Unspecified ones are taken as UTC.</param>
        /// <param name="synchronized">Whether the wall clock counts as synchronised from the start (default true).</param>
        public VirtualClock(DateTime startUtc, bool synchronized = true)
        {
            _trueUtc = AsUtc(startUtc);
            _wallUtc = _trueUtc;
            _synchronized = synchronized;
        }

        /// <summary>Raised, on the advancing thread, after a timer callback has thrown. The exception is also kept in
        /// <see cref="CallbackErrors"/>.</summary>
        public event Action<Exception>? CallbackFailed
        {
            add { _callbacks.Failed += value; }
            remove { _callbacks.Failed -= value; }
        }

        /// <inheritdoc />
        public DateTime UtcNow
        {
            get { lock (_lock) { return _wallUtc; } }
        }

        /// <inheritdoc />
        public bool IsSynchronized
        {
            get { lock (_lock) { return _synchronized; } }
        }

        /// <inheritdoc />
        public TimeSpan Uptime
        {
            get { lock (_lock) { return _uptime; } }
        }

        /// <summary>The real time of the simulated world. Moves with uptime, is not changed by wall-clock
        /// manipulation and keeps going across <see cref="Reboot"/>.</summary>
        public DateTime TrueUtc
        {
            get { lock (_lock) { return _trueUtc; } }
        }

        /// <summary>The wall clock that <see cref="Reboot"/> leaves the device with (default
        /// <see cref="DefaultBootWallClock"/>).</summary>
        public DateTime BootWallClock
        {
            get { lock (_lock) { return _bootWallClock; } }
            set { lock (_lock) { _bootWallClock = AsUtc(value); } }
        }

        /// <summary>How many times <see cref="Reboot"/> has been called.</summary>
        public int RebootCount
        {
            get { lock (_lock) { return _rebootCount; } }
        }

        /// <summary>The number of timers that are started and not yet cancelled or fired (one-shot).</summary>
        public int ActiveTimerCount
        {
            get { lock (_lock) { return _queue.Count; } }
        }

        /// <summary>The exceptions thrown by timer callbacks so far, oldest first (a snapshot).</summary>
        public IReadOnlyList<Exception> CallbackErrors
        {
            get { return _callbacks.Errors; }
        }

        /// <summary>Uptime left until the next timer is due (zero when one is due now), or null when no timer is active.</summary>
        public TimeSpan? NextDueIn
        {
            get
            {
                lock (_lock)
                {
                    return _queue.Count == 0 ? null : _queue.Min!.DueUptime - _uptime;
                }
            }
        }

        /// <inheritdoc />
        public ITimerHandle StartOneShot(TimeSpan dueIn, TimerElapsed callback, object? state)
        {
            return Start(dueIn, TimeSpan.Zero, callback, state);
        }

        /// <inheritdoc />
        public ITimerHandle StartPeriodic(TimeSpan dueIn, TimeSpan period, TimerElapsed callback, object? state)
        {
            if (period <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(period), period, "A periodic timer needs a positive period.");
            }

            return Start(dueIn, period, callback, state);
        }

        /// <summary>Moves uptime, the wall clock and true time forward by <paramref name="span"/>, firing every timer
        /// that falls due on the way (including the end of the window).</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="span"/> is negative or would take <see cref="TrueUtc"/>
        /// past <see cref="DateTime.MaxValue"/> (the wall clock saturates there instead).</exception>
        /// <exception cref="InvalidOperationException">Another advance is running (for example, called from a callback).</exception>
        public void Advance(TimeSpan span)
        {
            if (span < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(span), span, "Time cannot move backwards; use SetWallClock for the wall clock.");
            }

            DateTime endTrue;
            lock (_lock)
            {
                if (DateTime.MaxValue - _trueUtc < span)
                {
                    throw new ArgumentOutOfRangeException(nameof(span), span, "The clock would run past DateTime.MaxValue.");
                }

                endTrue = _trueUtc + span;
            }

            RunUntil(endTrue);
        }

        /// <summary>
        /// The caller's thread blocks for <paramref name="span"/> (a device sleeping on its timer thread, as the board's
        /// <c>Thread.Sleep</c> does): called from a timer callback, uptime, the wall clock and true time move on at once
        /// and the timers that fell due meanwhile fire after the callback returns, late and in due order, as they would
        /// behind a blocked thread (an advance that ended inside the span ends where the sleep did). Called from outside
        /// any callback it is <see cref="Advance"/>.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="span"/> is negative or too large.</exception>
        public void Block(TimeSpan span)
        {
            if (span < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(span), span, "Time cannot move backwards.");
            }

            lock (_lock)
            {
                if (_advancingThread == Thread.CurrentThread)
                {
                    if (DateTime.MaxValue - _trueUtc < span)
                    {
                        throw new ArgumentOutOfRangeException(nameof(span), span, "The clock would run past DateTime.MaxValue.");
                    }

                    MoveLocked(span);
                    return;
                }
            }

            Advance(span);
        }

        /// <summary>Advances until <see cref="TrueUtc"/> equals <paramref name="trueUtc"/> (see <see cref="Advance"/>).
        /// The target is true time, not the device's wall clock, which may be wrong or jump.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="trueUtc"/> is before <see cref="TrueUtc"/>.</exception>
        public void AdvanceTo(DateTime trueUtc)
        {
            DateTime target = AsUtc(trueUtc);
            TimeSpan span;
            lock (_lock)
            {
                if (target < _trueUtc)
                {
                    throw new ArgumentOutOfRangeException(nameof(trueUtc), trueUtc, "The target is in the past.");
                }

                span = target - _trueUtc;
            }

            Advance(span);
        }

        /// <summary>Fires timers one after another, advancing to each, until no timer is active or the next one is due
        /// more than <paramref name="maxSpan"/> after the call began.</summary>
        /// <returns>True when no timer is left; false when the limit stopped it (time then stands exactly
        /// <paramref name="maxSpan"/> later). When idle is reached, time stands at the last timer that fired.</returns>
        public bool RunUntilIdle(TimeSpan maxSpan)
        {
            if (maxSpan < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(maxSpan), maxSpan, "The limit must not be negative.");
            }

            DateTime limit;
            lock (_lock)
            {
                limit = DateTime.MaxValue - _trueUtc < maxSpan ? DateTime.MaxValue : _trueUtc + maxSpan;
            }

            while (true)
            {
                DateTime nextTrue;
                lock (_lock)
                {
                    if (_queue.Count == 0)
                    {
                        return true;
                    }

                    TimeSpan dueIn = _queue.Min!.DueUptime - _uptime;
                    if (limit - _trueUtc < dueIn)
                    {
                        break;
                    }

                    nextTrue = _trueUtc + dueIn;
                }

                RunUntil(nextTrue);
            }

            RunUntil(limit);
            return false;
        }

        /// <summary>Sets the wall clock without touching uptime, true time, timers or <see cref="IsSynchronized"/>:
        /// a jump forwards or backwards as an SNTP correction or an RTC error makes.</summary>
        public void SetWallClock(DateTime utc)
        {
            lock (_lock)
            {
                _wallUtc = AsUtc(utc);
            }
        }

        /// <summary>Sets the wall clock (as <see cref="SetWallClock"/>) and marks it synchronised, as SNTP does.</summary>
        public void Synchronize(DateTime utc)
        {
            lock (_lock)
            {
                _wallUtc = AsUtc(utc);
                _synchronized = true;
            }
        }

        /// <summary>Marks the wall clock unsynchronised without changing it.</summary>
        public void Desynchronize()
        {
            lock (_lock)
            {
                _synchronized = false;
            }
        }

        /// <summary>Simulates a reboot: cancels every timer, resets uptime to zero and sets the wall clock to
        /// <see cref="BootWallClock"/>, unsynchronised. <see cref="TrueUtc"/> does not move. Callback errors are kept.</summary>
        public void Reboot()
        {
            lock (_lock)
            {
                foreach (VirtualTimer timer in _queue)
                {
                    timer.Active = false;
                }

                _queue.Clear();
                _uptime = TimeSpan.Zero;
                _wallUtc = _bootWallClock;
                _synchronized = false;
                _rebootCount++;
            }
        }

        /// <summary>Forgets the recorded callback errors.</summary>
        public void ClearCallbackErrors()
        {
            _callbacks.Clear();
        }

        private ITimerHandle Start(TimeSpan dueIn, TimeSpan period, TimerElapsed callback, object? state)
        {
            if (dueIn < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(dueIn), dueIn, "The due time must not be negative.");
            }

            ArgumentNullException.ThrowIfNull(callback);
            lock (_lock)
            {
                var timer = new VirtualTimer(this, _nextSequence++, _uptime + dueIn, period, callback, state);
                _queue.Add(timer);
                return timer;
            }
        }

        private void Cancel(VirtualTimer timer)
        {
            lock (_lock)
            {
                if (timer.Active)
                {
                    timer.Active = false;
                    _queue.Remove(timer);
                }
            }
        }

        /// <summary>Fires due timers until true time reaches <paramref name="endTrue"/>, then moves there.</summary>
        private void RunUntil(DateTime endTrue)
        {
            lock (_lock)
            {
                if (_advancingThread != null)
                {
                    throw new InvalidOperationException("The clock is already being advanced; Advance cannot be called from a timer callback or concurrently.");
                }

                _advancingThread = Thread.CurrentThread;
            }

            try
            {
                while (true)
                {
                    VirtualTimer timer;
                    lock (_lock)
                    {
                        // Measured in true time, because a callback may reboot (uptime restarts) or move the wall clock.
                        TimeSpan left = endTrue - _trueUtc;
                        if (left < TimeSpan.Zero)
                        {
                            // A callback blocked past the end (Block): the timers it delayed still fire, late, then time stays.
                            left = TimeSpan.Zero;
                        }
                        if (_queue.Count == 0 || _queue.Min!.DueUptime - _uptime > left)
                        {
                            MoveLocked(left);
                            return;
                        }

                        timer = _queue.Min;
                        _queue.Remove(timer);
                        if (timer.DueUptime > _uptime)
                        {
                            MoveLocked(timer.DueUptime - _uptime);
                        }
                        if (timer.Period > TimeSpan.Zero)
                        {
                            timer.DueUptime += timer.Period;
                            _queue.Add(timer);
                        }
                        else
                        {
                            timer.Active = false;
                        }
                    }

                    Invoke(timer);
                }
            }
            finally
            {
                lock (_lock)
                {
                    _advancingThread = null;
                }
            }
        }

        private void MoveLocked(TimeSpan delta)
        {
            _uptime += delta;
            _trueUtc += delta;

            // A callback may have set the wall clock anywhere; saturate rather than fail the advance.
            _wallUtc = DateTime.MaxValue - _wallUtc < delta ? DateTime.MaxValue : _wallUtc + delta;
        }

        private void Invoke(VirtualTimer timer)
        {
            _callbacks.Run(timer.Callback, timer.State);
        }

        private static DateTime AsUtc(DateTime time)
        {
            switch (time.Kind)
            {
                case DateTimeKind.Utc:
                    return time;
                case DateTimeKind.Local:
                    return time.ToUniversalTime();
                default:
                    return DateTime.SpecifyKind(time, DateTimeKind.Utc);
            }
        }

        private sealed class VirtualTimer : ITimerHandle
        {
            public static readonly IComparer<VirtualTimer> DueOrder = Comparer<VirtualTimer>.Create((a, b) =>
            {
                int byDue = a.DueUptime.CompareTo(b.DueUptime);
                return byDue != 0 ? byDue : a.Sequence.CompareTo(b.Sequence);
            });

            private readonly VirtualClock _owner;

            public VirtualTimer(VirtualClock owner, long sequence, TimeSpan dueUptime, TimeSpan period, TimerElapsed callback, object? state)
            {
                _owner = owner;
                Sequence = sequence;
                DueUptime = dueUptime;
                Period = period;
                Callback = callback;
                State = state;
                Active = true;
            }

            public long Sequence { get; }

            /// <summary>Changed only under the owner's lock and only while the timer is out of the queue.</summary>
            public TimeSpan DueUptime { get; set; }

            public TimeSpan Period { get; }

            public TimerElapsed Callback { get; }

            public object? State { get; }

            /// <summary>Guarded by the owner's lock.</summary>
            public bool Active { get; set; }

            public bool IsActive
            {
                get { lock (_owner._lock) { return Active; } }
            }

            public void Cancel()
            {
                _owner.Cancel(this);
            }
        }
    }
}
