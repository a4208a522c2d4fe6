using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Emulators.Hub;
using NfCerts.Emulators.Pki;

namespace NfCerts.Emulators.World;

/// <summary>
/// Every certificate of a simulated world, made by <see cref="DevPki"/> with validity windows in simulated time: the RADIUS
/// roots and servers (RootCA1 until <see cref="ScenarioTimes.RadiusRootExpiry"/>, RootCA2 after), the factory CA and the
/// device's bootstrap certificate, the DPS server, the EST CA (written where the EST server loads it) and the hub's two
/// server chains (<see cref="HubServerPki"/>, roots named like Baltimore and DigiCert G2).
/// </summary>
public sealed class WorldPki
{
    private readonly List<DevCredential> _credentials = new();

    /// <summary>Makes the PKI for <paramref name="scenario"/> running until <paramref name="end"/>, under <paramref name="directory"/>.</summary>
    public WorldPki(Scenario scenario, DateTimeOffset end, string directory)
    {
        DateTimeOffset start = ScenarioTimes.Start(scenario);
        DateTimeOffset from = start.AddDays(-1);
        DateTimeOffset rootExpiry = ScenarioTimes.RadiusRootExpiry(scenario);
        DateTimeOffset root2Expiry = ScenarioTimes.RadiusRoot2Expiry(scenario);
        DateTimeOffset beyond = (end > root2Expiry ? end : root2Expiry).AddYears(1);
        RadiusRoot1 = Keep(DevPki.Root("CN=RADIUS Root CA1,O=Contoso", from, rootExpiry));
        RadiusRoot2 = Keep(DevPki.Root("CN=RADIUS Root CA2,O=Contoso", from, root2Expiry));
        RadiusServer1 = Keep(DevPki.Server(RadiusRoot1, new[] { "radius1.contoso.example" }, from, rootExpiry));
        RadiusServer2 = Keep(DevPki.Server(RadiusRoot2, new[] { "radius2.contoso.example" }, from, root2Expiry));
        FactoryCa = Keep(DevPki.Root("CN=Contoso Factory CA,O=Contoso", from, beyond));
        _bootstrapFrom = from;
        _bootstrapUntil = IsoDuration.Parse(scenario.Lifetimes.BootstrapCertificate).From(start);
        Bootstrap = BootstrapFor(scenario.Device.Id);
        DpsRoot = Keep(DevPki.Root("CN=DPS Test Root,O=nf.Certs test", from, beyond));
        DpsServer = Keep(DevPki.Server(DpsRoot, new[] { "localhost" }, from, beyond));
        EstDirectory = Path.Combine(directory, "est");
        EstRoot = Keep(DevPki.Root("CN=nf.Certs EST Root CA,O=nf.Certs", from, IsoDuration.Parse(scenario.Lifetimes.EstCa).From(start)));
        EstRoot.Save(EstDirectory, "ca-root");
        Keep(DevPki.Server(EstRoot, new[] { "localhost", "127.0.0.1" }, from, beyond)).Save(EstDirectory, "server");
        Hub = HubServerPki.Open(Path.Combine(directory, "hub"), start, beyond - start);
        foreach (string chain in HubServerPki.ChainNames)
        {
            foreach (X509Certificate2 c in Hub.Chains[chain])
            {
                if (c.HasPrivateKey)
                {
                    _credentials.Add(new DevCredential(c));
                }
            }
        }
        _credentials.Add(Hub.DeviceCa);
    }

    private readonly DateTimeOffset _bootstrapFrom;
    private readonly DateTimeOffset _bootstrapUntil;

    /// <summary>A factory bootstrap certificate (and key) for device <paramref name="deviceId"/>, signed by the factory CA;
    /// kept among <see cref="Credentials"/>. Thread-safe.</summary>
    public DevCredential BootstrapFor(string deviceId)
    {
        DevCredential c = DevPki.Client(FactoryCa, "CN=" + deviceId, _bootstrapFrom, _bootstrapUntil);
        lock (_credentials)
        {
            _credentials.Add(c);
        }
        return c;
    }

    /// <summary>RootCA1: the RADIUS server's root until it expires.</summary>
    public DevCredential RadiusRoot1 { get; }
    /// <summary>RootCA2: the root the operator rolls out and the RADIUS server switches to.</summary>
    public DevCredential RadiusRoot2 { get; }
    /// <summary>The RADIUS server's certificate under RootCA1.</summary>
    public DevCredential RadiusServer1 { get; }
    /// <summary>The RADIUS server's certificate under RootCA2.</summary>
    public DevCredential RadiusServer2 { get; }
    /// <summary>The factory CA that signed the bootstrap certificate.</summary>
    public DevCredential FactoryCa { get; }
    /// <summary>The device's bootstrap certificate (its first EST enrollment authenticates with it).</summary>
    public DevCredential Bootstrap { get; }
    /// <summary>The DPS server's root.</summary>
    public DevCredential DpsRoot { get; }
    /// <summary>The DPS server's TLS certificate.</summary>
    public DevCredential DpsServer { get; }
    /// <summary>The EST CA's root: it issues the device's client certificates, which RADIUS, DPS and the hub trust.</summary>
    public DevCredential EstRoot { get; }
    /// <summary>Where the EST server keeps its CA.</summary>
    public string EstDirectory { get; }
    /// <summary>The hub emulator's server chains and device CA.</summary>
    public HubServerPki Hub { get; }

    /// <summary>Every credential with a private key the world made (for the key-in-a-log scan).</summary>
    public IReadOnlyList<DevCredential> Credentials => _credentials;

    private DevCredential Keep(DevCredential c)
    {
        _credentials.Add(c);
        return c;
    }
}
