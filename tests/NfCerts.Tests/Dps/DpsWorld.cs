using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using NfCerts.Core.Certificates;
using NfCerts.Core.Provisioning;
using NfCerts.Core.Storage;
using NfCerts.Emulators.Dps;
using NfCerts.Emulators.Hub;
using NfCerts.Emulators.Pki;
using NfCerts.Hal.Host;
using NfCerts.Hal.Host.Mqtt;

namespace NfCerts.Tests.Dps;

/// <summary>A DPS emulator on 127.0.0.1 over TLS with two linked hub emulators, and the PKIs around them: the DPS
/// server's root, and a device CA (root → intermediate → devices) as an EST CA would issue.</summary>
public sealed class DpsWorld : IAsyncDisposable
{
    public const string HubA = "hub-a.localhost";
    public const string HubB = "hub-b.localhost";

    public static readonly DateTimeOffset From = DateTimeOffset.UtcNow.AddDays(-1);
    public static readonly DateTimeOffset To = DateTimeOffset.UtcNow.AddYears(2);

    public DevCredential ServerRoot { get; } = DevPki.Root("CN=DPS Test Root", From, To);
    public DevCredential DeviceRoot { get; } = DevPki.Root("CN=Device Root CA", From, To);
    public DevCredential DeviceIssuing { get; }
    public DevCredential OtherRoot { get; } = DevPki.Root("CN=Other CA", From, To);
    public DpsEmulator Dps { get; private set; } = null!;
    public NfCerts.Emulators.Hub.HubEmulator A { get; private set; } = null!;
    public NfCerts.Emulators.Hub.HubEmulator B { get; private set; } = null!;

    public DpsWorld()
    {
        DeviceIssuing = DevPki.Intermediate(DeviceRoot, "CN=Device Issuing CA", From, To);
    }

    public static async Task<DpsWorld> StartAsync(int retryAfterSeconds = 1)
    {
        var w = new DpsWorld();
        var server = DevPki.Server(w.ServerRoot, new[] { "localhost" }, From, To);
        w.A = await NfCerts.Emulators.Hub.HubEmulator.StartAsync(new HubEmulatorOptions { ServerCertificate = server.Certificate, HostName = HubA });
        w.B = await NfCerts.Emulators.Hub.HubEmulator.StartAsync(new HubEmulatorOptions { ServerCertificate = server.Certificate, HostName = HubB });
        w.Dps = await DpsEmulator.StartAsync(new DpsEmulatorOptions { ServerCertificate = server.Certificate, RetryAfterSeconds = retryAfterSeconds });
        w.Dps.LinkHub(HubA, w.A);
        w.Dps.LinkHub(HubB, w.B);
        return w;
    }

    /// <summary>A device certificate issued by the intermediate (sent after the leaf) or, with <paramref name="issuer"/>, by another CA.</summary>
    public DevCredential Device(string cn, DevCredential? issuer = null) => DevPki.Client(issuer ?? DeviceIssuing, "CN=" + cn, From, To);

    private bool _dpsStopped;

    public async Task StopDpsAsync()
    {
        _dpsStopped = true;
        await Dps.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_dpsStopped)
        {
            await Dps.DisposeAsync();
        }
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}

/// <summary>One device: its flash, store and DPS settings, the host MQTT transport and the DPS client over it.</summary>
public sealed class DpsDevice : IDisposable
{
    public NorFlash Flash { get; } = new(64 * 1024, 4096);
    public RecordLog Log { get; private set; }
    public CertStore Store { get; private set; }
    public MqttNetTransport Mqtt { get; } = new();
    public SystemClock Clock { get; } = new();
    public List<TimeSpan> Pauses { get; } = new();
    public DpsClientOptions Options { get; } = new() { ReplyTimeout = TimeSpan.FromSeconds(15), TotalTimeout = TimeSpan.FromMinutes(2) };
    private readonly HostKeyVault _vault = new();

    public DpsDevice(DpsWorld world, DevCredential identity, bool sendIntermediate = true, int port = 0)
    {
        RecordLog.Format(Flash, CertStore.MaxEntrySize);
        Log = RecordLog.Mount(Flash, CertStore.MaxEntrySize);
        Store = new CertStore(Log, _vault);
        Store.InstallRootCACertificate("DpsRoot", world.ServerRoot.Der);
        Store.InstallRootCACertificate("IntCA1", world.DeviceIssuing.Der);
        Install(identity);
        new DpsSettings
        {
            GlobalEndpoint = "localhost",
            Port = port == 0 ? world.Dps.Port : port,
            IdScope = world.Dps.IdScope,
            IdentityCertificateId = "ClientCert1",
            IntermediateIds = sendIntermediate ? new[] { "IntCA1" } : Array.Empty<string>(),
            TrustedRootIds = new[] { "DpsRoot" },
        }.Save(Log);
    }

    /// <summary>Installs (or replaces, as a renewal does) the identity certificate and key.</summary>
    public void Install(DevCredential identity)
        => Store.InstallClientCertificate("ClientCert1", identity.Der, identity.Certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKey(), null);

    public DpsClient Client() => new(Mqtt, Clock, span => { lock (Pauses) { Pauses.Add(span); } Thread.Sleep(span); }, Options);

    public DpsProvisioner Provisioner() => new(Log, Store, Client(), Clock);

    /// <summary>Mounts the store again, as after a reboot.</summary>
    public void Reboot()
    {
        Flash.PowerOn();
        Log = RecordLog.Mount(Flash, CertStore.MaxEntrySize);
        Store = new CertStore(Log, _vault);
    }

    public void Dispose()
    {
        Mqtt.Dispose();
        Clock.Dispose();
        Flash.Dispose();
    }
}
