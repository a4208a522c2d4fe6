using System;
using System.Collections;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using nanoFramework.Azure.Devices.Client;
using nanoFramework.Azure.Devices.Shared;
using nanoFramework.M2Mqtt.Messages;

namespace NfCerts.Hal.Nano
{
    /// <summary>
    /// <see cref="IHubTransport"/> on nanoFramework, over <c>nanoFramework.Azure.Devices.Client.DeviceClient</c>: the client
    /// certificate from our store as an <c>X509Certificate2</c> (certificate and key DER), and the hub's roots installed as
    /// the firmware's one CA bundle (<c>CertificateManager.AddCaCertificateBundle</c>, which replaces the stored bundle as a
    /// whole), re-installed only when the set changed. A new DeviceClient is made per connect: it has no reconnect of its
    /// own that could use a zeroed key (the hub client reconnects).
    /// </summary>
    /// <remarks>
    /// <para>What DeviceClient imposes, and this transport therefore does: it always connects on port 8883 (another port is
    /// refused here rather than silently ignored); it reports a refused CONNACK only as <c>Open() == false</c> (taken as
    /// <see cref="HubFailure.Refused"/>); it acknowledges C2D on receipt; the twin and desired patches come through
    /// nanoFramework.Json's Hashtable and are written back as JSON text; a reported patch is confirmed by its PUBACK, so the
    /// new reported version is not known (<see cref="PatchReported"/> returns 0). DeviceClient routes direct methods to
    /// callbacks by the callback method's own name and always answers 200 (504 when the callback throws), so this
    /// transport has one method per name of the device's method table (checkNow, getHealth, reportNow, reprovision), each raising
    /// <see cref="MethodCalled"/>; a handler's other status is carried in the response body as <c>{"status":N,...}</c>, and
    /// methods outside the table get no answer (the caller times out).</para>
    /// <para>The key array stays referenced by the X509Certificate2 for the TLS handshake inside Connect; the caller zeroes
    /// it afterwards, so it is not in RAM in clear while connected.</para>
    /// </remarks>
    public sealed class NanoHubTransport : IHubTransport
    {
        /// <summary>The only port DeviceClient connects to.</summary>
        public const int DeviceClientPort = 8883;

        private readonly object _sync = new object();
        private DeviceClient? _client;
        private bool _open;
        private uint _bundleHash;
        private bool _bundleInstalled;
        private TimeSpan _timeout = TimeSpan.FromSeconds(30);

        /// <inheritdoc/>
        public event HubMessageHandler? MessageReceived;
        /// <inheritdoc/>
        public event HubDesiredHandler? DesiredPropertiesChanged;
        /// <inheritdoc/>
        public event HubMethodHandler? MethodCalled;
        /// <inheritdoc/>
        public event HubDisconnectedHandler? Disconnected;

        /// <inheritdoc/>
        public bool IsConnected
        {
            get
            {
                DeviceClient? c = _client;
                return c != null && _open && c.IsConnected;
            }
        }

        /// <inheritdoc/>
        public void Connect(HubConnectOptions options)
        {
            if (options == null || options.ClientCertificate == null || options.ClientKey == null || options.TrustedRoots == null)
            {
                throw new HubException(HubFailure.Transport, 0, "the client certificate, its key and the trusted roots are required");
            }
            if (options.Port != DeviceClientPort)
            {
                throw new HubException(HubFailure.Transport, 0, "nanoFramework's DeviceClient connects on port 8883 only, not " + options.Port.ToString());
            }
            Disconnect();
            InstallBundle(options.TrustedRoots);
            _timeout = options.Timeout;
            // As a PEM bundle mbedTLS parses every certificate and presents the whole chain (DER would give the leaf alone).
            byte[] chainPem;
            try
            {
                chainPem = NanoCertificates.ChainToPem(options.ClientCertificate);
            }
            catch (ArgumentException e)
            {
                throw new HubException(HubFailure.Transport, 0, e.Message);
            }
            var certificate = new X509Certificate2(chainPem, options.ClientKey, null);
            var client = new DeviceClient(options.HostName, options.DeviceId, certificate, MqttQoSLevel.AtLeastOnce, null,
                options.ModelId.Length > 0 ? options.ModelId : null);
            client.AddMethodCallback(new MethodCallback(checkNow));
            client.AddMethodCallback(new MethodCallback(getHealth));
            client.AddMethodCallback(new MethodCallback(reportNow));
            client.AddMethodCallback(new MethodCallback(reprovision));
            client.CloudToDeviceMessage += OnMessage;
            client.TwinUpdated += OnTwinUpdated;
            client.StatusUpdated += OnStatus;
            bool opened;
            try
            {
                opened = client.Open();
            }
            catch (Exception e)
            {
                Release(client);
                throw new HubException(HubFailure.Transport, 0, "the connection to " + options.HostName + " failed: " + e.Message);
            }
            if (!opened)
            {
                Release(client);
                throw new HubException(HubFailure.Refused, 0, "the hub did not accept the connection (CONNACK refused)");
            }
            lock (_sync)
            {
                _client = client;
                _open = true;
            }
        }

        /// <inheritdoc/>
        public void Disconnect()
        {
            DeviceClient? c;
            lock (_sync)
            {
                c = _client;
                _client = null;
                _open = false;
            }
            if (c != null)
            {
                Release(c);
            }
        }

        /// <inheritdoc/>
        public string GetTwin()
        {
            DeviceClient c = Require();
            var cts = Deadline();
            Twin twin;
            try
            {
                twin = c.GetTwin(cts.Token);
            }
            finally
            {
                cts.Dispose();
            }
            if (twin == null)
            {
                throw new HubException(HubFailure.Timeout, 0, "no twin within " + ((int)_timeout.TotalSeconds).ToString() + " s");
            }
            return "{\"desired\":" + twin.Properties.Desired.ToJson() + ",\"reported\":" + twin.Properties.Reported.ToJson() + "}";
        }

        /// <inheritdoc/>
        public int PatchReported(string patchJson)
        {
            DeviceClient c = Require();
            var cts = Deadline();
            bool acknowledged;
            try
            {
                acknowledged = c.UpdateReportedProperties(new TwinCollection(patchJson), cts.Token);
            }
            finally
            {
                cts.Dispose();
            }
            if (!acknowledged)
            {
                throw new HubException(HubFailure.Timeout, 0, "the reported patch was not acknowledged in time");
            }
            return 0;
        }

        /// <inheritdoc/>
        public void SendEvent(byte[] body, string properties)
        {
            DeviceClient c = Require();
            var cts = Deadline();
            bool acknowledged;
            try
            {
                acknowledged = c.SendMessage(Encoding.UTF8.GetString(body, 0, body.Length), cts.Token, "");
            }
            finally
            {
                cts.Dispose();
            }
            if (!acknowledged)
            {
                throw new HubException(HubFailure.Timeout, 0, "the message was not acknowledged in time");
            }
        }

        // ---- internals ------------------------------------------------------------------------------

        private CancellationTokenSource Deadline()
        {
            return new CancellationTokenSource((int)(_timeout.Ticks / TimeSpan.TicksPerMillisecond));
        }

        private DeviceClient Require()
        {
            DeviceClient? c = _client;
            if (c == null || !_open)
            {
                throw new HubException(HubFailure.NotConnected, 0, "not connected to the hub");
            }
            return c;
        }

        private void Release(DeviceClient c)
        {
            c.CloudToDeviceMessage -= OnMessage;
            c.TwinUpdated -= OnTwinUpdated;
            c.StatusUpdated -= OnStatus;
            try
            {
                c.Dispose();
            }
            catch (Exception)
            {
                // A client that never connected has nothing to close.
            }
        }

        /// <summary>The firmware keeps one CA bundle, replaced as a whole: the roots go in as one PEM text (NUL-terminated,
        /// as mbedTLS parses a bundle), and only when the set differs from the one installed last.</summary>
        private void InstallBundle(byte[][] roots)
        {
            uint hash = 2166136261;
            for (int i = 0; i < roots.Length; i++)
            {
                byte[] r = roots[i];
                for (int j = 0; j < r.Length; j++)
                {
                    hash = (hash ^ r[j]) * 16777619;
                }
                hash = (hash ^ 0xFF) * 16777619;
            }
            if (_bundleInstalled && hash == _bundleHash)
            {
                return;
            }
            byte[] pem;
            try
            {
                pem = NanoCertificates.SetToPem(roots);
            }
            catch (ArgumentException e)
            {
                throw new HubException(HubFailure.Transport, 0, "the hub's trusted roots: " + e.Message);
            }
            if (!CertificateManager.AddCaCertificateBundle(pem))
            {
                throw new HubException(HubFailure.Transport, 0, "the firmware did not accept the hub's CA bundle");
            }
            _bundleHash = hash;
            _bundleInstalled = true;
        }

        private void OnMessage(object sender, CloudToDeviceMessageEventArgs e)
        {
            var h = MessageReceived;
            if (h == null)
            {
                return;
            }
            var bag = new StringBuilder();
            Hashtable props = e.Properties;
            if (props != null)
            {
                foreach (DictionaryEntry p in props)
                {
                    if (bag.Length > 0)
                    {
                        bag.Append('&');
                    }
                    bag.Append((string)p.Key);
                    if (p.Value != null)
                    {
                        bag.Append('=');
                        bag.Append((string)p.Value);
                    }
                }
            }
            string body = e.Message ?? "";
            h(this, new HubMessage(Encoding.UTF8.GetBytes(body), bag.ToString()));
        }

        private void OnTwinUpdated(object sender, TwinUpdateEventArgs e)
        {
            var h = DesiredPropertiesChanged;
            if (h != null)
            {
                h(this, e.Twin.ToJson(), (int)e.Twin.Version);
            }
        }

        private void OnStatus(object sender, StatusUpdatedEventArgs e)
        {
            if (e.IoTHubStatus.Status != Status.Disconnected)
            {
                return;
            }
            bool was;
            lock (_sync)
            {
                was = _open && _client == sender;
                _open = false;
            }
            var h = Disconnected;
            if (was && h != null)
            {
                h(this, "the MQTT connection closed");
            }
        }

        // DeviceClient matches the method name to these methods' own names (see the remarks); they must stay named as the
        // device's method table (HubHandlers) names its methods.
        private string checkNow(int rid, string payload)
        {
            return Call("checkNow", payload);
        }

        private string getHealth(int rid, string payload)
        {
            return Call("getHealth", payload);
        }

        private string reportNow(int rid, string payload)
        {
            return Call("reportNow", payload);
        }

        private string reprovision(int rid, string payload)
        {
            return Call("reprovision", payload);
        }

        private string Call(string name, string payload)
        {
            var call = new HubMethodCall(name, payload);
            HubMethodHandler? h = MethodCalled;
            if (h != null)
            {
                h(this, call);
            }
            if (call.Status == 200)
            {
                return call.ResponseJson;
            }
            return "{\"status\":" + call.Status.ToString() + ",\"response\":" + call.ResponseJson + "}";
        }
    }
}
