using System;
using System.Collections.Generic;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Core.Wifi;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Wifi
{
    public class WifiConfigTests
    {
        private static (NorFlash, RecordLog, WifiConfig, SimulatedRadio) Fresh()
        {
            var flash = new NorFlash(32 * 4096, 4096);
            RecordLog.Format(flash, CertStore.MaxEntrySize);
            var log = RecordLog.Mount(flash, CertStore.MaxEntrySize);
            var radio = new SimulatedRadio(new VirtualClock(DateTime.UtcNow));
            return (flash, log, new WifiConfig(log, radio), radio);
        }

        private static int EapNetwork(WifiConfig c, string name)
        {
            int id = c.AddNetwork();
            c.SetConfigName(id, name);
            c.SetSsid(id, "corp");
            c.SetSecurityType(id, WifiSecurity.Wpa2EapTls);
            c.SetClientCertStoreIdentifier(id, "ClientCert1");
            c.SetRootCACertStoreIdentifier(id, "RootCA1");
            c.SetClientIdentity(id, "device-001");
            c.SetNetworkEnabled(id, true);
            return id;
        }

        private static WifiConfigError Error(Action a) => Assert.Throws<WifiConfigException>(a).Error;

        [Fact]
        public void DuplicateIsAnIndependentDisabledCopyUnderAUniqueName()
        {
            var (_, _, c, _) = Fresh();
            int n1 = EapNetwork(c, "Network1");
            int n2 = c.AddDuplicateNetwork(n1, "Network2");
            var copy = c.GetNetwork(n2);
            Assert.False(copy.Enabled);
            Assert.Equal("corp", copy.Ssid);
            Assert.Equal("ClientCert1", copy.ClientCertId);
            Assert.Equal("RootCA1", copy.RootCaId);
            Assert.Equal("device-001", copy.ClientIdentity);
            c.SetRootCACertStoreIdentifier(n2, "RootCA2");
            Assert.Equal("RootCA1", c.GetNetwork(n1).RootCaId);
            Assert.Equal(WifiConfigError.AlreadyExists, Error(() => c.AddDuplicateNetwork(n1, "Network1")));
            Assert.Equal(WifiConfigError.AlreadyExists, Error(() => c.SetConfigName(n2, "Network1")));
            Assert.Equal(2, c.GetStoredNetworkCount());
        }

        [Fact]
        public void IdsShiftOnForgetAndNamesFindNetworks()
        {
            var (_, _, c, _) = Fresh();
            EapNetwork(c, "A");
            EapNetwork(c, "B");
            EapNetwork(c, "C");
            c.ForgetNetworkById(c.GetNetworkIdByConfigName("A"));
            Assert.Equal(0, c.GetNetworkIdByConfigName("B"));
            Assert.Equal(1, c.GetNetworkIdByConfigName("C"));
            Assert.Equal(WifiConfigError.NotFound, Error(() => c.GetNetworkIdByConfigName("A")));
            Assert.Equal(WifiConfigError.NotFound, Error(() => c.ForgetNetworkById(2)));
        }

        [Fact]
        public void NotConnectedIsASpecificError()
        {
            var (_, _, c, _) = Fresh();
            Assert.Equal(WifiConfigError.NotConnected, Error(() => c.GetConnectedNetworkId()));
            Assert.False(c.TryGetConnectedNetworkId(out _));
        }

        [Fact]
        public void LimitsAreEnforcedAndChangeNothing()
        {
            var (_, _, c, _) = Fresh();
            int id = EapNetwork(c, "Net");
            Assert.Equal(WifiConfigError.InvalidArgument, Error(() => c.SetConfigName(id, "ABCDEFGHIJKLMNOPQ")));
            Assert.Equal(WifiConfigError.InvalidArgument, Error(() => c.SetConfigName(id, "")));
            Assert.Equal(WifiConfigError.InvalidArgument, Error(() => c.SetSsid(id, new string('s', 33))));
            Assert.Equal(WifiConfigError.InvalidArgument, Error(() => c.SetSsid(id, "")));
            Assert.Equal(WifiConfigError.InvalidArgument, Error(() => c.SetPsk(id, "short")));
            Assert.Equal(WifiConfigError.InvalidArgument, Error(() => c.SetClientIdentity(id, new string('i', 255))));
            Assert.Equal(WifiConfigError.InvalidArgument, Error(() => c.SetClientCertStoreIdentifier(id, "bad id")));
            Assert.Equal(WifiConfigError.InvalidArgument, Error(() => c.SetRootCACertStoreIdentifier(id, "")));
            Assert.Equal(WifiConfigError.NotFound, Error(() => c.SetSsid(7, "x")));
            c.SetClientIdentity(id, new string('i', 254));
            c.SetConfigName(id, "ABCDEFGHIJKLMNOP");
            var n = c.GetNetwork(id);
            Assert.Equal("corp", n.Ssid);
            Assert.Equal("ABCDEFGHIJKLMNOP", n.ConfigName);
        }

        [Fact]
        public void UnsavedChangesVanishOnReloadAndSavedOnesSurviveReboot()
        {
            var (flash, log, c, radio) = Fresh();
            EapNetwork(c, "Network1");
            c.PersistConfig();
            EapNetwork(c, "Unsaved");
            c.SetClientIdentity(0, "changed");
            int reloads = 0;
            c.Reloaded += _ => reloads++;
            c.ReloadConfig();
            Assert.Equal(1, reloads);
            Assert.Equal(1, c.GetStoredNetworkCount());
            Assert.Equal("device-001", c.GetNetwork(0).ClientIdentity);
            var rebooted = new WifiConfig(RecordLog.Mount(flash, CertStore.MaxEntrySize), radio);
            Assert.Equal(1, rebooted.GetStoredNetworkCount());
            Assert.Equal("Network1", rebooted.GetNetwork(0).ConfigName);
            Assert.True(rebooted.GetNetwork(0).Enabled);
            Assert.Equal(WifiSecurity.Wpa2EapTls, rebooted.GetNetwork(0).Security);
        }

        [Fact]
        public void PersistedFieldsRoundTripIncludingUnicodeSsid()
        {
            var (flash, _, c, radio) = Fresh();
            int id = c.AddNetwork();
            c.SetConfigName(id, "Home");
            c.SetSsid(id, "Café ☕");
            c.SetSecurityType(id, WifiSecurity.Wpa2Psk);
            c.SetPsk(id, "correct horse battery");
            c.SetServerDomain(id, "radius.example.com");
            c.SetNetworkEnabled(id, true);
            c.PersistConfig();
            var n = new WifiConfig(RecordLog.Mount(flash, CertStore.MaxEntrySize), radio).GetNetwork(0);
            Assert.Equal("Café ☕", n.Ssid);
            Assert.Equal("correct horse battery", n.Psk);
            Assert.Equal("radius.example.com", n.ServerDomain);
            Assert.Equal(WifiSecurity.Wpa2Psk, n.Security);
        }

        /// <summary>A power cut at every write of PersistConfig leaves the old or the new configuration, never a mix.</summary>
        [Fact]
        public void PowerCutDuringPersistLeavesOldOrNewConfiguration()
        {
            int runs = 0;
            for (int n = 0; ; n++)
            {
                var (flash, log, c, radio) = Fresh();
                EapNetwork(c, "Network1");
                c.PersistConfig();
                int n2 = c.AddDuplicateNetwork(0, "Network2");
                c.SetRootCACertStoreIdentifier(n2, "RootCA2");
                c.SetNetworkEnabled(n2, true);
                flash.ArmPowerCut(n, seed: n);
                bool cut = false;
                try
                {
                    c.PersistConfig();
                }
                catch (WifiConfigException e) when (e.Error == WifiConfigError.StorageFailure && flash.PowerLost)
                {
                    cut = true;
                }
                runs++;
                flash.PowerOn();
                var after = new WifiConfig(RecordLog.Mount(flash, CertStore.MaxEntrySize), radio);
                if (!cut)
                {
                    Assert.Equal(2, after.GetStoredNetworkCount());
                    break;
                }
                int count = after.GetStoredNetworkCount();
                Assert.True(count == 1 || count == 2, $"n={n}: {count} networks");
                Assert.Equal("Network1", after.GetNetwork(0).ConfigName);
                Assert.Equal("RootCA1", after.GetNetwork(0).RootCaId);
                if (count == 2)
                {
                    Assert.Equal("RootCA2", after.GetNetwork(1).RootCaId);
                    Assert.True(after.GetNetwork(1).Enabled);
                }
                Assert.True(n < 1000);
            }
            Assert.True(runs > 2);
        }
    }
}
