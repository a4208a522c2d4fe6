using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Host
{
    public class VirtualClockTests
    {
        private static readonly DateTime Start = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

        private sealed record Fired(string Name, TimeSpan Uptime, DateTime UtcNow, DateTime TrueUtc);

        private static TimerElapsed Record(VirtualClock clock, List<Fired> log)
        {
            return state => log.Add(new Fired((string)state!, clock.Uptime, clock.UtcNow, clock.TrueUtc));
        }

        [Fact]
        public void TimersFireInDueOrderAndEachSeesItsOwnDueTime()
        {
            var clock = new VirtualClock(Start);
            var log = new List<Fired>();
            clock.StartOneShot(TimeSpan.FromSeconds(30), Record(clock, log), "c");
            clock.StartOneShot(TimeSpan.FromSeconds(10), Record(clock, log), "a");
            clock.StartOneShot(TimeSpan.FromSeconds(20), Record(clock, log), "b");

            clock.Advance(TimeSpan.FromMinutes(1));

            Assert.Equal(new[] { "a", "b", "c" }, log.ConvertAll(f => f.Name));
            for (int i = 0; i < 3; i++)
            {
                TimeSpan due = TimeSpan.FromSeconds(10 * (i + 1));
                Assert.Equal(due, log[i].Uptime);
                Assert.Equal(Start + due, log[i].UtcNow);
                Assert.Equal(Start + due, log[i].TrueUtc);
            }

            Assert.Equal(TimeSpan.FromMinutes(1), clock.Uptime);
            Assert.Equal(Start.AddMinutes(1), clock.UtcNow);
            Assert.Equal(0, clock.ActiveTimerCount);
        }

        [Fact]
        public void ACallbackThatBlocksDelaysTheTimersBehindItAndTheAdvanceEndsWhereTheSleepDid()
        {
            var clock = new VirtualClock(Start);
            var log = new List<Fired>();
            clock.StartOneShot(TimeSpan.FromSeconds(10), _ =>
            {
                log.Add(new Fired("sleeper", clock.Uptime, clock.UtcNow, clock.TrueUtc));
                clock.Block(TimeSpan.FromSeconds(50));
                log.Add(new Fired("woke", clock.Uptime, clock.UtcNow, clock.TrueUtc));
            }, null);
            clock.StartOneShot(TimeSpan.FromSeconds(20), Record(clock, log), "due during the sleep");
            clock.StartOneShot(TimeSpan.FromSeconds(15), Record(clock, log), "due earlier during the sleep");
            clock.StartOneShot(TimeSpan.FromSeconds(70), Record(clock, log), "due after it");

            clock.Advance(TimeSpan.FromSeconds(30));

            // The advance asked for 30 s; the sleep took the thread to 60 s. The delayed timers fire at 60 s in due order;
            // the one due at 70 s waits for the next advance.
            Assert.Equal(new[] { "sleeper", "woke", "due earlier during the sleep", "due during the sleep" }, log.ConvertAll(f => f.Name));
            Assert.All(log.Skip(1), f => Assert.Equal(TimeSpan.FromSeconds(60), f.Uptime));
            Assert.Equal(Start + TimeSpan.FromSeconds(60), clock.TrueUtc);
            Assert.Equal(Start + TimeSpan.FromSeconds(60), clock.UtcNow);

            clock.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal("due after it", log[^1].Name);
            Assert.Equal(TimeSpan.FromSeconds(70), log[^1].Uptime);
        }

        [Fact]
        public void BlockOutsideACallbackIsAnAdvance()
        {
            var clock = new VirtualClock(Start);
            var log = new List<Fired>();
            clock.StartOneShot(TimeSpan.FromSeconds(5), Record(clock, log), "a");

            clock.Block(TimeSpan.FromSeconds(10));

            Assert.Equal("a", Assert.Single(log).Name);
            Assert.Equal(TimeSpan.FromSeconds(5), log[0].Uptime);
            Assert.Equal(Start + TimeSpan.FromSeconds(10), clock.TrueUtc);
            Assert.Throws<ArgumentOutOfRangeException>(() => clock.Block(TimeSpan.FromSeconds(-1)));
        }

        [Fact]
        public void TiesFireInStartOrderAndPeriodicTimersKeepTheirPlace()
        {
            var clock = new VirtualClock(Start);
            var log = new List<Fired>();
            clock.StartPeriodic(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), Record(clock, log), "p");
            clock.StartOneShot(TimeSpan.FromSeconds(10), Record(clock, log), "x");
            clock.StartOneShot(TimeSpan.FromSeconds(10), Record(clock, log), "y");
            clock.StartOneShot(TimeSpan.FromSeconds(10), Record(clock, log), "z");

            clock.Advance(TimeSpan.FromSeconds(10));

            // p's second tick is due at 10 s like x, y, z; p was started first, so it fires first.
            Assert.Equal(new[] { "p", "p", "x", "y", "z" }, log.ConvertAll(f => f.Name));
        }

        [Fact]
        public void TheWindowIncludesItsEndAndNothingBeyond()
        {
            var clock = new VirtualClock(Start);
            var log = new List<Fired>();
            ITimerHandle atEnd = clock.StartOneShot(TimeSpan.FromMinutes(5), Record(clock, log), "at-end");
            ITimerHandle justAfter = clock.StartOneShot(TimeSpan.FromMinutes(5) + TimeSpan.FromTicks(1), Record(clock, log), "after");

            clock.Advance(TimeSpan.FromMinutes(5));

            Assert.Single(log);
            Assert.Equal("at-end", log[0].Name);
            Assert.False(atEnd.IsActive);
            Assert.True(justAfter.IsActive);
            Assert.Equal(TimeSpan.FromTicks(1), clock.NextDueIn);

            clock.Advance(TimeSpan.FromTicks(1));
            Assert.Equal(2, log.Count);
            Assert.Null(clock.NextDueIn);
        }

        [Fact]
        public void ZeroDueTimeFiresOnTheNextAdvanceEvenOfZero()
        {
            var clock = new VirtualClock(Start);
            var log = new List<Fired>();
            clock.StartOneShot(TimeSpan.Zero, Record(clock, log), "now");
            Assert.Empty(log);

            clock.Advance(TimeSpan.Zero);

            Assert.Single(log);
            Assert.Equal(TimeSpan.Zero, log[0].Uptime);
        }

        [Fact]
        public void PeriodicTimerDoesNotDriftOverASimulatedYear()
        {
            var clock = new VirtualClock(Start);
            TimeSpan dueIn = TimeSpan.FromMinutes(3);
            TimeSpan period = new TimeSpan(0, 1, 1, 1, 1) + TimeSpan.FromTicks(7); // deliberately not a round number
            var fires = new List<TimeSpan>();
            clock.StartPeriodic(dueIn, period, _ => fires.Add(clock.Uptime), "tick");

            // Advance in irregular steps, some shorter and some longer than the period, to a total of 365 days.
            TimeSpan year = TimeSpan.FromDays(365);
            var random = new Random(4711);
            TimeSpan advanced = TimeSpan.Zero;
            while (advanced < year)
            {
                TimeSpan step = TimeSpan.FromTicks(Math.Min((long)(random.NextDouble() * 3 * period.Ticks), (year - advanced).Ticks));
                clock.Advance(step);
                advanced += step;
            }

            long expected = ((year - dueIn).Ticks / period.Ticks) + 1;
            Assert.Equal(expected, fires.Count);
            for (int k = 0; k < fires.Count; k++)
            {
                Assert.Equal(dueIn + TimeSpan.FromTicks(period.Ticks * k), fires[k]);
            }

            Assert.Equal(Start + year, clock.UtcNow);
        }

        [Fact]
        public void ACallbackCanCancelATimerDueLaterInTheSameWindow()
        {
            var clock = new VirtualClock(Start);
            var log = new List<Fired>();
            ITimerHandle? victim = null;
            clock.StartOneShot(TimeSpan.FromSeconds(1), _ => victim!.Cancel(), "killer");
            victim = clock.StartOneShot(TimeSpan.FromSeconds(2), Record(clock, log), "victim");

            clock.Advance(TimeSpan.FromSeconds(10));

            Assert.Empty(log);
            Assert.False(victim.IsActive);
            Assert.Equal(0, clock.ActiveTimerCount);
        }

        [Fact]
        public void APeriodicTimerCanCancelItself()
        {
            var clock = new VirtualClock(Start);
            int count = 0;
            ITimerHandle? self = null;
            self = clock.StartPeriodic(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), _ =>
            {
                if (++count == 3)
                {
                    self!.Cancel();
                }
            }, "self");

            clock.Advance(TimeSpan.FromMinutes(1));

            Assert.Equal(3, count);
            Assert.False(self.IsActive);
            self.Cancel(); // idempotent
        }

        [Fact]
        public void TimersStartedInACallbackFireInTheSameAdvanceWhenDue()
        {
            var clock = new VirtualClock(Start);
            var log = new List<Fired>();
            clock.StartOneShot(TimeSpan.FromSeconds(10), _ =>
            {
                log.Add(new Fired("parent", clock.Uptime, clock.UtcNow, clock.TrueUtc));
                clock.StartOneShot(TimeSpan.Zero, Record(clock, log), "child-now");
                clock.StartOneShot(TimeSpan.FromSeconds(5), Record(clock, log), "child-5s");
                clock.StartOneShot(TimeSpan.FromSeconds(50), Record(clock, log), "child-50s");
            }, "parent");
            clock.StartOneShot(TimeSpan.FromSeconds(10), Record(clock, log), "sibling");

            clock.Advance(TimeSpan.FromSeconds(30));

            // The zero-delay child is due at 10 s too, but it was started after the sibling.
            Assert.Equal(new[] { "parent", "sibling", "child-now", "child-5s" }, log.ConvertAll(f => f.Name));
            Assert.Equal(TimeSpan.FromSeconds(10), log[2].Uptime);
            Assert.Equal(TimeSpan.FromSeconds(15), log[3].Uptime);

            clock.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal("child-50s", log[4].Name);
            Assert.Equal(TimeSpan.FromSeconds(60), log[4].Uptime);
        }

        [Fact]
        public void WallClockJumpsMoveNeitherTimersNorUptimeNorTrueTime()
        {
            var clock = new VirtualClock(Start);
            var log = new List<Fired>();
            clock.StartOneShot(TimeSpan.FromMinutes(10), Record(clock, log), "ten");

            clock.Advance(TimeSpan.FromMinutes(2));
            DateTime future = Start.AddYears(3);
            clock.SetWallClock(future);
            Assert.Equal(future, clock.UtcNow);
            Assert.True(clock.IsSynchronized);

            clock.Advance(TimeSpan.FromMinutes(7));
            Assert.Empty(log);

            DateTime past = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            clock.SetWallClock(past);
            clock.Advance(TimeSpan.FromMinutes(1));

            Fired fired = Assert.Single(log);
            Assert.Equal(TimeSpan.FromMinutes(10), fired.Uptime);
            Assert.Equal(past.AddMinutes(1), fired.UtcNow);
            Assert.Equal(Start.AddMinutes(10), fired.TrueUtc);
        }

        [Fact]
        public void SynchronizeAndDesynchronizeSetTheFlagAndOnlySynchronizeSetsTheClock()
        {
            var clock = new VirtualClock(new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc), synchronized: false);
            Assert.False(clock.IsSynchronized);

            clock.Synchronize(Start);
            Assert.True(clock.IsSynchronized);
            Assert.Equal(Start, clock.UtcNow);
            Assert.Equal(TimeSpan.Zero, clock.Uptime);

            clock.Desynchronize();
            Assert.False(clock.IsSynchronized);
            Assert.Equal(Start, clock.UtcNow);
        }

        [Fact]
        public void RebootCancelsTimersResetsUptimeAndLosesTheWallClockButNotTrueTime()
        {
            var clock = new VirtualClock(Start);
            var log = new List<Fired>();
            ITimerHandle oneShot = clock.StartOneShot(TimeSpan.FromHours(1), Record(clock, log), "one-shot");
            ITimerHandle periodic = clock.StartPeriodic(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), Record(clock, log), "periodic");
            clock.Advance(TimeSpan.FromMinutes(30));
            int firedBeforeReboot = log.Count;

            clock.Reboot();

            Assert.False(oneShot.IsActive);
            Assert.False(periodic.IsActive);
            Assert.Equal(0, clock.ActiveTimerCount);
            Assert.Equal(TimeSpan.Zero, clock.Uptime);
            Assert.Equal(VirtualClock.DefaultBootWallClock, clock.UtcNow);
            Assert.False(clock.IsSynchronized);
            Assert.Equal(Start.AddMinutes(30), clock.TrueUtc);
            Assert.Equal(1, clock.RebootCount);

            clock.Advance(TimeSpan.FromHours(2));
            Assert.Equal(firedBeforeReboot, log.Count);
            Assert.Equal(VirtualClock.DefaultBootWallClock.AddHours(2), clock.UtcNow);
            Assert.Equal(Start.AddMinutes(150), clock.TrueUtc);

            clock.Synchronize(clock.TrueUtc);
            Assert.True(clock.IsSynchronized);
            Assert.Equal(Start.AddMinutes(150), clock.UtcNow);
        }

        [Fact]
        public void RebootUsesTheConfiguredBootWallClock()
        {
            var clock = new VirtualClock(Start);
            var boot = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            clock.BootWallClock = boot;

            clock.Reboot();

            Assert.Equal(boot, clock.UtcNow);
        }

        [Fact]
        public void ARebootInsideACallbackEndsTheWindowAtTheSameTrueTime()
        {
            var clock = new VirtualClock(Start);
            var log = new List<Fired>();
            clock.StartOneShot(TimeSpan.FromMinutes(4), _ => clock.Reboot(), "watchdog");
            clock.StartOneShot(TimeSpan.FromMinutes(6), Record(clock, log), "lost");

            clock.Advance(TimeSpan.FromMinutes(10));

            Assert.Empty(log);
            Assert.Equal(TimeSpan.FromMinutes(6), clock.Uptime);
            Assert.Equal(Start.AddMinutes(10), clock.TrueUtc);
            Assert.Equal(VirtualClock.DefaultBootWallClock.AddMinutes(6), clock.UtcNow);
        }

        [Fact]
        public void AThrowingCallbackIsRecordedAndStopsNoOtherTimer()
        {
            var clock = new VirtualClock(Start);
            var log = new List<Fired>();
            var raised = new List<Exception>();
            clock.CallbackFailed += raised.Add;
            clock.StartOneShot(TimeSpan.FromSeconds(1), Record(clock, log), "before");
            int periodicRuns = 0;
            clock.StartPeriodic(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), _ =>
            {
                periodicRuns++;
                throw new InvalidOperationException("boom " + periodicRuns);
            }, "thrower");
            clock.StartOneShot(TimeSpan.FromSeconds(3), Record(clock, log), "after");

            clock.Advance(TimeSpan.FromSeconds(6));

            Assert.Equal(new[] { "before", "after" }, log.ConvertAll(f => f.Name));
            Assert.Equal(3, periodicRuns);
            Assert.Equal(new[] { "boom 1", "boom 2", "boom 3" }, clock.CallbackErrors.Select(e => e.Message));
            Assert.Equal(3, raised.Count);

            clock.ClearCallbackErrors();
            Assert.Empty(clock.CallbackErrors);
        }

        [Fact]
        public void AdvancingFromACallbackIsRefusedAndRecorded()
        {
            var clock = new VirtualClock(Start);
            clock.StartOneShot(TimeSpan.FromSeconds(1), _ => clock.Advance(TimeSpan.FromSeconds(1)), "nested");

            clock.Advance(TimeSpan.FromSeconds(5));

            Assert.IsType<InvalidOperationException>(Assert.Single(clock.CallbackErrors));
            Assert.Equal(TimeSpan.FromSeconds(5), clock.Uptime);
        }

        [Fact]
        public void InvalidSpansAreRejected()
        {
            var clock = new VirtualClock(Start);
            TimerElapsed nothing = _ => { };
            Assert.Throws<ArgumentOutOfRangeException>(() => clock.StartOneShot(TimeSpan.FromTicks(-1), nothing, "x"));
            Assert.Throws<ArgumentOutOfRangeException>(() => clock.StartPeriodic(TimeSpan.Zero, TimeSpan.Zero, nothing, "x"));
            Assert.Throws<ArgumentOutOfRangeException>(() => clock.StartPeriodic(TimeSpan.Zero, TimeSpan.FromSeconds(-1), nothing, "x"));
            Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromTicks(-1)));
            Assert.Throws<ArgumentOutOfRangeException>(() => clock.AdvanceTo(Start.AddTicks(-1)));
            Assert.Throws<ArgumentNullException>(() => clock.StartOneShot(TimeSpan.Zero, null!, "x"));
            Assert.Equal(0, clock.ActiveTimerCount);
        }

        [Fact]
        public void AdvanceToTargetsTrueTimeEvenWhenTheWallClockIsWrong()
        {
            var clock = new VirtualClock(Start);
            clock.Reboot();

            clock.AdvanceTo(Start.AddDays(1));

            Assert.Equal(Start.AddDays(1), clock.TrueUtc);
            Assert.Equal(TimeSpan.FromDays(1), clock.Uptime);
            Assert.Equal(VirtualClock.DefaultBootWallClock.AddDays(1), clock.UtcNow);
        }

        [Fact]
        public void RunUntilIdleFollowsAChainOfTimersAndStopsAtTheLastOne()
        {
            var clock = new VirtualClock(Start);
            int steps = 0;
            TimerElapsed next = null!;
            next = _ =>
            {
                if (++steps < 5)
                {
                    clock.StartOneShot(TimeSpan.FromMinutes(steps), next, "chain");
                }
            };
            clock.StartOneShot(TimeSpan.FromMinutes(1), next, "chain");

            Assert.True(clock.RunUntilIdle(TimeSpan.FromDays(1)));

            Assert.Equal(5, steps);
            Assert.Equal(TimeSpan.FromMinutes(1 + 1 + 2 + 3 + 4), clock.Uptime);
        }

        [Fact]
        public void RunUntilIdleStopsAtTheLimitWhileAPeriodicTimerRuns()
        {
            var clock = new VirtualClock(Start);
            int ticks = 0;
            clock.StartPeriodic(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), _ => ticks++, "p");

            Assert.False(clock.RunUntilIdle(TimeSpan.FromMinutes(90) + TimeSpan.FromSeconds(30)));

            Assert.Equal(90, ticks);
            Assert.Equal(TimeSpan.FromMinutes(90) + TimeSpan.FromSeconds(30), clock.Uptime);
        }

        [Fact]
        public void TimersStartedFromOtherThreadsAllFireExactlyOnce()
        {
            var clock = new VirtualClock(Start);
            int fired = 0;
            var threads = new Thread[4];
            for (int t = 0; t < threads.Length; t++)
            {
                threads[t] = new Thread(() =>
                {
                    for (int i = 0; i < 250; i++)
                    {
                        clock.StartOneShot(TimeSpan.FromSeconds(i % 17), _ => Interlocked.Increment(ref fired), "t");
                    }
                });
                threads[t].Start();
            }

            foreach (Thread thread in threads)
            {
                thread.Join();
            }

            clock.Advance(TimeSpan.FromMinutes(1));

            Assert.Equal(1000, fired);
        }

        [Fact]
        public void LocalAndUnspecifiedTimesAreTakenAsUtc()
        {
            var clock = new VirtualClock(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Unspecified));
            Assert.Equal(DateTimeKind.Utc, clock.UtcNow.Kind);
            Assert.Equal(Start, clock.UtcNow);

            clock.SetWallClock(Start.ToLocalTime());
            Assert.Equal(Start, clock.UtcNow);
            Assert.Equal(DateTimeKind.Utc, clock.UtcNow.Kind);
        }
    }
}
