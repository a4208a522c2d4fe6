using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using NfCerts.Core.Certificates;
using NfCerts.Core.Renewal;
using NfCerts.Core.Storage;
using NfCerts.Emulators.Est;
using NfCerts.Hal.Host;
using NfCerts.Tests.Est.Server;
using NfCerts.Tests.Renewal;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.Est.Month
{
    /// <summary>
    /// Issue 12's end-to-end test: the renewal engine's client certificate rotation against the real EST server with
    /// certificates of a one-day lifetime, over a simulated month on the virtual clock, and with a power cut at every flash
    /// write of one renewal.
    /// </summary>
    public sealed class EstMonthTests
    {
        private readonly ITestOutputHelper _out;

        public EstMonthTests(ITestOutputHelper output) => _out = output;

        private static readonly string[] Kept = { "RootCA1", "EstRoot", "Bootstrap" };

        [Fact]
        public async Task A_month_of_one_day_certificates_renews_every_day_before_expiry_and_never_loses_the_network()
        {
            var time = new WorldTime();
            await using EstServerFixture est = await EstMonthWorld.StartServer(time);
            using RenewalDevice d = EstMonthWorld.Device(est, time);
            var wall = Stopwatch.StartNew();
            DateTime end = d.W.Clock.TrueUtc + TimeSpan.FromDays(30);
            int samples = 0;
            while (d.W.Clock.TrueUtc < end)
            {
                d.W.Clock.Advance(TimeSpan.FromMinutes(20));
                samples++;
                DateTime now = d.W.Clock.TrueUtc;
                Assert.True(d.W.Store.GetCertificateNotAfter("ClientCert1") > now, "ClientCert1 expired before " + now.ToString("o"));
                Assert.True(d.W.ConnectedName == "Network1", "off Network1 at " + now.ToString("o") + ": " + d.Engine.Status.LastReason);
            }
            wall.Stop();

            List<EstIssuedRecord> issued = est.Server.Log.ReadAll().Where(r => r.Subject == "CN=device-001").ToList();
            RenewalStatus s = d.Engine.Status;
            // The enrollment at manufacture, then one re-enrollment per renewal: about one a day (each certificate is
            // renewed a tenth of its lifetime before it expires), none failed or rolled back.
            Assert.InRange(s.Renewals, 30, 36);
            Assert.Equal(s.Renewals + 1, issued.Count);
            Assert.Equal(0, s.Rollbacks);
            Assert.All(issued.Skip(1), r => Assert.Equal("simplereenroll", r.Operation));
            Assert.All(issued.Skip(1), r => Assert.StartsWith("cert:CN=device-001", r.AuthenticatedBy));
            for (int i = 1; i < issued.Count; i++)
            {
                Assert.True(issued[i].NotAfter > issued[i - 1].NotAfter, "certificate " + i + " does not outlive the one before");
                Assert.True(issued[i].NotBefore < issued[i - 1].NotAfter, "certificate " + i + " came after the one before expired");
                Assert.True(issued[i - 1].NotAfter - issued[i].NotBefore >= TimeSpan.FromHours(2), "renewal " + i + " came less than two hours before expiry");
            }
            Assert.Equal(issued[^1].Serial, Serial(d.W.Store.GetCertificate("ClientCert1")));
            Assert.False(d.W.Store.ContainsCertificate("ClientCert2"));
            _out.WriteLine($"30 simulated days: {s.Renewals} renewals over HTTPS, {samples} samples, {wall.Elapsed.TotalSeconds:F1} s wall " +
                $"({wall.Elapsed.TotalMilliseconds / Math.Max(1, s.Renewals):F0} ms per simulated day with a renewal)");
        }

        [Fact]
        public async Task A_power_cut_at_every_flash_write_of_one_renewal_still_ends_renewed_and_loses_nothing_committed()
        {
            var time = new WorldTime();
            await using EstServerFixture est = await EstMonthWorld.StartServer(time);
            var wall = Stopwatch.StartNew();
            int runs = 0;
            for (int n = 0; ; n++)
            {
                using RenewalDevice d = EstMonthWorld.Device(est, time);
                string what = $"power cut after write n={n} (seed {3000 + n})";
                Dictionary<string, byte[]> kept = Kept.ToDictionary(id => id, id => d.W.Store.GetCertificate(id));
                byte[] old = d.W.Store.GetCertificate("ClientCert1");
                d.W.Clock.Advance(TimeSpan.FromMinutes(1)); // the boot check: it dates the renewal
                // To a minute before the renewal, then cut at the n-th flash write from there.
                d.W.Clock.Advance(d.Engine.Status.ClientRenewAtUtc - d.W.Clock.TrueUtc - TimeSpan.FromMinutes(1));
                Assert.Equal(0, d.Engine.Status.Renewals);
                d.W.Flash.ArmPowerCut(n, seed: 3000 + n);
                for (int i = 0; i < 30 && !d.W.Flash.PowerLost && d.Engine.Status.Renewals == 0; i++)
                {
                    d.W.Clock.Advance(TimeSpan.FromMinutes(1));
                }
                runs++;
                if (!d.W.Flash.PowerLost)
                {
                    AssertRenewed(d, est, old, kept, "no cut");
                    break;
                }
                // What the cut left committed: ClientCert1 as a clean mount reads it.
                byte[] atCut = ClientCert1On(d.W.Flash.Snapshot(), d.W.Flash.SectorSize);
                d.Reboot();
                if (!atCut.AsSpan().SequenceEqual(old))
                {
                    Assert.True(atCut.AsSpan().SequenceEqual(d.W.Store.GetCertificate("ClientCert1")), what + ": the committed new ClientCert1 was lost at recovery");
                }
                for (int i = 0; i < 18 && !Renewed(d, old); i++)
                {
                    d.W.Clock.Advance(TimeSpan.FromMinutes(10));
                }
                AssertRenewed(d, est, old, kept, what);
                Assert.True(n < 200, "the renewal never completed");
            }
            wall.Stop();
            _out.WriteLine($"one renewal: {runs} runs (a cut after each of {runs - 1} flash writes, then none), {wall.Elapsed.TotalSeconds:F1} s wall, " +
                $"{wall.Elapsed.TotalMilliseconds / runs:F0} ms per run");
            Assert.True(runs > 10, "too few flash writes for a renewal: " + runs);
        }

        private static bool Renewed(RenewalDevice d, byte[] old) =>
            d.W.ConnectedName == "Network1" && !d.W.Store.GetCertificate("ClientCert1").AsSpan().SequenceEqual(old);

        private static void AssertRenewed(RenewalDevice d, EstServerFixture est, byte[] old, Dictionary<string, byte[]> kept, string what)
        {
            try
            {
                Assert.Equal("Network1", d.W.ConnectedName);
                var flash = d.OnFlash();
                Assert.False(flash.ClientCert1.AsSpan().SequenceEqual(old), "ClientCert1 was not renewed");
                Assert.Equal(est.Server.Log.ReadAll()[^1].Serial, Serial(flash.ClientCert1));
                Assert.True(d.W.Store.GetCertificateNotAfter("ClientCert1") > d.W.Clock.TrueUtc, "ClientCert1 expired");
                Assert.False(flash.HasClientCert2, "ClientCert2 left behind");
                Assert.Equal("ClientCert1", flash.Network1Client);
                foreach (var (id, der) in kept)
                {
                    Assert.True(d.W.Store.GetCertificate(id).AsSpan().SequenceEqual(der), id + " changed");
                }
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException(what + ": " + e.Message + "\nsteps: " + string.Join(", ", d.Steps.TakeLast(14)) +
                    "\nstatus: " + d.Engine.Status.LastResult + " / " + d.Engine.Status.LastReason);
            }
        }

        private static string Serial(byte[] der) => X509CertificateLoader.LoadCertificate(der).SerialNumber;

        /// <summary>ClientCert1 on a copy of <paramref name="image"/>, mounted as at power-on.</summary>
        private static byte[] ClientCert1On(byte[] image, int sectorSize)
        {
            var flash = new NorFlash(image.Length, sectorSize);
            flash.Program(0, image, 0, image.Length);
            var store = new CertStore(RecordLog.Mount(flash, CertStore.MaxEntrySize), new HostKeyVault());
            return store.GetCertificate("ClientCert1");
        }
    }
}
