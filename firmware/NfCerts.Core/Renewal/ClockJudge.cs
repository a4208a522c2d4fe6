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
        /// <summary>True when <see cref="LastNow"/> was confirmed (<see cref="ClockVerdict.Confirmed"/>).</summary>
        public bool LastConfirmed;
        /// <summary>When <see cref="LastNow"/> is not confirmed: the uptime since which the clock has held the line it is on.</summary>
        public TimeSpan LineSinceUptime;
        /// <summary>A forward jump is waiting for confirmation.</summary>
        public bool JumpPending;
        /// <summary>The jump's size (wall minus expected), ticks.</summary>
        public long JumpSkew;
        /// <summary>Uptime when the pending jump was first seen.</summary>
        public TimeSpan JumpSeenUptime;
        /// <summary>The latest trusted time of any earlier look, in any boot (the journal's mark), ticks; 0 = none.</summary>
        public long HighWaterTicks;
        /// <summary>The uptime at which this boot last set the high-water mark; zero when an earlier boot set it (the
        /// time the device was off then counts for nothing).</summary>
        public TimeSpan HighWaterUptime;
        /// <summary>The latest NotBefore of the certificates the device uses (ClientCert1, RootCA1), ticks; 0 = none.</summary>
        public long UsedNotBeforeTicks;
        /// <summary>The NotAfter of the client certificate in use (ClientCert1; RootCA1's when there is none), ticks; 0 = none.</summary>
        public long UsedNotAfterTicks;
        /// <summary>True when a source independent of the clock (the hub's time, a certificate just issued) gave a time
        /// within this boot.</summary>
        public bool HaveWitness;
        /// <summary>The earliest the time could have been then, by that source (carried forward by uptime, part of the floor).</summary>
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
        /// <summary>True when <see cref="Now"/> is confirmed and may become the high-water mark; an unconfirmed time is
        /// decided with but never remembered past this boot.</summary>
        public bool Confirmed;
        /// <summary>When <see cref="Now"/> is not confirmed: the uptime since which the clock has held its line (for the next look).</summary>
        public TimeSpan LineSinceUptime;
        /// <summary>How far the wall clock is behind <see cref="Now"/> (zero when the clock is decided with as it reads).</summary>
        public TimeSpan Lag = TimeSpan.Zero;

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
    /// changes nothing (unless that time was never confirmed: an unconfirmed time is not held against the clock). A
    /// forward jump of over a day is believed when it has held (to within an hour) for <see cref="JumpConfirm"/> of
    /// uptime, or when a second source agrees with it.</description></item>
    /// <item><description>At the first look of a boot (power-off time is unknown), a clock later than the NotAfter of the
    /// client certificate in use (RootCA1's when there is none) or the high-water mark, whichever is later, plus
    /// <see cref="FarAhead"/> is a forward jump like the one above: no decision until it has held (wall minus uptime to
    /// within an hour) for <see cref="JumpConfirm"/> or a second source agrees. A long power-off ends that way; one bad
    /// SNTP answer does not.</description></item>
    /// <item><description>The floor is the latest of: that within-boot time, the journal's high-water mark, (less
    /// <see cref="NotBeforeSlack"/>) the NotBefore of the certificates in use, and the earliest time a second source gave in
    /// this boot, carried forward by uptime: those times have certainly passed, however long the device was off. A clock at
    /// or after the floor is believed.</description></item>
    /// <item><description>A certificate just issued over an authenticated session (the EST server the device verified) is
    /// such a source: its NotBefore is the CA's clock at issue or earlier (CAs backdate, by up to
    /// <see cref="IssuerBackdateAllowance"/>; they do not postdate), so the time was at least its NotBefore when it arrived.
    /// A NotBefore ahead of the wall clock therefore means the clock is behind, and the device takes the certificate and
    /// decides with that NotBefore (floored, below). The bound is <see cref="NotBeforeSlack"/>: up to a day ahead covers every
    /// clock a little wrong that SNTP can leave (a slow RTC between syncs, a server in a local time zone: at most 14 hours,
    /// a missed daylight-saving change); and a certificate further ahead would, once in use, put the device before the
    /// NotBefore of a certificate in use (the rule below), a clock it no longer believes. Further ahead is a CA dating
    /// certificates in the future or a clock wrong by days: the certificate is refused (<see cref="IssuedTooFarAhead"/>),
    /// and the refusal waits like any failure that will not clear at once (the longest retry interval), never a new
    /// enrollment at once.</description></item>
    /// <item><description>A clock behind the floor by less than <see cref="SmallLag"/> (and not before a certificate's
    /// NotBefore) is believed, floored: an RTC a little slow.</description></item>
    /// <item><description>A clock further behind is believed only when a second, independent source agrees with it
    /// (the time then lies in the source's interval, carried forward by uptime): then the floor itself was wrong (a bad
    /// time believed once). Otherwise decisions are taken with the floor (<see cref="ClockTrust.Floor"/>): a renewal comes
    /// no later than it would with a right clock, since the floor never runs ahead of the true time unless a wrong time
    /// was believed earlier. A clock that merely keeps its wrong answer is not a second source: a slow SNTP server stays
    /// slow.</description></item>
    /// </list>
    /// <para>The high-water mark is only ever raised to a <see cref="ClockVerdict.Confirmed"/> time, so that one wrong
    /// reading cannot become the device's memory of time: a time is confirmed when it is no later than the mark plus the
    /// uptime since the mark was set (in this boot; since boot otherwise) plus <see cref="MarkSlack"/>, when it continues a confirmed time of this boot, when the clock has
    /// held its line for <see cref="JumpConfirm"/> of uptime, when a second source agrees, or when it is the floor itself.
    /// Any other time believed (after a power-off of weeks, say) is decided with but not remembered until it is confirmed.</para>
    /// </remarks>
    public static class ClockJudge
    {
        /// <summary>How long a forward jump must hold before it is believed without a second source: several SNTP intervals (ESP-IDF: 1 h).</summary>
        public static readonly TimeSpan JumpConfirm = TimeSpan.FromHours(6);
        /// <summary>How far behind the floor a clock may be and still be believed (floored) without a second source.</summary>
        public static readonly TimeSpan SmallLag = TimeSpan.FromDays(30);
        /// <summary>Clock differences between a CA and the world that a NotBefore is allowed: also how far after the wall
        /// clock a just-issued certificate may begin and still be taken as "this clock is behind" (see the remarks).</summary>
        public static readonly TimeSpan NotBeforeSlack = TimeSpan.FromDays(1);
        /// <summary>How far before issue a CA may date a certificate's NotBefore: a certificate just issued says the time then
        /// was between its NotBefore and that much later.</summary>
        public static readonly TimeSpan IssuerBackdateAllowance = TimeSpan.FromDays(2);
        /// <summary>How far past the client certificate's NotAfter (or the mark) a clock may read at boot and still be
        /// believed without confirmation.</summary>
        public static readonly TimeSpan FarAhead = TimeSpan.FromDays(30);
        /// <summary>How far past the mark plus the uptime since it was set a time may be and still be confirmed at once (the mark
        /// is saved in half-day steps).</summary>
        public static readonly TimeSpan MarkSlack = TimeSpan.FromDays(1);
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
            bool confirmed = witnessAgrees;
            long floor = e.HighWaterTicks;
            v.LineSinceUptime = e.Uptime;
            if (e.HaveLast)
            {
                DateTime expected = e.LastNow + (e.Uptime - e.LastUptime);
                long skew = (wall - expected).Ticks;
                bool jumped = skew > TicksPerDay && !witnessAgrees;
                if (jumped)
                {
                    if (!Held(e, v, skew, "the wall clock jumped forward; waiting to confirm it"))
                    {
                        return v;
                    }
                    confirmed = true;
                }
                if (e.LastConfirmed || skew >= -TimeSpan.TicksPerHour)
                {
                    if (expected.Ticks > floor)
                    {
                        floor = expected.Ticks;
                    }
                    if (!jumped)
                    {
                        v.LineSinceUptime = e.LineSinceUptime;
                        confirmed |= e.LastConfirmed || e.Uptime - e.LineSinceUptime >= JumpConfirm;
                    }
                }
            }
            else
            {
                long ceiling = e.UsedNotAfterTicks > e.HighWaterTicks ? e.UsedNotAfterTicks : e.HighWaterTicks;
                if (ceiling > 0 && wall.Ticks > ceiling + FarAhead.Ticks && !witnessAgrees)
                {
                    if (!Held(e, v, wall.Ticks - e.Uptime.Ticks,
                        "the wall clock reads long after the certificate in use expires; waiting to confirm it"))
                    {
                        return v;
                    }
                    confirmed = true;
                }
            }
            confirmed |= e.HighWaterTicks > 0 && wall.Ticks <= e.HighWaterTicks + (e.Uptime - e.HighWaterUptime).Ticks + MarkSlack.Ticks;
            long notBefore = e.UsedNotBeforeTicks - NotBeforeSlack.Ticks;
            bool beforeCertificate = e.UsedNotBeforeTicks > 0 && wall.Ticks < notBefore;
            long certain = notBefore > e.HighWaterTicks ? notBefore : e.HighWaterTicks;
            if (e.HaveWitness)
            {
                long witnessed = e.WitnessEarliest.Ticks + (e.Uptime - e.WitnessUptime).Ticks;
                certain = witnessed > certain ? witnessed : certain;
            }
            if (certain > floor)
            {
                floor = certain;
            }
            v.Trust = ClockTrust.Believed;
            if (wall.Ticks >= floor || witnessAgrees)
            {
                // With a second source agreeing against the device's memory, the memory was wrong.
                v.Now = wall;
                v.Confirmed = confirmed;
                return v;
            }
            v.Now = new DateTime(floor, DateTimeKind.Utc);
            v.Lag = TimeSpan.FromTicks(floor - wall.Ticks);
            v.Confirmed = confirmed || floor <= certain;
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

        /// <summary>True when a certificate just issued, valid from <paramref name="notBefore"/>, begins more than
        /// <see cref="NotBeforeSlack"/> after <paramref name="wall"/>: further than a clock behind its CA explains.</summary>
        public static bool BeginsTooFarAhead(DateTime notBefore, DateTime wall)
        {
            return notBefore > wall + NotBeforeSlack;
        }

        /// <summary>
        /// Null when a certificate just issued, valid from <paramref name="notBefore"/>, may be taken at the wall clock
        /// <paramref name="wall"/>; otherwise why not, to follow "the issued certificate": it begins more than
        /// <see cref="NotBeforeSlack"/> after the clock (see the remarks: up to that, the clock is behind and the certificate
        /// dates it).
        /// </summary>
        public static string? IssuedTooFarAhead(DateTime notBefore, DateTime wall)
        {
            if (!BeginsTooFarAhead(notBefore, wall))
            {
                return null;
            }
            long hours = (notBefore - wall).Ticks / TimeSpan.TicksPerHour;
            return "begins " + hours.ToString() + " h after this device's clock, over the "
                + (NotBeforeSlack.Ticks / TimeSpan.TicksPerHour).ToString()
                + " h a clock may lag its CA: the CA postdates, or the clock is days behind";
        }

        /// <summary>
        /// Keeps in <paramref name="e"/> what the next look needs from <paramref name="v"/>: the pending jump, and, when a
        /// decision was taken, its time, its uptime and whether it was confirmed.
        /// </summary>
        public static void Carry(ClockEvidence e, ClockVerdict v)
        {
            e.JumpPending = v.JumpPending;
            e.JumpSkew = v.JumpSkew;
            e.JumpSeenUptime = v.JumpSeenUptime;
            if (!v.MayDecide)
            {
                return;
            }
            e.HaveLast = true;
            e.LastNow = v.Now;
            e.LastUptime = e.Uptime;
            e.LastConfirmed = v.Confirmed;
            e.LineSinceUptime = v.LineSinceUptime;
        }

        /// <summary>
        /// A forward jump of <paramref name="skew"/> ticks (against the time expected, or against uptime at the first look):
        /// true once the same jump (to within an hour) has held for <see cref="JumpConfirm"/>; otherwise the verdict waits.
        /// </summary>
        private static bool Held(ClockEvidence e, ClockVerdict v, long skew, string reason)
        {
            long diff = skew - e.JumpSkew;
            bool same = e.JumpPending && diff <= TimeSpan.TicksPerHour && diff >= -TimeSpan.TicksPerHour;
            v.JumpPending = true;
            v.JumpSkew = same ? e.JumpSkew : skew;
            v.JumpSeenUptime = same ? e.JumpSeenUptime : e.Uptime;
            if (!same || e.Uptime - e.JumpSeenUptime < JumpConfirm)
            {
                v.Trust = ClockTrust.JumpUnconfirmed;
                v.Reason = reason;
                return false;
            }
            v.JumpPending = false;
            return true;
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
