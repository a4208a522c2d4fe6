using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;

namespace NfCerts.Emulators.Hub.Rest;

/// <summary>An emulator's operator API running on Kestrel (<see cref="RestHost"/>) on 127.0.0.1, with one shared access
/// policy holding every permission.</summary>
public abstract class SasApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _policy;
    private readonly string _key;

    private protected SasApiServer(WebApplication app, int port, string policy, string key)
    {
        _app = app;
        Port = port;
        _policy = policy;
        _key = key;
    }

    /// <summary>The port the API listens on.</summary>
    public int Port { get; }

    /// <summary>The service's host name as clients address it and sign it: <c>127.0.0.1:{port}</c>.</summary>
    public string HostName => "127.0.0.1:" + Port;

    /// <summary>The service connection string for the policy (it holds the key: print it only to the operator).</summary>
    public string ConnectionString => HubConnectionString.Format(HostName, _policy, _key);

    /// <summary>Stops listening and waits for requests in flight.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
