using System;
using NfCerts.Hal;

namespace NfCerts.Core.Timing
{
    /// <summary>One pending callback at a time: scheduling again replaces the pending one. Not thread-safe on its own:
    /// callers serialise <see cref="Schedule"/> and <see cref="Cancel"/> under their own lock.</summary>
    public sealed class OneShotTimer
    {
        private readonly ITimers _timers;
        private readonly TimerElapsed _callback;
        private ITimerHandle? _handle;

        /// <summary>Creates the timer; nothing is scheduled yet.</summary>
        public OneShotTimer(ITimers timers, TimerElapsed callback)
        {
            if (timers == null || callback == null)
            {
                throw new ArgumentNullException("timers");
            }
            _timers = timers;
            _callback = callback;
        }

        /// <summary>Runs the callback once after <paramref name="after"/> (uptime), replacing anything pending.</summary>
        public void Schedule(TimeSpan after)
        {
            Cancel();
            _handle = _timers.StartOneShot(after, Fire, null);
        }

        /// <summary>Drops the pending callback, if any.</summary>
        public void Cancel()
        {
            if (_handle != null)
            {
                _handle.Cancel();
                _handle = null;
            }
        }

        private void Fire(object? state)
        {
            _handle = null;
            _callback(state);
        }
    }
}
