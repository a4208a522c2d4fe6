using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using NfCerts.Core.Certificates;
using NfCerts.Core.Hub;
using NfCerts.Core.Renewal;
using NfCerts.Core.Storage;
using NfCerts.Tests.Hub;
using NfCerts.Tests.Wifi;
using Xunit;

namespace NfCerts.Tests.Device
{
    /// <summary>The hub's handlers write the store under the store's lock, as the renewal engine does, so that a notice
    /// and a renewal arriving together both land, in one order or the other.</summary>
    public class HubStoreLockTests
    {
        [Fact]
        public void ARootCaNoticeAndARenewalOnTwoThreadsBothLandUnderTheStoreLock()
        {
            // ClientCert1 lives from yesterday to 15 hours from now: too short for the 28-day threshold, so it falls due at
            // two thirds of its life, 2 hours from now, inside the advance below and after the notice has been handled.
            using var s = new HubSwapDevice(TimeSpan.FromMinutes(900));
            s.BootOnHubA();
            var runtime = s.Runtime;
            Assert.Equal(0, runtime.Renewal!.Status.Renewals);
            // The hub trusts what the device's CA issues (as an enrollment group does): the renewed certificate connects.
            runtime.Renewal.StepReached += (_, step) =>
            {
                if (step == "Client.4.InstallClientCert2")
                {
                    s.Hub.Registered.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(s.D.Issuer.LastIssued!.Der)));
                }
            };
            object storeLock = runtime.Connection!.SyncRoot;
            byte[] before = runtime.Store!.GetCertificate("ClientCert1");
            // Every flash write must come from a thread that holds the store's lock (checked on the writing thread).
            var unlocked = new ConcurrentQueue<string>();
            s.D.FlashPort.BeforeWrite = _ =>
            {
                if (!Monitor.IsEntered(storeLock))
                {
                    unlocked.Enqueue(Environment.StackTrace);
                }
            };

            using var barrier = new Barrier(2);
            var notice = new Worker(() =>
            {
                barrier.SignalAndWait();
                s.Hub.SendC2D(HubDevice.Notice(1, WifiDevice.RootCa2.Pem));
            });
            // The renewal runs on the engine's timer, on the clock's thread, with the hub's reports and the supervisor.
            var renewal = new Worker(() =>
            {
                barrier.SignalAndWait();
                s.D.Clock.Advance(TimeSpan.FromHours(3));
            });
            Assert.True(notice.Join(TimeSpan.FromSeconds(120)) && renewal.Join(TimeSpan.FromSeconds(120)), "the notice and the renewal deadlocked");
            notice.Finish();
            renewal.Finish();
            s.D.FlashPort.BeforeWrite = null;
            Assert.True(unlocked.IsEmpty, "a store write without the store's lock:\n" + unlocked.FirstOrDefault());

            // Both landed: the notice started the rotation, the renewal replaced ClientCert1; and so on flash.
            s.D.Clock.Advance(TimeSpan.FromMinutes(5));
            var log = RecordLog.Mount(s.D.Flash, CertStore.MaxEntrySize);
            var store = new CertStore(log, s.D.Vault);
            Assert.Equal(WifiDevice.RootCa2.Der, store.GetCertificate("RootCA2"));
            Assert.Equal(1, SeqOf(log));
            Assert.True(runtime.Renewal!.Status.Renewals == 1, "no renewal: " + runtime.Renewal.Status.LastReason + " / " + runtime.Renewal.Status.State);
            Assert.NotEqual(before, store.GetCertificate("ClientCert1"));
            Assert.Equal(s.D.Issuer.LastIssued!.Der, store.GetCertificate("ClientCert1"));
            Assert.Equal(1, runtime.Renewal!.Status.Renewals);
            Assert.True(runtime.Hub!.Status.Connected, "the hub after the renewal: " + runtime.Hub.Status.LastError);
            Assert.Equal(s.D.Issuer.LastIssued!.Der, s.Hub.ConnectedWith.Last());
            Assert.NotEqual(RootRotationStep.Idle, runtime.Renewal.Journal.Root);
        }

        private static long SeqOf(RecordLog log)
        {
            Assert.True(log.TryGet(RootCaNotices.LastKey, out byte[] last));
            return SeqBytes.Read(last);
        }
    }
}
