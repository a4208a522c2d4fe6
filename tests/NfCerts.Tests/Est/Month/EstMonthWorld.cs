using System;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using NfCerts.Core.Est;
using NfCerts.Core.Renewal;
using NfCerts.Emulators.Est;
using NfCerts.Hal.Host;
using NfCerts.Tests.Est.Client;
using NfCerts.Tests.Est.Server;
using NfCerts.Tests.Renewal;
using NfCerts.Tests.Wifi;

namespace NfCerts.Tests.Est.Month
{
    /// <summary>The world's true time for the EST server: the virtual clock of the device being played (the system's time
    /// until one is set), so that issued certificates and the server's checks of client certificates follow simulated time.</summary>
    public sealed class WorldTime : TimeProvider
    {
        private volatile VirtualClock? _clock;

        /// <summary>The clock whose <see cref="VirtualClock.TrueUtc"/> the server reads.</summary>
        public VirtualClock? Clock
        {
            get => _clock;
            set => _clock = value;
        }

        public override DateTimeOffset GetUtcNow()
        {
            VirtualClock? c = _clock;
            return c == null ? base.GetUtcNow() : new DateTimeOffset(c.TrueUtc, TimeSpan.Zero);
        }
    }

    /// <summary>
    /// The renewal engine's world (<see cref="RenewalDevice"/>: flash, store, Wi-Fi, simulated radio on the virtual clock)
    /// with the real EST server as its issuer: the device's <see cref="EstIssuer"/> speaks HTTPS over
    /// <see cref="HostTlsConnector"/> judging the server at the device's clock, and the site's RADIUS server (in-process
    /// EAP-TLS) trusts device certificates from the EST CA only.
    /// </summary>
    internal static class EstMonthWorld
    {
        /// <summary>An EST server issuing certificates of <paramref name="lifetime"/> (default one day) at <paramref name="time"/>,
        /// NotBefore backdated by <paramref name="backdate"/> (default the server's), with the fixture's Basic credentials and
        /// bootstrap CA.</summary>
        public static Task<EstServerFixture> StartServer(WorldTime time, TimeSpan? backdate = null, TimeSpan? lifetime = null) =>
            EstServerFixture.StartAsync((dir, ca) => new EstServerOptions
            {
                Directory = dir,
                User = EstServerFixture.User,
                Password = EstServerFixture.Password,
                BootstrapCas = EstServerFixture.Default(dir, ca).BootstrapCas,
                Lifetime = lifetime ?? TimeSpan.FromDays(1),
                Backdate = backdate ?? EstServerControls.DefaultBackdate,
                Clock = time,
            });

        /// <summary>A device enrolled at manufacture (its first ClientCert1 from <paramref name="est"/>, with the EST root
        /// as explicit trust anchor <c>EstRoot</c> and the bootstrap credential <c>Bootstrap</c> in the store), booted and
        /// on Network1; the server's time follows this device's world from now on. With <paramref name="clockBehind"/> the
        /// device's synchronised wall clock is that far behind the world's from before its manufacture on.</summary>
        public static RenewalDevice Device(EstServerFixture est, WorldTime time, TimeSpan? startTimeOfDay = null, TimeSpan? clockBehind = null) =>
            new(startTimeOfDay: startTimeOfDay, issuerAtBoot: d => Issuer(est, d), provision: d =>
            {
                d.W.Clock.SetWallClock(d.W.Clock.TrueUtc - (clockBehind ?? TimeSpan.Zero));
                Provision(est, time, d);
            });

        private static EstIssuer Issuer(EstServerFixture est, RenewalDevice d)
        {
            var settings = new EstSettings
            {
                Url = "https://127.0.0.1:" + est.Server.Port,
                TrustAnchorIds = new[] { "EstRoot" },
                BootstrapCertificateId = "Bootstrap",
                User = EstServerFixture.User,
                Password = EstServerFixture.Password,
                Subject = "CN=device-001",
            };
            return new EstIssuer(d.W.Store, settings, new HostKeyVault(), new HostTlsConnector(d.W.Clock), d.W.Clock);
        }

        private static void Provision(EstServerFixture est, WorldTime time, RenewalDevice d)
        {
            time.Clock = d.W.Clock;
            d.W.Store.InstallRootCACertificate("EstRoot", est.Server.Ca.Root.RawData);
            d.W.Store.InstallClientCertificate("Bootstrap", est.Bootstrap.Der, ClientDevice.KeyDer(est.Bootstrap), null);
            var radius = new TlsEapAuthenticator(WifiDevice.Server1.WithKey, null,
                new X509Certificate2Collection { X509CertificateLoader.LoadCertificate(est.Server.Ca.Root.RawData) });
            d.Owned.Add(radius);
            d.W.Radio.RemoveAccessPoint(d.W.AccessPoint);
            d.W.Radio.AddAccessPoint(AccessPoint.EapTls(WifiDevice.Ssid, radius));
            // No identity certificate yet ("Factory" is not in the store): the issuer enrolls with the bootstrap credential.
            IssuedCredential first = Issuer(est, d).Issue(new IssueRequest { CurrentCertificateId = "Factory" });
            d.W.Store.InstallClientCertificate("ClientCert1", first.Certificate, first.PrivateKey, null);
        }
    }
}
