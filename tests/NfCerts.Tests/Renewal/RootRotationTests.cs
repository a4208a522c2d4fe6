using System;
using System.Linq;
using NfCerts.Core.Renewal;
using NfCerts.Tests.Wifi;
using Xunit;

namespace NfCerts.Tests.Renewal
{
    public class RootRotationTests
    {
        public static readonly string[] SeedSteps =
        {
            "Root.2.NoticeReceived", "Root.3.InstallRootCA2", "Root.4.AddDuplicateNetwork", "Root.5.CheckConnectedNetwork",
            "Root.6.MoveRootCA2", "Root.6.ReloadConfig", "Root.6.ForgetNetwork2",
        };

        internal static void AssertRotated(RenewalDevice d)
        {
            Assert.Equal("Network1", d.W.ConnectedName);
            Assert.Equal(WifiDevice.RootCa2.Der, d.W.Store.GetCertificate("RootCA1"));
            Assert.False(d.W.Store.ContainsCertificate("RootCA2"));
            var flash = d.OnFlash();
            Assert.False(flash.HasNetwork2, "Network2 left behind");
            Assert.Equal(RootRotationStep.Idle, d.Engine.Journal.Root);
            var n1 = d.W.Config.GetNetwork(d.W.Config.GetNetworkIdByConfigName("Network1"));
            Assert.Equal("RootCA1", n1.RootCaId);
            Assert.True(n1.Enabled);
        }

        [Fact]
        public void RotatesThroughNetwork2ExactlyAsTheSeed()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(365));
            d.Days(1);
            d.Engine.BeginRootCaRotation(System.Text.Encoding.ASCII.GetBytes(WifiDevice.RootCa2.Pem));
            // Steps 3-4 done at once and persisted.
            var flash = d.OnFlash();
            Assert.True(flash.HasNetwork2);
            Assert.True(d.W.Store.ContainsCertificate("RootCA2"));
            var n2 = d.W.Config.GetNetwork(d.W.Config.GetNetworkIdByConfigName("Network2"));
            Assert.True(n2.Enabled);
            Assert.Equal("RootCA2", n2.RootCaId);
            Assert.Equal("ClientCert1", n2.ClientCertId);
            Assert.Equal(d.W.Config.GetNetwork(0).Ssid, n2.Ssid);
            // Step 5: while the RADIUS server still uses the old root, the device stays on Network1 and waits, daily.
            d.Days(30);
            Assert.Equal("Network1", d.W.ConnectedName);
            Assert.Equal(RenewalState.WaitingForNetwork2, d.Engine.Status.State);
            Assert.Equal(RootRotationStep.WaitingForNetwork2, d.Engine.Journal.Root);
            // The administrator switches the RADIUS server; Network1 fails, the manager moves to Network2.
            d.W.Authenticator.ChangeServerCertificate(WifiDevice.Server2.WithKey);
            d.W.Radio.DropLink();
            d.W.Clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal("Network2", d.W.ConnectedName);
            // Step 6 at the next daily check.
            d.Days(1);
            AssertRotated(d);
            var rootSteps = d.Steps.Where(s => s.StartsWith("Root.")).Distinct().ToArray();
            Assert.Equal(SeedSteps, rootSteps);
            Assert.Equal("root CA rotated", d.Engine.Status.LastResult);
        }

        [Fact]
        public void RepeatedNoticeIsIgnoredAndBadCertificateRefused()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(365));
            d.Engine.BeginRootCaRotation(WifiDevice.RootCa2.Der);
            int writes = (int)d.W.Flash.WriteOperations;
            d.Engine.BeginRootCaRotation(WifiDevice.RootCa2.Der);
            Assert.Equal(writes, (int)d.W.Flash.WriteOperations);
            Assert.Throws<ArgumentException>(() => d.Engine.BeginRootCaRotation(new byte[] { 0x30, 0x03, 1, 2, 3 }));
            Assert.Equal(writes, (int)d.W.Flash.WriteOperations);
        }
    }
}
