using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using NfCerts.Emulators.Dps.Rest;
using NfCerts.Emulators.Hub;
using NfCerts.Emulators.Hub.Rest;
using NfCerts.Emulators.Pki;

namespace NfCerts.Emulators.Dps;

/// <summary>A hub the DPS emulator assigns devices to: the host name devices are given, and the operator seam DPS registers
/// them through.</summary>
/// <param name="HostName">The host name a device connects to (no port: devices use 8883 unless told otherwise).</param>
/// <param name="Service">Where DPS registers the device (a <see cref="RestHubService"/> for a hub given by connection string).</param>
public sealed record DpsLinkedHub(string HostName, IHubService Service);

/// <summary>How to start a <see cref="DpsServer"/>.</summary>
public sealed class DpsServerOptions
{
    /// <summary>The directory keeping the PKI (<c>pki/</c>), the ID scope, the owner key, the state and the embedded hub's files.</summary>
    public required string Directory { get; init; }

    /// <summary>The device endpoint's MQTT over TLS port on 127.0.0.1 (0: a free one).</summary>
    public int MqttPort { get; init; }

    /// <summary>The operator API's HTTPS port on 127.0.0.1 (0: a free one).</summary>
    public int ApiPort { get; init; }

    /// <summary>Hubs to link; none starts an embedded hub emulator (<see cref="HubServer"/>) linked as <c>localhost</c>.</summary>
    public IReadOnlyList<DpsLinkedHub> Hubs { get; init; } = Array.Empty<DpsLinkedHub>();

    /// <summary>The embedded hub's MQTT port (0: a free one).</summary>
    public int HubMqttPort { get; init; }

    /// <summary>The embedded hub's operator API port (0: a free one).</summary>
    public int HubApiPort { get; init; }

    /// <summary>Seconds DPS asks devices to wait before polling.</summary>
    public int RetryAfterSeconds { get; init; } = 1;
}

/// <summary>
/// What <c>nfcerts dps serve</c> runs: the DPS emulator's device endpoint (<see cref="DpsEmulator"/>) and its operator API
/// (<see cref="DpsRestServer"/>) over the same enrollments, with linked hubs (or an embedded one), the files in one
/// directory kept between runs: <c>pki/dps-root.crt</c> (what devices and operators trust), <c>pki/dps-server.crt/.key</c>
/// (SANs localhost and 127.0.0.1), <c>pki/owner.key</c> (the <c>provisioningserviceowner</c> key, 0600), <c>id-scope</c>,
/// <c>state.json</c>, and for the embedded hub <c>hub-pki/</c> and <c>hub-state.json</c>.
/// </summary>
public sealed class DpsServer : IAsyncDisposable
{
    private DpsServer(string directory, DpsEmulator emulator, DpsRestServer api, HubServer? hub, IReadOnlyList<string> linked)
    {
        Directory = directory;
        Emulator = emulator;
        Api = api;
        EmbeddedHub = hub;
        LinkedHubs = linked;
    }

    /// <summary>Where the files are.</summary>
    public string Directory { get; }

    /// <summary>The device side.</summary>
    public DpsEmulator Emulator { get; }

    /// <summary>The operator API.</summary>
    public DpsRestServer Api { get; }

    /// <summary>The embedded hub, or null when hubs were given.</summary>
    public HubServer? EmbeddedHub { get; }

    /// <summary>Host names of the linked hubs.</summary>
    public IReadOnlyList<string> LinkedHubs { get; }

    /// <summary>The root devices and operators trust for both the device endpoint and the API.</summary>
    public string RootPath => Path.Combine(Directory, "pki", "dps-root.crt");

    /// <summary>The global device endpoint as devices address it.</summary>
    public string GlobalEndpoint => "localhost:" + Emulator.Port;

    /// <summary>The operator's connection string (it holds the owner key).</summary>
    public string ConnectionString => Api.ConnectionString;

    /// <summary>Starts everything; the embedded hub too when no hubs are given.</summary>
    public static async Task<DpsServer> StartAsync(DpsServerOptions options)
    {
        string pki = Path.Combine(options.Directory, "pki");
        System.IO.Directory.CreateDirectory(pki);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        DevCredential root = HubServerPki.LoadOrMake(pki, "dps-root", () => DevPki.Root("CN=nf.Certs DPS Emulator Root,O=nf.Certs test", now.AddDays(-1), now.AddYears(20)));
        DevCredential server = HubServerPki.LoadOrMake(pki, "dps-server", () => DevPki.Server(root, new[] { "localhost", "127.0.0.1" }, now.AddDays(-1), now.AddYears(5)));
        string ownerKey = ReadOrWrite(Path.Combine(pki, "owner.key"), HubRestServer.NewKey, secret: true);
        string idScope = ReadOrWrite(Path.Combine(options.Directory, "id-scope"), () => "0ne" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)), secret: false);

        HubServer? hub = null;
        var links = new List<DpsLinkedHub>(options.Hubs);
        if (links.Count == 0)
        {
            hub = await HubServer.StartAsync(new HubServerOptions
            {
                PkiDirectory = Path.Combine(options.Directory, "hub-pki"),
                StatePath = Path.Combine(options.Directory, "hub-state.json"),
                MqttPort = options.HubMqttPort,
                ApiPort = options.HubApiPort,
            });
            links.Add(new DpsLinkedHub("localhost", hub.Emulator));
        }
        DpsEmulator? dps = null;
        try
        {
            dps = await DpsEmulator.StartAsync(new DpsEmulatorOptions
            {
                ServerCertificate = server.Certificate,
                Port = options.MqttPort,
                IdScope = idScope,
                RetryAfterSeconds = options.RetryAfterSeconds,
                StatePath = Path.Combine(options.Directory, "state.json"),
            });
            var names = new List<string>();
            foreach (DpsLinkedHub link in links)
            {
                dps.LinkHub(link.HostName, link.Service);
                names.Add(link.HostName);
            }
            if (hub != null)
            {
                // The embedded hub trusts the groups' CAs, so that the devices DPS registers there by CA can connect.
                HubEmulator embedded = hub.Emulator;
                dps.EnrollmentGroupPut += g => embedded.RegisterCertificateAuthority(g.Ca);
                foreach (DpsEnrollmentGroup g in dps.EnrollmentGroups)
                {
                    embedded.RegisterCertificateAuthority(g.Ca);
                }
            }
            var context = SslStreamCertificateContext.Create(server.Certificate, new X509Certificate2Collection(), offline: true);
            DpsRestServer api = await DpsRestServer.StartAsync(dps, options.ApiPort, context, ownerKey);
            return new DpsServer(options.Directory, dps, api, hub, names);
        }
        catch
        {
            if (dps != null)
            {
                await dps.DisposeAsync();
            }
            if (hub != null)
            {
                await hub.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>Stops the API, the device endpoint (whose state file already holds everything), then the embedded hub.</summary>
    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Emulator.DisposeAsync();
        if (EmbeddedHub != null)
        {
            await EmbeddedHub.DisposeAsync();
        }
    }

    private static string ReadOrWrite(string path, Func<string> make, bool secret)
    {
        if (!File.Exists(path))
        {
            if (secret)
            {
                HubServerPki.WritePrivate(path, make() + "\n");
            }
            else
            {
                File.WriteAllText(path, make() + "\n");
            }
        }
        return File.ReadAllText(path).Trim();
    }
}
