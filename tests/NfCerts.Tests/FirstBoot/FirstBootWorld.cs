using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Core.Certificates;
using NfCerts.Core.Device;
using NfCerts.Core.Est;
using NfCerts.Core.Hub;
using NfCerts.Core.Provisioning;
using NfCerts.Core.Storage;
using NfCerts.Core.Wifi;
using NfCerts.Emulators.Est;
using NfCerts.Emulators.World;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using NfCerts.Hal.Host.Mqtt;
using NfCerts.Tests.Device;
using NfCerts.Tests.Dps;
using NfCerts.Tests.Est.Server;
using NfCerts.Tests.HubE2E;
using NfCerts.Tests.Tls;
using NfCerts.Tests.Wifi;

namespace NfCerts.Tests.FirstBoot;

/// <summary>
/// The seed's flow on loopback: an EST server (<see cref="EstServerFixture"/>: Basic estuser/estpwd, a bootstrap CA, an
/// issuing intermediate under the EST root), a DPS emulator with two linked hub emulators (<see cref="DpsWorld"/>) and a
/// group enrollment on the EST root, both hubs trusting the EST root (the CA verified in IoT Hub).
/// </summary>
public sealed class FirstBootWorld : IAsyncDisposable
{
    public const string Group = "est-ca";

    private FirstBootWorld(EstServerFixture est, DpsWorld dps)
    {
        Est = est;
        Dps = dps;
    }

    public EstServerFixture Est { get; }
    public DpsWorld Dps { get; }
    public X509Certificate2 EstRoot => Est.Server.Ca.Root;

    /// <summary>Hub host name → emulator port, as DNS and port 8883 would give it.</summary>
    public IReadOnlyDictionary<string, int> HubPorts => new Dictionary<string, int> { [DpsWorld.HubA] = Dps.A.Port, [DpsWorld.HubB] = Dps.B.Port };

    public NfCerts.Emulators.Hub.HubEmulator HubNamed(string host) => host == DpsWorld.HubA ? Dps.A : host == DpsWorld.HubB ? Dps.B
        : throw new ArgumentException("no hub " + host);

    /// <summary>Starts the servers; EST certificates live <paramref name="lifetime"/> (default 90 days, so that no renewal
    /// falls due unless a test wants one), backdated by <paramref name="backdate"/> (default the server's), dated by
    /// <paramref name="estClock"/> (default the system's).</summary>
    public static async Task<FirstBootWorld> StartAsync(TimeSpan? lifetime = null, TimeSpan? backdate = null, TimeProvider? estClock = null)
    {
        EstServerFixture est = await EstServerFixture.StartAsync((dir, bootstrapCa) => new EstServerOptions
        {
            Directory = dir,
            User = EstServerFixture.User,
            Password = EstServerFixture.Password,
            BootstrapCas = new[] { X509CertificateLoader.LoadCertificate(bootstrapCa.Der) },
            Intermediate = true,
            Lifetime = lifetime ?? TimeSpan.FromDays(90),
            Backdate = backdate ?? EstServerControls.DefaultBackdate,
            Clock = estClock ?? TimeProvider.System,
        });
        DpsWorld dps = await DpsWorld.StartAsync();
        var w = new FirstBootWorld(est, dps);
        dps.Dps.PutEnrollmentGroup(Group, w.EstRoot);
        dps.A.RegisterCertificateAuthority(w.EstRoot);
        dps.B.RegisterCertificateAuthority(w.EstRoot);
        return w;
    }

    public async ValueTask DisposeAsync()
    {
        await Dps.DisposeAsync();
        await Est.DisposeAsync();
    }
}

/// <summary>
/// A fresh device as it leaves the factory: RootCA1 (the RADIUS root), the bootstrap certificate under <c>Bootstrap</c>,
/// Network1 by EAP-TLS with the bootstrap certificate, EST settings (bootstrap ID, the EST root as anchor), DPS settings
/// (ID scope, ClientCert1 as identity, the DPS root) and the hubs' root in HubTrust; no ClientCert1, no hub settings. Runs
/// <see cref="DeviceRuntime"/> on <see cref="HostDevice"/> with the host TLS connector (EST), MQTTnet (DPS) and the hub
/// transport behind <see cref="HubNames"/>; the access point trusts the bootstrap CA and the EST CA.
/// </summary>
public sealed class FirstBootDevice : IDisposable
{
    public const string DeviceId = "device-001";

    private readonly FirstBootWorld _w;

    public FirstBootDevice(FirstBootWorld world, NorFlash? flash = null)
    {
        _w = world;
        var clientCas = new X509Certificate2Collection
        {
            X509CertificateLoader.LoadCertificate(world.Est.BootstrapCa.Der),
            X509CertificateLoader.LoadCertificate(world.Est.Server.Ca.Root.RawData),
            X509CertificateLoader.LoadCertificate(world.Est.Server.Ca.Issuing.RawData),
        };
        D = new HostDevice(flash, withIssuer: false, clientCas: clientCas);
    }

    public HostDevice D { get; }
    public HubNames? Hubs { get; private set; }
    public DeviceRuntime Runtime => D.Runtime;
    private MqttNetTransport? _mqtt;

    /// <summary>Writes the factory's store.</summary>
    public FirstBootDevice Manufacture()
    {
        RecordLog.Format(D.Flash, CertStore.MaxEntrySize);
        var log = RecordLog.Mount(D.Flash, CertStore.MaxEntrySize);
        var store = new CertStore(log, new HostKeyVault());
        store.InstallRootCACertificate("RootCA1", WifiDevice.RootCa1.Der);
        store.InstallRootCACertificate("EstRoot", _w.EstRoot.RawData);
        store.InstallRootCACertificate("DpsRoot", _w.Dps.ServerRoot.Der);
        store.InstallClientCertificate("Bootstrap", _w.Est.Bootstrap.Der, TlsPki.KeyDer(_w.Est.Bootstrap), null);
        var wifi = new WifiConfig(log, D.Radio);
        int id = wifi.AddNetwork();
        wifi.SetConfigName(id, "Network1");
        wifi.SetSsid(id, WifiDevice.Ssid);
        wifi.SetSecurityType(id, WifiSecurity.Wpa2EapTls);
        wifi.SetClientCertStoreIdentifier(id, "Bootstrap");
        wifi.SetRootCACertStoreIdentifier(id, "RootCA1");
        wifi.SetClientIdentity(id, DeviceId);
        wifi.SetNetworkEnabled(id, true);
        wifi.PersistConfig();
        new EstSettings
        {
            Url = "https://127.0.0.1:" + _w.Est.Server.Port,
            TrustAnchorIds = new[] { "EstRoot" },
            BootstrapCertificateId = "Bootstrap",
        }.Save(log);
        new DpsSettings
        {
            GlobalEndpoint = "localhost",
            Port = _w.Dps.Dps.Port,
            IdScope = _w.Dps.Dps.IdScope,
            IdentityCertificateId = "ClientCert1",
            TrustedRootIds = new[] { "DpsRoot" },
        }.Save(log);
        new HubTrust(log).AddRoot(_w.Dps.ServerRoot.Der);
        var t = log.Begin();
        t.Put(DeviceRuntime.SeedKey, new byte[] { 7, 0, 0, 0 });
        t.Commit();
        return this;
    }

    /// <summary>Power-on with fresh transports, as a board's would be.</summary>
    public void Boot()
    {
        DisposeTransports();
        Hubs = new HubNames(_w.HubPorts);
        _mqtt = new MqttNetTransport();
        D.Hub = Hubs;
        D.Mqtt = _mqtt;
        D.Tls = new HostTlsConnector(D.Clock);
        D.Boot();
    }

    /// <summary>Power off (the runtime stops; a runtime cut mid-write may not stop cleanly: the board would just be dark),
    /// then on again after <see cref="NorFlash.PowerOn"/>: uptime restarts, SNTP answers after a few seconds.</summary>
    public void PowerCycle()
    {
        try
        {
            D.Runtime.Stop();
        }
        catch (Exception)
        {
        }
        D.Radio.Disconnect();
        DisposeTransports();
        D.Flash.PowerOn();
        D.Clock.Reboot();
        Boot();
        D.Clock.Advance(TimeSpan.FromSeconds(5));
        D.Clock.Synchronize(D.Clock.TrueUtc);
    }

    public bool Until(Func<bool> condition, TimeSpan? step = null) => E2eDevice.Until(D, condition, step);

    public bool HubConnected => Runtime.Hub is HubClient h && h.Status.Connected;

    /// <summary>Waits for a connection to the hub and a report it accepted; throws with what the device says otherwise.</summary>
    public HubClient WaitForHub(string what)
    {
        if (!Until(() => Runtime.Hub is HubClient h && h.Status.Connected && h.Status.PatchesAccepted > 0))
        {
            throw new TimeoutException(what + ": provisioning " + Runtime.Provisioning?.State + " (" + Runtime.Provisioning?.LastFailure
                + "), hub " + Runtime.Hub?.Settings.HostName + " " + Runtime.Hub?.Status.LastError);
        }
        return Runtime.Hub!;
    }

    /// <summary>The reported properties as <paramref name="hub"/> stores them.</summary>
    public JsonObject Reported(string hub)
        => _w.HubNamed(hub).GetTwinAsync(DeviceId).GetAwaiter().GetResult()["properties"]!["reported"]!.AsObject();

    /// <summary>Waits until the reported properties at <paramref name="hub"/> satisfy <paramref name="condition"/>.</summary>
    public JsonObject ReportedWhen(string hub, Func<JsonObject, bool> condition, string what)
    {
        JsonObject last = new();
        if (!Until(() => condition(last = Reported(hub))))
        {
            throw new TimeoutException("reported properties never showed " + what + ": " + last.ToJsonString());
        }
        return last;
    }

    public string AssignedHub => DpsState.Load(Runtime.Log!).AssignedHub;

    private void DisposeTransports()
    {
        Hubs?.Dispose();
        _mqtt?.Dispose();
    }

    public void Dispose()
    {
        D.Dispose();
        DisposeTransports();
    }
}
