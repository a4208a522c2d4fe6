using System;
using System.Net;
using System.Net.Security;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace NfCerts.Emulators.Hub.Rest;

/// <summary>Kestrel as the emulators' operator APIs run it: HTTP/1.1 over TLS on 127.0.0.1 only, no server header, no
/// logging, a bounded request body, and the server certificate asked for at every handshake (so a chain switch applies at
/// once).</summary>
internal static class RestHost
{
    /// <summary>Starts an app on <paramref name="port"/> (0: a free one) with the endpoints <paramref name="map"/> adds;
    /// returns it with the port it listens on.</summary>
    public static async Task<(WebApplication App, int Port)> StartAsync(int port, Func<SslStreamCertificateContext> certificate,
        long maxRequestBytes, Action<WebApplication> map)
    {
        WebApplicationBuilder builder = EmbeddedWebHost.CreateBuilder();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = maxRequestBytes;
            k.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions { ServerCertificateContext = certificate() }),
                });
            });
        });
        WebApplication app = builder.Build();
        map(app);
        await app.StartAsync();
        int bound = port;
        foreach (string address in app.Urls)
        {
            bound = new Uri(address).Port;
        }
        return (app, bound);
    }
}
