using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using NfCerts.Core.Hub;
using NfCerts.Hal;
using NfCerts.Hal.Host;

namespace NfCerts.Tests.Hub
{
    /// <summary>
    /// An IoT hub in memory, behind <see cref="IHubTransport"/>, for the hub client's lifecycle on the virtual clock. It does
    /// what a hub does, not what a test expects: it authenticates the device's certificate against its registration (refuses
    /// anything else), presents a server chain under <see cref="ServerRoot"/> that the device must trust, keeps a twin with
    /// versions and pushes desired patches only to a connected device (no replay), queues C2D for delivery on connect,
    /// answers reported patches with the new version, and drops connections. A real TLS stack parses the key at connect:
    /// so does this hub, and it never keeps the caller's array.
    /// </summary>
    public sealed class TestHub : IHubTransport
    {
        private readonly IClock _clock;
        private readonly Dictionary<string, string> _desired = new();
        private readonly Dictionary<string, string> _reported = new();
        private readonly Queue<HubMessage> _c2d = new();
        private bool _connected;

        public TestHub(IClock clock, byte[] registeredCertificate, byte[] serverRoot)
        {
            _clock = clock;
            Registered.Add(Convert.ToHexString(SHA256.HashData(registeredCertificate)));
            ServerRoot = serverRoot;
        }

        /// <summary>Thumbprints (SHA-256 hex) of the client certificates the hub accepts (registration by thumbprint).</summary>
        public readonly HashSet<string> Registered = new();
        /// <summary>The root the hub's server chain leads to (DER): a device that does not trust it fails the handshake.</summary>
        public byte[] ServerRoot;
        /// <summary>False: the hub does not answer (TCP refused).</summary>
        public bool Online = true;
        /// <summary>Reported patches to answer with 500 before accepting again.</summary>
        public int FailPatches;
        /// <summary>Twin GETs to answer with 429 before answering again.</summary>
        public int FailTwinGets;

        public readonly List<TimeSpan> ConnectAttempts = new();
        public readonly List<byte[]> ConnectedWith = new();
        public int TwinGets;
        public int DesiredVersion = 1;
        public int ReportedVersion = 1;
        public readonly List<string> AcceptedPatches = new();
        /// <summary>The options of the last connect, as the caller left them (to see what the caller did with its key).</summary>
        public HubConnectOptions? LastOptions;
        /// <summary>The key the hub's TLS stack parsed at the last connect (its own copy).</summary>
        public byte[]? ParsedKey;

        public bool IsConnected => _connected;
        public event HubMessageHandler? MessageReceived;
        public event HubDesiredHandler? DesiredPropertiesChanged;
        public event HubMethodHandler? MethodCalled;
        public event HubDisconnectedHandler? Disconnected;

        public void Connect(HubConnectOptions options)
        {
            ConnectAttempts.Add(_clock.Uptime);
            LastOptions = options;
            if (_connected)
            {
                throw new InvalidOperationException("connect while connected: the hub client must disconnect first");
            }
            if (!Online)
            {
                throw new HubException(HubFailure.Transport, 0, "connection refused (127.0.0.1:8883)");
            }
            if (options.TrustedRoots == null || !options.TrustedRoots.Any(r => r.AsSpan().SequenceEqual(ServerRoot)))
            {
                throw new HubException(HubFailure.Transport, 0, "the server certificate does not chain to a trusted root");
            }
            var leaf = X509CertificateLoader.LoadCertificate(options.ClientCertificate!);
            ParsedKey = (byte[])options.ClientKey!.Clone();
            using (var key = ECDsa.Create())
            {
                key.ImportPkcs8PrivateKey(ParsedKey, out _);
                if (!leaf.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
                {
                    throw new HubException(HubFailure.Transport, 0, "the TLS handshake failed: the key does not match the certificate");
                }
            }
            if (!Registered.Contains(Convert.ToHexString(SHA256.HashData(options.ClientCertificate!))))
            {
                throw new HubException(HubFailure.Refused, 5, "CONNACK: not authorized");
            }
            _connected = true;
            ConnectedWith.Add(options.ClientCertificate!);
            while (TryDequeueC2d(out HubMessage? queued))
            {
                MessageReceived?.Invoke(this, queued!);
            }
        }

        /// <summary>When set, a disconnect hangs until it is set (a close the server never answers, until the transport's
        /// timeout); <see cref="DisconnectHanging"/> is set once a caller waits in it.</summary>
        public ManualResetEventSlim? HangDisconnect;
        public readonly ManualResetEventSlim DisconnectHanging = new(false);

        public void Disconnect()
        {
            if (HangDisconnect != null && _connected)
            {
                DisconnectHanging.Set();
                HangDisconnect.Wait();
            }
            _connected = false;
        }

        public string GetTwin()
        {
            RequireConnected();
            TwinGets++;
            if (FailTwinGets > 0)
            {
                FailTwinGets--;
                throw new HubException(HubFailure.Status, 429, "twin GET answered 429");
            }
            return "{\"desired\":{" + Members(_desired) + (_desired.Count > 0 ? "," : "") + "\"$version\":" + DesiredVersion
                + "},\"reported\":{" + Members(_reported) + (_reported.Count > 0 ? "," : "") + "\"$version\":" + ReportedVersion + "}}";
        }

        public int PatchReported(string patchJson)
        {
            RequireConnected();
            if (FailPatches > 0)
            {
                FailPatches--;
                throw new HubException(HubFailure.Status, 500, "reported patch answered 500");
            }
            AcceptedPatches.Add(patchJson);
            return ++ReportedVersion;
        }

        public void SendEvent(byte[] body, string properties) => RequireConnected();

        // ---- the operator's side ----------------------------------------------------------------------

        /// <summary>Sets a desired property; only a connected device hears of it.</summary>
        public void SetDesired(string name, string jsonValue)
        {
            _desired[name] = jsonValue;
            DesiredVersion++;
            if (_connected)
            {
                DesiredPropertiesChanged?.Invoke(this, "{\"" + name + "\":" + jsonValue + ",\"$version\":" + DesiredVersion + "}", DesiredVersion);
            }
        }

        public void SendC2D(string body)
        {
            var m = new HubMessage(System.Text.Encoding.UTF8.GetBytes(body), "");
            if (_connected)
            {
                MessageReceived?.Invoke(this, m);
            }
            else
            {
                lock (_c2d)
                {
                    _c2d.Enqueue(m);
                }
            }
        }

        private bool TryDequeueC2d(out HubMessage? m)
        {
            lock (_c2d)
            {
                return _c2d.TryDequeue(out m);
            }
        }

        public HubMethodCall CallMethod(string name)
        {
            RequireConnected();
            var call = new HubMethodCall(name, "{}");
            MethodCalled?.Invoke(this, call);
            return call;
        }

        /// <summary>The hub drops the connection (restart, idle timeout, another connection with the same ID).</summary>
        public void Drop(string reason = "the server closed the connection")
        {
            if (_connected)
            {
                _connected = false;
                Disconnected?.Invoke(this, reason);
            }
        }

        private void RequireConnected()
        {
            if (!_connected)
            {
                throw new HubException(HubFailure.NotConnected, 0, "not connected");
            }
        }

        private static string Members(Dictionary<string, string> d) => string.Join(",", d.Select(p => "\"" + p.Key + "\":" + p.Value));
    }

    /// <summary>Handlers as the device's are in their bookkeeping: they keep what they were told, and owe the hub one reported
    /// value ("uptime count" of events seen) until a patch carrying it was accepted.</summary>
    public sealed class CountingHandlers : IHubHandlers
    {
        public readonly List<string> Twins = new();
        public readonly List<string> Messages = new();
        public readonly List<(string Patch, int Version)> Desired = new();
        public int Events;
        private int _acknowledged = -1;
        private int _offered = -1;

        public void OnMessage(HubMessage message)
        {
            Messages.Add(System.Text.Encoding.UTF8.GetString(message.Body));
            Events++;
        }

        public void OnTwin(string twinJson)
        {
            Twins.Add(twinJson);
            Events++;
        }

        public void OnDesiredPatch(string patchJson, int version)
        {
            Desired.Add((patchJson, version));
            Events++;
        }

        public void OnMethod(HubMethodCall call)
        {
            Events++;
            call.Status = call.Name == "ping" ? 200 : 501;
            call.ResponseJson = "{\"events\":" + Events + "}";
        }

        public string? TakeReportedPatch()
        {
            if (Events == _acknowledged)
            {
                return null;
            }
            _offered = Events;
            return "{\"events\":" + Events + "}";
        }

        public void ReportedPatchSent(bool accepted)
        {
            if (accepted)
            {
                _acknowledged = _offered;
            }
        }
    }

    /// <summary>Wi-Fi as the hub client sees it: up or down, and a link-lost notice.</summary>
    public sealed class TestLink : IWifiRadio
    {
        public bool Up = true;
        public event WifiLinkLostHandler? LinkLost;
        public bool IsConnected => Up;
        public WifiConnectResult Connect(WifiConnectRequest request) => throw new NotSupportedException();
        public void Disconnect() => Up = false;

        public void Lose()
        {
            Up = false;
            LinkLost?.Invoke(this, WifiFailureReason.LinkLost);
        }
    }
}
