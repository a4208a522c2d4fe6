using System;
using NfCerts.Core.Renewal;
using Xunit;

namespace NfCerts.Tests.Renewal
{
    public class ClockFaultTests
    {
        [Fact]
        public void NothingIsDecidedOnAnUnsynchronisedClock()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Days(20);
            // Reboot; SNTP cannot be reached for 15 days, across the renewal date (day 32). The wall clock reads 1970.
            d.Reboot(syncAfter: TimeSpan.FromDays(15));
            Assert.Equal(0, d.Issuer.Calls);
            Assert.Equal("Network1", d.W.ConnectedName);
            // Once the clock is synchronised the due renewal happens at the next check (within a minute).
            d.W.Clock.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(1, d.Issuer.Calls);
            Assert.Equal(1, d.Engine.Status.Renewals);
        }

        [Fact]
        public void StatusSaysTheClockIsNotTrustedWhileUnsynchronised()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Reboot(syncAfter: TimeSpan.FromHours(3));
            d.W.Clock.Desynchronize();
            d.W.Clock.Advance(TimeSpan.FromMinutes(5));
            var s = d.Engine.Status;
            Assert.False(s.ClockTrusted);
            Assert.Contains("synchronised", s.LastReason);
        }

        [Fact]
        public void BackwardJumpDoesNotSkipADueRenewal()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Days(30);
            d.W.Clock.SetWallClock(d.W.Clock.UtcNow - TimeSpan.FromDays(10));
            d.Days(3);
            Assert.Equal(1, d.Issuer.Calls);
            var renewedAt = d.W.Clock.TrueUtc;
            Assert.Equal(1, d.Engine.Status.Renewals);
        }

        [Fact]
        public void BogusForwardJumpDoesNotTriggerARenewal()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Days(10);
            var trueNow = d.W.Clock.UtcNow;
            d.W.Clock.SetWallClock(trueNow + TimeSpan.FromDays(700));
            d.Engine.CheckNow();  // a check sees the jump and waits to confirm it
            Assert.Equal(0, d.Issuer.Calls);
            Assert.Contains("jumped forward", d.Engine.Status.LastReason);
            d.W.Clock.Advance(TimeSpan.FromHours(2));
            d.W.Clock.SetWallClock(d.W.Clock.TrueUtc); // the next SNTP sync corrects it
            d.Days(5);
            Assert.Equal(0, d.Issuer.Calls);
            Assert.Equal(0, d.Engine.Status.Renewals);
        }

        [Fact]
        public void ForwardJumpThatPersistsIsBelieved()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Days(5);
            // The clock was really behind (e.g. a bad RTC corrected late): it jumps 40 days forward and stays.
            d.W.Clock.SetWallClock(d.W.Clock.UtcNow + TimeSpan.FromDays(40));
            d.Engine.CheckNow();
            Assert.Equal(0, d.Issuer.Calls);
            d.W.Clock.Advance(TimeSpan.FromHours(7));
            Assert.Equal(1, d.Issuer.Calls);
        }

        [Fact]
        public void DeviceOfflineForThirtyDaysAcrossTheWindowCatchesUpOnFirstBoot()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Days(20);
            Assert.Equal(0, d.Issuer.Calls);
            // Powered off from day 20 to day 50: the renewal date (day 32) passes while it is off.
            d.Reboot(offFor: TimeSpan.FromDays(30), syncAfter: TimeSpan.FromSeconds(20));
            d.W.Clock.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(1, d.Issuer.Calls);
            Assert.Equal(1, d.Engine.Status.Renewals);
            Assert.Equal("Network1", d.W.ConnectedName);
        }
    }
}
