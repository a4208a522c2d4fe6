using System;
using NfCerts.Core.Renewal;
using Xunit;

namespace NfCerts.Tests.Renewal
{
    /// <summary>The clock rules as a table: evidence in, trust and decision time out.</summary>
    public class ClockJudgeTests
    {
        private static readonly DateTime T = new DateTime(2027, 3, 1, 12, 0, 0, DateTimeKind.Utc);

        private static ClockEvidence At(double wallDays, double highWaterDays = double.NaN, double notBeforeDays = double.NaN)
        {
            var e = new ClockEvidence { Synchronized = true, Wall = T.AddDays(wallDays), Uptime = TimeSpan.FromHours(1) };
            if (!double.IsNaN(highWaterDays)) e.HighWaterTicks = T.AddDays(highWaterDays).Ticks;
            if (!double.IsNaN(notBeforeDays)) e.UsedNotBeforeTicks = T.AddDays(notBeforeDays).Ticks;
            return e;
        }

        [Theory]
        //          wall   mark   NotBefore  trust                      decide with (days from T)
        [InlineData(0.0,   -1.0,  -10.0,     ClockTrust.Believed,       0.0)]   // ahead of everything known
        [InlineData(0.0,   double.NaN, double.NaN, ClockTrust.Believed, 0.0)]   // nothing known yet
        [InlineData(-5.0,  0.0,   -10.0,     ClockTrust.Believed,       0.0)]   // a little behind the mark: floored
        [InlineData(-40.0, 0.0,   -100.0,    ClockTrust.Floor,          0.0)]   // far behind the mark: not believed
        [InlineData(-29.9, 0.0,   -100.0,    ClockTrust.Believed,       0.0)]
        [InlineData(-30.1, 0.0,   -100.0,    ClockTrust.Floor,          0.0)]
        [InlineData(-3.0,  double.NaN, 0.0,  ClockTrust.Floor,          -1.0)]  // before the certificate in use (less a day)
        [InlineData(-0.5,  double.NaN, 0.0,  ClockTrust.Believed,       -0.5)]  // within the NotBefore slack
        public void AcrossBoots(double wall, double mark, double notBefore, ClockTrust trust, double now)
        {
            var v = ClockJudge.Judge(At(wall, mark, notBefore));
            Assert.Equal(trust, v.Trust);
            Assert.Equal(T.AddDays(now), v.Now);
            Assert.Equal(trust == ClockTrust.Believed, v.Reason.Length == 0);
        }

        [Fact]
        public void UnsynchronisedDecidesNothing()
        {
            var e = At(0);
            e.Synchronized = false;
            var v = ClockJudge.Judge(e);
            Assert.False(v.MayDecide);
            Assert.Contains("synchronised", v.Reason);
        }

        [Theory]
        [InlineData(-40.0, -40.0, ClockTrust.Believed, -40.0)]   // the second source agrees: the mark was wrong
        [InlineData(-40.0, 0.0, ClockTrust.Floor, 0.0)]          // it agrees with the mark, not the clock
        public void ASecondSourceDecidesAFarBehindClock(double wall, double witness, ClockTrust trust, double now)
        {
            var e = At(wall, 0.0);
            e.HaveWitness = true;
            e.WitnessUptime = TimeSpan.Zero; // an hour ago: the interval moves with uptime
            e.WitnessEarliest = T.AddDays(witness) - TimeSpan.FromHours(1) - TimeSpan.FromMinutes(5);
            e.WitnessLatest = T.AddDays(witness) - TimeSpan.FromHours(1) + TimeSpan.FromMinutes(5);
            var v = ClockJudge.Judge(e);
            Assert.Equal(trust, v.Trust);
            Assert.Equal(T.AddDays(now), v.Now);
        }

        // A certificate just issued, received half an hour of uptime ago, valid from NotBefore (the engine's witness
        // [NotBefore, NotBefore + IssuerBackdateAllowance]): the time is at least its NotBefore, carried forward by uptime.
        [Theory]
        //          wall behind the NotBefore (minutes)   decided ahead of the wall by (minutes)
        [InlineData(10.0,                                  10.0)]   // a clock ten minutes behind its CA's
        [InlineData(180.0,                                 180.0)]  // three hours behind
        [InlineData(-30.0,                                 0.0)]    // the CA backdated more than the clock is behind
        public void ACertificateJustIssuedMovesAClockBehindItsNotBeforeForward(double behindMinutes, double lagMinutes)
        {
            var e = At(0, -1.0, -40.0);
            DateTime notBefore = T.AddMinutes(behindMinutes);
            e.HaveWitness = true;
            e.WitnessUptime = e.Uptime - TimeSpan.FromMinutes(30);
            e.WitnessEarliest = notBefore - TimeSpan.FromMinutes(30);
            e.WitnessLatest = e.WitnessEarliest + ClockJudge.IssuerBackdateAllowance;
            var v = ClockJudge.Judge(e);
            Assert.Equal(ClockTrust.Believed, v.Trust);
            Assert.Equal(TimeSpan.FromMinutes(lagMinutes), v.Lag);
            Assert.Equal(T.AddMinutes(lagMinutes), v.Now);
            Assert.True(v.Confirmed);
            Assert.Equal("", v.Reason);
        }

        [Theory]
        [InlineData(0.0, true)]
        [InlineData(23.9, true)]     // up to a day after the clock: the clock is behind
        [InlineData(24.1, false)]    // further: a CA postdating, or a clock days behind
        [InlineData(72.0, false)]
        public void A_certificate_just_issued_is_taken_up_to_a_day_after_the_clock(double hoursAhead, bool taken)
        {
            string? why = ClockJudge.IssuedTooFarAhead(T.AddHours(hoursAhead), T);
            Assert.Equal(taken, why == null);
            if (!taken)
            {
                Assert.StartsWith("begins " + (int)hoursAhead + " h after this device's clock, over the 24 h", why);
            }
        }

        [Fact]
        public void WithinABootTimeNeverGoesBackAndAForwardJumpMustHold()
        {
            var e = At(0);
            e.HaveLast = true;
            e.LastNow = T;
            e.LastUptime = e.Uptime;
            e.LastConfirmed = true;
            e.Uptime += TimeSpan.FromHours(1);
            // Back by 10 days within the boot: the uptime-carried time is the floor.
            e.Wall = T.AddDays(-10);
            var v = ClockJudge.Judge(e);
            Assert.Equal(ClockTrust.Believed, v.Trust);
            Assert.Equal(T.AddHours(1), v.Now);
            // Forward by 40 days: not yet.
            e.Wall = T.AddDays(40);
            v = ClockJudge.Judge(e);
            Assert.Equal(ClockTrust.JumpUnconfirmed, v.Trust);
            // Still there 5 hours later: not yet; 6 hours: believed.
            e.JumpPending = v.JumpPending; e.JumpSkew = v.JumpSkew; e.JumpSeenUptime = v.JumpSeenUptime;
            e.Uptime += TimeSpan.FromHours(5);
            e.Wall += TimeSpan.FromHours(5);
            Assert.Equal(ClockTrust.JumpUnconfirmed, ClockJudge.Judge(e).Trust);
            e.Uptime += TimeSpan.FromHours(1);
            e.Wall += TimeSpan.FromHours(1);
            v = ClockJudge.Judge(e);
            Assert.Equal(ClockTrust.Believed, v.Trust);
            Assert.Equal(e.Wall, v.Now);
        }

        // The first look of a boot, with ClientCert1 valid from a day before T to 59 days after it. "Remembered" is whether
        // the time may become the high-water mark (issue 9, finding 6: one bad answer must not become the floor for good).
        [Theory]
        //          wall     mark        trust                        remembered
        [InlineData(3650.0,  double.NaN, ClockTrust.JumpUnconfirmed,  false)]  // first boot, a far-future SNTP answer
        [InlineData(0.0,     double.NaN, ClockTrust.Believed,         false)]  // first boot, right: decided with, held first
        [InlineData(3650.0,  0.0,        ClockTrust.JumpUnconfirmed,  false)]  // far-future after a normal mark
        [InlineData(0.3,     0.0,        ClockTrust.Believed,         true)]   // a short power-off: within the mark's slack
        [InlineData(30.0,    0.0,        ClockTrust.Believed,         false)]  // a month off: decided with, held first
        [InlineData(88.0,    0.0,        ClockTrust.Believed,         false)]  // just within FarAhead of NotAfter
        [InlineData(90.0,    0.0,        ClockTrust.JumpUnconfirmed,  false)]  // past NotAfter plus FarAhead
        [InlineData(400.0,   0.0,        ClockTrust.JumpUnconfirmed,  false)]  // a year off: confirmed before believed
        public void FirstLookOfABoot(double wall, double mark, ClockTrust trust, bool remembered)
        {
            var v = ClockJudge.Judge(Boot(wall, mark));
            Assert.Equal(trust, v.Trust);
            Assert.Equal(remembered, v.Confirmed);
            Assert.Equal(trust == ClockTrust.Believed ? T.AddDays(wall) : DateTime.MinValue, v.Now);
        }

        [Fact]
        public void FirstBootFarFutureAnswerIsDroppedWhenTheRightTimeArrives()
        {
            var e = Boot(3650.0, double.NaN);
            Look(e, ClockTrust.JumpUnconfirmed);
            // The next SNTP answer is right: believed at once, but held for JumpConfirm before it is remembered.
            Later(e, TimeSpan.FromHours(1), T.AddHours(1));
            var v = Look(e, ClockTrust.Believed);
            Assert.Equal(T.AddHours(1), v.Now);
            Assert.False(v.Confirmed);
            Later(e, TimeSpan.FromHours(5.9));
            Assert.False(Look(e, ClockTrust.Believed).Confirmed);
            Later(e, TimeSpan.FromHours(0.2));
            v = Look(e, ClockTrust.Believed);
            Assert.True(v.Confirmed);
            Assert.Equal(e.Wall, v.Now);
        }

        [Fact]
        public void LargeForwardCorrectionAfterALongPowerOffIsBelievedOnceItHolds()
        {
            var e = Boot(400.0, 0.0);
            Look(e, ClockTrust.JumpUnconfirmed);
            Later(e, TimeSpan.FromHours(5));
            Look(e, ClockTrust.JumpUnconfirmed);
            Later(e, TimeSpan.FromHours(1));
            var v = Look(e, ClockTrust.Believed);
            Assert.True(v.Confirmed);
            Assert.Equal(e.Wall, v.Now);
            // A reading that moves (a second bad answer) starts the wait again.
            e = Boot(400.0, 0.0);
            Look(e, ClockTrust.JumpUnconfirmed);
            Later(e, TimeSpan.FromHours(6), e.Wall + TimeSpan.FromHours(6) + TimeSpan.FromDays(2));
            Look(e, ClockTrust.JumpUnconfirmed);
        }

        [Fact]
        public void ASecondSourceConfirmsAFarAheadClockAtOnce()
        {
            var e = Boot(400.0, 0.0);
            e.HaveWitness = true;
            e.WitnessUptime = e.Uptime;
            e.WitnessEarliest = e.Wall - TimeSpan.FromMinutes(5);
            e.WitnessLatest = e.Wall + TimeSpan.FromMinutes(5);
            var v = Look(e, ClockTrust.Believed);
            Assert.True(v.Confirmed);
        }

        [Fact]
        public void AnUnconfirmedTimeIsNotHeldAgainstAClockThatGoesBack()
        {
            // A month after the mark at boot (unconfirmed); the next answer is back at the mark: that one is decided with,
            // and remembered, being no further past the mark than this boot's uptime.
            var e = Boot(30.0, 0.0);
            Assert.False(Look(e, ClockTrust.Believed).Confirmed);
            Later(e, TimeSpan.FromHours(1), T.AddHours(1));
            var v = Look(e, ClockTrust.Believed);
            Assert.Equal(T.AddHours(1), v.Now);
            Assert.True(v.Confirmed);
        }

        [Fact]
        public void TheMarkVouchesOnlyForTheUptimeSinceItWasSet()
        {
            // The mark was set 100 days into this boot, an hour ago: a clock 50 days past it is not confirmed by it.
            var e = Boot(50.0, 0.0);
            e.HighWaterUptime = TimeSpan.FromDays(100);
            e.Uptime = e.HighWaterUptime + TimeSpan.FromHours(1);
            Assert.False(ClockJudge.Judge(e).Confirmed);
            e.Wall = T.AddHours(1);
            Assert.True(ClockJudge.Judge(e).Confirmed);
        }

        private static ClockEvidence Boot(double wallDays, double highWaterDays)
        {
            var e = At(wallDays, highWaterDays, -1.0);
            e.UsedNotAfterTicks = T.AddDays(59).Ticks;
            return e;
        }

        /// <summary>Judges, checks the trust, and keeps what the next look needs, as the engine does.</summary>
        private static ClockVerdict Look(ClockEvidence e, ClockTrust trust)
        {
            var v = ClockJudge.Judge(e);
            Assert.Equal(trust, v.Trust);
            ClockJudge.Carry(e, v);
            return v;
        }

        /// <summary>Uptime passes; the wall clock runs with it, or reads <paramref name="wall"/>.</summary>
        private static void Later(ClockEvidence e, TimeSpan by, DateTime? wall = null)
        {
            e.Uptime += by;
            e.Wall = wall ?? e.Wall + by;
        }
    }
}
