using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NfCerts.Emulators.Pki;
using NfCerts.Hal;
using NfCerts.Hal.Host.Mqtt;
using NfCerts.Hal.Nano;
using NfCerts.Tests.Contracts;
using NfCerts.Tests.Tls;
using Xunit;

namespace NfCerts.Nano.Tests
{
    /// <summary>What the DPS and hub clients rely on from an <see cref="IMqttTransport"/>, against a real mosquitto broker
    /// over TLS 1.2 with client certificates: run for the board's transport (M2Mqtt in the stand-in) and the host's
    /// (MQTTnet), so both behave the same.</summary>
    public abstract class MqttTransportContract : IDisposable
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
        private readonly TlsPki _pki = new();
        private readonly DevCredential _device;
        private readonly MosquittoBroker _broker;
        private readonly IMqttTransport _mqtt;

        protected MqttTransportContract()
        {
            _device = _pki.Device();
            _broker = new MosquittoBroker(_pki.Server, _pki.DeviceRoot);
            _mqtt = Create();
        }

        protected abstract IMqttTransport Create();

        public void Dispose()
        {
            _mqtt.Disconnect();
            _broker.Dispose();
        }

        private MqttConnectOptions Options(int port, byte[]? chain = null, byte[][]? roots = null, TimeSpan? timeout = null) => new()
        {
            HostName = "localhost",
            Port = port,
            ClientId = "device-001",
            ClientCertificate = chain ?? TlsPki.Chain(_device, _pki.DeviceIntermediate),
            ClientKey = TlsPki.KeyDer(_device),
            TrustedRoots = roots ?? new[] { _pki.ServerRoot.Der },
            Timeout = timeout ?? Timeout,
            KeepAlive = TimeSpan.FromSeconds(30),
        };

        [Fact]
        public void Messages_published_at_QoS_0_and_1_come_back_on_a_subscription_with_the_chain_presented()
        {
            var received = new ConcurrentQueue<string>();
            _mqtt.MessageReceived += (_, topic, body) => received.Enqueue(topic + "=" + Encoding.UTF8.GetString(body));
            _mqtt.Connect(Options(_broker.Port));
            Assert.True(_mqtt.IsConnected);
            _mqtt.Subscribe("nf/device-001/#", 1);
            _mqtt.Publish("nf/device-001/a", Encoding.UTF8.GetBytes("one"), 1);
            _mqtt.Publish("nf/device-001/b", Encoding.UTF8.GetBytes("two"), 0);
            _mqtt.Publish("nf/device-001/c", Array.Empty<byte>(), 1);
            Assert.True(RealTime.Eventually(() => received.Count >= 3), "received: " + string.Join(", ", received) + "\n" + _broker.Log);
            Assert.Equal(new[] { "nf/device-001/a=one", "nf/device-001/b=two", "nf/device-001/c=" }, received.ToArray());
        }

        [Fact]
        public void A_leaf_without_its_intermediate_is_refused_in_the_TLS_handshake()
        {
            MqttException e = Assert.Throws<MqttException>(() => _mqtt.Connect(Options(_broker.Port, chain: _device.Der)));
            Assert.Equal(MqttFailure.Transport, e.Failure);
            Assert.False(_mqtt.IsConnected);
        }

        [Fact]
        public void A_broker_the_roots_do_not_vouch_for_is_not_trusted()
        {
            MqttException e = Assert.Throws<MqttException>(() => _mqtt.Connect(Options(_broker.Port, roots: new[] { _pki.OtherRoot.Der })));
            Assert.Equal(MqttFailure.Transport, e.Failure);
            Assert.Contains("trusted", e.Message);
        }

        [Fact]
        public void A_refused_CONNACK_is_reported_with_its_return_code()
        {
            using var strict = new MosquittoBroker(_pki.Server, _pki.DeviceRoot, identityIsUser: false);
            MqttException e = Assert.Throws<MqttException>(() => _mqtt.Connect(Options(strict.Port)));
            Assert.Equal(MqttFailure.Refused, e.Failure);
            Assert.Equal(5, e.ReturnCode);
            Assert.False(_mqtt.IsConnected);
        }

        [Fact]
        public void A_server_that_never_answers_times_out()
        {
            var silent = new TcpListener(IPAddress.Loopback, 0);
            silent.Start();
            try
            {
                int port = ((IPEndPoint)silent.LocalEndpoint).Port;
                MqttException e = Assert.Throws<MqttException>(() => _mqtt.Connect(Options(port, timeout: TimeSpan.FromSeconds(2))));
                Assert.Equal(MqttFailure.Timeout, e.Failure);
            }
            finally
            {
                silent.Stop();
            }
        }

        [Fact]
        public void Disconnect_raises_nothing_and_a_second_connect_then_works()
        {
            int drops = 0;
            _mqtt.Disconnected += (_, _) => drops++;
            _mqtt.Connect(Options(_broker.Port));
            Assert.Throws<InvalidOperationException>(() => _mqtt.Connect(Options(_broker.Port)));
            _mqtt.Disconnect();
            _mqtt.Disconnect();
            Assert.False(_mqtt.IsConnected);
            MqttException e = Assert.Throws<MqttException>(() => _mqtt.Publish("nf/x", new byte[1], 1));
            Assert.Equal(MqttFailure.NotConnected, e.Failure);
            _mqtt.Connect(Options(_broker.Port));
            _mqtt.Subscribe("nf/device-001/#", 1);
            System.Threading.Thread.Sleep(500);
            Assert.Equal(0, drops);
        }

        [Fact]
        public void A_broker_that_goes_away_raises_Disconnected_once()
        {
            int drops = 0;
            _mqtt.Disconnected += (_, _) => System.Threading.Interlocked.Increment(ref drops);
            _mqtt.Connect(Options(_broker.Port));
            _broker.Kill();
            Assert.True(RealTime.Eventually(() => System.Threading.Volatile.Read(ref drops) == 1));
            Assert.True(RealTime.Eventually(() => !_mqtt.IsConnected));
            System.Threading.Thread.Sleep(500);
            Assert.Equal(1, System.Threading.Volatile.Read(ref drops));
        }
    }

    /// <summary>The contract for nanoFramework's transport, M2Mqtt over the board's SslStream (stand-in).</summary>
    public sealed class NanoMqttTransportContractTests : MqttTransportContract
    {
        protected override IMqttTransport Create() => new NanoMqttTransport();
    }

    /// <summary>The contract for the host's transport, MQTTnet.</summary>
    public sealed class HostMqttTransportContractTests : MqttTransportContract
    {
        protected override IMqttTransport Create() => new MqttNetTransport();
    }
}
