using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Renewal;
using NfCerts.Core.Wifi;
using NfCerts.Hal;
using NfCerts.Tests.Support;
using NfCerts.Tests.Wifi;
using Xunit;

namespace NfCerts.Tests.Renewal
{
    /// <summary>Failures that must not strand a device: bad notices, exceptions mid-trial, wrong clocks.</summary>
    public class RenewalRobustnessTests
    {
        [Fact]
        public void UnusableRootNoticeIsRefusedBeforeAnythingIsSaved()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            var key = System.Security.Cryptography.ECDsa.Create();
            var req = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=huge", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
            req.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509Extension("1.2.3.4", new byte[9000], false));
            var huge = req.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddYears(1));
            long writes = d.W.Flash.WriteOperations;
            var e = Assert.Throws<ArgumentException>(() => d.Engine.BeginRootCaRotation(huge.RawData));
            Assert.Contains("8192", e.Message);
            Assert.Equal(writes, d.W.Flash.WriteOperations);
            Assert.Equal(RootRotationStep.Idle, d.Engine.Journal.Root);
            d.Days(33);
            Assert.Equal(1, d.Engine.Status.Renewals);
        }

        [Fact]
        public void RotationThatCannotInstallIsAbandonedAndClientRenewalGoesOn()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            // Fill the store so that the notice can still be saved but RootCA2 cannot be installed.
            int n = 0;
            while (d.W.Log.AvailableBytes >= 800)
            {
                var t = d.W.Log.Begin();
                t.Put("Xfill" + n++, new byte[40]);
                t.Commit();
            }
            d.Engine.BeginRootCaRotation(WifiDevice.RootCa2.Der);
            var s = d.Engine.Status;
            Assert.Equal("root CA rotation abandoned", s.LastResult);
            Assert.Contains("full", s.LastReason);
            Assert.Equal(RootRotationStep.Idle, d.Engine.Journal.Root);
            // Space comes back; the client renewal is not blocked by the abandoned rotation.
            for (int i = 0; i < n; i++)
            {
                var t = d.W.Log.Begin();
                t.Delete("Xfill" + i);
                t.Commit();
            }
            d.Days(33);
            Assert.Equal(1, d.Engine.Status.Renewals);
            Assert.Equal("Network1", d.W.ConnectedName);
        }

        [Fact]
        public void RepeatedNoticeAfterACompletedRotationIsIgnored()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(365));
            d.Engine.BeginRootCaRotation(WifiDevice.RootCa2.Der);
            d.W.Authenticator.ChangeServerCertificate(WifiDevice.Server2.WithKey);
            d.W.Radio.DropLink();
            d.Days(2);
            RootRotationTests.AssertRotated(d);
            long writes = d.W.Flash.WriteOperations;
            d.Engine.BeginRootCaRotation(WifiDevice.RootCa2.Der);
            Assert.Equal(writes, d.W.Flash.WriteOperations);
            Assert.Equal(RootRotationStep.Idle, d.Engine.Journal.Root);
        }

        [Theory]
        [InlineData("Client.5.ReloadConfig")]
        [InlineData("Client.6.CheckConnection")]
        public void ExceptionDuringTheTrialRollsBackWithoutAReboot(string step)
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            bool armed = true;
            d.FailAtStep = s => { if (armed && s == step) { armed = false; return new InvalidOperationException("driver hiccup"); } return null; };
            string? reasonAfterRollback = null;
            d.Engine.StepReached += (_, s) => { if (s == "Client.7.Rollback") reasonAfterRollback = "rolled back"; };
            d.Days(32.6);
            Assert.False(armed);
            Assert.Equal("rolled back", reasonAfterRollback);
            Assert.Equal(1, d.Engine.Status.Rollbacks);
            d.Days(3);
            // The retry (minutes later, same boot) renews; nothing of the failed trial is left behind.
            Assert.Equal(1, d.Engine.Status.Renewals);
            var flash = d.OnFlash();
            Assert.False(flash.HasClientCert2);
            Assert.Equal("ClientCert1", flash.Network1Client);
            Assert.Equal(d.Issuer.LastIssued!.Der, flash.ClientCert1);
            Assert.Equal(ClientRotationStep.Idle, d.Engine.Journal.Client);
            Assert.Equal("Network1", d.W.ConnectedName);
        }

        [Fact]
        public void EngineAndConnectionManagerSerialiseOnOneLock()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            bool? otherThreadGotIt = null;
            d.Engine.StepReached += (_, s) =>
            {
                if (otherThreadGotIt != null) return;
                // While the engine works, another thread (the manager's timer, LinkLost) must not get in.
                var t = new System.Threading.Thread(() =>
                {
                    bool got = System.Threading.Monitor.TryEnter(d.W.Manager.SyncRoot, 0);
                    if (got) System.Threading.Monitor.Exit(d.W.Manager.SyncRoot);
                    otherThreadGotIt = got;
                });
                t.Start();
                t.Join();
            };
            d.Engine.CheckNow();
            Assert.False(otherThreadGotIt);
        }

        [Fact]
        public void ClockFarAheadAtBootCausesAtMostOneRenewalAndNoStrandingAfterwards()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Days(10);
            // A bad time source puts the clock a year ahead at boot: ClientCert1 looks long expired.
            d.Reboot(clockError: TimeSpan.FromDays(365));
            d.Days(3);
            Assert.InRange(d.Issuer.Calls, 0, 1);
            // The clock is fixed at the next boot: the (real) renewal still comes before the certificate expires.
            d.Reboot();
            var current = d.W.Store.GetCertificateNotAfter("ClientCert1");
            d.Days(100);
            Assert.True(d.Engine.Status.Renewals >= 2 || d.Issuer.Calls >= 2, "no renewal after the clock was fixed");
            Assert.Equal("Network1", d.W.ConnectedName);
            Assert.True(d.W.Store.GetCertificateNotAfter("ClientCert1") > d.W.Clock.TrueUtc);
        }
    }
}
