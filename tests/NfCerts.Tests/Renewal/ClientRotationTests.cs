using System;
using System.Linq;
using NfCerts.Core.Renewal;
using NfCerts.Core.Wifi;
using NfCerts.Tests.Support;
using NfCerts.Tests.Wifi;
using Xunit;

namespace NfCerts.Tests.Renewal
{
    public class ClientRotationTests
    {
        /// <summary>The seed's client flow, in order, as the engine reports its steps.</summary>
        public static readonly string[] SeedSteps =
        {
            "Client.2.CheckNotAfter", "Client.1.VerifyNetwork1", "Client.3.GetNewCertificate", "Client.4.InstallClientCert2",
            "Client.5.ReloadConfig", "Client.6.CheckConnection", "Client.6.MoveClientCert2", "Client.6.ReenableNetwork1", "Client.7.ReloadConfig",
        };

        private static void AssertRenewed(RenewalDevice d)
        {
            Assert.Equal("Network1", d.W.ConnectedName);
            var flash = d.OnFlash();
            Assert.Equal(d.Issuer.LastIssued!.Der, flash.ClientCert1);
            Assert.False(flash.HasClientCert2, "ClientCert2 left behind");
            Assert.False(flash.HasNetwork2, "Network2 left behind");
            Assert.Equal("ClientCert1", flash.Network1Client);
            Assert.Equal(ClientRotationStep.Idle, d.Engine.Journal.Client);
        }

        [Theory]
        [MemberData(nameof(RenewalDevice.StartTimes), MemberType = typeof(RenewalDevice))]
        public void RenewsFourWeeksBeforeExpiryFollowingTheSeedSteps(string startTime)
        {
            using var d = RenewalDevice.At(startTime, TimeSpan.FromDays(60));
            d.Days(1);
            Assert.Equal("Network1", d.W.ConnectedName);
            Assert.Equal(0, d.Issuer.Calls);
            Assert.InRange(d.Engine.Status.ClientCertDaysLeft, 58, 59);
            d.Days(29);   // day 30: 30 days left, not yet within 28
            Assert.Equal(0, d.Issuer.Calls);
            d.Days(3);    // day 33: within the threshold
            Assert.Equal(1, d.Issuer.Calls);
            var when = d.Issuer.CallTimes[0];
            var due = d.FirstClient.Certificate.NotAfter.ToUniversalTime() - TimeSpan.FromDays(28);
            Assert.InRange(when, due, due + TimeSpan.FromDays(1));
            var renewal = d.Steps.SkipWhile(s => s != "Client.3.GetNewCertificate").Take(7).ToArray();
            Assert.Equal(SeedSteps.Skip(2).ToArray(), renewal);
            AssertRenewed(d);
            var s = d.Engine.Status;
            Assert.Equal(RenewalState.Idle, s.State);
            Assert.Equal(1, s.Renewals);
            Assert.Equal("client certificate renewed", s.LastResult);
        }

        [Fact]
        public void RunsForYearsWithoutLoopsOrMissedRenewals()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Days(3 * 365);
            // 90-day certificates renewed 28 days before expiry: one renewal every ~62 days after the first at day ~32.
            Assert.InRange(d.Issuer.Calls, 17, 18);
            Assert.Equal(d.Issuer.Calls, d.Engine.Status.Renewals);
            Assert.Equal("Network1", d.W.ConnectedName);
            for (int i = 1; i < d.Issuer.CallTimes.Count; i++)
            {
                var gap = d.Issuer.CallTimes[i] - d.Issuer.CallTimes[i - 1];
                Assert.InRange(gap.TotalDays, 60, 64);
            }
            AssertRenewed(d);
        }

        [Fact]
        public void RetryableIssuerFailuresBackOffThenRenew()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            for (int i = 0; i < 4; i++)
            {
                d.Issuer.Failures.Enqueue(new IssuerException("503 service unavailable", true, TimeSpan.Zero));
            }
            d.Days(40);
            Assert.Equal(5, d.Issuer.Calls);
            var gaps = Enumerable.Range(1, 4).Select(i => d.Issuer.CallTimes[i] - d.Issuer.CallTimes[i - 1]).ToArray();
            // 1 min doubling (times a per-device factor in [0.5, 1)), never shorter than the previous.
            Assert.InRange(gaps[0].TotalSeconds, 29, 61);
            for (int i = 1; i < gaps.Length; i++)
            {
                Assert.True(gaps[i] > gaps[i - 1] * 1.0 || gaps[i].TotalSeconds >= 59, $"gap {i}: {gaps[i]} after {gaps[i - 1]}");
            }
            AssertRenewed(d);
            Assert.Equal(0, d.Engine.Status.ConsecutiveFailures);
        }

        [Fact]
        public void TheIssuedKeyIsClearedFromRamOnceInstalled()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Days(33);
            Assert.Equal(1, d.Issuer.Calls);
            AssertRenewed(d);
            Assert.True(d.Issuer.LastKey!.Length > 0);
            Assert.All(d.Issuer.LastKey, b => Assert.Equal(0, b));
        }

        [Fact]
        public void TheIssuedKeyIsClearedFromRamWhenTheStoreRefusesIt()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Issuer.MismatchedKey = true;
            while (d.Issuer.Calls == 0)
            {
                d.W.Clock.Advance(TimeSpan.FromMinutes(10));
            }
            Assert.Contains("refused", d.Engine.Status.LastReason);
            Assert.All(d.Issuer.LastKey!, b => Assert.Equal(0, b));
            Assert.Equal(d.FirstClient.Der, d.OnFlash().ClientCert1);
        }

        [Fact]
        public void RetryAfterFromTheServerIsHonoured()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Issuer.Failures.Enqueue(new IssuerException("202 Accepted: come back later", true, TimeSpan.FromHours(6)));
            d.Days(40);
            Assert.Equal(2, d.Issuer.Calls);
            Assert.True(d.Issuer.CallTimes[1] - d.Issuer.CallTimes[0] >= TimeSpan.FromHours(6));
            Assert.True(d.Issuer.CallTimes[1] - d.Issuer.CallTimes[0] < TimeSpan.FromHours(7));
            AssertRenewed(d);
        }

        [Fact]
        public void FatalRefusalIsReportedAndRetriedAtTheLongestInterval()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Issuer.Failures.Enqueue(new IssuerException("403 forbidden", false, TimeSpan.Zero));
            d.Days(33);
            Assert.Equal(1, d.Issuer.Calls);
            var s = d.Engine.Status;
            Assert.Equal(RenewalState.Failed, s.State);
            Assert.Contains("403", s.LastReason);
            // 4% of a 61-day lifetime is about 2.4 days (times the device factor).
            d.Days(3);
            Assert.Equal(2, d.Issuer.Calls);
            AssertRenewed(d);
        }

        [Fact]
        public void ACertificateThatFailsTheConnectionIsRolledBackWithoutLosingConnectivity()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Issuer.WrongCa = TestPki.Root("Not the RADIUS client CA");
            while (d.Issuer.Calls == 0)
            {
                d.W.Clock.Advance(TimeSpan.FromMinutes(10));
            }
            Assert.Equal(1, d.Issuer.Calls);
            var s = d.Engine.Status;
            Assert.Equal(RenewalState.RolledBack, s.State);
            Assert.Contains("rejected the client certificate", s.LastReason);
            Assert.Equal(1, s.Rollbacks);
            Assert.Equal("Network1", d.W.ConnectedName);
            var flash = d.OnFlash();
            Assert.Equal(d.FirstClient.Der, flash.ClientCert1);
            Assert.False(flash.HasClientCert2);
            Assert.Equal("ClientCert1", flash.Network1Client);
            Assert.Contains("Client.7.Rollback", d.Steps);
            // The issuer is fixed; the retry renews.
            d.Issuer.WrongCa = null;
            d.Days(3);
            AssertRenewed(d);
        }

        [Fact]
        public void IssuedCredentialThatDoesNotMatchIsRefusedBeforeTouchingTheNetwork()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Issuer.Failures.Enqueue(new InvalidOperationException("connection reset"));
            d.Days(33);
            Assert.True(d.Issuer.Calls >= 2);
            AssertRenewed(d);
        }
    }
}
