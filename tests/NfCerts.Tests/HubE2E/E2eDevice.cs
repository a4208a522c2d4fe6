using System;
using System.Diagnostics;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using NfCerts.Core.Certificates;
using NfCerts.Core.Hub;
using NfCerts.Core.Storage;
using NfCerts.Hal.Host.Hub;
using NfCerts.Tests.Device;
using NfCerts.Tests.HubEmulator;
using NfCerts.Tests.Wifi;

namespace NfCerts.Tests.HubE2E
{
    /// <summary>
    /// The device end to end: <see cref="HostDevice"/> (DeviceRuntime on the host HAL, provisioned with RootCA1, ClientCert1
    /// CN device-001 and Network1) with <see cref="MqttHubTransport"/> as its hub transport and hub settings pointing at the
    /// IoT Hub emulator running in-process on a free 127.0.0.1 port (<see cref="HubFixture"/>), which knows device-001 by the
    /// CA that issued ClientCert1. The device's timers run on a virtual clock while the network is real:
    /// <see cref="Until(Func{bool}, TimeSpan?)"/> drives the clock forward while it waits, with a generous real-time limit.
    /// </summary>
    public sealed class E2eDevice : IAsyncDisposable
    {
        /// <summary>The device's ID, and its certificate's CN.</summary>
        public const string DeviceId = "device-001";

        /// <summary>How long a wait may take in real time before it gives up (heavy CPU load).</summary>
        public static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

        private E2eDevice(HubFixture hub, HostDevice device)
        {
            Hub = hub;
            D = device;
        }

        /// <summary>The emulator.</summary>
        public HubFixture Hub { get; }

        /// <summary>The device.</summary>
        public HostDevice D { get; }

        /// <summary>The device's hub transport (a new one per boot, as a board's would be).</summary>
        public MqttHubTransport Transport { get; private set; } = null!;

        /// <summary>The running device's hub client.</summary>
        public HubClient Client => D.Runtime.Hub ?? throw new InvalidOperationException("the device has no hub client");

        /// <summary>Starts the emulator (with a state file when <paramref name="keepState"/>), registers device-001 by its CA,
        /// provisions the device with hub settings and the hub's root in HubTrust (<paramref name="trust"/> replaces that
        /// root when given). Does not boot it.</summary>
        public static async Task<E2eDevice> CreateAsync(bool keepState = false, Action<RecordLog>? trust = null, string? certificateCn = null)
        {
            HubFixture hub = await HubFixture.StartAsync(keepState);
            hub.Hub.RegisterCertificateAuthority(WifiDevice.ClientCa.Certificate);
            await hub.Hub.RegisterDeviceAsync(DeviceId, null);
            var device = new HostDevice();
            device.Provision();
            RecordLog log = RecordLog.Mount(device.Flash, CertStore.MaxEntrySize);
            new HubSettings { HostName = "localhost", Port = hub.Hub.Port, DeviceId = DeviceId }.Save(log);
            if (trust != null)
            {
                trust(log);
            }
            else
            {
                new HubTrust(log).AddRoot(hub.HubRoot.Der);
            }
            return new E2eDevice(hub, device);
        }

        /// <summary>Powers the device on with a fresh transport.</summary>
        public void Boot()
        {
            Transport?.Dispose();
            Transport = new MqttHubTransport();
            D.Hub = Transport;
            D.Boot();
        }

        /// <summary>Powers the device off: the runtime stops, the transport goes away (its connection closes).</summary>
        public void PowerOff()
        {
            D.Runtime.Stop();
            D.Radio.Disconnect();
            Transport.Dispose();
        }

        /// <summary>Power back on after <see cref="PowerOff"/>: uptime restarts, SNTP answers after a few seconds.</summary>
        public void PowerOn()
        {
            D.Clock.Reboot();
            Boot();
            D.Clock.Advance(TimeSpan.FromSeconds(5));
            D.Clock.Synchronize(D.Clock.TrueUtc);
        }

        /// <summary>Waits until <paramref name="condition"/> holds, moving the device's clock by <paramref name="step"/>
        /// (default 1 s) between looks; false after <see cref="Limit"/> of real time.</summary>
        public bool Until(Func<bool> condition, TimeSpan? step = null) => Until(D, condition, step);

        /// <summary><see cref="Until(Func{bool}, TimeSpan?)"/> for any <see cref="HostDevice"/> whose network is real.</summary>
        public static bool Until(HostDevice device, Func<bool> condition, TimeSpan? step = null)
        {
            var watch = Stopwatch.StartNew();
            while (!condition())
            {
                if (watch.Elapsed > Limit)
                {
                    return false;
                }
                device.Clock.Advance(step ?? TimeSpan.FromSeconds(1));
                Thread.Sleep(5);
            }
            return true;
        }

        /// <summary>Waits until <paramref name="condition"/> holds while the device's clock keeps pace with real time (so its
        /// backoff takes as long as on a board); the real time it took, or null after <see cref="Limit"/>.</summary>
        public TimeSpan? RealPaced(Func<bool> condition)
        {
            var watch = Stopwatch.StartNew();
            TimeSpan moved = TimeSpan.Zero;
            while (!condition())
            {
                if (watch.Elapsed > Limit)
                {
                    return null;
                }
                TimeSpan now = watch.Elapsed;
                D.Clock.Advance(now - moved);
                moved = now;
                Thread.Sleep(10);
            }
            return watch.Elapsed;
        }

        /// <summary>Lets <paramref name="span"/> of device time pass in 5 s steps (reports, retries and timers run).</summary>
        public void Idle(TimeSpan span)
        {
            TimeSpan until = D.Clock.Uptime + span;
            Until(() => D.Clock.Uptime >= until, TimeSpan.FromSeconds(5));
        }

        /// <summary>Boots and waits for the first connection.</summary>
        public void BootConnected()
        {
            Boot();
            if (!Until(() => D.Runtime.Hub != null && D.Runtime.Hub.Status.Connected))
            {
                throw new TimeoutException("the device did not connect: " + D.Runtime.Hub?.Status.LastError);
            }
        }

        /// <summary>The device's reported properties as the emulator stores them.</summary>
        public async Task<JsonObject> ReportedAsync()
            => (await Hub.Hub.GetTwinAsync(DeviceId))["properties"]!["reported"]!.AsObject();

        /// <summary>Waits until the emulator's copy of the reported properties satisfies <paramref name="condition"/>; the
        /// device reports after each event on its (virtual) timer.</summary>
        public JsonObject ReportedWhen(Func<JsonObject, bool> condition, string what)
        {
            JsonObject last = new JsonObject();
            if (!Until(() => condition(last = ReportedAsync().GetAwaiter().GetResult())))
            {
                throw new TimeoutException("reported properties never showed " + what + ": " + last.ToJsonString());
            }
            return last;
        }

        /// <summary>The last root CA notice the device reported, or null.</summary>
        public static JsonObject? Notice(JsonObject reported) => reported["rootCaNotice"] as JsonObject;

        /// <summary>True when the reported <c>rootCaNotice</c> has <paramref name="status"/> for <paramref name="seq"/>.</summary>
        public static bool NoticeIs(JsonObject reported, string status, long seq)
            => Notice(reported) is JsonObject n && (string?)n["status"] == status && (long?)n["seq"] == seq;

        /// <summary>True when the emulator sees the device connected.</summary>
        public bool HubSeesDevice()
            => Hub.Hub.ListDevicesAsync().GetAwaiter().GetResult().Any(d => d.DeviceId == DeviceId && d.Connected);

        /// <summary>The emulator's log lines containing <paramref name="text"/>.</summary>
        public string[] LogWith(string text) => Hub.Log.Where(l => l.Contains(text, StringComparison.Ordinal)).ToArray();

        /// <inheritdoc/>
        public async ValueTask DisposeAsync()
        {
            D.Dispose();
            Transport?.Dispose();
            await Hub.DisposeAsync();
        }
    }
}
