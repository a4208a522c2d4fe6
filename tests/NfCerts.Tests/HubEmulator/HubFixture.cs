using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using NfCerts.Emulators.Hub;
using NfCerts.Emulators.Pki;
using NfCerts.Hal;

namespace NfCerts.Tests.HubEmulator
{
    /// <summary>A device's credential as the device keeps it: its chain (leaf DER, then intermediates' DER, back to back)
    /// and its private key (PKCS#8 DER), plus the PEM files mosquitto's clients read.</summary>
    public sealed class HubDeviceCredential
    {
        internal HubDeviceCredential(string deviceId, DevCredential leaf, IReadOnlyList<DevCredential> intermediates)
        {
            DeviceId = deviceId;
            Leaf = leaf;
            Intermediates = intermediates;
        }

        /// <summary>The device ID (also the certificate's CN unless a test says otherwise).</summary>
        public string DeviceId { get; }

        /// <summary>The device certificate with its key.</summary>
        public DevCredential Leaf { get; }

        /// <summary>The intermediates the device presents after its leaf.</summary>
        public IReadOnlyList<DevCredential> Intermediates { get; }

        /// <summary>Leaf DER followed by the intermediates' DER (HubConnectOptions.ClientCertificate).</summary>
        public byte[] ChainDer => Leaf.Der.Concat(Intermediates.SelectMany(i => i.Der)).ToArray();

        /// <summary>PKCS#8 DER of the private key (HubConnectOptions.ClientKey).</summary>
        public byte[] KeyDer => Leaf.Certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKey();

        /// <summary>SHA-1 thumbprint of the leaf.</summary>
        public string Thumbprint => Leaf.Certificate.Thumbprint;
    }

    /// <summary>
    /// Starts the IoT Hub emulator in-process on a free 127.0.0.1 port under a PKI of its own (hub root, hub intermediate,
    /// server certificate for localhost/127.0.0.1; a device CA with an intermediate), registers devices, hands out their
    /// credentials and the options a device connects with, restarts the emulator on the same port and state file, and
    /// stops it. For the hub tests of every engineer.
    /// </summary>
    public sealed class HubFixture : IAsyncDisposable
    {
        private static readonly DateTimeOffset NotBefore = DateTimeOffset.UtcNow.AddDays(-1);
        private static readonly DateTimeOffset NotAfter = DateTimeOffset.UtcNow.AddYears(2);

        private readonly List<string> _log = new();
        private readonly bool _keepState;

        private HubFixture(bool keepState)
        {
            _keepState = keepState;
            Directory = System.IO.Directory.CreateTempSubdirectory("nfcerts-hub-").FullName;
            HubRoot = DevPki.Root("CN=nf.Certs Test Hub Root,O=nf.Certs", NotBefore, NotAfter);
            HubIntermediate = DevPki.Intermediate(HubRoot, "CN=nf.Certs Test Hub CA 01,O=nf.Certs", NotBefore, NotAfter);
            Server = DevPki.Server(HubIntermediate, new[] { "localhost" }, NotBefore, NotAfter);
            DeviceRoot = DevPki.Root("CN=nf.Certs Test Device Root,O=nf.Certs", NotBefore, NotAfter);
            DeviceIntermediate = DevPki.Intermediate(DeviceRoot, "CN=nf.Certs Test Device CA,O=nf.Certs", NotBefore, NotAfter);
        }

        /// <summary>The running emulator (a new one after <see cref="RestartAsync"/>).</summary>
        public NfCerts.Emulators.Hub.HubEmulator Hub { get; private set; } = null!;

        /// <summary>A private temporary directory, deleted on dispose.</summary>
        public string Directory { get; }

        /// <summary>The state file, when the fixture keeps state.</summary>
        public string? StatePath => _keepState ? Path.Combine(Directory, "hub-state.json") : null;

        /// <summary>The root devices trust for the hub.</summary>
        public DevCredential HubRoot { get; }

        /// <summary>The intermediate that issued the server certificate.</summary>
        public DevCredential HubIntermediate { get; }

        /// <summary>The hub's server certificate.</summary>
        public DevCredential Server { get; }

        /// <summary>The CA registered for CA-authenticated devices.</summary>
        public DevCredential DeviceRoot { get; }

        /// <summary>The intermediate that issues device certificates (presented by devices after their leaf).</summary>
        public DevCredential DeviceIntermediate { get; }

        /// <summary>The emulator's log lines so far, across restarts.</summary>
        public IReadOnlyList<string> Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToArray();
                }
            }
        }

        /// <summary>Starts an emulator; with <paramref name="keepState"/> it keeps its state in a file in <see cref="Directory"/>.</summary>
        public static async Task<HubFixture> StartAsync(bool keepState = false)
        {
            var fixture = new HubFixture(keepState);
            await fixture.StartHubAsync(0).ConfigureAwait(false);
            fixture.Hub.RegisterCertificateAuthority(fixture.DeviceRoot.Certificate);
            return fixture;
        }

        private async Task StartHubAsync(int port)
        {
            Hub = await NfCerts.Emulators.Hub.HubEmulator.StartAsync(new HubEmulatorOptions
            {
                ServerCertificate = Server.Certificate,
                ServerIntermediates = new X509Certificate2Collection(HubIntermediate.Certificate),
                Port = port,
                StatePath = StatePath,
                Log = line =>
                {
                    lock (_log)
                    {
                        _log.Add(line);
                    }
                },
            }).ConfigureAwait(false);
        }

        /// <summary>Stops the emulator and starts a new one on the same port (and the same state file, if kept).</summary>
        public async Task RestartAsync()
        {
            int port = Hub.Port;
            await Hub.StopAsync().ConfigureAwait(false);
            await StartHubAsync(port).ConfigureAwait(false);
        }

        /// <summary>Registers <paramref name="deviceId"/> by CA (or by thumbprint) and returns its credential: a certificate
        /// with CN <paramref name="cn"/> (the device ID unless given) issued by the device intermediate (self-signed when
        /// registered by thumbprint).</summary>
        public async Task<HubDeviceCredential> AddDeviceAsync(string deviceId, bool byThumbprint = false, string? cn = null, bool register = true)
        {
            HubDeviceCredential credential = byThumbprint
                ? new HubDeviceCredential(deviceId, SelfSigned("CN=" + (cn ?? deviceId)), Array.Empty<DevCredential>())
                : new HubDeviceCredential(deviceId, DevPki.Client(DeviceIntermediate, "CN=" + (cn ?? deviceId), NotBefore, NotAfter), new[] { DeviceIntermediate });
            if (register)
            {
                await Hub.RegisterDeviceAsync(deviceId, byThumbprint ? credential.Thumbprint : null).ConfigureAwait(false);
            }
            return credential;
        }

        /// <summary>What a device connects with: host localhost, the emulator's port, the hub root as the only trusted root.</summary>
        public HubConnectOptions Options(HubDeviceCredential device, params DevCredential[] trustedRoots)
        {
            return new HubConnectOptions
            {
                HostName = "localhost",
                Port = Hub.Port,
                DeviceId = device.DeviceId,
                ClientCertificate = device.ChainDer,
                ClientKey = device.KeyDer,
                TrustedRoots = (trustedRoots.Length == 0 ? new[] { HubRoot } : trustedRoots).Select(r => r.Der).ToArray(),
                Timeout = TimeSpan.FromSeconds(20),
            };
        }

        private static DevCredential SelfSigned(string subject)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") }, false));
            using X509Certificate2 certificate = request.CreateSelfSigned(NotBefore, NotAfter);
            return new DevCredential(X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable));
        }

        /// <inheritdoc/>
        public async ValueTask DisposeAsync()
        {
            await Hub.StopAsync().ConfigureAwait(false);
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
