using System;
using System.Collections.Generic;
using System.Threading;
using NfCerts.Hal;
using Xunit;

namespace NfCerts.Tests.Contracts
{
    /// <summary>
    /// What every <see cref="ITimers"/> promises (hal/NfCerts.Hal/ITimers.cs), run against the host's virtual and system
    /// clocks and the Nano HAL's NanoTimers. Tests assert order and eventual firing, never exact durations: real-time
    /// implementations run on a loaded machine, so spans are tens of milliseconds and waits are generous.
    /// </summary>
    public abstract class TimersContract : IDisposable
    {
        private readonly object _gate = new object();
        private readonly List<string> _events = new List<string>();

        /// <summary>The implementation under test, created once per test.</summary>
        protected abstract ITimers Timers { get; }

        /// <summary>Exceptions the implementation reported from callbacks, in order.</summary>
        protected abstract IReadOnlyList<Exception> ReportedErrors { get; }

        /// <summary>Lets <paramref name="span"/> of the implementation's time pass (sleep, or advance a virtual clock).</summary>
        protected abstract void Elapse(TimeSpan span);

        /// <summary>True once <paramref name="condition"/> holds; false when it does not within a generous limit.</summary>
        protected abstract bool Eventually(Func<bool> condition);

        /// <summary>Releases the implementation.</summary>
        public virtual void Dispose()
        {
        }

        private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

        private void Record(string e)
        {
            lock (_gate)
            {
                _events.Add(e);
            }
        }

        private string[] Events()
        {
            lock (_gate)
            {
                return _events.ToArray();
            }
        }

        private int Count(string e)
        {
            return Array.FindAll(Events(), x => x == e).Length;
        }

        [Fact]
        public void AOneShotFiresOnceWithItsStateAndThenIsInactive()
        {
            object? seen = null;
            ITimerHandle t = Timers.StartOneShot(Ms(20), s => { seen = s; Record("a"); }, "state-a");
            Assert.True(Eventually(() => Count("a") == 1));
            Elapse(Ms(100));
            Assert.Equal(1, Count("a"));
            Assert.Equal("state-a", seen);
            Assert.True(Eventually(() => !t.IsActive));
        }

        [Fact]
        public void AZeroDueTimeFiresSoon()
        {
            Timers.StartOneShot(TimeSpan.Zero, _ => Record("now"), null);
            Assert.True(Eventually(() => Count("now") == 1));
        }

        [Fact]
        public void ACancelledTimerNeverFires()
        {
            ITimerHandle t = Timers.StartOneShot(Ms(40), _ => Record("x"), null);
            t.Cancel();
            t.Cancel();
            Assert.False(t.IsActive);
            Timers.StartOneShot(Ms(120), _ => Record("later"), null);
            Assert.True(Eventually(() => Count("later") == 1));
            Assert.Equal(0, Count("x"));
        }

        [Fact]
        public void APeriodicTimerRepeatsUntilItCancelsItself()
        {
            ITimerHandle? handle = null;
            int fired = 0;
            handle = Timers.StartPeriodic(Ms(5), Ms(10), _ =>
            {
                Record("p");
                if (Interlocked.Increment(ref fired) == 3)
                {
                    handle!.Cancel();
                }
            }, null);

            Assert.True(Eventually(() => Count("p") == 3));
            Elapse(Ms(100));
            Assert.Equal(3, Count("p"));
            Assert.False(handle.IsActive);
        }

        [Fact]
        public void ACallbackCanReArmAChainOfOneShotsThatFireInOrder()
        {
            TimerElapsed? step = null;
            step = s =>
            {
                int n = (int)s!;
                Record("step" + n);
                if (n < 3)
                {
                    Timers.StartOneShot(Ms(10), step!, n + 1);
                }
            };
            Timers.StartOneShot(Ms(10), step, 1);

            Assert.True(Eventually(() => Count("step3") == 1));
            Assert.Equal(new[] { "step1", "step2", "step3" }, Events());
        }

        [Fact]
        public void CallbacksNeverRunConcurrently()
        {
            int running = 0;
            int overlap = 0;
            int fired = 0;
            TimerElapsed body = _ =>
            {
                if (Interlocked.Increment(ref running) > 1)
                {
                    Interlocked.Increment(ref overlap);
                }

                Thread.Sleep(2);
                Interlocked.Decrement(ref running);
                Interlocked.Increment(ref fired);
            };
            ITimerHandle a = Timers.StartPeriodic(Ms(1), Ms(3), body, "a");
            ITimerHandle b = Timers.StartPeriodic(Ms(1), Ms(3), body, "b");

            Assert.True(Eventually(() => Volatile.Read(ref fired) >= 20));
            a.Cancel();
            b.Cancel();
            Assert.Equal(0, Volatile.Read(ref overlap));
        }

        [Fact]
        public void AThrowingCallbackIsReportedAndStopsNeitherItsTimerNorOthers()
        {
            int throws = 0;
            ITimerHandle bad = Timers.StartPeriodic(Ms(5), Ms(10), _ =>
            {
                Interlocked.Increment(ref throws);
                throw new InvalidOperationException("callback failure");
            }, null);
            Timers.StartOneShot(Ms(30), _ => Record("good"), null);

            Assert.True(Eventually(() => Volatile.Read(ref throws) >= 3 && Count("good") == 1));
            bad.Cancel();
            Assert.True(Eventually(() => ReportedErrors.Count >= 3));
            Assert.All(ReportedErrors, e => Assert.Equal("callback failure", e.Message));
        }

        [Fact]
        public void NegativeSpansAndNonPositivePeriodsAreRefused()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => Timers.StartOneShot(TimeSpan.FromTicks(-1), _ => { }, null));
            Assert.Throws<ArgumentOutOfRangeException>(() => Timers.StartPeriodic(TimeSpan.FromTicks(-1), Ms(1), _ => { }, null));
            Assert.Throws<ArgumentOutOfRangeException>(() => Timers.StartPeriodic(TimeSpan.Zero, TimeSpan.Zero, _ => { }, null));
        }

        [Fact]
        public void ADueTimeOfMonthsIsAcceptedAndStaysPending()
        {
            ITimerHandle t = Timers.StartOneShot(TimeSpan.FromDays(400), _ => Record("far"), null);
            Elapse(Ms(50));
            Assert.True(t.IsActive);
            Assert.Equal(0, Count("far"));
            t.Cancel();
            Assert.False(t.IsActive);
        }
    }
}
