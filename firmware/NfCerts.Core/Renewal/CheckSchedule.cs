using System;
using NfCerts.Core.Timing;

namespace NfCerts.Core.Renewal
{
    /// <summary>When the renewal engine looks next: pure functions of the clock verdict and the dates the last check found,
    /// so that each rule has a table test.</summary>
    public static class CheckSchedule
    {
        /// <summary>How often an unsynchronised clock is looked at again.</summary>
        public static readonly TimeSpan SyncWait = TimeSpan.FromMinutes(1);
        /// <summary>The shortest wait between checks.</summary>
        public static readonly TimeSpan MinimumWait = TimeSpan.FromSeconds(1);
        private const long TicksPerDay = 864000000000L;

        /// <summary>
        /// The wait until the next check. Without a time to decide with: <see cref="SyncWait"/> while unsynchronised,
        /// <see cref="ClockJudge.JumpConfirm"/> while a forward jump is being confirmed (<paramref name="nextUtc"/> is then
        /// MinValue). Otherwise the earliest of the daily slot, a pending retry (<paramref name="attemptAt"/>) and the date the
        /// certificate falls due (<paramref name="renewAt"/>), those in the past ignored, and never less than
        /// <see cref="MinimumWait"/>.
        /// </summary>
        public static TimeSpan Next(ClockTrust trust, DateTime now, DateTime dailySlot, DateTime attemptAt, DateTime renewAt, out DateTime nextUtc)
        {
            nextUtc = DateTime.MinValue;
            if (trust == ClockTrust.Unsynchronised)
            {
                return SyncWait;
            }
            if (trust == ClockTrust.JumpUnconfirmed)
            {
                return ClockJudge.JumpConfirm;
            }
            DateTime next = dailySlot;
            if (attemptAt > now && attemptAt < next)
            {
                next = attemptAt;
            }
            if (renewAt > now && renewAt < next)
            {
                next = renewAt;
            }
            nextUtc = next;
            TimeSpan delay = next - now;
            return delay < MinimumWait ? MinimumWait : delay;
        }

        /// <summary>The next occurrence, after <paramref name="now"/>, of the device's minute in the policy's daily window:
        /// a minute picked from the window by the device seed, so that a fleet spreads its checks.</summary>
        public static DateTime DailySlot(RenewalPolicy policy, uint seed, DateTime now)
        {
            int length = policy.WindowEndMinute - policy.WindowStartMinute;
            if (length <= 0)
            {
                length += 1440;
            }
            int minute = (policy.WindowStartMinute + (int)(DeviceJitter.Mix(seed) % (uint)length)) % 1440;
            long day = now.Ticks - now.Ticks % TicksPerDay;
            long at = day + minute * TimeSpan.TicksPerMinute;
            if (at <= now.Ticks)
            {
                at += TicksPerDay;
            }
            return new DateTime(at, DateTimeKind.Utc);
        }
    }
}
