using System;
using NfCerts.Core.Renewal;
using NfCerts.Core.Timing;
using Xunit;

namespace NfCerts.Tests.Renewal
{
    /// <summary>
    /// The engine's decisions as tables, without a store, a radio or an issuer: one row per situation. Times are days from
    /// <see cref="Now"/>; NaN = none. When the next check runs (clock untrusted, a jump to confirm, the daily window) is
    /// <see cref="CheckSchedule"/>'s table, CheckScheduleTests.
    /// </summary>
    public class RenewalDecisionTests
    {
        private static readonly DateTime Now = new DateTime(2027, 5, 10, 8, 0, 0, DateTimeKind.Utc);

        private static DateTime Day(double days) => Now + TimeSpan.FromDays(days);

        private static long Ticks(double days) => double.IsNaN(days) ? 0 : Day(days).Ticks;

        private static RenewalAction Decide(double notBefore, double notAfter, double installed = double.NaN, double attempt = double.NaN,
            bool disagrees = false, bool issuer = true, bool onNetwork1 = true, string threshold = "28d", bool hasCertificate = true)
        {
            var policy = new RenewalPolicy { Threshold = LifetimeSpan.Parse(threshold, "threshold") };
            var facts = new RenewalFacts
            {
                Now = Now,
                HasClientCertificate = hasCertificate,
                NotBefore = Day(notBefore),
                NotAfter = Day(notAfter),
                InstalledTicks = Ticks(installed),
                NextAttemptTicks = Ticks(attempt),
                ClockDisagrees = disagrees,
                HasIssuer = issuer,
                OnNetwork1 = onNetwork1,
                Policy = policy,
            };
            return RenewalDecision.Next(facts, "ClientCert1", "Network1");
        }

        [Theory]
        //          notBefore notAfter  installed   attempt     expected                              renewAt (days)
        [InlineData(-1.0,     59.0,     double.NaN, double.NaN, RenewalActionKind.NotDue,              31.0)]  // nothing due: 28 days before expiry
        [InlineData(-40.0,    20.0,     double.NaN, double.NaN, RenewalActionKind.Renew,               -8.0)]  // client due, on Network1, issuer there
        [InlineData(-40.0,    20.0,     double.NaN, 0.5,        RenewalActionKind.WaitForRetry,        -8.0)]  // retry after a failure not yet
        [InlineData(-40.0,    20.0,     double.NaN, -0.5,       RenewalActionKind.Renew,               -8.0)]  // retry time passed
        [InlineData(-40.0,    20.0,     double.NaN, 400.0,      RenewalActionKind.Renew,               -8.0)]  // a retry time far beyond the cap is not believed
        [InlineData(-40.0,    20.0,     -0.5,       double.NaN, RenewalActionKind.NotDue,              13.1667)] // installed half a day ago: life counts from the install
        [InlineData(-40.0,    20.0,     3.0,        double.NaN, RenewalActionKind.Renew,               -8.0)]  // an install time in the future is ignored
        [InlineData(-1.0,     29.0,     double.NaN, double.NaN, RenewalActionKind.NotDue,              19.0)]  // 28d of a 30-day life: loop guard, 2/3
        [InlineData(-40.0,    -1.0,     double.NaN, double.NaN, RenewalActionKind.Renew,               -14.0)] // expired: due
        public void ClientDecision(double notBefore, double notAfter, double installed, double attempt, RenewalActionKind expected, double renewAt)
        {
            var a = Decide(notBefore, notAfter, installed, attempt);
            Assert.Equal(expected, a.Kind);
            Assert.Equal(Day(renewAt), a.RenewAt, TimeSpan.FromMinutes(1));
            Assert.Equal(TimeSpan.FromDays(notAfter - notBefore), a.Lifetime);
        }

        [Fact]
        public void GuardsAreCheckedInTheSeedsOrderOnceTheCertificateIsDue()
        {
            Assert.Equal(RenewalActionKind.WaitForClock, Decide(-40, 20, disagrees: true, issuer: false, onNetwork1: false).Kind);
            Assert.Equal(RenewalActionKind.WaitForRetry, Decide(-40, 20, attempt: 0.5, issuer: false, onNetwork1: false).Kind);
            var noIssuer = Decide(-40, 20, issuer: false, onNetwork1: false);
            Assert.Equal(RenewalActionKind.NoIssuer, noIssuer.Kind);
            Assert.Equal("no certificate issuer configured: ClientCert1 is due and cannot be renewed", noIssuer.Reason);
            var offline = Decide(-40, 20, onNetwork1: false);
            Assert.Equal(RenewalActionKind.WaitForNetwork1, offline.Kind);
            Assert.Equal("not connected to Network1: the renewal waits", offline.Reason);
            // Not due: none of the guards matter.
            Assert.Equal(RenewalActionKind.NotDue, Decide(-1, 59, disagrees: true, issuer: false, onNetwork1: false).Kind);
            var missing = Decide(-1, 59, hasCertificate: false);
            Assert.Equal(RenewalActionKind.NoClientCertificate, missing.Kind);
            Assert.Equal("there is no 'ClientCert1' in the certificate store", missing.Reason);
        }

        [Fact]
        public void AnImplausibleRetryTimeIsReplacedByNowAndAPlausibleOneKept()
        {
            Assert.Equal(Now.Ticks, Decide(-40, 20, attempt: 400).NextAttemptTicks);
            Assert.Equal(Ticks(0.5), Decide(-40, 20, attempt: 0.5).NextAttemptTicks);
        }

        [Theory]
        [InlineData("80%", -1.0, 9.0, 7.0)]   // percent of a 10-day life
        [InlineData("99%", -1.0, 9.0, 8.0)]   // never later than a day (a tenth of the life) before expiry
        public void ThresholdForms(string threshold, double notBefore, double notAfter, double renewAt)
        {
            Assert.Equal(Day(renewAt), Decide(notBefore, notAfter, threshold: threshold).RenewAt, TimeSpan.FromMinutes(1));
        }

        [Theory]
        //          failures retryable retryAfter(min) lifetime(d) expected wait (min, before jitter)
        [InlineData(1,       true,     0.0,            90.0,       1.0)]      // first retry: RetryInitial
        [InlineData(3,       true,     0.0,            90.0,       4.0)]      // backoff doubles
        [InlineData(30,      true,     0.0,            90.0,       5184.0)]   // capped at 4% of the lifetime (3.6 days)
        [InlineData(64,      false,    0.0,            90.0,       5184.0)]   // fatal refusal: the longest interval
        [InlineData(1,       true,     600.0,          90.0,       600.0)]    // Retry-After honoured when longer
        public void RetryWithBackoffAndRetryAfter(int failures, bool retryable, double retryAfterMinutes, double lifetimeDays, double minutes)
        {
            var policy = new RenewalPolicy();
            uint seed = 7;
            long at = RenewalDecision.RetryAt(policy, seed, Now, TimeSpan.FromDays(lifetimeDays), failures, retryable, TimeSpan.FromMinutes(retryAfterMinutes));
            double jitter = DeviceJitter.Factor(seed, failures);
            TimeSpan expected = retryAfterMinutes > 0 ? TimeSpan.FromMinutes(minutes) : TimeSpan.FromTicks((long)(TimeSpan.FromMinutes(minutes).Ticks * jitter));
            Assert.InRange(at, (Now + expected).Ticks - TimeSpan.TicksPerSecond, (Now + expected).Ticks + TimeSpan.TicksPerSecond);
            Assert.InRange(jitter, 0.5, 1.0);
        }

        [Fact]
        public void WithoutADecisionTimeTheRetryIsAtTheNextCheck()
        {
            Assert.Equal(0L, RenewalDecision.RetryAt(new RenewalPolicy(), 7, DateTime.MinValue, TimeSpan.FromDays(90), 1, true, TimeSpan.Zero));
        }

        [Theory]
        [InlineData(RootRotationStep.Idle, RootAction.None)]
        [InlineData(RootRotationStep.NoticeReceived, RootAction.Prepare)]
        [InlineData(RootRotationStep.WaitingForNetwork2, RootAction.CheckNetwork2)]
        [InlineData(RootRotationStep.Finishing, RootAction.Finish)]
        public void RootRotationPendingAtEachStep(RootRotationStep step, RootAction next)
        {
            Assert.Equal(next, RenewalDecision.NextRootStep(step));
        }
    }
}
