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

        [Fact]
        public void WithinABootTimeNeverGoesBackAndAForwardJumpMustHold()
        {
            var e = At(0);
            e.HaveLast = true;
            e.LastNow = T;
            e.LastUptime = e.Uptime;
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
    }
}
