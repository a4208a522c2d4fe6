using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Hal;
using NfCerts.Hal.Host.Hub;
using System.Threading.Tasks;
using NfCerts.Emulators.Hub;
using NfCerts.Emulators.Hub.Rest;
using NfCerts.Emulators.Pki;
using Xunit;

namespace NfCerts.Tests.HubOps
{
    /// <summary>A real <c>hub serve</c> composition (MQTT emulator + operator API over HTTPS) on free 127.0.0.1 ports, with
    /// its PKI and state in a temporary directory, and a REST client that trusts the emulator's roots.</summary>
    public sealed class HubServerFixture : IAsyncLifetime
    {
        public string Directory { get; } = Path.Combine(Path.GetTempPath(), "nfcerts-hubops-" + Guid.NewGuid().ToString("N"));

        public HubServer Server { get; private set; } = null!;

        public RestHubService Client { get; private set; } = null!;

        public string PkiDirectory => Path.Combine(Directory, "pki");

        public string StatePath => Path.Combine(Directory, "state.json");

        public async Task InitializeAsync()
        {
            Server = await HubServer.StartAsync(new HubServerOptions { PkiDirectory = PkiDirectory, StatePath = StatePath });
            Client = new RestHubService(HubConnectionString.Parse(Server.ConnectionString), Server.Pki.Roots());
        }

        /// <summary>A device certificate issued by the emulator's device CA, CN = <paramref name="deviceId"/>.</summary>
        public DevCredential DeviceCertificate(string deviceId)
            => DevPki.Client(Server.Pki.DeviceCa, "CN=" + deviceId, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        /// <summary>Registers <paramref name="deviceId"/> by CA and connects it as a device over MQTT.</summary>
        public async Task<TestDevice> ConnectDevice(string deviceId)
        {
            await Client.RegisterDeviceAsync(deviceId, null);
            return await TestDevice.ConnectAsync(Server.Emulator.Port, deviceId, DeviceCertificate(deviceId));
        }

        /// <summary>Registers <paramref name="deviceId"/> by CA and connects it through the host MQTT transport, as the
        /// device's firmware does, trusting the emulator's roots.</summary>
        public async Task<MqttHubTransport> ConnectTransport(string deviceId)
        {
            await Client.RegisterDeviceAsync(deviceId, null);
            DevCredential cert = DeviceCertificate(deviceId);
            var transport = new MqttHubTransport();
            var options = new HubConnectOptions
            {
                HostName = "localhost",
                Port = Server.Emulator.Port,
                DeviceId = deviceId,
                ClientCertificate = cert.Der,
                ClientKey = cert.Certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKey(),
                TrustedRoots = Server.Pki.Roots().Select(r => r.RawData).ToArray(),
                Timeout = TimeSpan.FromSeconds(30),
            };
            await Task.Run(() => transport.Connect(options));
            return transport;
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await Server.DisposeAsync();
            try
            {
                System.IO.Directory.Delete(Directory, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
