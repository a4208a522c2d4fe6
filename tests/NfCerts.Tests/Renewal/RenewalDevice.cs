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
        public readonly Issued FirstClient;

        public RenewalDevice(TimeSpan? clientLifetime = null)
        {
            Issuer = new TestCaIssuer(WifiDevice.ClientCa, W.Clock);
            var now = new DateTimeOffset(W.Clock.UtcNow, TimeSpan.Zero);
            FirstClient = TestPki.Client(WifiDevice.ClientCa, "device-001", now.AddDays(-1), now + (clientLifetime ?? TimeSpan.FromDays(60)));
            W.Store.InstallClientCertificate("ClientCert1", FirstClient.Der, FirstClient.Pkcs8, null);
            Start();
        }

        private void Start()
        {
            Engine = new RenewalEngine(W.Log, W.Store, W.Config, W.Manager, Issuer, W.Clock, W.Clock, Options, 7);
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
        }
    }
}
