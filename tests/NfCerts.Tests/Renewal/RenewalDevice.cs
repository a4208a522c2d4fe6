using System;
using System.Collections.Generic;
using NfCerts.Core.Renewal;
using NfCerts.Tests.Support;
using NfCerts.Tests.Wifi;

namespace NfCerts.Tests.Renewal
{
    /// <summary>A device with the renewal engine, on virtual time with the in-process EAP-TLS authenticator.</summary>
    public sealed class RenewalDevice : IDisposable
    {
        public readonly WifiDevice W = new WifiDevice(AuthKind.InProcessTls);
        public readonly TestCaIssuer Issuer;
        public readonly RenewalOptions Options = new RenewalOptions();
        public RenewalEngine Engine = null!;
        public readonly List<string> Steps = new();
        /// <summary>Called at every step; return true to lose power right there (between flash writes).</summary>
        public Func<string, bool>? CutAtStep;
        /// <summary>Called at every step; return an exception to throw it there (a failure without a reboot).</summary>
        public Func<string, Exception?>? FailAtStep;
        /// <summary>The ClientCert1 installed at manufacture (unless a <c>provision</c> step replaced it).</summary>
        public readonly Issued FirstClient;
        /// <summary>Disposed with the device (servers or authenticators a test added to its world).</summary>
        public readonly List<IDisposable> Owned = new();
        private readonly Func<RenewalDevice, ICertificateIssuer>? _issuerAtBoot;

        /// <param name="clientLifetime">Lifetime of the ClientCert1 installed at manufacture (valid from a day ago).</param>
        /// <param name="startTimeOfDay">When given, the device is made at the next such time of day (UTC) rather than at
        /// the world's default start (02:00): a real device boots at any hour.</param>
        /// <param name="issuerAtBoot">The issuer, made again at every boot from the store mounted then; default <see cref="Issuer"/>.</param>
        /// <param name="provision">Runs after the manufacture's ClientCert1 is installed and before the first boot.</param>
        public RenewalDevice(TimeSpan? clientLifetime = null, TimeSpan? startTimeOfDay = null,
            Func<RenewalDevice, ICertificateIssuer>? issuerAtBoot = null, Action<RenewalDevice>? provision = null)
        {
            if (startTimeOfDay != null)
            {
                W.Clock.Advance(UntilTimeOfDay(W.Clock.TrueUtc, startTimeOfDay.Value));
            }
            Issuer = new TestCaIssuer(WifiDevice.ClientCa, W.Clock);
            var now = new DateTimeOffset(W.Clock.UtcNow, TimeSpan.Zero);
            FirstClient = TestPki.Client(WifiDevice.ClientCa, "device-001", now.AddDays(-1), now + (clientLifetime ?? TimeSpan.FromDays(60)));
            W.Store.InstallClientCertificate("ClientCert1", FirstClient.Der, FirstClient.Pkcs8, null);
            _issuerAtBoot = issuerAtBoot;
            provision?.Invoke(this);
            Start();
        }

        /// <summary>Times of day (UTC, as "hh:mm") a test device is started at when its scenario must hold at every hour: either
        /// side of the daily check slot (19:18 for this device's seed), midnight and a little after.</summary>
        public static Xunit.TheoryData<string> StartTimes() => new() { "00:30", "02:00", "13:30", "20:00", "23:59" };

        /// <summary>A device made at <paramref name="timeOfDay"/> ("hh:mm", UTC).</summary>
        public static RenewalDevice At(string timeOfDay, TimeSpan? clientLifetime = null) =>
            new(clientLifetime, TimeSpan.Parse(timeOfDay, System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>The wait from <paramref name="utc"/> to the next <paramref name="timeOfDay"/> (zero when it is that time now).</summary>
        public static TimeSpan UntilTimeOfDay(DateTime utc, TimeSpan timeOfDay)
        {
            var wait = utc.Date + timeOfDay - utc;
            return wait < TimeSpan.Zero ? wait + TimeSpan.FromDays(1) : wait;
        }

        private void Start()
        {
            Engine = new RenewalEngine(W.Log, W.Store, W.Config, W.Manager, _issuerAtBoot?.Invoke(this) ?? Issuer, W.Clock, W.Clock, Options, 7);
            Engine.StepReached += (_, step) =>
            {
                Steps.Add(step);
                if (CutAtStep != null && CutAtStep(step))
                {
                    W.Flash.CutPowerNow();
                }
                var failure = FailAtStep?.Invoke(step);
                if (failure != null)
                {
                    throw failure;
                }
            };
            Engine.Start();
            W.Manager.Start();
        }

        /// <summary>Power-on after a reboot or cut: remount everything from flash; the clock syncs after <paramref name="syncAfter"/>.</summary>
        public void Reboot(TimeSpan? offFor = null, TimeSpan? syncAfter = null, TimeSpan? clockError = null)
        {
            Engine.Stop();
            W.Manager.Stop();
            W.Clock.Reboot();
            if (offFor != null)
            {
                W.Clock.Advance(offFor.Value);
            }
            W.Flash.PowerOn();
            W.Flash.Disarm();
            W.Boot();
            Start();
            W.Clock.Advance(syncAfter ?? TimeSpan.FromSeconds(5));
            W.Clock.Synchronize(W.Clock.TrueUtc + (clockError ?? TimeSpan.Zero));
        }

        public void Days(double days) => W.Clock.Advance(TimeSpan.FromDays(days));

        /// <summary>The certificate store and Wi-Fi config as they are on flash after a clean remount.</summary>
        public (byte[] ClientCert1, bool HasClientCert2, bool HasNetwork2, string Network1Client) OnFlash()
        {
            var log = NfCerts.Core.Storage.RecordLog.Mount(W.Flash, NfCerts.Core.Certificates.CertStore.MaxEntrySize);
            var store = new NfCerts.Core.Certificates.CertStore(log, new NfCerts.Hal.Host.HostKeyVault());
            var config = new NfCerts.Core.Wifi.WifiConfig(log, W.Radio);
            bool n2 = true;
            try { config.GetNetworkIdByConfigName("Network2"); } catch (NfCerts.Core.Wifi.WifiConfigException) { n2 = false; }
            var n1 = config.GetNetwork(config.GetNetworkIdByConfigName("Network1"));
            return (store.GetCertificate("ClientCert1"), store.ContainsCertificate("ClientCert2"), n2, n1.ClientCertId);
        }

        public void Dispose()
        {
            Engine.Stop();
            W.Dispose();
            foreach (var o in Owned)
            {
                o.Dispose();
            }
        }
    }
}
