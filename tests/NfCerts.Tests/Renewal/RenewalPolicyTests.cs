using System;
using NfCerts.Core.Renewal;
using Xunit;

namespace NfCerts.Tests.Renewal
{
    public class RenewalPolicyTests
    {
        private static readonly DateTime T0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        [Theory]
        [InlineData("80%", 80, 0)]
        [InlineData("4%", 4, 0)]
        [InlineData("28d", 0, 28 * 86400)]
        [InlineData("12h", 0, 12 * 3600)]
        [InlineData("60min", 0, 3600)]
        [InlineData("60m", 0, 3600)]
        [InlineData(" 30s ", 0, 30)]
        public void ParsesPercentagesAndTimes(string text, int percent, int seconds)
        {
            var s = LifetimeSpan.Parse(text, "threshold");
            Assert.Equal(percent, s.Percent);
            Assert.Equal(TimeSpan.FromSeconds(seconds), s.Absolute);
        }

        [Theory]
        [InlineData("0%", "between 1% and 99%")]
        [InlineData("100%", "between 1% and 99%")]
        [InlineData("28", "not valid")]
        [InlineData("d", "not valid")]
        [InlineData("5w", "unknown unit 'w'")]
        [InlineData("0s", "at least 1s")]
        [InlineData("-5d", "not valid")]
        public void RejectsBadValuesWithASpecificMessage(string text, string message)
        {
            var e = Assert.Throws<ArgumentException>(() => LifetimeSpan.Parse(text, "threshold"));
            Assert.Contains(message, e.Message);
            Assert.Contains("threshold", e.Message);
        }

        [Fact]
        public void DefaultsAreFourWeeksAndFourPercent()
        {
            var p = new RenewalPolicy();
            Assert.Equal(TimeSpan.FromDays(28), p.Threshold.Absolute);
            Assert.Equal(4, p.Retry.Percent);
            Assert.Equal("", p.Validate());
        }

        [Fact]
        public void AbsoluteAndPercentThresholds()
        {
            var p = new RenewalPolicy();
            Assert.Equal(T0.AddDays(365 - 28), p.RenewAt(T0, T0.AddDays(365), DateTime.MinValue, out bool c1));
            Assert.False(c1);
            p.Threshold = LifetimeSpan.Parse("80%", "threshold");
            Assert.Equal(T0.AddDays(80), p.RenewAt(T0, T0.AddDays(100), DateTime.MinValue, out _));
        }

        [Fact]
        public void ThresholdNotBelowTheLifetimeIsClampedInsteadOfLooping()
        {
            var p = new RenewalPolicy(); // 28 days
            var at = p.RenewAt(T0, T0.AddDays(7), DateTime.MinValue, out bool clamped);
            Assert.True(clamped);
            Assert.Equal(T0 + TimeSpan.FromTicks(TimeSpan.FromDays(7).Ticks / 3 * 2), at);
        }

        [Fact]
        public void BackdatedNotBeforeCountsFromInstallation()
        {
            var p = new RenewalPolicy();
            p.Threshold = LifetimeSpan.Parse("80%", "threshold");
            // Issued today, NotBefore backdated a year, valid 30 more days: lifetime counts from installation.
            var installed = T0;
            var at = p.RenewAt(T0.AddDays(-365), T0.AddDays(30), installed, out _);
            Assert.Equal(T0.AddDays(24), at);
        }

        [Fact]
        public void RetryDelayDoublesIsCappedAndHonoursRetryAfter()
        {
            var p = new RenewalPolicy();
            var life = TimeSpan.FromDays(100); // 4% = 4 days
            Assert.Equal(TimeSpan.FromMinutes(1), p.RetryDelay(1, life, 1.0, TimeSpan.Zero));
            Assert.Equal(TimeSpan.FromMinutes(2), p.RetryDelay(2, life, 1.0, TimeSpan.Zero));
            Assert.Equal(TimeSpan.FromMinutes(32), p.RetryDelay(6, life, 1.0, TimeSpan.Zero));
            Assert.Equal(TimeSpan.FromDays(4), p.RetryDelay(40, life, 1.0, TimeSpan.Zero));
            Assert.Equal(TimeSpan.FromSeconds(30), p.RetryDelay(1, life, 0.5, TimeSpan.Zero));
            Assert.Equal(TimeSpan.FromHours(5), p.RetryDelay(1, life, 0.7, TimeSpan.FromHours(5)));
        }

        [Fact]
        public void WindowParsingAndValidation()
        {
            var p = new RenewalPolicy();
            p.SetWindow("02:00-04:30");
            Assert.Equal(120, p.WindowStartMinute);
            Assert.Equal(270, p.WindowEndMinute);
            Assert.Contains("HH:MM", Assert.Throws<ArgumentException>(() => p.SetWindow("2-4")).Message);
            Assert.Contains("empty", Assert.Throws<ArgumentException>(() => p.SetWindow("03:00-03:00")).Message);
            p.RetryInitial = TimeSpan.Zero;
            Assert.Contains("at least 1s", p.Validate());
        }
    }
}
