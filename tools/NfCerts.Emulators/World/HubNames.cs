using System;
using System.Collections.Generic;
using NfCerts.Hal;
using NfCerts.Hal.Host.Hub;

namespace NfCerts.Emulators.World;

/// <summary>
/// What DNS and port 8883 do for a real device: DPS assigns a hub by host name (<c>hub-a.localhost</c>), and the device's
/// hub transport reaches the hub emulator of that name on its free 127.0.0.1 port, over the real
/// <see cref="MqttHubTransport"/> (TLS checked against <c>localhost</c>, the emulators' certificate name). A name the
/// network does not know fails as a real lookup would.
/// </summary>
public sealed class HubNames : IHubTransport, IDisposable
{
    private readonly MqttHubTransport _inner;
    private readonly IReadOnlyDictionary<string, int> _ports;

    /// <summary>A transport that reaches each hub name's emulator on its port.</summary>
    /// <param name="ports">Host name → the emulator's 127.0.0.1 port.</param>
    /// <param name="clock">The device's clock, which the hub's certificates are judged at (null: the system clock).</param>
    public HubNames(IReadOnlyDictionary<string, int> ports, IClock? clock = null)
    {
        _ports = ports;
        _inner = new MqttHubTransport(clock);
    }

    /// <summary>The host names the device connected to, in order.</summary>
    public List<string> Connects { get; } = new();

    public event HubMessageHandler MessageReceived { add => _inner.MessageReceived += value; remove => _inner.MessageReceived -= value; }
    public event HubDesiredHandler DesiredPropertiesChanged { add => _inner.DesiredPropertiesChanged += value; remove => _inner.DesiredPropertiesChanged -= value; }
    public event HubMethodHandler MethodCalled { add => _inner.MethodCalled += value; remove => _inner.MethodCalled -= value; }
    public event HubDisconnectedHandler Disconnected { add => _inner.Disconnected += value; remove => _inner.Disconnected -= value; }

    public bool IsConnected => _inner.IsConnected;

    public void Connect(HubConnectOptions options)
    {
        lock (Connects)
        {
            Connects.Add(options.HostName);
        }
        if (!_ports.TryGetValue(options.HostName, out int port))
        {
            throw new HubException(HubFailure.Transport, 0, "cannot resolve " + options.HostName);
        }
        string host = options.HostName;
        int was = options.Port;
        options.HostName = "localhost";
        options.Port = port;
        try
        {
            _inner.Connect(options);
        }
        finally
        {
            options.HostName = host;
            options.Port = was;
        }
    }

    public void Disconnect() => _inner.Disconnect();
    public string GetTwin() => _inner.GetTwin();
    public int PatchReported(string patchJson) => _inner.PatchReported(patchJson);
    public void SendEvent(byte[] body, string properties) => _inner.SendEvent(body, properties);
    public void Dispose() => _inner.Dispose();
}
