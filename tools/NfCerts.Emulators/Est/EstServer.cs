using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NfCerts.Hal.Host;

namespace NfCerts.Emulators.Est;

/// <summary>
/// An EST server (RFC 7030 as updated by RFC 8951) on Kestrel over HTTPS on 127.0.0.1, backed by its own CA: GET
/// <c>/cacerts</c> and <c>/csrattrs</c>, POST <c>/simpleenroll</c>, <c>/simplereenroll</c> and <c>/serverkeygen</c>, under
/// <c>/.well-known/est</c> and <c>/.well-known/est/LABEL</c>. HTTP Basic and TLS client certificate authentication; every
/// answer has a Content-Length. Its CA, TLS credential, configuration and issued-certificate log live in
/// <see cref="EstServerOptions.Directory"/>, so a restart keeps them.
/// </summary>
/// <example><code>
/// await using var est = new EstServer(new EstServerOptions { Directory = dir, User = "estuser", Password = "estpwd" });
/// int port = await est.StartAsync();   // https://127.0.0.1:port/.well-known/est, trust est.CaFile
/// </code></example>
public sealed class EstServer : IAsyncDisposable
{
    private readonly EstServerOptions _options;
    private readonly EstEndpoints _endpoints;
    private WebApplication? _app;
    private int _connections;

    /// <summary>Loads or makes the CA in <see cref="EstServerOptions.Directory"/> and writes <c>config.json</c>; listens
    /// only after <see cref="StartAsync"/>.</summary>
    public EstServer(EstServerOptions options)
    {
        _options = options;
        if (options.Lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "the certificate lifetime must be positive");
        }
        if (options.User != null && options.User.Contains(':'))
        {
            throw new ArgumentException("an HTTP Basic user name cannot contain ':'", nameof(options));
        }
        Ca = EstCa.LoadOrCreate(options.Directory, options.Rsa, options.Intermediate, options.Clock.GetUtcNow());
        Log = new EstIssuedLog(options.Directory);
        Controls = new EstServerControls(options.Lifetime, options.Clock) { Backdate = options.Backdate };
        _endpoints = new EstEndpoints(options, Ca, Log, Controls);
        WriteConfig();
    }

    /// <summary>The CA (root, issuing certificate, TLS server certificate, <c>cacerts.pem</c>).</summary>
    public EstCa Ca { get; }

    /// <summary>The issued-certificate log.</summary>
    public EstIssuedLog Log { get; }

    /// <summary>Lifetime, backdating, deferral, rate limit and faults, switchable while the server runs.</summary>
    public EstServerControls Controls { get; }

    /// <summary>Path of <c>cacerts.pem</c>, the CA certificates clients trust (the TLS server certificate chains to the root).</summary>
    public string CaFile => Ca.CaFile;

    /// <summary>Largest request body Kestrel reads at all; bodies over <see cref="EstServerOptions.MaxRequestBytes"/> and
    /// up to this are read, dropped and answered 413; larger ones cut the connection.</summary>
    public const int DrainLimit = 1024 * 1024;

    /// <summary>The bound port (after <see cref="StartAsync"/>).</summary>
    public int Port { get; private set; }

    /// <summary><c>https://127.0.0.1:PORT/.well-known/est</c>, or with <c>/LABEL</c>.</summary>
    public Uri BaseUri(string? label = null) =>
        new("https://127.0.0.1:" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/.well-known/est" + (label == null ? "" : "/" + label));

    /// <summary>The DER of the last CSRs received (up to 32, newest last), for checks such as <c>openssl req -verify</c>.</summary>
    public IReadOnlyList<byte[]> ReceivedRequests => _endpoints.ReceivedRequests();

    /// <summary>How many requests each operation received (<c>cacerts</c>, <c>simpleenroll</c>, ...), whatever the answer.</summary>
    public int RequestCount(string operation) => _endpoints.RequestCount(operation);

    /// <summary>How many TCP connections the server has accepted: each one a TLS handshake, since it speaks only HTTPS.</summary>
    public int ConnectionCount => Volatile.Read(ref _connections);

    /// <summary>Starts listening on 127.0.0.1 (TLS 1.2 and 1.3, HTTP/1.1) and returns the bound port.</summary>
    public async Task<int> StartAsync(CancellationToken cancellationToken = default)
    {
        if (_app != null)
        {
            throw new InvalidOperationException("the EST server is already started");
        }
        WebApplicationBuilder builder = EmbeddedWebHost.CreateBuilder();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = DrainLimit;
            k.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            k.Listen(IPAddress.Loopback, _options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                // Ahead of TLS: every accepted connection counts, handshake completed or not.
                listen.Use(next => connection =>
                {
                    Interlocked.Increment(ref _connections);
                    return next(connection);
                });
                SslStreamCertificateContext server = SslStreamCertificateContext.Create(Ca.Server, null, offline: true);
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = server,
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        // Asked for, not required: verified per request against the EST and bootstrap CAs
                        // (EstAuthentication), so that a refused certificate gets an HTTP answer rather than a failed
                        // handshake. Trusting nothing at the handshake also keeps .NET from building the client's chain
                        // against the machine's whole trust store first.
                        ClientCertificateRequired = true,
                        RemoteCertificateValidationCallback = (_, _, _, _) => true,
                        CertificateChainPolicy = ChainJudge.Policy(null, DateTime.UtcNow, null),
                        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    }),
                });
            });
        });
        WebApplication app = builder.Build();
        app.Run(_endpoints.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
        return Port;
    }

    /// <summary>Stops listening; open connections are closed.</summary>
    public async Task StopAsync()
    {
        WebApplication? app = _app;
        _app = null;
        if (app != null)
        {
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            {
                await app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>Writes what this run was started with to <c>config.json</c> (no secrets: the password is not kept).</summary>
    private void WriteConfig()
    {
        var config = new
        {
            lifetimeSeconds = (long)_options.Lifetime.TotalSeconds,
            backdateSeconds = (long)_options.Backdate.TotalSeconds,
            labels = _options.Labels,
            user = _options.User,
            caKey = Ca.Issuing.GetECDsaPublicKey() != null ? "ECDSA P-256" : "RSA 2048",
            intermediate = Ca.HasIntermediate,
            caFile = Ca.CaFile,
            bootstrapCas = _options.BootstrapCas.Select(c => c.Subject).ToArray(),
        };
        File.WriteAllText(Path.Combine(_options.Directory, "config.json"),
            JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
