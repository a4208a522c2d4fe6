using System;
using System.Linq;
using NfCerts.Core.Certificates;
using NfCerts.Core.Hub;
using NfCerts.Core.Storage;
using NfCerts.Hal.Host;
using NfCerts.Tests.Support;
using Xunit;

namespace NfCerts.Tests.Hub
{
    /// <summary>A device's store with ClientCert1, a hub that knows it, Wi-Fi, the virtual clock and a hub client over them.</summary>
    public sealed class HubRig
    {
        public static readonly Issued DeviceCa = TestPki.Root("Hub Device CA");
        public static readonly Issued ServerRoot = TestPki.Root("Hub Server Root");

        public readonly VirtualClock Clock = new VirtualClock(DateTime.UtcNow);
        public readonly NorFlash Flash = new NorFlash(32 * 4096, 4096);
        public readonly RecordLog Log;
        public readonly CertStore Store;
        public readonly HubTrust Trust;
        public readonly Issued Client1 = TestPki.Client(DeviceCa, "device-001");
        public readonly TestHub Hub;
        public readonly TestLink Link = new TestLink();
        public readonly CountingHandlers Handlers = new CountingHandlers();
        public readonly HubClient Client;

        public HubRig(uint seed = 7, bool trustServerRoot = true)
        {
            RecordLog.Format(Flash, CertStore.MaxEntrySize);
            Log = RecordLog.Mount(Flash, CertStore.MaxEntrySize);
            Store = new CertStore(Log, new HostKeyVault());
            Store.InstallClientCertificate("ClientCert1", Client1.Der, Client1.Pkcs8, null);
            Trust = new HubTrust(Log, Clock);
            if (trustServerRoot)
            {
                Assert.True(Trust.AddRoot(ServerRoot.Der));
            }
            Hub = new TestHub(Clock, Client1.Der, ServerRoot.Der);
            var settings = new HubSettings { HostName = "hub.example.net", DeviceId = "device-001", ModelId = "dtmi:nfcerts:device;1" };
            Client = new HubClient(Hub, Handlers, settings, Store, Trust, Link, Clock, Clock, seed);
        }

        /// <summary>Gaps between the hub's recorded connect attempts.</summary>
        public TimeSpan[] Gaps()
        {
            var a = Hub.ConnectAttempts;
            return Enumerable.Range(1, a.Count - 1).Select(i => a[i] - a[i - 1]).ToArray();
        }
    }

    public class HubClientTests
    {
        [Fact]
        public void ConnectsGetsTheTwinAndReportsAfterConnect()
        {
            var r = new HubRig();
            r.Client.Start();
            r.Clock.Advance(TimeSpan.FromSeconds(1));
            var s = r.Client.Status;
            Assert.True(s.Connected, s.LastError);
            Assert.Equal(1, r.Hub.TwinGets);
            Assert.Single(r.Handlers.Twins);
            Assert.Equal("{\"events\":1}", Assert.Single(r.Hub.AcceptedPatches));
            Assert.Equal(r.Hub.ReportedVersion, s.ReportedVersion);
            Assert.Equal("dtmi:nfcerts:device;1", r.Hub.LastOptions!.ModelId);
            Assert.Equal("device-001", r.Hub.LastOptions.DeviceId);
        }

        [Fact]
        public void BackoffDoublesToTheCapWithThePerDeviceJitter()
        {
            TimeSpan[] Schedule(uint seed)
            {
                var r = new HubRig(seed);
                r.Hub.Online = false;
                r.Client.Start();
                r.Clock.Advance(TimeSpan.FromHours(8));
                Assert.Equal(0, r.Hub.TwinGets);
                Assert.Contains("connection refused", r.Client.Status.LastError);
                return r.Gaps();
            }

            var a = Schedule(7);
            var b = Schedule(12345);
            Assert.True(a.Length > 15, $"only {a.Length} attempts in 8 h");
            for (int i = 0; i < a.Length; i++)
            {
                // The i-th gap follows i+1 failures: 5 s × 2^i, capped at 30 min, times a factor in [0.5, 1).
                double nominal = Math.Min(5 * Math.Pow(2, i), 1800);
                Assert.InRange(a[i].TotalSeconds, nominal * 0.5 - 0.001, nominal);
                Assert.InRange(b[i].TotalSeconds, nominal * 0.5 - 0.001, nominal);
            }
            Assert.All(a.Skip(12), g => Assert.True(g >= TimeSpan.FromMinutes(15)));
            Assert.NotEqual(a.Take(10), b.Take(10));
        }

        [Fact]
        public void NoAttemptWhileWifiIsDownAndOnePromptlyWhenItComesBack()
        {
            var r = new HubRig();
            r.Link.Up = false;
            r.Client.Start();
            r.Clock.Advance(TimeSpan.FromHours(2));
            Assert.Empty(r.Hub.ConnectAttempts);
            Assert.True(r.Client.Status.WaitingForNetwork);

            r.Link.Up = true;
            r.Client.NetworkAvailable();
            r.Clock.Advance(TimeSpan.FromMilliseconds(10));
            Assert.True(r.Client.Status.Connected, r.Client.Status.LastError);

            // Wi-Fi drops: the client lets go of the hub and waits again.
            r.Link.Lose();
            r.Clock.Advance(TimeSpan.FromMinutes(30));
            Assert.False(r.Client.Status.Connected);
            Assert.False(r.Hub.IsConnected);
            Assert.Single(r.Hub.ConnectAttempts);
        }

        [Fact]
        public void EveryReconnectGetsTheFullTwinSoDesiredChangesMadeOfflineArrive()
        {
            var r = new HubRig();
            r.Client.Start();
            r.Clock.Advance(TimeSpan.FromSeconds(1));
            r.Hub.SetDesired("live", "1");
            Assert.Equal(r.Hub.DesiredVersion, r.Handlers.Desired.Single().Version);
            for (int i = 0; i < 3; i++)
            {
                r.Hub.Drop();
                // Set while the device is away: the hub does not replay it, only the twin GET brings it.
                r.Hub.SetDesired("offline" + i, "true");
                r.Clock.Advance(TimeSpan.FromSeconds(10));
                Assert.True(r.Client.Status.Connected, r.Client.Status.LastError);
                Assert.Contains("\"offline" + i + "\":true", r.Handlers.Twins.Last());
                Assert.Contains("\"$version\":" + r.Hub.DesiredVersion, r.Handlers.Twins.Last());
            }
            Assert.Equal(4, r.Hub.TwinGets);
            Assert.Single(r.Handlers.Desired);
            Assert.Equal(3, r.Client.Status.Reconnects);
        }

        [Fact]
        public void AFailedTwinGetIsAFailedConnect()
        {
            var r = new HubRig();
            r.Hub.FailTwinGets = 1;
            r.Client.Start();
            r.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.False(r.Client.Status.Connected);
            Assert.False(r.Hub.IsConnected);
            Assert.Contains("429", r.Client.Status.LastError);
            Assert.Empty(r.Handlers.Twins);
            r.Clock.Advance(TimeSpan.FromSeconds(10));
            Assert.True(r.Client.Status.Connected);
            Assert.Single(r.Handlers.Twins);
        }

        [Fact]
        public void AReportedPatchThatFailedIsOfferedAgain()
        {
            var r = new HubRig();
            r.Hub.FailPatches = 1;
            r.Client.Start();
            r.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.True(r.Client.Status.Connected);
            Assert.Empty(r.Hub.AcceptedPatches);
            Assert.Equal(1, r.Client.Status.PatchesFailed);
            r.Clock.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal("{\"events\":1}", Assert.Single(r.Hub.AcceptedPatches));

            // Events are reported as they come; nothing changed means nothing sent, even on the period.
            r.Hub.SendC2D("hello");
            r.Clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal("{\"events\":2}", r.Hub.AcceptedPatches.Last());
            r.Clock.Advance(TimeSpan.FromHours(1));
            Assert.Equal(2, r.Hub.AcceptedPatches.Count);
            Assert.Equal("hello", r.Handlers.Messages.Single());
        }

        [Fact]
        public void MethodsAndC2dQueuedWhileOfflineReachTheHandlers()
        {
            var r = new HubRig();
            r.Hub.SendC2D("queued");
            r.Client.Start();
            r.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal("queued", r.Handlers.Messages.Single());
            var call = r.Hub.CallMethod("ping");
            Assert.Equal(200, call.Status);
            Assert.Equal(501, r.Hub.CallMethod("nosuch").Status);
        }

        [Fact]
        public void TheKeyIsZeroedOnceTheTransportHasConnected()
        {
            var r = new HubRig();
            r.Client.Start();
            r.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.True(r.Client.Status.Connected);
            Assert.Equal(r.Client1.Pkcs8, r.Hub.ParsedKey);
            // The hub's TLS stack had the real key; the array the client handed over is all zeros now (and dropped).
            Assert.Null(r.Hub.LastOptions!.ClientKey);
        }

        [Fact]
        public void TheKeyArrayHandedToTheTransportIsZeroedEvenWhenTheConnectFails()
        {
            var r = new HubRig();
            byte[]? seen = null;
            r.Hub.Online = false;
            r.Client.Start();
            r.Clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Null(r.Hub.LastOptions!.ClientKey);
            // The array itself: take it from a transport that keeps the reference.
            var keeper = new KeyKeeper();
            var c = new HubClient(keeper, r.Handlers, r.Client.Settings, r.Store, r.Trust, r.Link, r.Clock, r.Clock, 7);
            c.Start();
            r.Clock.Advance(TimeSpan.FromMilliseconds(1));
            seen = keeper.Key;
            Assert.NotNull(seen);
            Assert.Equal(r.Client1.Pkcs8.Length, seen!.Length);
            Assert.All(seen, b => Assert.Equal(0, b));
            c.Stop();
        }

        [Fact]
        public void ARenewedCertificateIsUsedAtOnce()
        {
            var r = new HubRig();
            r.Client.Start();
            r.Clock.Advance(TimeSpan.FromSeconds(1));
            var renewed = TestPki.Client(HubRig.DeviceCa, "device-001");
            r.Hub.Registered.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(renewed.Der)));
            r.Store.InstallClientCertificate("ClientCert1", renewed.Der, renewed.Pkcs8, null);
            r.Client.CheckClientCertificate();
            r.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.True(r.Client.Status.Connected, r.Client.Status.LastError);
            Assert.Equal(2, r.Hub.ConnectedWith.Count);
            Assert.Equal(renewed.Der, r.Hub.ConnectedWith.Last());
            Assert.Equal(2, r.Hub.TwinGets);
        }

        [Fact]
        public void ARenewedCertificateIsNoticedOnThePeriodToo()
        {
            var r = new HubRig();
            r.Client.Start();
            r.Clock.Advance(TimeSpan.FromSeconds(1));
            var renewed = TestPki.Client(HubRig.DeviceCa, "device-001");
            r.Hub.Registered.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(renewed.Der)));
            r.Store.InstallClientCertificate("ClientCert1", renewed.Der, renewed.Pkcs8, null);
            r.Clock.Advance(r.Client.ReportPeriod + TimeSpan.FromSeconds(1));
            Assert.Equal(renewed.Der, r.Hub.ConnectedWith.Last());
        }

        [Fact]
        public void ARefusedCertificateIsAFaultRaisedAndBackedOffLikeAnyFailure()
        {
            var r = new HubRig();
            r.Hub.Registered.Clear();
            var refusals = 0;
            r.Client.HubRefused += (s, reason) => refusals++;
            r.Client.Start();
            r.Clock.Advance(TimeSpan.FromHours(1));
            var st = r.Client.Status;
            Assert.False(st.Connected);
            Assert.Contains("refused", st.LastError);
            Assert.Equal(r.Hub.ConnectAttempts.Count, refusals);
            Assert.Equal(refusals, st.Refusals);
            Assert.InRange(refusals, 6, 12);
            Assert.True(st.NextAttemptUptime > r.Clock.Uptime);
        }

        [Fact]
        public void AHubWhoseRootIsNotTrustedIsNeverConnected()
        {
            var r = new HubRig(trustServerRoot: false);
            r.Client.Start();
            r.Clock.Advance(TimeSpan.FromMinutes(10));
            Assert.False(r.Client.Status.Connected);
            Assert.Contains("trusted root", r.Client.Status.LastError);
            // The operator adds the hub's root; the next attempt connects.
            Assert.True(r.Trust.AddRoot(HubRig.ServerRoot.Der));
            r.Client.NetworkAvailable();
            r.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.True(r.Client.Status.Connected);
        }

        [Fact]
        public void StopDisconnectsAndNothingRunsAfterwards()
        {
            var r = new HubRig();
            r.Client.Start();
            r.Clock.Advance(TimeSpan.FromSeconds(1));
            r.Client.Stop();
            Assert.False(r.Hub.IsConnected);
            Assert.False(r.Client.Heartbeat.IsRunning);
            r.Clock.Advance(TimeSpan.FromHours(1));
            Assert.Single(r.Hub.ConnectAttempts);
        }

        /// <summary>A transport that keeps the caller's key array (as nanoFramework's X509Certificate2 does) and fails.</summary>
        private sealed class KeyKeeper : NfCerts.Hal.IHubTransport
        {
            public byte[]? Key;
            public bool IsConnected => false;
#pragma warning disable CS0067
            public event NfCerts.Hal.HubMessageHandler? MessageReceived;
            public event NfCerts.Hal.HubDesiredHandler? DesiredPropertiesChanged;
            public event NfCerts.Hal.HubMethodHandler? MethodCalled;
            public event NfCerts.Hal.HubDisconnectedHandler? Disconnected;
#pragma warning restore CS0067

            public void Connect(NfCerts.Hal.HubConnectOptions options)
            {
                Key = options.ClientKey;
                throw new NfCerts.Hal.HubException(NfCerts.Hal.HubFailure.Timeout, 0, "no CONNACK");
            }

            public void Disconnect()
            {
            }

            public string GetTwin() => throw new InvalidOperationException();
            public int PatchReported(string patchJson) => throw new InvalidOperationException();
            public void SendEvent(byte[] body, string properties) => throw new InvalidOperationException();
        }
    }
}
