using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using NfCerts.Core.Certificates;
using NfCerts.Core.Device;
using NfCerts.Core.Est;
using NfCerts.Core.Hub;
using NfCerts.Core.Provisioning;
using NfCerts.Core.Renewal;
using NfCerts.Core.Storage;
using NfCerts.Core.Wifi;
using NfCerts.Emulators.Dps;
using NfCerts.Emulators.Est;
using NfCerts.Emulators.Hub;
using NfCerts.Hal;
using NfCerts.Hal.Host;

namespace NfCerts.Emulators.World;

/// <summary>Which EAP-TLS server the access points authenticate with.</summary>
public enum RadiusKind
{
    /// <summary>Real TLS in process (<see cref="TlsEapAuthenticator"/>), judged at the world's time.</summary>
    InProcess,
    /// <summary>A real FreeRADIUS server through eapol_test (<see cref="FreeRadiusAuthenticator.AtSuppliedTime"/>), both on
    /// a libfaketime wall clock set to the world's time before every authentication, so they judge validity at it.</summary>
    FreeRadius,
}

/// <summary>
/// The simulated world of one scenario: one <see cref="VirtualClock"/> whose true time every server runs on
/// (<see cref="WorldTime"/>), the PKIs (<see cref="WorldPki"/>), and the servers on 127.0.0.1 free ports: the IoT Hub emulator
/// (chain switchable live), the EST server, the DPS emulator (linked to the hub, an enrollment group for the EST CA), and the
/// EAP-TLS authenticator behind the site's access point, which Network1 and Network2 share (same SSID). A fleet run builds
/// one world and many <see cref="EmulatedDevice"/>s in it.
/// </summary>
public sealed class DemoWorld : IAsyncDisposable
{
    /// <summary>The network names of the seed's root CA flow.</summary>
    public const string Network1 = "Network1";
    /// <summary>The duplicate network that trusts RootCA2.</summary>
    public const string Network2 = "Network2";
    /// <summary>Store ID of the EST server's root (the explicit EST trust anchor).</summary>
    public const string EstRootId = "EstRoot";
    /// <summary>Store ID of the DPS server's root.</summary>
    public const string DpsRootId = "DpsRoot";
    /// <summary>Store ID of the factory bootstrap credential.</summary>
    public const string BootstrapId = "Bootstrap";

    /// <summary>How many recent lines <see cref="LogLines"/> keeps in a world that does not keep its whole log.</summary>
    public const int RecentLogLines = 2000;

    private readonly ConcurrentQueue<string> _log = new();
    private readonly bool _keepWholeLog;
    private readonly string _directory;

    private DemoWorld(Scenario scenario, DateTimeOffset end, RadiusKind radius, bool keepWholeLog)
    {
        _keepWholeLog = keepWholeLog;
        Scenario = scenario;
        Start = ScenarioTimes.Start(scenario);
        End = end;
        Radius = radius;
        _directory = Directory.CreateTempSubdirectory("nfcerts-demo-").FullName;
        Clock = new VirtualClock(Start.UtcDateTime);
        Time = new WorldTime(Clock);
        Pki = new WorldPki(scenario, end, _directory);
        // The site's RADIUS admits the factory's bootstrap certificates (onboarding) and the identities the EST CA issues.
        var clientCas = new X509Certificate2Collection { Pki.EstRoot.Certificate, Pki.FactoryCa.Certificate };
        Authenticator = radius == RadiusKind.InProcess
            ? new TlsEapAuthenticator(Pki.RadiusServer1.Certificate, null, clientCas)
            : FreeRadiusAuthenticator.AtSuppliedTime(Pki.RadiusServer1.Certificate, null, clientCas, Start.UtcDateTime);
        AccessPoint = AccessPoint.EapTls(scenario.Device.Ssid, Authenticator);
    }

    /// <summary>The plan.</summary>
    public Scenario Scenario { get; }
    /// <summary>The first instant.</summary>
    public DateTimeOffset Start { get; }
    /// <summary>The last instant.</summary>
    public DateTimeOffset End { get; }
    /// <summary>The RADIUS server in use.</summary>
    public RadiusKind Radius { get; }
    /// <summary>The one clock of the world (its true time) and of the device (its uptime and wall clock).</summary>
    public VirtualClock Clock { get; }
    /// <summary>The servers' view of <see cref="Clock"/>.</summary>
    public WorldTime Time { get; }
    /// <summary>The certificates.</summary>
    public WorldPki Pki { get; }
    /// <summary>The site's EAP-TLS server.</summary>
    public IEapAuthenticator Authenticator { get; }
    /// <summary>The site's access point (Network1 and Network2 both use its SSID).</summary>
    public AccessPoint AccessPoint { get; }
    /// <summary>The IoT Hub emulator.</summary>
    public HubEmulator Hub { get; private set; } = null!;
    /// <summary>The EST server.</summary>
    public EstServer Est { get; private set; } = null!;
    /// <summary>The DPS emulator.</summary>
    public DpsEmulator Dps { get; private set; } = null!;
    /// <summary>The hub's chain presented now.</summary>
    public string HubChain { get; private set; } = HubServerPki.ChainNames[0];

    /// <summary>The lines the world's servers logged (the hub's, and the world's own notes): every one when the world was
    /// started to keep its whole log, else the last <see cref="RecentLogLines"/>.</summary>
    public IReadOnlyCollection<string> LogLines => _log.ToArray();

    /// <summary>Makes the PKIs and starts every server.</summary>
    /// <param name="scenario">The plan.</param>
    /// <param name="end">The last instant.</param>
    /// <param name="radius">The RADIUS server behind the access point.</param>
    /// <param name="keepWholeLog">Keep every line the servers log (the demo scans them all for keys at the end); otherwise
    /// only the recent ones, so that a fleet's memory does not grow with its traffic (every payload on the wire is a line).</param>
    public static async Task<DemoWorld> StartAsync(Scenario scenario, DateTimeOffset end, RadiusKind radius, bool keepWholeLog = false)
    {
        var w = new DemoWorld(scenario, end, radius, keepWholeLog);
        try
        {
            await w.StartServersAsync();
        }
        catch
        {
            await w.DisposeAsync();
            throw;
        }
        return w;
    }

    private async Task StartServersAsync()
    {
        X509Certificate2[] chain = Pki.Hub.Chains[HubChain];
        Hub = await HubEmulator.StartAsync(new HubEmulatorOptions
        {
            ServerCertificate = chain[0],
            ServerIntermediates = new X509Certificate2Collection(chain[1]),
            HostName = "localhost",
            Time = Time,
            Log = line => Keep("hub: " + line),
        });
        Hub.RegisterCertificateAuthority(Pki.EstRoot.Certificate);
        TimeSpan lifetime = ScenarioTimes.Length(Scenario.Lifetimes.ClientCertificate, Start);
        Est = new EstServer(new EstServerOptions
        {
            Directory = Pki.EstDirectory,
            Lifetime = lifetime,
            BootstrapCas = new[] { Pki.FactoryCa.Certificate },
            Backdate = ScenarioTimes.Length(Scenario.Servers.Est.Backdate, Start),
            Clock = Time,
        });
        await Est.StartAsync();
        Dps = await DpsEmulator.StartAsync(new DpsEmulatorOptions { ServerCertificate = Pki.DpsServer.Certificate, Time = Time });
        Dps.LinkHub(Hub.HostName, Hub);
        Dps.PutEnrollmentGroup("nfcerts-demo", Pki.EstRoot.Certificate);
        Note("servers up: hub mqtts://127.0.0.1:" + Hub.Port + ", EST https://127.0.0.1:" + Est.Port + ", DPS mqtts://127.0.0.1:" + Dps.Port
            + ", RADIUS " + Authenticator.Name);
    }

    /// <summary>Forgets the lines the world and its hub logged so far (a memory measurement's baseline).</summary>
    public void ForgetLogs()
    {
        _log.Clear();
        Hub.ForgetLog();
    }

    /// <summary>Adds a line to the world's log.</summary>
    public void Note(string line) => Keep(line);

    private void Keep(string line)
    {
        _log.Enqueue(line);
        while (!_keepWholeLog && _log.Count > RecentLogLines && _log.TryDequeue(out _))
        {
        }
    }

    /// <summary>Switches the hub's server chain live (the devices are dropped and reconnect).</summary>
    public async Task SwitchHubChainAsync(string name)
    {
        X509Certificate2[] chain = Pki.Hub.Chains[name];
        await Hub.SwitchServerChainAsync(chain[0], new X509Certificate2Collection(chain[1]), dropConnections: true);
        HubChain = name;
    }

    /// <summary>The RADIUS server presents its certificate under RootCA2 from now on; associated stations re-authenticate.</summary>
    public void SwitchRadiusToRoot2(SimulatedRadio radio) => SwitchRadiusToRoot2(new[] { radio });

    /// <summary>The RADIUS server presents its certificate under RootCA2 from now on; every associated station of
    /// <paramref name="radios"/> re-authenticates.</summary>
    public void SwitchRadiusToRoot2(IEnumerable<SimulatedRadio> radios)
    {
        Authenticator.ChangeServerCertificate(Pki.RadiusServer2.Certificate);
        foreach (SimulatedRadio radio in radios)
        {
            radio.DropLink();
        }
    }

    /// <summary>The operator's RootCA2 notice number <paramref name="seq"/> to <paramref name="deviceId"/> by C2D and/or the
    /// twin's desired properties (<paramref name="via"/>, default both). A hub that does not know the device refuses it
    /// (<see cref="HubServiceException"/>).</summary>
    public async Task SendRootCaNoticeAsync(string deviceId, int seq, IReadOnlyCollection<string>? via)
    {
        string pem = Pki.RadiusRoot2.Pem;
        var notice = new JsonObject { ["seq"] = seq, ["certificate"] = pem, ["network"] = Network2, ["rootCaId"] = "RootCA2" };
        IReadOnlyCollection<string> channels = via ?? new[] { "c2d", "twin" };
        if (channels.Contains("c2d"))
        {
            var body = (JsonObject)notice.DeepClone();
            body["type"] = "rootCaNotice";
            await Hub.SendC2dAsync(deviceId, Encoding.UTF8.GetBytes(body.ToJsonString()), new Dictionary<string, string> { ["type"] = "rootCaNotice" });
        }
        if (channels.Contains("twin"))
        {
            await Hub.PatchDesiredAsync(deviceId, new JsonObject { ["rootCaRollout"] = notice });
        }
    }

    /// <summary>Sets up the plan's server behaviour: the EST rate limit and the DPS throttle now, and through
    /// <paramref name="plan"/> (instant, timeline label, action) the EST deferrals and outages at their instants.</summary>
    public void ApplyServerBehaviour(Action<DateTimeOffset, string, Func<Task>> plan)
    {
        ScenarioEst est = Scenario.Servers.Est;
        if (est.RateLimit is ScenarioRateLimit rate)
        {
            Est.Controls.SetRateLimit(rate.Requests, ScenarioTimes.Length(rate.Window, Start), 60);
        }
        foreach (ScenarioDeferral d in est.Deferrals)
        {
            int seconds = (int)ScenarioTimes.Length(d.RetryAfter, Start).TotalSeconds;
            plan(ScenarioTimes.Instant(d.At, Start), "EST defers the next " + d.Count + " enrollments (Retry-After " + d.RetryAfter + ")",
                () => { Est.Controls.DeferNext(d.Count, seconds); return Task.CompletedTask; });
        }
        foreach (ScenarioOutage o in est.Outages)
        {
            DateTimeOffset from = ScenarioTimes.Instant(o.At, Start);
            plan(from, "EST server outage for " + o.For, () => { Est.Controls.SetFault(EstFault.ServiceUnavailable); return Task.CompletedTask; });
            plan(ScenarioTimes.Instant(o.For, from), "EST server back", () => { Est.Controls.SetFault(EstFault.None); return Task.CompletedTask; });
        }
        if (Scenario.Servers.Dps.Throttle is ScenarioThrottle t)
        {
            Dps.Throttle(t.Requests, (int)ScenarioTimes.Length(t.RetryAfter, Start).TotalSeconds);
        }
    }

    /// <summary>
    /// The factory's part: a store as a device leaves the factory with (formatted; RootCA1; the bootstrap credential; the
    /// EST, DPS and hub roots; EST and DPS settings; the device seed; Network1 by EAP-TLS with the bootstrap certificate and RootCA1, identity = device ID).
    /// </summary>
    public void ProvisionAtFactory(EmulatedDevice device, uint seed) => ProvisionAtFactory(device, seed, Scenario.Device.Id, Pki.Bootstrap);

    /// <summary>The factory's part for one device of a fleet: as <see cref="ProvisionAtFactory(EmulatedDevice, uint)"/> with
    /// the device's own ID and bootstrap credential (<see cref="WorldPki.BootstrapFor"/>).</summary>
    public void ProvisionAtFactory(EmulatedDevice device, uint seed, string deviceId, NfCerts.Emulators.Pki.DevCredential bootstrap)
    {
        RecordLog.Format(device.Flash, CertStore.MaxEntrySize);
        RecordLog log = RecordLog.Mount(device.Flash, CertStore.MaxEntrySize);
        var store = new CertStore(log, device.Vault);
        store.InstallRootCACertificate("RootCA1", Pki.RadiusRoot1.Der);
        store.InstallRootCACertificate(EstRootId, Pki.EstRoot.Der);
        store.InstallRootCACertificate(DpsRootId, Pki.DpsRoot.Der);
        store.InstallClientCertificate(BootstrapId, bootstrap.Der, KeyDer(bootstrap), null);
        var wifi = new WifiConfig(log, device.Radio);
        AddNetwork1(wifi, Scenario.Device.Ssid, deviceId, BootstrapId);
        new EstSettings
        {
            Url = "https://127.0.0.1:" + Est.Port,
            TrustAnchorIds = new[] { EstRootId },
            BootstrapCertificateId = BootstrapId,
            Subject = "CN=" + deviceId,
        }.Save(log);
        new DpsSettings
        {
            GlobalEndpoint = "localhost",
            Port = Dps.Port,
            IdScope = Dps.IdScope,
            IdentityCertificateId = "ClientCert1",
            TrustedRootIds = new[] { DpsRootId },
        }.Save(log);
        var t = log.Begin();
        t.Put(DeviceRuntime.SeedKey, BitConverter.GetBytes(seed));
        t.Commit();
        var trust = new HubTrust(log);
        foreach (X509Certificate2 root in Pki.Hub.Roots())
        {
            trust.AddRoot(root.RawData);
        }
    }

    /// <summary>Adds and persists Network1 as a provisioned device has it: WPA2-EAP-TLS with <paramref name="clientCertificateId"/>
    /// (ClientCert1, or at the factory the bootstrap certificate, which the first client rotation replaces by ClientCert1)
    /// and RootCA1.</summary>
    public static void AddNetwork1(WifiConfig config, string ssid, string identity, string clientCertificateId = "ClientCert1")
    {
        int id = config.AddNetwork();
        config.SetConfigName(id, Network1);
        config.SetSsid(id, ssid);
        config.SetSecurityType(id, WifiSecurity.Wpa2EapTls);
        config.SetClientCertStoreIdentifier(id, clientCertificateId);
        config.SetRootCACertStoreIdentifier(id, "RootCA1");
        config.SetClientIdentity(id, identity);
        config.SetNetworkEnabled(id, true);
        config.PersistConfig();
    }

    /// <summary>Each hub host name DPS may assign → its emulator's 127.0.0.1 port (what DNS and port 8883 are to a board).</summary>
    public IReadOnlyDictionary<string, int> HubPorts => new Dictionary<string, int> { [Hub.HostName] = Hub.Port };

    /// <summary>The PKCS#8 DER of a credential's key, as the store takes it.</summary>
    public static byte[] KeyDer(NfCerts.Emulators.Pki.DevCredential c)
    {
        using var ec = c.Certificate.GetECDsaPrivateKey();
        if (ec != null)
        {
            return ec.ExportPkcs8PrivateKey();
        }
        using var rsa = c.Certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException("no private key");
        return rsa.ExportPkcs8PrivateKey();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Dps != null)
        {
            await Dps.DisposeAsync();
        }
        if (Est != null)
        {
            await Est.DisposeAsync();
        }
        if (Hub != null)
        {
            await Hub.DisposeAsync();
        }
        Authenticator.Dispose();
        try
        {
            Directory.Delete(_directory, true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }
}
