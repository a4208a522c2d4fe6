using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// The real-time clock and timer service: <see cref="DateTime.UtcNow"/>, a <see cref="Stopwatch"/> uptime and
    /// <see cref="System.Threading.Timer"/>s underneath.
    /// </summary>
    /// <remarks>
    /// <para>Uptime counts from construction (the "boot"). Timers are measured on it and never fire before their
    /// due uptime; they may fire late by the host's scheduling latency. Callbacks run on thread-pool threads but one
    /// at a time. A periodic timer stays on its grid (first due + k × period) instead of accumulating latency;
    /// when callbacks fall behind (a slow callback, a suspended host) the missed ticks collapse into one immediate
    /// tick rather than a burst. Due times and periods of any length are supported (long ones are re-armed in
    /// steps).</para>
    /// <para><see cref="ITimerHandle.Cancel"/> never blocks: once it returns the timer will not start another callback;
    /// a callback that has already started (on another thread) completes.</para>
    /// <para>An exception thrown by a callback is caught, kept in <see cref="CallbackErrors"/> and raised through
    /// <see cref="CallbackFailed"/>; other timers keep running. <see cref="Dispose"/> cancels every timer.</para>
    /// </remarks>
    public sealed class SystemClock : IClock, ITimers, IDisposable
    {
        /// <summary>The longest single wait handed to <see cref="System.Threading.Timer"/>; longer ones are re-armed.</summary>
        private const long MaxArmMilliseconds = int.MaxValue - 1;

        private readonly object _lock = new object();
        private readonly object _callbackGate = new object();
        private readonly HashSet<SystemTimer> _active = new HashSet<SystemTimer>();
        private readonly CallbackRunner _callbacks = new CallbackRunner();
        private readonly long _bootTimestamp = Stopwatch.GetTimestamp();
        private volatile bool _synchronized;
        private bool _disposed;

        /// <summary>Creates the clock; uptime starts at zero now.</summary>
        /// <param name="synchronized">The initial value of <see cref="IsSynchronized"/> (default true: the host's clock is trusted).</param>
        public SystemClock(bool synchronized = true)
        {
            _synchronized = synchronized;
        }

        /// <summary>Raised, on the callback's thread, after a timer callback has thrown.</summary>
        public event Action<Exception>? CallbackFailed
        {
            add { _callbacks.Failed += value; }
            remove { _callbacks.Failed -= value; }
        }

        /// <inheritdoc />
        public DateTime UtcNow => DateTime.UtcNow;

        /// <summary>Whether the wall clock counts as synchronised; settable so that the emulator can play an
        /// unsynchronised device in real time.</summary>
        public bool IsSynchronized
        {
            get => _synchronized;
            set => _synchronized = value;
        }

        /// <inheritdoc />
        public TimeSpan Uptime => Stopwatch.GetElapsedTime(_bootTimestamp);

        /// <summary>The number of timers started and not yet cancelled or fired (one-shot).</summary>
        public int ActiveTimerCount
        {
            get { lock (_lock) { return _active.Count; } }
        }

        /// <summary>The exceptions thrown by timer callbacks so far, oldest first (a snapshot).</summary>
        public IReadOnlyList<Exception> CallbackErrors
        {
            get { return _callbacks.Errors; }
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

        /// <summary>Cancels every timer. Further <c>Start</c> calls throw <see cref="ObjectDisposedException"/>.</summary>
        public void Dispose()
        {
            lock (_lock)
            {
                _disposed = true;
                foreach (SystemTimer timer in _active)
                {
                    timer.Active = false;
                    timer.Timer.Dispose();
                }

                _active.Clear();
            }
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
                ObjectDisposedException.ThrowIf(_disposed, this);
                var timer = new SystemTimer(this, Uptime + dueIn, period, callback, state);
                _active.Add(timer);
                Arm(timer, dueIn);
                return timer;
            }
        }

        private void Cancel(SystemTimer timer)
        {
            lock (_lock)
            {
                if (timer.Active)
                {
                    timer.Active = false;
                    _active.Remove(timer);
                    timer.Timer.Dispose();
                }
            }
        }

        private static void Arm(SystemTimer timer, TimeSpan wait)
        {
            // Round up so that the timer never fires before its due uptime; a few early wake-ups are re-armed anyway.
            long ms = wait <= TimeSpan.Zero ? 0 : (wait.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
            timer.Timer.Change(Math.Min(ms, MaxArmMilliseconds), Timeout.Infinite);
        }

        private void OnTick(SystemTimer timer)
        {
            lock (_callbackGate)
            {
                lock (_lock)
                {
                    if (!timer.Active)
                    {
                        return;
                    }

                    TimeSpan now = Uptime;
                    if (now < timer.Due)
                    {
                        Arm(timer, timer.Due - now);
                        return;
                    }

                    if (timer.Period == TimeSpan.Zero)
                    {
                        timer.Active = false;
                        _active.Remove(timer);
                        timer.Timer.Dispose();
                    }
                }

                Invoke(timer);

                if (timer.Period > TimeSpan.Zero)
                {
                    lock (_lock)
                    {
                        if (timer.Active)
                        {
                            Reschedule(timer);
                        }
                    }
                }
            }
        }

        private void Reschedule(SystemTimer timer)
        {
            TimeSpan now = Uptime;
            TimeSpan next = timer.Due + timer.Period;
            if (next <= now)
            {
                // Behind: fire once now-ish on the latest grid point that has passed, skipping the others.
                long missed = (now - timer.Due).Ticks / timer.Period.Ticks;
                next = timer.Due + TimeSpan.FromTicks(timer.Period.Ticks * missed);
            }

            timer.Due = next;
            Arm(timer, next - now);
        }

        private void Invoke(SystemTimer timer)
        {
            _callbacks.Run(timer.Callback, timer.State);
        }

        private sealed class SystemTimer : ITimerHandle
        {
            private readonly SystemClock _owner;

            public SystemTimer(SystemClock owner, TimeSpan due, TimeSpan period, TimerElapsed callback, object? state)
            {
                _owner = owner;
                Due = due;
                Period = period;
                Callback = callback;
                State = state;
                Active = true;
                Timer = new Timer(static s => ((SystemTimer)s!)._owner.OnTick((SystemTimer)s!), this, Timeout.Infinite, Timeout.Infinite);
            }

            /// <summary>Uptime of the next firing; guarded by the owner's lock.</summary>
            public TimeSpan Due { get; set; }

            public TimeSpan Period { get; }

            public TimerElapsed Callback { get; }

            public object? State { get; }

            public Timer Timer { get; }

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
