using System;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using NfCerts.Core.Renewal;
using NfCerts.Emulators.Est;
using NfCerts.Tests.Est.Server;
using NfCerts.Tests.Renewal;
using Xunit;

namespace NfCerts.Tests.Est.Month
{
    /// <summary>
    /// A device whose synchronised clock is behind its EST CA's, renewing against the real EST server: a certificate that
    /// begins after the device's clock by up to <see cref="ClockJudge.NotBeforeSlack"/> is taken at the first enrollment and
    /// moves the device's time forward; one that begins further ahead is refused with the reason and retried on the backoff,
    /// never enrolled for again at once.
    /// </summary>
    public sealed class EstClockBehindTests
    {
        [Theory]
        //          behind  backdate (minutes)
        [InlineData(10,     0)]     // NotBefore = the server's now: ten minutes after the device's clock
        [InlineData(180,    0)]     // a clock three hours behind (an SNTP server in a local time zone)
        [InlineData(10,     60)]    // a CA that backdates an hour: the certificate does not show the clock behind
        [InlineData(180,    60)]
        public async Task A_clock_behind_takes_the_certificate_issued_at_the_first_enrollment_and_decides_with_its_time(int behindMinutes, int backdateMinutes)
        {
            TimeSpan behind = TimeSpan.FromMinutes(behindMinutes), backdate = TimeSpan.FromMinutes(backdateMinutes);
            var time = new WorldTime();
            await using EstServerFixture est = await EstMonthWorld.StartServer(time, backdate, TimeSpan.FromDays(10));
            using RenewalDevice d = EstMonthWorld.Device(est, time, clockBehind: behind);
            d.W.Clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(ClockTrust.Believed, d.Engine.Status.Clock);
            Assert.Equal(TimeSpan.Zero, d.Engine.Status.ClockLag);

            // ClientCert1 (ten days) falls due after two thirds of its life; the check runs at the device's daily minute.
            for (int h = 0; h < 9 * 24 && d.Engine.Status.Renewals == 0; h++)
            {
                d.W.Clock.Advance(TimeSpan.FromHours(1));
            }
            d.Days(2);

            RenewalStatus s = d.Engine.Status;
            Assert.True(s.Renewals == 1, "renewals " + s.Renewals + ": " + s.LastResult + " " + s.LastReason);
            Assert.Equal(0, s.Rollbacks);
            Assert.Equal(0, s.ConsecutiveFailures);
            // One EST conversation for the renewal after the one at manufacture: no enrollment was refused and made again.
            Assert.Equal(1, est.Server.RequestCount("simplereenroll"));
            Assert.Equal(1, est.Server.RequestCount("simpleenroll"));
            var issued = est.Server.Log.ReadAll().Where(r => r.Subject == "CN=device-001").ToList();
            Assert.Equal(2, issued.Count);
            Assert.Equal(issued[1].Serial, X509CertificateLoader.LoadCertificate(d.W.Store.GetCertificate("ClientCert1")).SerialNumber);
            Assert.Equal("Network1", d.W.ConnectedName);
            // The new certificate dated the CA's clock: decisions are taken with its NotBefore, carried forward, so the
            // device's time moved forward by how far its clock is behind the certificate (none when the CA backdated more).
            TimeSpan expected = behind > backdate ? behind - backdate : TimeSpan.Zero;
            Assert.Equal(ClockTrust.Believed, s.Clock);
            Assert.InRange(s.ClockLag, expected - TimeSpan.FromMinutes(1), expected);
        }

        [Fact]
        public async Task A_certificate_beginning_days_after_the_clock_is_refused_with_the_reason_and_retried_on_the_backoff()
        {
            var time = new WorldTime();
            await using EstServerFixture est = await EstMonthWorld.StartServer(time, lifetime: TimeSpan.FromDays(90));
            using RenewalDevice d = EstMonthWorld.Device(est, time);
            byte[] first = d.W.Store.GetCertificate("ClientCert1");
            // From now on the CA dates certificates two days in the future (its clock or profile is wrong).
            est.Server.Controls.Backdate = -TimeSpan.FromDays(2);

            // Due 28 days before NotAfter: the first attempt is refused.
            for (int day = 0; day < 70 && d.Engine.Status.ConsecutiveFailures == 0; day++)
            {
                d.Days(1);
            }
            RenewalStatus s = d.Engine.Status;
            Assert.True(s.ConsecutiveFailures >= 1, "no attempt was made: " + s.LastResult);
            Assert.Contains("begins 48 h after this device's clock", s.LastReason);
            Assert.Contains("the CA postdates", s.LastReason);

            // A simulated week from then: retried, each time after the longest interval (4% of the 90 days, jittered to
            // 1.8-3.6 days), not enrolled for again at once with a new key.
            int before = est.Server.RequestCount("simplereenroll");
            d.Days(7);
            int week = est.Server.RequestCount("simplereenroll") - before;
            Assert.InRange(week, 1, 3);
            Assert.Equal(0, est.Server.RequestCount("simpleenroll") - 1);
            Assert.Equal(1 + week, d.Engine.Status.ConsecutiveFailures);
            Assert.Equal(first, d.W.Store.GetCertificate("ClientCert1"));
            Assert.False(d.W.Store.ContainsCertificate("ClientCert2"));
            Assert.Equal("Network1", d.W.ConnectedName);

            // The CA is fixed: the next retry takes its certificate.
            est.Server.Controls.Backdate = EstServerControls.DefaultBackdate;
            d.Days(4);
            Assert.Equal(1, d.Engine.Status.Renewals);
            Assert.NotEqual(first, d.W.Store.GetCertificate("ClientCert1"));
        }
    }
}
