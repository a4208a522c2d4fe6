using System;
using System.Collections.Generic;
using System.Net.Security;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using NfCerts.Emulators.Hub.Rest;

namespace NfCerts.Emulators.Dps.Rest;

/// <summary>The DPS operator API (<see cref="DpsRestApi"/>) on Kestrel over HTTPS on 127.0.0.1, with the
/// <c>provisioningserviceowner</c> policy.</summary>
public sealed class DpsRestServer : SasApiServer
{
    /// <summary>The one shared access policy the emulator knows, with every permission (DPS's default owner policy).</summary>
    public const string OwnerPolicy = "provisioningserviceowner";

    /// <summary>The largest request body accepted (an enrollment with its certificate is a few KiB).</summary>
    public const long MaxRequestBytes = 64 * 1024;

    private DpsRestServer(WebApplication app, int port, string key) : base(app, port, OwnerPolicy, key)
    {
    }

    /// <summary>Starts the API over <paramref name="dps"/> on <paramref name="port"/> (0: a free one), presenting
    /// <paramref name="certificate"/>, with <paramref name="ownerKey"/> (base64) as the owner policy's key.</summary>
    public static async Task<DpsRestServer> StartAsync(DpsEmulator dps, int port, SslStreamCertificateContext certificate, string ownerKey)
    {
        var authorizer = new SasAuthorizer(new Dictionary<string, string> { [OwnerPolicy] = ownerKey });
        (WebApplication app, int bound) = await RestHost.StartAsync(port, () => certificate, MaxRequestBytes, a => DpsRestApi.Map(a, dps, authorizer));
        return new DpsRestServer(app, bound, ownerKey);
    }
}
