using System;

namespace NfCerts.Core.Renewal
{
    /// <summary>How far the wall clock is believed.</summary>
    public enum ClockTrust
    {
        /// <summary>Not synchronised since boot: no time-based decision is taken.</summary>
        Unsynchronised = 0,
        /// <summary>The clock jumped forward within this boot; the jump is believed once it has held for
        /// <see cref="ClockJudge.JumpConfirm"/> or a second source agrees. No decision meanwhile.</summary>
        JumpUnconfirmed = 1,
        /// <summary>The synchronised clock is far behind what the device knows has passed and no second source agrees with
        /// it: decisions are taken with that lower bound (the floor) instead.</summary>
        Floor = 2,
        /// <summary>The wall clock is believed (floored by the high-water mark when slightly behind it).</summary>
        Believed = 3,
    }

    /// <summary>Everything <see cref="ClockJudge.Judge"/> looks at: the clock now, what this boot saw before, what earlier
    /// boots saw (the journal), and a second source. Plain data.</summary>
    public sealed class ClockEvidence
    {
        /// <summary>Whether the clock says it is synchronised.</summary>
        public bool Synchronized;
        /// <summary>The wall clock now.</summary>
        public DateTime Wall;
        /// <summary>Uptime now.</summary>
        public TimeSpan Uptime;
        /// <summary>True when a decision time was taken earlier in this boot (<see cref="LastNow"/> at <see cref="LastUptime"/>).</summary>
        public bool HaveLast;
        /// <summary>The decision time of the last look in this boot.</summary>
        public DateTime LastNow;
        /// <summary>The uptime of that look.</summary>
        public TimeSpan LastUptime;
        /// <summary>A forward jump is waiting for confirmation.</summary>
        public bool JumpPending;
        /// <summary>The jump's size (wall minus expected), ticks.</summary>
        public long JumpSkew;
        /// <summary>Uptime when the pending jump was first seen.</summary>
        public TimeSpan JumpSeenUptime;
        /// <summary>The latest trusted time of any earlier look, in any boot (the journal's mark), ticks; 0 = none.</summary>
        public long HighWaterTicks;
        /// <summary>The latest NotBefore of the certificates the device uses (ClientCert1, RootCA1), ticks; 0 = none.</summary>
        public long UsedNotBeforeTicks;
        /// <summary>True when a source independent of the clock (the hub's time, a certificate just issued) gave a time.</summary>
        public bool HaveWitness;
        /// <summary>The earliest the time could have been then, by that source.</summary>
        public DateTime WitnessEarliest;
        /// <summary>The latest the time could have been then, by that source.</summary>
        public DateTime WitnessLatest;
        /// <summary>The uptime when the source's time was taken.</summary>
        public TimeSpan WitnessUptime;
    }

    /// <summary>What <see cref="ClockJudge.Judge"/> decided.</summary>
    public sealed class ClockVerdict
    {
        /// <summary>How far the clock is believed.</summary>
        public ClockTrust Trust;
        /// <summary>The time to decide with (MinValue when no decision may be taken).</summary>
        public DateTime Now = DateTime.MinValue;
        /// <summary>Why the clock is not simply believed; empty when it is.</summary>
        public string Reason = "";
        /// <summary>The pending forward jump to remember for the next look.</summary>
        public bool JumpPending;
        /// <summary>Its size, ticks.</summary>
        public long JumpSkew;
        /// <summary>When it was first seen.</summary>
        public TimeSpan JumpSeenUptime;

        /// <summary>True when time-based decisions may be taken with <see cref="Now"/>.</summary>
        public bool MayDecide
        {
            get { return Trust == ClockTrust.Floor || Trust == ClockTrust.Believed; }
        }
    }

    /// <summary>
    /// Whether to believe the wall clock: a pure function of <see cref="ClockEvidence"/>, so that every rule has a table test.
    /// </summary>
    /// <remarks>
    /// <para>The rules, in order:</para>
    /// <list type="number">
    /// <item><description>Not synchronised: nothing is decided.</description></item>
    /// <item><description>Within a boot, the last decision time plus the uptime since is a floor: the clock going back
    /// changes nothing. A forward jump of over a day is believed when it has held (to within an hour) for
    /// <see cref="JumpConfirm"/> of uptime, or when a second source agrees with it.</description></item>
    /// <item><description>The floor is the latest of: that within-boot time, the journal's high-water mark, and (less
    /// <see cref="NotBeforeSlack"/>) the NotBefore of the certificates in use: those times have certainly passed, however
    /// long the device was off. A clock at or after the floor is believed.</description></item>
    /// <item><description>A clock behind the floor by less than <see cref="SmallLag"/> (and not before a certificate's
    /// NotBefore) is believed, floored: an RTC a little slow.</description></item>
    /// <item><description>A clock further behind is believed only when a second, independent source agrees with it
    /// (the time then lies in the source's interval, carried forward by uptime): then the floor itself was wrong (a bad
    /// time believed once). Otherwise decisions are taken with the floor (<see cref="ClockTrust.Floor"/>): a renewal comes
    /// no later than it would with a right clock, since the floor never runs ahead of the true time unless a wrong time
    /// was believed earlier. A clock that merely keeps its wrong answer is not a second source: a slow SNTP server stays
    /// slow.</description></item>
    /// </list>
    /// </remarks>
    public static class ClockJudge
    {
        /// <summary>How long a forward jump must hold before it is believed without a second source: several SNTP intervals (ESP-IDF: 1 h).</summary>
        public static readonly TimeSpan JumpConfirm = TimeSpan.FromHours(6);
        /// <summary>How far behind the floor a clock may be and still be believed (floored) without a second source.</summary>
        public static readonly TimeSpan SmallLag = TimeSpan.FromDays(30);
        /// <summary>Clock differences between a CA and the world that a NotBefore is allowed.</summary>
        public static readonly TimeSpan NotBeforeSlack = TimeSpan.FromDays(1);
        private const long TicksPerDay = 864000000000L;

        /// <summary>Judges the clock.</summary>
        public static ClockVerdict Judge(ClockEvidence e)
        {
            var v = new ClockVerdict();
            if (!e.Synchronized)
            {
                v.Trust = ClockTrust.Unsynchronised;
                v.Reason = "waiting for the clock to be synchronised";
                return v;
            }
            DateTime wall = e.Wall;
            bool witnessAgrees = WitnessAgrees(e, wall);
            long floor = e.HighWaterTicks;
            if (e.HaveLast)
            {
                DateTime expected = e.LastNow + (e.Uptime - e.LastUptime);
                long skew = (wall - expected).Ticks;
                if (skew > TicksPerDay && !witnessAgrees)
                {
                    long diff = skew - e.JumpSkew;
                    bool same = e.JumpPending && diff <= TimeSpan.TicksPerHour && diff >= -TimeSpan.TicksPerHour;
                    v.JumpPending = true;
                    v.JumpSkew = same ? e.JumpSkew : skew;
                    v.JumpSeenUptime = same ? e.JumpSeenUptime : e.Uptime;
                    if (!same || e.Uptime - e.JumpSeenUptime < JumpConfirm)
                    {
                        v.Trust = ClockTrust.JumpUnconfirmed;
                        v.Reason = "the wall clock jumped forward; waiting to confirm it";
                        return v;
                    }
                    v.JumpPending = false;
                }
                if (expected.Ticks > floor)
                {
                    floor = expected.Ticks;
                }
            }
            long notBefore = e.UsedNotBeforeTicks - NotBeforeSlack.Ticks;
            bool beforeCertificate = e.UsedNotBeforeTicks > 0 && wall.Ticks < notBefore;
            if (notBefore > floor)
            {
                floor = notBefore;
            }
            v.Trust = ClockTrust.Believed;
            if (wall.Ticks >= floor)
            {
                v.Now = wall;
                return v;
            }
            if (witnessAgrees)
            {
                // Two independent sources against the device's memory: the memory was wrong.
                v.Now = wall;
                return v;
            }
            v.Now = new DateTime(floor, DateTimeKind.Utc);
            if (floor - wall.Ticks < SmallLag.Ticks && !beforeCertificate)
            {
                return v;
            }
            v.Trust = ClockTrust.Floor;
            long days = (floor - wall.Ticks) / TicksPerDay;
            v.Reason = "the synchronised clock is " + days.ToString() + " days behind " + (beforeCertificate
                ? "the NotBefore of a certificate in use" : "the latest trusted time") + "; deciding with that time until a second source confirms the clock";
            return v;
        }

        private static bool WitnessAgrees(ClockEvidence e, DateTime wall)
        {
            if (!e.HaveWitness)
            {
                return false;
            }
            TimeSpan since = e.Uptime - e.WitnessUptime;
            return wall >= e.WitnessEarliest + since && wall <= e.WitnessLatest + since;
        }
    }
}
