using System;
using NfCerts.Core.Renewal;
using Xunit;

namespace NfCerts.Tests.Renewal
{
    /// <summary>When the engine looks next, as a table (hours from now; NaN = none).</summary>
    public class CheckScheduleTests
    {
        private static readonly DateTime Now = new DateTime(2027, 5, 10, 8, 0, 0, DateTimeKind.Utc);

        private static DateTime At(double hours) => double.IsNaN(hours) ? DateTime.MinValue : Now.AddHours(hours);

        [Theory]
        //          trust                        daily  retry       due         wait (h)
        [InlineData(ClockTrust.Unsynchronised,   20.0,  1.0,        2.0,        1.0 / 60)]
        [InlineData(ClockTrust.JumpUnconfirmed,  20.0,  1.0,        2.0,        6.0)]
        [InlineData(ClockTrust.Believed,         20.0,  double.NaN, double.NaN, 20.0)]
        [InlineData(ClockTrust.Believed,         20.0,  3.0,        double.NaN, 3.0)]      // a retry before the daily check
        [InlineData(ClockTrust.Believed,         20.0,  30.0,       5.0,        5.0)]      // the certificate falls due first
        [InlineData(ClockTrust.Floor,            20.0,  -1.0,       -2.0,       20.0)]     // past dates are ignored
        [InlineData(ClockTrust.Believed,         0.0001, double.NaN, double.NaN, 1.0 / 3600)] // at least a second
        public void NextCheck(ClockTrust trust, double daily, double retry, double due, double waitHours)
        {
            var wait = CheckSchedule.Next(trust, Now, At(daily), At(retry), At(due), out var next);
            Assert.Equal(TimeSpan.FromHours(waitHours).TotalSeconds, wait.TotalSeconds, 3);
            bool decided = trust == ClockTrust.Believed || trust == ClockTrust.Floor;
            Assert.Equal(decided, next != DateTime.MinValue);
        }

        [Theory]
        [InlineData(0, 1440, 7u)]
        [InlineData(120, 240, 7u)]
        [InlineData(1380, 60, 99u)] // wraps midnight
        public void DailySlotIsInTheWindowAndWithinADay(int start, int end, uint seed)
        {
            var p = new RenewalPolicy { WindowStartMinute = start, WindowEndMinute = end };
            var slot = CheckSchedule.DailySlot(p, seed, Now);
            Assert.InRange(slot, Now + TimeSpan.FromTicks(1), Now.AddDays(1));
            int minute = slot.Hour * 60 + slot.Minute;
            bool inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
            Assert.True(inside, $"{minute} outside [{start}, {end})");
            Assert.Equal(slot, CheckSchedule.DailySlot(p, seed, Now.AddMinutes(1) < slot ? Now.AddMinutes(1) : Now));
        }
    }
}
