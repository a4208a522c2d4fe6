using System;
using System.Collections.Generic;
using System.Net.Security;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;

namespace NfCerts.Emulators.Hub.Rest;

/// <summary>How to start a <see cref="HubRestServer"/>.</summary>
public sealed class HubRestServerOptions
{
    /// <summary>The TCP port on 127.0.0.1; 0 takes a free one.</summary>
    public int Port { get; init; }

    /// <summary>The server certificate and its chain, asked for at every TLS handshake (so a chain switch applies at once).</summary>
    public required Func<SslStreamCertificateContext> Certificate { get; init; }

    /// <summary>The <c>iothubowner</c> policy's key, base64; <see cref="HubRestServer.NewKey"/> makes one.</summary>
    public required string OwnerKey { get; init; }

    /// <summary>The switchable server chains behind <c>/emulator/server-chain</c>, if any.</summary>
    public IServerChains? Chains { get; init; }

    /// <summary>The largest request body accepted (the real service takes method payloads up to 128 KiB).</summary>
    public long MaxRequestBytes { get; init; } = 256 * 1024;
}

/// <summary>The operator API (<see cref="HubRestApi"/>) on Kestrel over HTTPS on 127.0.0.1, with the <c>iothubowner</c> policy.</summary>
public sealed class HubRestServer : SasApiServer
{
    /// <summary>The one shared access policy the emulator knows, with every permission.</summary>
    public const string OwnerPolicy = "iothubowner";

    private HubRestServer(WebApplication app, int port, string key) : base(app, port, OwnerPolicy, key)
    {
    }

    /// <summary>A new random policy key: 32 bytes, base64, as IoT Hub's are.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Starts the API over <paramref name="hub"/>.</summary>
    public static async Task<HubRestServer> StartAsync(IHubService hub, HubRestServerOptions options)
    {
        var authorizer = new SasAuthorizer(new Dictionary<string, string> { [OwnerPolicy] = options.OwnerKey });
        (WebApplication app, int port) = await RestHost.StartAsync(options.Port, options.Certificate, options.MaxRequestBytes,
            a => HubRestApi.Map(a, hub, authorizer, options.Chains));
        return new HubRestServer(app, port, options.OwnerKey);
    }
}
