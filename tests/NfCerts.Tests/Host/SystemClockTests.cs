using System;
using System.Collections.Generic;
using System.Threading;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Host
{
    /// <summary>Real-time tests: short waits, and only assertions that hold on a loaded machine (never an upper
    /// bound on latency; the generous timeouts are only reached when something is broken).</summary>
    public class SystemClockTests
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

        [Fact]
        public void ReportsTheHostTimeAndASettableSynchronisedFlag()
        {
            using var clock = new SystemClock();
            DateTime before = DateTime.UtcNow;
            DateTime now = clock.UtcNow;
            Assert.InRange(now, before, DateTime.UtcNow);
            Assert.True(clock.IsSynchronized);

            clock.IsSynchronized = false;
            Assert.False(clock.IsSynchronized);

            TimeSpan first = clock.Uptime;
            Thread.Sleep(5);
            Assert.True(clock.Uptime > first);
        }

        [Fact]
        public void AOneShotFiresOnceNotBeforeItsDueTime()
        {
            using var clock = new SystemClock();
            var fired = new ManualResetEventSlim();
            TimeSpan seenUptime = TimeSpan.Zero;
            object? seenState = null;
            int count = 0;
            var state = new object();
            TimeSpan dueIn = TimeSpan.FromMilliseconds(30);
            TimeSpan started = clock.Uptime;

            ITimerHandle timer = clock.StartOneShot(dueIn, s =>
            {
                seenUptime = clock.Uptime;
                seenState = s;
                Interlocked.Increment(ref count);
                fired.Set();
            }, state);

            Assert.True(fired.Wait(Patience));
            Assert.True(seenUptime - started >= dueIn, $"fired after {seenUptime - started}");
            Assert.Same(state, seenState);
            Assert.False(timer.IsActive);
            Assert.Equal(0, clock.ActiveTimerCount);
            Assert.Equal(1, Volatile.Read(ref count));
        }

        [Fact]
        public void APeriodicTimerRepeatsOnItsGridAndStopsWhenCancelled()
        {
            using var clock = new SystemClock();
            var ticks = new List<TimeSpan>();
            var thirdTick = new ManualResetEventSlim();
            TimeSpan dueIn = TimeSpan.FromMilliseconds(10);
            TimeSpan period = TimeSpan.FromMilliseconds(20);
            TimeSpan started = clock.Uptime;

            ITimerHandle timer = clock.StartPeriodic(dueIn, period, _ =>
            {
                lock (ticks)
                {
                    ticks.Add(clock.Uptime - started);
                    if (ticks.Count == 3)
                    {
                        thirdTick.Set();
                    }
                }
            }, "p");

            Assert.True(thirdTick.Wait(Patience));
            timer.Cancel();
            int atCancel;
            lock (ticks)
            {
                atCancel = ticks.Count;
            }

            Thread.Sleep(100);

            lock (ticks)
            {
                Assert.Equal(atCancel, ticks.Count);
                for (int k = 0; k < ticks.Count; k++)
                {
                    // Late ticks may be merged, so tick k is on grid point k or later; never earlier.
                    Assert.True(ticks[k] >= dueIn + (period * k), $"tick {k} at {ticks[k]}");
                }
            }

            Assert.False(timer.IsActive);
            Assert.Equal(0, clock.ActiveTimerCount);
        }

        [Fact]
        public void CallbacksRunOneAtATimeAndAThrowingOneDoesNotStopTheOthers()
        {
            using var clock = new SystemClock();
            int running = 0;
            int maxRunning = 0;
            int finished = 0;
            var allDone = new CountdownEvent(4);
            TimerElapsed work = s =>
            {
                int now = Interlocked.Increment(ref running);
                InterlockedMax(ref maxRunning, now);
                Thread.Sleep(15);
                Interlocked.Decrement(ref running);
                Interlocked.Increment(ref finished);
                allDone.Signal();
                if ((string?)s == "throws")
                {
                    throw new InvalidOperationException("expected");
                }
            };

            clock.StartOneShot(TimeSpan.Zero, work, "a");
            clock.StartOneShot(TimeSpan.Zero, work, "throws");
            clock.StartOneShot(TimeSpan.Zero, work, "b");
            clock.StartOneShot(TimeSpan.FromMilliseconds(1), work, "c");

            Assert.True(allDone.Wait(Patience));
            Assert.Equal(1, Volatile.Read(ref maxRunning));
            Assert.Equal(4, Volatile.Read(ref finished));

            // The exception is recorded after the callback returns; give that a moment.
            SpinWait.SpinUntil(() => clock.CallbackErrors.Count == 1, Patience);
            Assert.Equal("expected", Assert.Single(clock.CallbackErrors).Message);
        }

        [Fact]
        public void DisposeCancelsEverythingAndRefusesNewTimers()
        {
            var clock = new SystemClock();
            int fired = 0;
            ITimerHandle timer = clock.StartPeriodic(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50), _ => Interlocked.Increment(ref fired), "p");

            clock.Dispose();

            Assert.False(timer.IsActive);
            Assert.Throws<ObjectDisposedException>(() => clock.StartOneShot(TimeSpan.Zero, _ => { }, "x"));
            Thread.Sleep(80);
            Assert.Equal(0, Volatile.Read(ref fired));
        }

        [Fact]
        public void InvalidSpansAreRejected()
        {
            using var clock = new SystemClock();
            Assert.Throws<ArgumentOutOfRangeException>(() => clock.StartOneShot(TimeSpan.FromTicks(-1), _ => { }, "x"));
            Assert.Throws<ArgumentOutOfRangeException>(() => clock.StartPeriodic(TimeSpan.Zero, TimeSpan.Zero, _ => { }, "x"));
            Assert.Equal(0, clock.ActiveTimerCount);
        }

        [Fact]
        public void ADueTimeLongerThanThePlatformTimerLimitIsAccepted()
        {
            using var clock = new SystemClock();
            ITimerHandle timer = clock.StartOneShot(TimeSpan.FromDays(400), _ => { }, "x");
            Assert.True(timer.IsActive);
            timer.Cancel();
            Assert.False(timer.IsActive);
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int current;
            while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }
    }
}
