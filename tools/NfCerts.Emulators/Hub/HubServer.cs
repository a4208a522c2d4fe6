using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using NfCerts.Emulators.Hub.Rest;

namespace NfCerts.Emulators.Hub;

/// <summary>How to start a <see cref="HubServer"/>.</summary>
public sealed class HubServerOptions
{
    /// <summary>The PKI directory (see <see cref="HubServerPki"/>), made on the first run and kept.</summary>
    public required string PkiDirectory { get; init; }

    /// <summary>The state file keeping devices, twins and queued C2D messages across restarts, or null for memory only.</summary>
    public string? StatePath { get; init; }

    /// <summary>The MQTT over TLS port on 127.0.0.1 (0: a free one).</summary>
    public int MqttPort { get; init; }

    /// <summary>The operator API's HTTPS port on 127.0.0.1 (0: a free one).</summary>
    public int ApiPort { get; init; }

    /// <summary>PEM files of further CAs whose devices may connect (each certificate in a file is registered).</summary>
    public IReadOnlyList<string> RegisterCaFiles { get; init; } = Array.Empty<string>();

    /// <summary>Receives the MQTT side's log lines, or null.</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>
/// What <c>nfcerts hub serve</c> runs: the IoT Hub emulator (MQTT over TLS, <see cref="HubEmulator"/>) and its operator API
/// (<see cref="HubRestServer"/>) over the same devices and twins, both presenting the same switchable server chain, with the
/// PKI in a directory kept between runs and the state in a file.
/// </summary>
public sealed class HubServer : IAsyncDisposable
{
    private HubServer(HubServerPki pki, HubServerChains chains, HubEmulator emulator, HubRestServer api)
    {
        Pki = pki;
        Chains = chains;
        Emulator = emulator;
        Api = api;
    }

    /// <summary>The PKI the servers run under.</summary>
    public HubServerPki Pki { get; }

    /// <summary>The server chains (baltimore first).</summary>
    public HubServerChains Chains { get; }

    /// <summary>The MQTT side.</summary>
    public HubEmulator Emulator { get; }

    /// <summary>The operator API.</summary>
    public HubRestServer Api { get; }

    /// <summary>The operator's connection string (it holds the iothubowner key).</summary>
    public string ConnectionString => Api.ConnectionString;

    /// <summary>Starts both servers.</summary>
    public static async Task<HubServer> StartAsync(HubServerOptions options)
    {
        HubServerPki pki = HubServerPki.Open(options.PkiDirectory);
        X509Certificate2[] first = pki.Chains[HubServerPki.ChainNames[0]];
        HubEmulator emulator = await HubEmulator.StartAsync(new HubEmulatorOptions
        {
            ServerCertificate = first[0],
            ServerIntermediates = new X509Certificate2Collection { first[1] },
            Port = options.MqttPort,
            HostName = "127.0.0.1",
            StatePath = options.StatePath,
            Log = options.Log,
        });
        try
        {
            emulator.RegisterCertificateAuthority(pki.DeviceCa.Certificate);
            foreach (string file in options.RegisterCaFiles)
            {
                var cas = new X509Certificate2Collection();
                cas.ImportFromPemFile(file);
                if (cas.Count == 0)
                {
                    throw new InvalidDataException("no certificate in " + file);
                }
                foreach (X509Certificate2 ca in cas)
                {
                    emulator.RegisterCertificateAuthority(ca);
                }
            }
            var chains = new HubServerChains(pki, (leaf, intermediates) => emulator.SwitchServerChainAsync(leaf, intermediates));
            HubRestServer api = await HubRestServer.StartAsync(emulator, new HubRestServerOptions
            {
                Port = options.ApiPort,
                Certificate = () => chains.CurrentContext,
                OwnerKey = pki.OwnerKey,
                Chains = chains,
            });
            return new HubServer(pki, chains, emulator, api);
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the API, then the MQTT side (whose state file already holds everything).</summary>
    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
