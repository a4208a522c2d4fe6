using System;
using System.Collections.Concurrent;
using System.Text;
using NfCerts.Hal;
using NfCerts.Hal.Host.Hub;
using NfCerts.Tests.Contracts;

namespace NfCerts.Tests.HubEmulator
{
    /// <summary>A host transport with its events collected, as a device's handlers would see them.</summary>
    public sealed class TransportProbe : IDisposable
    {
        public TransportProbe()
        {
            Transport.MessageReceived += (_, m) => Messages.Enqueue(m);
            Transport.DesiredPropertiesChanged += (_, json, version) => Desired.Enqueue((json, version));
            Transport.Disconnected += (_, reason) => Disconnects.Enqueue(reason);
            Transport.MethodCalled += (_, call) =>
            {
                Methods.Enqueue(call.Name + " " + call.PayloadJson);
                call.Status = 200;
                call.ResponseJson = "{\"echo\":" + call.PayloadJson + "}";
            };
        }

        public MqttHubTransport Transport { get; } = new MqttHubTransport();
        public ConcurrentQueue<HubMessage> Messages { get; } = new();
        public ConcurrentQueue<(string Json, int Version)> Desired { get; } = new();
        public ConcurrentQueue<string> Disconnects { get; } = new();
        public ConcurrentQueue<string> Methods { get; } = new();

        /// <summary>The next C2D message, waiting for it.</summary>
        public HubMessage NextMessage()
        {
            HubMessage? message = null;
            if (!RealTime.Eventually(() => Messages.TryDequeue(out message)))
            {
                throw new TimeoutException("no C2D message arrived");
            }
            return message!;
        }

        public static string Text(HubMessage message) => Encoding.UTF8.GetString(message.Body);

        public void Dispose() => Transport.Dispose();
    }
}
