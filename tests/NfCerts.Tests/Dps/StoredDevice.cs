using System;
using System.Collections.Generic;
using NfCerts.Core.Certificates;
using NfCerts.Core.Provisioning;
using NfCerts.Core.Storage;
using NfCerts.Emulators.Pki;
using NfCerts.Hal;
using NfCerts.Hal.Host;

namespace NfCerts.Tests.Dps;

/// <summary>A device's store with DPS settings and an identity, for driving the provisioner over any transport.</summary>
internal sealed class StoredDevice : IDisposable
{
    private static readonly DevCredential Root = DevPki.Root("CN=Test CA", DpsWorld.From, DpsWorld.To);
    private static readonly DevCredential Identity = DevPki.Client(Root, "CN=device-001", DpsWorld.From, DpsWorld.To);
    private readonly HostKeyVault _vault = new();

    public NorFlash Flash { get; } = new(64 * 1024, 4096);
    public RecordLog Log { get; private set; }
    public CertStore Store { get; private set; }
    public SystemClock Clock { get; } = new();
    public List<TimeSpan> Pauses { get; } = new();
    public DpsClientOptions Options { get; } = new() { ReplyTimeout = TimeSpan.FromSeconds(10) };

    public StoredDevice()
    {
        RecordLog.Format(Flash, CertStore.MaxEntrySize);
        Log = RecordLog.Mount(Flash, CertStore.MaxEntrySize);
        Store = new CertStore(Log, _vault);
        Store.InstallRootCACertificate("DpsRoot", Root.Der);
        Store.InstallClientCertificate("ClientCert1", Identity.Der, System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions.GetECDsaPrivateKey(Identity.Certificate)!.ExportPkcs8PrivateKey(), null);
        new DpsSettings { GlobalEndpoint = "localhost", IdScope = "0ne00000001", TrustedRootIds = new[] { "DpsRoot" } }.Save(Log);
    }

    public void Assign(string hub)
        => new DpsState { RegistrationId = "device-001", AssignedHub = hub, DeviceId = "device-001" }.Save(Log);

    public DpsProvisioner Provisioner(IMqttTransport mqtt)
        => new(Log, Store, new DpsClient(mqtt, Clock, span => Pauses.Add(span), Options), Clock);

    public void Reboot()
    {
        Flash.PowerOn();
        Log = RecordLog.Mount(Flash, CertStore.MaxEntrySize);
        Store = new CertStore(Log, _vault);
    }

    public void Dispose()
    {
        Clock.Dispose();
        Flash.Dispose();
    }
}
