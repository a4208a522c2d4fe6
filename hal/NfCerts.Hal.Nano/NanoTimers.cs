using System;
using System.Threading;

namespace NfCerts.Hal.Nano
{
    /// <summary>Reports an exception thrown by a timer callback; the timer service has already caught it.</summary>
    public delegate void TimerFaultHandler(object sender, Exception error);

    /// <summary><see cref="ITimers"/> over <see cref="System.Threading.Timer"/>, with due times kept on the monotonic tick count.</summary>
    /// <remarks>
    /// <para>Each started timer owns one <see cref="Timer"/> that is always armed one-shot. The due instant is kept as an
    /// absolute tick count (<c>Environment.TickCount64</c>, milliseconds since boot); when the native timer fires early, or
    /// the wait was longer than one arming allows (<see cref="MaxArmMilliseconds"/>), it is re-armed for the remainder, so
    /// long waits (days) need no large native intervals and a wall-clock change never moves a timer. Periodic timers are
    /// re-armed for the next multiple of the period, without catching up missed periods one by one.</para>
    /// <para>Callbacks are serialised by one lock shared by every timer of this service; an exception escaping a callback
    /// is reported through <see cref="CallbackFailed"/> and then dropped. Due times are rounded up to whole milliseconds.</para>
    /// </remarks>
    public sealed class NanoTimers : ITimers
    {
        /// <summary>The longest single arming of a native timer (about 12 days); longer waits are re-armed.</summary>
        public const int MaxArmMilliseconds = 0x3FFFFFFF;

        private readonly object _callbackGate = new object();

        /// <summary>Raised, on the timer thread, with any exception a callback threw.</summary>
        public event TimerFaultHandler? CallbackFailed;

        /// <inheritdoc/>
        public ITimerHandle StartOneShot(TimeSpan dueIn, TimerElapsed callback, object? state)
        {
            return Start(dueIn, 0, callback, state);
        }

        /// <inheritdoc/>
        public ITimerHandle StartPeriodic(TimeSpan dueIn, TimeSpan period, TimerElapsed callback, object? state)
        {
            if (period <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException("period", "The period must be positive.");
            }

            return Start(dueIn, ToMilliseconds(period), callback, state);
        }

        private ITimerHandle Start(TimeSpan dueIn, long periodMs, TimerElapsed callback, object? state)
        {
            if (dueIn < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException("dueIn", "The due time must not be negative.");
            }

            if (callback == null)
            {
                throw new ArgumentNullException("callback");
            }

            var timer = new NanoTimer(this, callback, state, periodMs);
            timer.Arm(Environment.TickCount64 + ToMilliseconds(dueIn));
            return timer;
        }

        internal void RunCallback(NanoTimer timer, TimerElapsed callback, object? state)
        {
            lock (_callbackGate)
            {
                if (!timer.BeginFire())
                {
                    return;
                }

                try
                {
                    callback(state);
                }
                catch (Exception ex)
                {
                    ReportFault(ex);
                }
            }
        }

        private void ReportFault(Exception error)
        {
            TimerFaultHandler? handler = CallbackFailed;
            if (handler == null)
            {
                return;
            }

            try
            {
                handler(this, error);
            }
            catch (Exception)
            {
                // A failing diagnostics handler must not stop the timers either.
            }
        }

        private static long ToMilliseconds(TimeSpan span)
        {
            long ms = span.Ticks / TimeSpan.TicksPerMillisecond;
            if (span.Ticks % TimeSpan.TicksPerMillisecond != 0)
            {
                ms++;
            }

            return ms;
        }
    }

    /// <summary>One started timer of <see cref="NanoTimers"/>.</summary>
    internal sealed class NanoTimer : ITimerHandle
    {
        private readonly NanoTimers _owner;
        private readonly TimerElapsed _callback;
        private readonly object? _state;
        private readonly long _periodMs;
        private readonly object _gate = new object();
        private Timer? _timer;
        private long _dueAtMs;
        private bool _active = true;

        internal NanoTimer(NanoTimers owner, TimerElapsed callback, object? state, long periodMs)
        {
            _owner = owner;
            _callback = callback;
            _state = state;
            _periodMs = periodMs;
        }

        /// <inheritdoc/>
        public bool IsActive
        {
            get
            {
                lock (_gate)
                {
                    return _active;
                }
            }
        }

        /// <inheritdoc/>
        public void Cancel()
        {
            Timer? timer;
            lock (_gate)
            {
                _active = false;
                timer = _timer;
                _timer = null;
            }

            if (timer != null)
            {
                timer.Dispose();
            }
        }

        /// <summary>Arms the native timer so that it fires at <paramref name="dueAtMs"/> (tick count), or earlier to re-arm.</summary>
        internal void Arm(long dueAtMs)
        {
            lock (_gate)
            {
                if (!_active)
                {
                    return;
                }

                _dueAtMs = dueAtMs;
                int wait = WaitFor(dueAtMs);
                if (_timer == null)
                {
                    _timer = new Timer(OnNativeTimer, null, wait, Timeout.Infinite);
                }
                else
                {
                    _timer.Change(wait, Timeout.Infinite);
                }
            }
        }

        /// <summary>Called under the service's callback lock: true when the callback is to run now. Re-arms or retires the timer.</summary>
        internal bool BeginFire()
        {
            lock (_gate)
            {
                if (!_active || _timer == null)
                {
                    return false;
                }

                long now = Environment.TickCount64;
                if (now < _dueAtMs)
                {
                    _timer.Change(WaitFor(_dueAtMs), Timeout.Infinite);
                    return false;
                }

                if (_periodMs == 0)
                {
                    _active = false;
                    Timer done = _timer;
                    _timer = null;
                    done.Dispose();
                    return true;
                }

                long next = _dueAtMs + _periodMs;
                if (next <= now)
                {
                    long missed = (now - _dueAtMs) / _periodMs;
                    next = _dueAtMs + ((missed + 1) * _periodMs);
                }

                _dueAtMs = next;
                _timer.Change(WaitFor(next), Timeout.Infinite);
                return true;
            }
        }

        private void OnNativeTimer(object? state)
        {
            _owner.RunCallback(this, _callback, _state);
        }

        private static int WaitFor(long dueAtMs)
        {
            long wait = dueAtMs - Environment.TickCount64;
            if (wait < 0)
            {
                return 0;
            }

            return wait > NanoTimers.MaxArmMilliseconds ? NanoTimers.MaxArmMilliseconds : (int)wait;
        }
    }
}
