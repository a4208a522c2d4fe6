using System;
using NfCerts.Core.Renewal;
using Xunit;

namespace NfCerts.Tests.Renewal
{
    /// <summary>
    /// A synchronised clock far behind what the device knows has passed (the journal's high-water mark, the NotBefore of
    /// the certificate it uses) is not believed without a second source; decisions go on from that floor (issue 9, finding 6).
    /// </summary>
    public class ClockCorroborationTests
    {
        [Theory]
        [MemberData(nameof(RenewalDevice.StartTimes), MemberType = typeof(RenewalDevice))]
        public void SntpFortyDaysSlowAfterARebootDoesNotLetTheClientCertificateExpire(string startTime)
        {
            using var d = RenewalDevice.At(startTime, TimeSpan.FromDays(60));
            d.Days(20);
            d.Reboot(clockError: TimeSpan.FromDays(-40));
            d.Days(1);
            var s = d.Engine.Status;
            Assert.False(s.ClockTrusted);
            Assert.Equal(ClockTrust.Floor, s.Clock);
            Assert.Contains("behind", s.LastReason);
            d.Days(44);
            Assert.True(d.Issuer.Calls >= 1, "the issuer was never called");
            Assert.True(d.W.Store.GetCertificateNotAfter("ClientCert1") > d.W.Clock.TrueUtc, "ClientCert1 expired");
            Assert.Equal("Network1", d.W.ConnectedName);
            // The renewal came on time by the floor: within a day of the due date (28 days before the first NotAfter).
            var due = d.FirstClient.Certificate.NotAfter.ToUniversalTime() - TimeSpan.FromDays(28);
            Assert.Equal(1, d.Issuer.Calls);
            var issuedAt = d.Issuer.LastIssued!.Certificate.NotBefore.ToUniversalTime() + d.Issuer.Backdate;
            Assert.InRange(issuedAt, due - TimeSpan.FromSeconds(1), due + TimeSpan.FromDays(1));
        }

        [Theory]
        [MemberData(nameof(RenewalDevice.StartTimes), MemberType = typeof(RenewalDevice))]
        public void ClockBeforeTheNotBeforeOfTheCertificateInUseIsNotBelieved(string startTime)
        {
            using var d = RenewalDevice.At(startTime, TimeSpan.FromDays(60));
            d.Days(1);
            d.Engine.Stop();
            // Whether a day's run saved a journal depends on the hour (see JournalRobustnessTests): none either way.
            DeleteJournal(d);
            // No high-water mark at all: only ClientCert1 (valid from yesterday) says the clock is wrong.
            d.Reboot(clockError: TimeSpan.FromDays(-40));
            d.W.Clock.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(ClockTrust.Floor, d.Engine.Status.Clock);
            d.Days(40);
            Assert.Equal(1, d.Engine.Status.Renewals);
            Assert.True(d.W.Store.GetCertificateNotAfter("ClientCert1") > d.W.Clock.TrueUtc);
        }

        [Fact]
        public void ASecondSourceThatAgreesMakesAFarBehindClockBelieved()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Days(2);
            // A bad source once put the high-water mark a year ahead (it held for the hours a jump needs to be believed);
            // the clock is right again at this boot.
            d.Reboot(clockError: TimeSpan.FromDays(365));
            d.Engine.Stop();
            d.Engine.CheckNow();
            d.W.Clock.Advance(ClockJudge.JumpConfirm);
            d.Engine.CheckNow(); // the wrong time has held: it is believed and the high-water mark goes a year ahead
            Assert.True(d.Engine.Journal.HighWaterTicks > d.W.Clock.TrueUtc.AddDays(300).Ticks);
            // The issuer is unreachable at this boot: a certificate it issued would be a second source of its own, and the
            // engine looks again right after such a renewal (ClockFarAheadThenCorrectIsSettledByTheIssuersFreshCertificate).
            for (int i = 0; i < 10; i++)
            {
                d.Issuer.Failures.Enqueue(new IssuerException("the issuer is unreachable", true, TimeSpan.Zero));
            }
            d.Reboot();
            d.W.Clock.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(ClockTrust.Floor, d.Engine.Status.Clock);
            // The hub (say) reports its time: the two agree, so the wall clock is believed and the mark comes back.
            d.Engine.CorroborateClock(d.W.Clock.TrueUtc + TimeSpan.FromMinutes(3));
            d.Engine.CheckNow();
            var s = d.Engine.Status;
            Assert.True(s.ClockTrusted);
            Assert.Equal(ClockTrust.Believed, s.Clock);
            Assert.DoesNotContain("behind", s.LastReason);
            Assert.InRange(new DateTime(d.Engine.Journal.HighWaterTicks, DateTimeKind.Utc), d.W.Clock.TrueUtc - TimeSpan.FromDays(1), d.W.Clock.TrueUtc + TimeSpan.FromMinutes(1));
        }

        [Fact]
        public void ASecondSourceThatDisagreesChangesNothing()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Days(20);
            d.Reboot(clockError: TimeSpan.FromDays(-40));
            d.Engine.CorroborateClock(d.W.Clock.TrueUtc);
            d.Engine.CheckNow();
            Assert.Equal(ClockTrust.Floor, d.Engine.Status.Clock);
        }

        [Fact]
        public void WaitingReasonIsClearedOnceTheClockIsSynchronised()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Reboot(syncAfter: TimeSpan.FromMinutes(10));
            d.W.Clock.Advance(TimeSpan.FromMinutes(2));
            var s = d.Engine.Status;
            Assert.True(s.ClockTrusted);
            Assert.DoesNotContain("synchronised", s.LastReason);
            Assert.Equal("", s.LastReason);
        }

        [Theory]
        [MemberData(nameof(RenewalDevice.StartTimes), MemberType = typeof(RenewalDevice))]
        public void ClockFarAheadThenCorrectIsSettledByTheIssuersFreshCertificate(string startTime)
        {
            using var d = RenewalDevice.At(startTime, TimeSpan.FromDays(60));
            d.Days(5);
            d.Reboot(clockError: TimeSpan.FromDays(365));
            d.Days(1);
            d.Reboot();
            d.Days(1);
            // The certificate the issuer gave at the true time agrees with the corrected clock: it is believed again.
            Assert.Equal(ClockTrust.Believed, d.Engine.Status.Clock);
            d.Days(120);
            Assert.True(d.W.Store.GetCertificateNotAfter("ClientCert1") > d.W.Clock.TrueUtc);
            Assert.InRange(d.Issuer.Calls, 2, 5);
        }

        [Fact]
        public void FarFutureSntpAnswerAtFirstBootIsNotRememberedAndTheRenewalComesOnTime()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Engine.Stop();
            DeleteJournal(d);
            // First boot (no journal, no high-water mark): one SNTP answer ten years ahead.
            d.Reboot(clockError: TimeSpan.FromDays(3650));
            d.W.Clock.Advance(TimeSpan.FromMinutes(2));
            AssertFarFutureIgnoredThenRenewedOnTime(d);
        }

        [Fact]
        public void FarFutureSntpAnswerAfterANormalMarkIsNotRemembered()
        {
            using var d = RebootedOnDayThree(TimeSpan.Zero, TimeSpan.FromDays(3650));
            AssertFarFutureIgnoredThenRenewedOnTime(d);
        }

        private static void AssertFarFutureIgnoredThenRenewedOnTime(RenewalDevice d)
        {
            Assert.Equal(ClockTrust.JumpUnconfirmed, d.Engine.Status.Clock);
            Assert.Equal(0, d.Issuer.Calls);
            Assert.True(d.Engine.Journal.HighWaterTicks <= d.W.Clock.TrueUtc.Ticks, "the far-future answer became the high-water mark");
            // The next SNTP answer is right: it is believed, and remembered once it has held.
            d.W.Clock.SetWallClock(d.W.Clock.TrueUtc);
            d.Days(2);
            Assert.Equal(ClockTrust.Believed, d.Engine.Status.Clock);
            Assert.Equal(0, d.Issuer.Calls);
            Assert.InRange(new DateTime(d.Engine.Journal.HighWaterTicks, DateTimeKind.Utc), d.W.Clock.TrueUtc - TimeSpan.FromDays(2), d.W.Clock.TrueUtc);
            // The renewal comes on time: within a day of the due date (28 days before the first NotAfter).
            d.Days(40);
            var due = d.FirstClient.Certificate.NotAfter.ToUniversalTime() - TimeSpan.FromDays(28);
            Assert.Equal(1, d.Issuer.Calls);
            var issuedAt = d.Issuer.LastIssued!.Certificate.NotBefore.ToUniversalTime() + d.Issuer.Backdate;
            Assert.InRange(issuedAt, due - TimeSpan.FromSeconds(1), due + TimeSpan.FromDays(1));
            Assert.True(d.W.Store.GetCertificateNotAfter("ClientCert1") > d.W.Clock.TrueUtc, "ClientCert1 expired");
        }

        [Fact]
        public void LargeForwardCorrectionAfterALongPowerOffIsBelievedOnceItHolds()
        {
            // Off for a year: the right time is now far past ClientCert1's NotAfter.
            using var d = RebootedOnDayThree(TimeSpan.FromDays(365), TimeSpan.Zero);
            Assert.Equal(ClockTrust.JumpUnconfirmed, d.Engine.Status.Clock);
            d.W.Clock.Advance(ClockJudge.JumpConfirm + TimeSpan.FromMinutes(2));
            Assert.Equal(ClockTrust.Believed, d.Engine.Status.Clock);
            Assert.InRange(new DateTime(d.Engine.Journal.HighWaterTicks, DateTimeKind.Utc), d.W.Clock.TrueUtc - TimeSpan.FromHours(1), d.W.Clock.TrueUtc);
        }

        private static void DeleteJournal(RenewalDevice d)
        {
            if (d.W.Log.Contains(RenewalJournal.LogKey))
            {
                var t = d.W.Log.Begin();
                t.Delete(RenewalJournal.LogKey);
                t.Commit();
            }
        }

        /// <summary>A device that ran 3 days, was off for <paramref name="offFor"/>, and booted 2 minutes ago with the clock off by <paramref name="clockError"/>.</summary>
        private static RenewalDevice RebootedOnDayThree(TimeSpan offFor, TimeSpan clockError)
        {
            var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Days(3);
            d.Reboot(offFor: offFor, clockError: clockError);
            d.W.Clock.Advance(TimeSpan.FromMinutes(2));
            return d;
        }
    }
}
