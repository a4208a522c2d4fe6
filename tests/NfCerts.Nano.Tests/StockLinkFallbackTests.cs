using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Core.Wifi;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using NfCerts.Hal.Nano;
using NfCerts.NanoStandIn;
using NfCerts.Tests.Contracts;
using Xunit;

namespace NfCerts.Nano.Tests
{
    /// <summary>Issue 9, finding 7, as the user sees it: on stock firmware a device whose network goes away and stays
    /// away moves to its other network, because the radio now reports the loss.</summary>
    public sealed class StockLinkFallbackTests
    {
        [Fact]
        public void WhenNetwork1DropsAndStaysDownTheDeviceMovesToNetwork2()
        {
            Firmware.Boot(withInterop: false);
            var home = AccessPoint.Wpa2Psk("home", "correct horse");
            Board.AddAccessPoint(home);
            Board.AddAccessPoint(AccessPoint.Wpa2Psk("backup", "battery staple"));
            using var radio = new NanoWifiRadio();
            var flash = new NorFlash(64 * 4096, 4096);
            RecordLog.Format(flash, CertStore.MaxEntrySize);
            RecordLog log = RecordLog.Mount(flash, CertStore.MaxEntrySize);
            var config = new WifiConfig(log, radio);
            AddPsk(config, "Network1", "home", "correct horse");
            AddPsk(config, "Network2", "backup", "battery staple");
            var clock = new VirtualClock(DateTime.UtcNow);
            var manager = new ConnectionManager(config, new CertStore(log, new HostKeyVault()), radio, clock, clock, 42);
            Assert.True(manager.ConnectNow());
            Assert.Equal("Network1", config.ConnectedConfigName);
            manager.Start();

            home.GoDown();

            Assert.True(RealTime.Eventually(() => config.ConnectedConfigName == ""), "the link loss was never noticed");
            // The manager arms its retry just after recording the loss: keep time moving until it has run.
            Assert.True(RealTime.Eventually(() =>
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                return config.ConnectedConfigName == "Network2";
            }));
            Assert.Equal("backup", WifiAir.AssociatedSsid);
            manager.Stop();
        }

        private static void AddPsk(WifiConfig config, string name, string ssid, string psk)
        {
            int id = config.AddNetwork();
            config.SetConfigName(id, name);
            config.SetSsid(id, ssid);
            config.SetSecurityType(id, WifiSecurity.Wpa2Psk);
            config.SetPsk(id, psk);
            config.SetNetworkEnabled(id, true);
            config.PersistConfig();
        }
    }
}
