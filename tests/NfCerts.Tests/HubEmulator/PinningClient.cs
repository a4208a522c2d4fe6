using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using MQTTnet;
using MQTTnet.Formatter;

namespace NfCerts.Tests.HubEmulator
{
    /// <summary>A device that "pinned" an intermediate: it accepts the hub only when that certificate (by SHA-1
    /// thumbprint) is in the chain the hub sent, as code with hard-coded issuer thumbprints does (seed 002).</summary>
    internal static class PinningClient
    {
        public static async Task<IMqttClient> ConnectAsync(HubFixture hub, HubDeviceCredential device, string pinnedThumbprint)
        {
            IMqttClient client = new MqttClientFactory().CreateMqttClient();
            MqttClientOptions options = new MqttClientOptionsBuilder()
                .WithTcpServer("localhost", hub.Hub.Port)
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithClientId(device.DeviceId)
                .WithCredentials("localhost/" + device.DeviceId + "/?api-version=2021-04-12", "")
                .WithCleanSession(false)
                .WithTlsOptions(o => o
                    .UseTls()
                    .WithClientCertificates(new X509Certificate2Collection(device.Leaf.Certificate))
                    .WithCertificateValidationHandler(context =>
                        context.Chain.ChainPolicy.ExtraStore.Cast<X509Certificate2>()
                            .Concat(context.Chain.ChainElements.Select(e => e.Certificate))
                            .Any(c => c.Thumbprint == pinnedThumbprint)))
                .Build();
            try
            {
                await client.ConnectAsync(options);
            }
            catch
            {
                client.Dispose();
                throw;
            }
            return client;
        }
    }
}
