using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using NfCerts.Core.Certificates;
using NfCerts.Core.Device;
using NfCerts.Core.Hub;
using NfCerts.Core.Provisioning;
using NfCerts.Core.Storage;
using NfCerts.Tests.Dps;
using NfCerts.Tests.Hub;
using NfCerts.Tests.Support;
using NfCerts.Hal;

namespace NfCerts.Tests.Device
{
    /// <summary>
    /// A provisioned device (<see cref="HostDevice"/>: ClientCert1, Network1) that finds its hub through DPS, all on the
    /// virtual clock: DPS settings in the store, a <see cref="ScriptedDps"/> that answers inline (on the device's timer, as
    /// the fleet emulator's callbacks run), and one <see cref="TestHub"/> behind every host name, as one transport serves
    /// every hub on the board. The device boots on <see cref="HubA"/>'s settings (kept from an earlier registration).
    /// </summary>
    internal sealed class HubSwapDevice : IDisposable
    {
        public const string HubA = "hub-a.example.net";
        public const string HubB = "hub-b.example.net";
        private static readonly Issued ServerRoot = TestPki.Root("Hub Swap Server Root");

        /// <summary>The device; ClientCert1 lives <paramref name="clientLifetime"/> from now (default 60 days).</summary>
        public HubSwapDevice(TimeSpan? clientLifetime = null)
        {
            D = new HostDevice();
            Issued client = D.Provision(clientLifetime);
            var log = RecordLog.Mount(D.Flash, CertStore.MaxEntrySize);
            new HubSettings { HostName = HubA, DeviceId = "device-001" }.Save(log);
            new HubTrust(log).AddRoot(ServerRoot.Der);
            new DpsSettings
            {
                GlobalEndpoint = "dps.example.net",
                IdScope = "0ne00000001",
                IdentityCertificateId = "ClientCert1",
                TrustedRootIds = new[] { "RootCA1" },
            }.Save(log);
            new DpsState { RegistrationId = "device-001", AssignedHub = HubA, DeviceId = "device-001" }.Save(log);
            Hub = new TestHub(D.Clock, client.Der, ServerRoot.Der);
            Dps = new ScriptedDps { Inline = true };
            D.Hub = Hub;
            D.Mqtt = Dps;
            D.Options.DpsPause = _ => { };
        }

        public HostDevice D { get; }
        public TestHub Hub { get; }
        public ScriptedDps Dps { get; }
        public DeviceRuntime Runtime => D.Runtime;

        /// <summary>Boots and waits (virtual time) until the client for <see cref="HubA"/> is connected.</summary>
        public HubClient BootOnHubA()
        {
            D.Boot();
            D.Clock.Advance(TimeSpan.FromSeconds(30));
            HubClient a = Runtime.Hub ?? throw new InvalidOperationException("no hub client after boot");
            if (a.Settings.HostName != HubA || !a.Status.Connected)
            {
                throw new InvalidOperationException("not on " + HubA + ": " + a.Status.LastError);
            }
            return a;
        }

        /// <summary>The operator calls <c>reprovision</c>; DPS will assign <paramref name="hub"/>. The registration runs on
        /// the provisioning driver's timer, at the next advance of the clock.</summary>
        public void ReprovisionTo(string hub)
        {
            Dps.Then("200", ScriptedDps.Assigned(hub));
            HubMethodCall call = Hub.CallMethod(HubHandlers.ReprovisionMethod);
            if (call.Status != 202)
            {
                throw new InvalidOperationException("reprovision answered " + call.Status + " " + call.ResponseJson);
            }
        }

        public void Dispose()
        {
            Hub.HangDisconnect?.Set();
            D.Dispose();
        }
    }

    /// <summary>Work on a thread of its own (a timer's, the transport's), joined with a bound; what it threw is rethrown
    /// on <see cref="Finish"/>.</summary>
    internal sealed class Worker
    {
        private readonly Thread _thread;
        private Exception? _error;

        public Worker(Action work)
        {
            _thread = new Thread(() =>
            {
                try
                {
                    work();
                }
                catch (Exception e)
                {
                    _error = e;
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public bool Join(TimeSpan bound) => _thread.Join(bound);

        public void Finish()
        {
            if (_error != null)
            {
                ExceptionDispatchInfo.Capture(_error).Throw();
            }
        }
    }
}
