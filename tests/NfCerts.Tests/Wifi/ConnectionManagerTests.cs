using System;
using NfCerts.Core.Wifi;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using NfCerts.Tests.Support;
using Xunit;

namespace NfCerts.Tests.Wifi
{
    /// <summary>The duplicate-network fallback and the failure reasons, against both authenticators.</summary>
    public class ConnectionManagerTests
    {
        public static TheoryData<AuthKind> Kinds => new() { AuthKind.InProcessTls, AuthKind.FreeRadius };

        [Theory]
        [MemberData(nameof(Kinds))]
        public void ConnectsToNetwork1WithClientCert1AndRootCa1(AuthKind kind)
        {
            using var d = new WifiDevice(kind);
            d.Manager.Start();
            d.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal("Network1", d.ConnectedName);
            Assert.Equal(d.Config.GetNetworkIdByConfigName("Network1"), d.Config.GetConnectedNetworkId());
            Assert.Equal(WifiNetworkError.None, d.Config.GetNetworkDiagnostics(0).Error);
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void RadiusRootChangeFailsNetwork1AndTheManagerMovesToNetwork2(AuthKind kind)
        {
            using var d = new WifiDevice(kind);
            d.AddNetwork2WithRootCa2();
            d.Manager.Start();
            d.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal("Network1", d.ConnectedName);

            // The administrator moves the RADIUS server to a certificate from the new root; the device drops off.
            d.Authenticator.ChangeServerCertificate(WifiDevice.Server2.WithKey);
            d.Radio.DropLink();
            d.Clock.Advance(TimeSpan.FromSeconds(1));

            Assert.Equal("Network2", d.ConnectedName);
            var diag = d.Config.GetNetworkDiagnostics(d.Config.GetNetworkIdByConfigName("Network1"));
            Assert.Equal(WifiNetworkError.AuthenticationFailed, diag.Error);
            Assert.Equal(WifiCertError.InvalidRootCA, diag.CertError);
            Assert.Equal(0, diag.CertDepth);
            Assert.Equal("CN=radius2.example.com", diag.CertSubject);
            Assert.Equal(WifiNetworkError.None, d.Config.GetNetworkDiagnostics(d.Config.GetNetworkIdByConfigName("Network2")).Error);
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void ExpiredClientCertificateIsInvalidClientAuth(AuthKind kind)
        {
            using var d = new WifiDevice(kind);
            var expired = TestPki.Client(WifiDevice.ClientCa, "device-001", DateTimeOffset.UtcNow.AddDays(-400), DateTimeOffset.UtcNow.AddDays(-35));
            d.Store.InstallClientCertificate("ClientCert1", expired.Der, expired.Pkcs8, null);
            Assert.False(d.Manager.ConnectNow());
            var diag = d.Config.GetNetworkDiagnostics(0);
            Assert.Equal(WifiNetworkError.AuthenticationFailed, diag.Error);
            Assert.Equal(WifiCertError.InvalidClientAuth, diag.CertError);
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void UntrustedClientCertificateIsInvalidClientAuth(AuthKind kind)
        {
            using var d = new WifiDevice(kind);
            var rogueCa = TestPki.Root("Rogue CA");
            var rogue = TestPki.Client(rogueCa, "device-001");
            d.Store.InstallClientCertificate("ClientCert1", rogue.Der, rogue.Pkcs8, null);
            Assert.False(d.Manager.ConnectNow());
            Assert.Equal(WifiCertError.InvalidClientAuth, d.Config.GetNetworkDiagnostics(0).CertError);
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void MissingCertificateFailsWithoutAHandshake(AuthKind kind)
        {
            using var d = new WifiDevice(kind);
            d.Store.DeleteCertificate("RootCA1");
            Assert.False(d.Manager.ConnectNow());
            var diag = d.Config.GetNetworkDiagnostics(0);
            Assert.Equal(WifiNetworkError.ConnectionFailed, diag.Error);
            Assert.Equal(WifiCertError.CertificateNotFound, diag.CertError);
            Assert.Equal(0, d.Radio.GetAttemptCount(WifiDevice.Ssid));
            Assert.Contains("RootCA1", diag.Detail);
        }

        [Fact]
        public void UnsynchronisedClockStillJoinsButStillChecksTrust()
        {
            using var d = new WifiDevice(AuthKind.InProcessTls);
            d.Clock.Reboot(); // the wall clock reads 1970 until SNTP, which needs the network
            d.Boot();
            Assert.True(d.Manager.ConnectNow());
            Assert.Equal("Network1", d.ConnectedName);
            d.Authenticator.ChangeServerCertificate(WifiDevice.Server2.WithKey);
            d.Radio.DropLink();
            Assert.False(d.Manager.ConnectNow());
            Assert.Equal(WifiCertError.InvalidRootCA, d.Config.GetNetworkDiagnostics(0).CertError);
        }

        /// <summary>A radio whose driver throws for one SSID (as a native call can): the manager must carry on.</summary>
        private sealed class FlakyRadio : IWifiRadio
        {
            private readonly IWifiRadio _inner;
            public int Throws;
            public FlakyRadio(IWifiRadio inner) => _inner = inner;
            public WifiConnectResult Connect(WifiConnectRequest request)
            {
                if (Throws > 0)
                {
                    Throws--;
                    throw new InvalidOperationException("native call failed");
                }
                return _inner.Connect(request);
            }
            public void Disconnect() => _inner.Disconnect();
            public bool IsConnected => _inner.IsConnected;
            public event WifiLinkLostHandler LinkLost { add => _inner.LinkLost += value; remove => _inner.LinkLost -= value; }
        }

        [Fact]
        public void ADriverExceptionFailsOneNetworkNotTheManager()
        {
            using var d = new WifiDevice(AuthKind.InProcessTls);
            d.AddNetwork2WithRootCa2();
            d.Authenticator.ChangeServerCertificate(WifiDevice.Server2.WithKey);
            var flaky = new FlakyRadio(d.Radio) { Throws = 1 };
            var config = new WifiConfig(d.Log, flaky);
            var manager = new ConnectionManager(config, d.Store, flaky, d.Clock, d.Clock, 1);
            Assert.True(manager.ConnectNow());
            Assert.Equal("Network2", config.ConnectedConfigName);
            var diag = config.GetNetworkDiagnostics(config.GetNetworkIdByConfigName("Network1"));
            Assert.Equal(WifiFailureReason.RadioError, diag.Reason);
            Assert.Contains("native call failed", diag.Detail);
            // A driver that keeps throwing does not stop the reconnect timer.
            flaky.Disconnect();
            flaky.Throws = 1000;
            manager.Start();
            d.Clock.Advance(TimeSpan.FromMinutes(30));
            int thrown = 1000 - flaky.Throws;
            Assert.True(thrown >= 5, "only " + thrown + " attempts in 30 minutes");
            manager.Stop();
        }

        [Fact]
        public void AccessPointDownIsNetworkNotFoundAndRetriesBackOff()
        {
            using var d = new WifiDevice(AuthKind.InProcessTls);
            d.AccessPoint.GoDown();
            d.Manager.Start();
            d.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal("", d.ConnectedName);
            Assert.Equal(WifiNetworkError.NetworkNotFound, d.Config.GetNetworkDiagnostics(0).Error);
            // Passes are spaced by growing, capped delays: over an hour, far fewer attempts than one per second.
            d.Clock.Advance(TimeSpan.FromHours(1));
            int attempts = d.Radio.GetAttemptCount(WifiDevice.Ssid);
            Assert.InRange(attempts, 5, 30);
            d.AccessPoint.ComeBack();
            d.Clock.Advance(d.Manager.MaxBackoff);
            Assert.Equal("Network1", d.ConnectedName);
        }

        [Fact]
        public void BackoffGrowsIsCappedAndDiffersBetweenDevices()
        {
            using var d = new WifiDevice(AuthKind.InProcessTls);
            var m = d.Manager;
            var first = m.BackoffAfter(1);
            Assert.InRange(first, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(5));
            Assert.True(m.BackoffAfter(4) > m.BackoffAfter(1));
            for (int i = 1; i < 40; i++)
            {
                Assert.True(m.BackoffAfter(i) <= m.MaxBackoff);
                Assert.True(m.BackoffAfter(i) >= TimeSpan.FromSeconds(2.5));
            }
            var other = new ConnectionManager(d.Config, d.Store, d.Radio, d.Clock, d.Clock, 4242);
            int differ = 0;
            for (int i = 1; i < 10; i++)
            {
                if (other.BackoffAfter(i) != m.BackoffAfter(i)) differ++;
            }
            Assert.True(differ >= 8, "two devices back off in lockstep");
        }

        [Fact]
        public void LastGoodNetworkIsTriedFirst()
        {
            using var d = new WifiDevice(AuthKind.InProcessTls);
            d.AddNetwork2WithRootCa2();
            d.Authenticator.ChangeServerCertificate(WifiDevice.Server2.WithKey);
            Assert.True(d.Manager.ConnectNow());
            Assert.Equal("Network2", d.ConnectedName);
            long before = ((TlsEapAuthenticator)d.Authenticator).AuthenticationCount;
            d.Radio.DropLink();
            Assert.True(d.Manager.ConnectNow());
            Assert.Equal("Network2", d.ConnectedName);
            // Only one handshake: Network2 first, no failed attempt on Network1.
            Assert.Equal(before + 1, ((TlsEapAuthenticator)d.Authenticator).AuthenticationCount);
        }
    }
}
