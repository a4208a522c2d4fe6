using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using MQTTnet;
using MQTTnet.Formatter;
using NfCerts.Emulators.Pki;
using NfCerts.Hal.Host.Hub;

namespace NfCerts.Tests.HubOps
{
    /// <summary>
    /// A device on the IoT Hub MQTT protocol, written straight on an MQTTnet client (MQTT 3.1.1, X.509, the <c>$iothub</c>
    /// topics): it answers direct methods through <see cref="OnMethod"/> (null: no answer), keeps the C2D messages it gets,
    /// and writes reported properties as a device does.
    /// </summary>
    public sealed class TestDevice : IAsyncDisposable
    {
        private readonly IMqttClient _client;
        private readonly ConcurrentDictionary<string, TaskCompletionSource<int>> _twin = new();
        private int _rid;

        private TestDevice(IMqttClient client) => _client = client;

        /// <summary>Answers a method (name, payload JSON) with a status and a payload JSON, or null to stay silent.</summary>
        public Func<string, string, (int Status, string Payload)?> OnMethod { get; set; } = (_, payload) => (200, payload);

        /// <summary>C2D messages received: topic and body.</summary>
        public ConcurrentQueue<(string Topic, string Body)> C2d { get; } = new();

        public static async Task<TestDevice> ConnectAsync(int port, string deviceId, DevCredential certificate)
        {
            IMqttClient client = new MqttClientFactory().CreateMqttClient();
            var device = new TestDevice(client);
            client.ApplicationMessageReceivedAsync += e => device.OnMessage(e.ApplicationMessage.Topic, e.ApplicationMessage.ConvertPayloadToString() ?? "");
            MqttClientOptions options = new MqttClientOptionsBuilder()
                .WithTcpServer("127.0.0.1", port)
                .WithClientId(deviceId)
                .WithCredentials("127.0.0.1/" + deviceId + "/?api-version=2021-04-12", "")
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithCleanSession(false)
                .WithTimeout(TimeSpan.FromSeconds(60))
                .WithTlsOptions(o => o
                    .UseTls()
                    .WithTargetHost("localhost")
                    .WithClientCertificates(new List<X509Certificate2> { certificate.Certificate })
                    .WithCertificateValidationHandler(_ => true))
                .Build();
            await client.ConnectAsync(options);
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic(HubTopics.MethodFilter).WithAtLeastOnceQoS())
                .WithTopicFilter(f => f.WithTopic(HubTopics.TwinResponseFilter).WithAtLeastOnceQoS())
                .WithTopicFilter(f => f.WithTopic(HubTopics.C2dFilter(deviceId)).WithAtLeastOnceQoS())
                .Build());
            return device;
        }

        /// <summary>Patches reported properties and waits for the hub's 204.</summary>
        public async Task ReportAsync(JsonObject patch)
        {
            string rid = Interlocked.Increment(ref _rid).ToString();
            var answered = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            _twin[rid] = answered;
            await _client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(HubTopics.PatchReported(rid))
                .WithPayload(Encoding.UTF8.GetBytes(patch.ToJsonString()))
                .Build());
            int status = await answered.Task.WaitAsync(TimeSpan.FromSeconds(60));
            if (status != 204)
            {
                throw new InvalidOperationException("the hub answered the reported patch with " + status);
            }
        }

        private async Task OnMessage(string topic, string body)
        {
            HubTopic t = HubTopics.Parse(topic);
            switch (t.Kind)
            {
                case HubTopicKind.TwinResponse:
                    if (t.Get("$rid") is string rid && _twin.TryRemove(rid, out var waiting))
                    {
                        waiting.TrySetResult(t.Status);
                    }
                    break;
                case HubTopicKind.MethodRequest:
                    var answer = OnMethod(t.Name, body);
                    if (answer is { } a)
                    {
                        await _client.PublishAsync(new MqttApplicationMessageBuilder()
                            .WithTopic(HubTopics.MethodResponse(a.Status, t.Get("$rid") ?? ""))
                            .WithPayload(Encoding.UTF8.GetBytes(a.Payload))
                            .Build());
                    }
                    break;
                case HubTopicKind.CloudToDevice:
                    C2d.Enqueue((topic, body));
                    break;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync();
            }
            _client.Dispose();
        }
    }
}
