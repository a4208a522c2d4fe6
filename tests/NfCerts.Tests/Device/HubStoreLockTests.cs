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
            // ClientCert1 (valid from yesterday) falls due at 80% of its life, about 2 hours from now: well after the
            // rotation's reload of the configuration has settled (a renewal waits while the device is off Network1).
            using var s = new HubSwapDevice(TimeSpan.FromMinutes(510));
            s.BootOnHubA();
            var runtime = s.Runtime;
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
            Assert.NotEqual(RootRotationStep.Idle, runtime.Renewal.Journal.Root);
        }

        private static long SeqOf(RecordLog log)
        {
            Assert.True(log.TryGet(RootCaNotices.LastKey, out byte[] last));
            return SeqBytes.Read(last);
        }
    }
}
