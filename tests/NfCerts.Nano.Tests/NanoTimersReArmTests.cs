using System;
using NfCerts.Hal;
using NfCerts.Hal.Nano;
using NfCerts.NanoStandIn;
using Xunit;

namespace NfCerts.Nano.Tests
{
    /// <summary>NanoTimers' re-arm logic on the board's virtual clock: waits longer than one native arming, native
    /// timers that fire early, and periods missed while the interpreter was busy.</summary>
    public sealed class NanoTimersReArmTests : IDisposable
    {
        private readonly NanoTimers _timers = new NanoTimers();
        private int _fired;

        public NanoTimersReArmTests()
        {
            Firmware.Boot(withInterop: false);
            BoardTime.UseVirtualTime();
        }

        public void Dispose() => BoardTime.UseRealTime();

        private void Count(object? state) => _fired++;

        [Fact]
        public void AWaitOfWeeksIsArmedInPiecesAndFiresOnlyAtItsDueTime()
        {
            long due = 30L * 24 * 3600 * 1000;
            ITimerHandle t = _timers.StartOneShot(TimeSpan.FromMilliseconds(due), Count, null);
            Assert.True(BoardTime.LongestArming <= NanoTimers.MaxArmMilliseconds);

            BoardTime.Advance(NanoTimers.MaxArmMilliseconds + 1L);
            Assert.True(BoardTime.NativeFirings >= 1, "the first arming should have run out");
            Assert.Equal(0, _fired);
            Assert.True(t.IsActive);

            BoardTime.Advance(due - NanoTimers.MaxArmMilliseconds - 2);
            Assert.Equal(0, _fired);
            BoardTime.Advance(1);
            Assert.Equal(1, _fired);
            Assert.False(t.IsActive);
            Assert.True(BoardTime.LongestArming <= NanoTimers.MaxArmMilliseconds);
        }

        [Fact]
        public void ANativeTimerThatFiresEarlyIsReArmedForTheRemainder()
        {
            BoardTime.FireEarlyMilliseconds = 7;
            _timers.StartOneShot(TimeSpan.FromMilliseconds(100), Count, null);

            BoardTime.Advance(93);
            Assert.Equal(1, BoardTime.NativeFirings);
            Assert.Equal(0, _fired);

            BoardTime.Advance(6);
            Assert.Equal(0, _fired);
            BoardTime.Advance(1);
            Assert.Equal(1, _fired);
            Assert.True(BoardTime.NativeFirings > 1, "the early firing should have been re-armed");
        }

        [Fact]
        public void PeriodsMissedWhileBusyAreSkippedNotCaughtUpAndTheGridIsKept()
        {
            _timers.StartPeriodic(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), Count, null);
            BoardTime.Advance(10);
            Assert.Equal(1, _fired);

            BoardTime.Stall(45); // the interpreter was busy from t=10 to t=55: periods due at 20..50 were missed
            BoardTime.Advance(0);
            Assert.Equal(2, _fired);

            BoardTime.Advance(4); // t=59: the next period is on the grid at 60, not at 65
            Assert.Equal(2, _fired);
            BoardTime.Advance(1);
            Assert.Equal(3, _fired);
        }

        [Fact]
        public void ACancelledTimerThatItsNativeTimerStillCallsDoesNotFire()
        {
            ITimerHandle t = _timers.StartOneShot(TimeSpan.FromMilliseconds(50), Count, null);
            t.Cancel();
            BoardTime.Advance(100);
            Assert.Equal(0, _fired);
        }
    }
}
