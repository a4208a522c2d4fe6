using System;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Core.Wifi;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using NfCerts.Tests.Support;

namespace NfCerts.Tests.Wifi
{
    /// <summary>Which access-point authenticator a test runs against.</summary>
    public enum AuthKind
    {
        InProcessTls,
        FreeRadius,
    }

    /// <summary>
    /// A device on the desktop: flash, log, certificate store, Wi-Fi configuration, radio, clock and connection manager,
    /// with a site whose RADIUS server certificate chains to RootCA1 (the state after step 1 of the seed's root CA flow:
    /// Network1 is WPA2-EAP-TLS with ClientCert1 and RootCA1).
    /// </summary>
    public sealed class WifiDevice : IDisposable
    {
        public const string Ssid = "corp-wifi";
        public static readonly Issued RootCa1 = TestPki.Root("RADIUS Root CA1");
        public static readonly Issued RootCa2 = TestPki.Root("RADIUS Root CA2");
        public static readonly Issued ClientCa = TestPki.Root("Device Client CA");
        // RADIUS server certificates outlive the simulated years of the renewal tests.
        public static readonly Issued Server1 = TestPki.Server(RootCa1, "radius1.example.com", notAfter: DateTimeOffset.UtcNow.AddYears(9));
        public static readonly Issued Server2 = TestPki.Server(RootCa2, "radius2.example.com", notAfter: DateTimeOffset.UtcNow.AddYears(9));
        public static readonly Issued Client1 = TestPki.Client(ClientCa, "device-001");

        public readonly NorFlash Flash = new NorFlash(64 * 4096, 4096);
        // A fixed time of day (tomorrow 02:00 UTC), not the wall clock's: the renewal tests' daily check slots then fall the
        // same way on every run (three of them failed when the suite ran in the afternoon).
        public readonly VirtualClock Clock = new VirtualClock(DateTime.UtcNow.Date.AddDays(1).AddHours(2));
        public readonly SimulatedRadio Radio;
        public readonly IEapAuthenticator Authenticator;
        public readonly AccessPoint AccessPoint;
        public RecordLog Log = null!;
        public CertStore Store = null!;
        public WifiConfig Config = null!;
        public ConnectionManager Manager = null!;

        public WifiDevice(AuthKind kind)
        {
            Radio = new SimulatedRadio(Clock);
            var clientCas = new X509Certificate2Collection { ClientCa.Certificate };
            Authenticator = kind == AuthKind.InProcessTls
                ? new TlsEapAuthenticator(Server1.WithKey, null, clientCas)
                : new FreeRadiusAuthenticator(Server1.WithKey, null, clientCas);
            AccessPoint = AccessPoint.EapTls(Ssid, Authenticator);
            Radio.AddAccessPoint(AccessPoint);
            RecordLog.Format(Flash, CertStore.MaxEntrySize);
            Boot();
            Store.InstallRootCACertificate("RootCA1", RootCa1.Der);
            Store.InstallClientCertificate("ClientCert1", Client1.Der, Client1.Pkcs8, null);
            AddNetwork1(Config);
        }

        /// <summary>Adds and persists Network1 as a provisioned device has it: EAP-TLS with ClientCert1 and RootCA1.</summary>
        public static void AddNetwork1(WifiConfig config) => NfCerts.Emulators.World.DemoWorld.AddNetwork1(config, Ssid, "device-001");

        /// <summary>Mounts everything from flash, as at power-on, and starts the connection manager.</summary>
        public void Boot()
        {
            Manager?.Stop();
            Radio.Disconnect();
            Log = RecordLog.Mount(Flash, CertStore.MaxEntrySize);
            Store = new CertStore(Log, new HostKeyVault());
            Config = new WifiConfig(Log, Radio);
            Manager = new ConnectionManager(Config, Store, Radio, Clock, Clock, 42);
        }

        /// <summary>Steps 3-4 of the root CA flow, by hand: RootCA2 installed, Network2 a duplicate of Network1 trusting it.</summary>
        public void AddNetwork2WithRootCa2()
        {
            Store.InstallRootCACertificate("RootCA2", RootCa2.Der);
            int n2 = Config.AddDuplicateNetwork(Config.GetNetworkIdByConfigName("Network1"), "Network2");
            Config.SetRootCACertStoreIdentifier(n2, "RootCA2");
            Config.SetNetworkEnabled(n2, true);
            Config.PersistConfig();
        }

        public string ConnectedName => Config.ConnectedConfigName;

        public void Dispose()
        {
            Manager?.Stop();
            Radio.Dispose();
            Authenticator.Dispose();
        }
    }
}
