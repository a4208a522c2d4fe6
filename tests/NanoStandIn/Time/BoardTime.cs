using System;
using System.Collections.Generic;
using System.Threading;

namespace NfCerts.NanoStandIn
{
    /// <summary>
    /// The board's millisecond tick count (nanoFramework's <c>Environment.TickCount64</c>) and its native timers
    /// (<c>System.Threading.Timer</c>), as the Nano HAL's desktop build sees them.
    /// </summary>
    /// <remarks>
    /// <para>By default both are the host's real ones. <see cref="UseVirtualTime"/> switches to a tick count that moves
    /// only by <see cref="Advance"/> (timers fire in due order on the advancing thread) or <see cref="Stall"/> (time
    /// passes and nothing fires, as when the interpreter was busy), and can make native timers fire early
    /// (<see cref="FireEarlyMilliseconds"/>): the cases the HAL's re-arm logic exists for.</para>
    /// </remarks>
    public static class BoardTime
    {
        private static readonly object Gate = new object();
        private static readonly List<BoardTimer> Armed = new List<BoardTimer>();
        private static bool _virtual;
        private static long _now;

        /// <summary>Native timers fire up to this many milliseconds (at most half the arming) before the time they were armed
        /// for (virtual time only).</summary>
        public static int FireEarlyMilliseconds { get; set; }

        /// <summary>How many times a native timer fired (virtual time only).</summary>
        public static int NativeFirings { get; private set; }

        /// <summary>The longest single arming a native timer was given, in milliseconds.</summary>
        public static long LongestArming { get; private set; }

        /// <summary>Milliseconds since boot.</summary>
        public static long TickCount64
        {
            get
            {
                lock (Gate)
                {
                    return _virtual ? _now : Environment.TickCount64;
                }
            }
        }

        /// <summary>From now on the tick count starts at 1000 and moves only when a test moves it.</summary>
        public static void UseVirtualTime()
        {
            lock (Gate)
            {
                _virtual = true;
                _now = 1000;
            }
        }

        /// <summary>Back to the host's clock and timers; forgets virtual timers.</summary>
        public static void UseRealTime()
        {
            lock (Gate)
            {
                _virtual = false;
                Armed.Clear();
                FireEarlyMilliseconds = 0;
                NativeFirings = 0;
                LongestArming = 0;
            }
        }

        /// <summary>Lets <paramref name="milliseconds"/> pass, firing each native timer when it is due.</summary>
        public static void Advance(long milliseconds)
        {
            long target;
            lock (Gate)
            {
                target = _now + milliseconds;
            }

            while (true)
            {
                BoardTimer? next = null;
                lock (Gate)
                {
                    foreach (BoardTimer t in Armed)
                    {
                        if (t.FireAt <= target && (next == null || t.FireAt < next.FireAt))
                        {
                            next = t;
                        }
                    }

                    if (next == null)
                    {
                        _now = target;
                        return;
                    }

                    _now = Math.Max(_now, next.FireAt);
                    Armed.Remove(next);
                    NativeFirings++;
                }

                next.Fire();
            }
        }

        /// <summary>Lets <paramref name="milliseconds"/> pass without firing anything.</summary>
        public static void Stall(long milliseconds)
        {
            lock (Gate)
            {
                _now += milliseconds;
            }
        }

        internal static bool IsVirtual
        {
            get
            {
                lock (Gate)
                {
                    return _virtual;
                }
            }
        }

        internal static void Arm(BoardTimer timer, int dueMs)
        {
            lock (Gate)
            {
                LongestArming = Math.Max(LongestArming, dueMs);
                Armed.Remove(timer);
                if (dueMs >= 0)
                {
                    // Early by at most half the arming, as a coarse tick rounds: a short re-arm still makes progress.
                    timer.FireAt = _now + dueMs - Math.Min(FireEarlyMilliseconds, dueMs / 2);
                    Armed.Add(timer);
                }
            }
        }

        internal static void Disarm(BoardTimer timer)
        {
            lock (Gate)
            {
                Armed.Remove(timer);
            }
        }
    }

    /// <summary>One native one-shot timer: the host's timer, or a virtual one of <see cref="BoardTime"/>.</summary>
    public sealed class BoardTimer : IDisposable
    {
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private readonly Timer? _real;

        /// <summary>Creates the timer as <c>new Timer(callback, state, dueTime, period)</c> does; the HAL passes period
        /// <see cref="Timeout.Infinite"/>.</summary>
        public BoardTimer(TimerCallback callback, object? state, int dueTime, int period)
        {
            if (period != Timeout.Infinite)
            {
                throw new NotSupportedException("the stand-in models one-shot native timers only");
            }

            _callback = callback;
            _state = state;
            if (BoardTime.IsVirtual)
            {
                BoardTime.Arm(this, dueTime);
            }
            else
            {
                _real = new Timer(callback, state, dueTime, period);
            }
        }

        internal long FireAt { get; set; }

        /// <summary>Re-arms, as Timer.Change does.</summary>
        public bool Change(int dueTime, int period)
        {
            if (_real != null)
            {
                return _real.Change(dueTime, period);
            }

            BoardTime.Arm(this, dueTime);
            return true;
        }

        /// <summary>Stops the timer.</summary>
        public void Dispose()
        {
            if (_real != null)
            {
                _real.Dispose();
            }
            else
            {
                BoardTime.Disarm(this);
            }
        }

        internal void Fire()
        {
            _callback(_state);
        }
    }
}
