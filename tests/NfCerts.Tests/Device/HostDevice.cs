using System;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Core.Certificates;
using NfCerts.Core.Device;
using NfCerts.Core.Storage;
using NfCerts.Core.Wifi;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using NfCerts.Tests.Renewal;
using NfCerts.Tests.Support;
using NfCerts.Tests.Wifi;

namespace NfCerts.Tests.Device
{
    /// <summary>
    /// <see cref="DeviceRuntime"/> on the host HAL: NOR flash, virtual clock, a simulated radio with the in-process EAP-TLS
    /// authenticator, and the host key vault. The radio and timers go through wrappers that can be made to misbehave as
    /// drivers do (lose a link without saying so, refuse to start a timer, fail a flash read).
    /// </summary>
    public sealed class HostDevice : IDisposable
    {
        public readonly NorFlash Flash;
        public readonly FlakyFlash FlashPort;
        public readonly VirtualClock Clock = new VirtualClock(DateTime.UtcNow);
        public readonly SimulatedRadio Radio;
        public readonly QuietRadio RadioPort;
        public readonly FlakyTimers Timers;
        public readonly TlsEapAuthenticator Authenticator;
        public readonly AccessPoint AccessPoint;
        public readonly TestCaIssuer Issuer;
        public readonly DeviceOptions Options = new DeviceOptions();
        /// <summary>The board's key vault: by default one with a device key, as on interop firmware with an eFuse key.</summary>
        public IKeyVault Vault = new HostKeyVault(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        public DeviceRuntime Runtime = null!;
        public readonly bool WithIssuer;
        /// <summary>Opens of the flash region that fail (no partition and I: not mounted yet), one per attempt.</summary>
        public int OpenFailures;
        /// <summary>The hub transport the HAL carries (null: a device that never talks to a hub).</summary>
        public IHubTransport? Hub;

        /// <summary>TLS client connections the HAL carries (EST); null: none.</summary>
        public ITlsConnector? Tls;
        /// <summary>The MQTT transport the HAL carries (DPS); null: none.</summary>
        public IMqttTransport? Mqtt;

        /// <summary>A device; <paramref name="clientCas"/> are the CAs the access point's EAP-TLS server trusts for client
        /// certificates (default: WifiDevice's client CA).</summary>
        public HostDevice(NorFlash? flash = null, bool withIssuer = true, X509Certificate2Collection? clientCas = null)
        {
            Flash = flash ?? new NorFlash(64 * 4096, 4096);
            FlashPort = new FlakyFlash(Flash);
            Radio = new SimulatedRadio(Clock);
            RadioPort = new QuietRadio(Radio);
            Timers = new FlakyTimers(Clock);
            Authenticator = new TlsEapAuthenticator(WifiDevice.Server1.WithKey, null, clientCas ?? new X509Certificate2Collection { WifiDevice.ClientCa.Certificate });
            AccessPoint = AccessPoint.EapTls(WifiDevice.Ssid, Authenticator);
            Radio.AddAccessPoint(AccessPoint);
            Issuer = new TestCaIssuer(WifiDevice.ClientCa, Clock);
            WithIssuer = withIssuer;
        }

        /// <summary>A store as a provisioned device has it: RootCA1, ClientCert1 (valid 60 days from yesterday), Network1.</summary>
        public Issued Provision(TimeSpan? clientLifetime = null)
        {
            RecordLog.Format(Flash, CertStore.MaxEntrySize);
            var log = RecordLog.Mount(Flash, CertStore.MaxEntrySize);
            var store = new CertStore(log, new HostKeyVault());
            var now = new DateTimeOffset(Clock.UtcNow, TimeSpan.Zero);
            var client = TestPki.Client(WifiDevice.ClientCa, "device-001", now.AddDays(-1), now + (clientLifetime ?? TimeSpan.FromDays(60)));
            store.InstallRootCACertificate("RootCA1", WifiDevice.RootCa1.Der);
            store.InstallClientCertificate("ClientCert1", client.Der, client.Pkcs8, null);
            WifiDevice.AddNetwork1(new WifiConfig(log, Radio));
            var t = log.Begin();
            t.Put(DeviceRuntime.SeedKey, new byte[] { 7, 0, 0, 0 });
            t.Commit();
            return client;
        }

        /// <summary>Power-on: builds the HAL and starts the runtime, exactly as Program.cs does on the board.</summary>
        public DeviceRuntime Boot()
        {
            var hal = new DeviceHal(OpenFlash, RadioPort, Clock, Timers, Vault);
            if (WithIssuer)
            {
                hal.Issuer = Issuer;
            }
            hal.Hub = Hub;
            hal.Tls = Tls;
            hal.Mqtt = Mqtt;
            Runtime = new DeviceRuntime(hal, Options);
            Runtime.Start();
            return Runtime;
        }

        private IFlash OpenFlash()
        {
            if (OpenFailures > 0)
            {
                OpenFailures--;
                throw new System.IO.IOException("I: is not mounted");
            }
            return FlashPort;
        }

        /// <summary>Reboot: everything stops, uptime restarts, SNTP answers after a few seconds.</summary>
        public DeviceRuntime Reboot()
        {
            Runtime.Stop();
            Radio.Disconnect();
            Clock.Reboot();
            Boot();
            Clock.Advance(TimeSpan.FromSeconds(5));
            Clock.Synchronize(Clock.TrueUtc);
            return Runtime;
        }

        public string ConnectedName => Runtime.Wifi?.ConnectedConfigName ?? "";

        public bool HasFault(string component, out DeviceFault fault)
        {
            foreach (var f in Runtime.GetFaults())
            {
                if (f.Component == component)
                {
                    fault = f;
                    return true;
                }
            }
            fault = new DeviceFault();
            return false;
        }

        public void Dispose()
        {
            Runtime?.Stop();
            Radio.Dispose();
            Authenticator.Dispose();
        }
    }

    /// <summary>A flash whose reads fail with a medium error while <see cref="ReadErrors"/> is set (a failing chip or bus).</summary>
    public sealed class FlakyFlash : IFlash
    {
        private readonly IFlash _inner;
        public FlakyFlash(IFlash inner) => _inner = inner;
        public bool ReadErrors;
        public int Size => _inner.Size;
        public int SectorSize => _inner.SectorSize;
        public int SectorCount => _inner.SectorCount;
        public int WriteAlignment => _inner.WriteAlignment;

        public void Read(int address, byte[] buffer, int offset, int count)
        {
            if (ReadErrors)
            {
                throw new FlashException(FlashError.Io, "read error at " + address);
            }
            _inner.Read(address, buffer, offset, count);
        }

        /// <summary>Runs before every program (with the bytes) and erase (empty), on the writing thread.</summary>
        public Action<ArraySegment<byte>>? BeforeWrite;

        public void Program(int address, byte[] buffer, int offset, int count)
        {
            BeforeWrite?.Invoke(new ArraySegment<byte>(buffer, offset, count));
            _inner.Program(address, buffer, offset, count);
        }

        public void EraseSector(int sector)
        {
            BeforeWrite?.Invoke(ArraySegment<byte>.Empty);
            _inner.EraseSector(sector);
        }
    }

    /// <summary>A radio driver that can lose the link without raising <see cref="IWifiRadio.LinkLost"/> (a missed event).</summary>
    public sealed class QuietRadio : IWifiRadio
    {
        private readonly SimulatedRadio _inner;
        public bool SwallowLinkLost;
        public event WifiLinkLostHandler? LinkLost;

        public QuietRadio(SimulatedRadio inner)
        {
            _inner = inner;
            _inner.LinkLost += (s, r) => { if (!SwallowLinkLost) LinkLost?.Invoke(this, r); };
        }

        public WifiConnectResult Connect(WifiConnectRequest request) => _inner.Connect(request);
        public void Disconnect() => _inner.Disconnect();
        public bool IsConnected => _inner.IsConnected;
    }

    /// <summary>A timer service that refuses to start the next <see cref="FailNext"/> one-shot timers (out of native
    /// timers), so that the callback that asked for one throws and its component's timer is gone.</summary>
    public sealed class FlakyTimers : ITimers
    {
        private readonly VirtualClock _clock;
        public int FailNext;
        public int Refused;
        public FlakyTimers(VirtualClock clock) => _clock = clock;

        public ITimerHandle StartOneShot(TimeSpan dueIn, TimerElapsed callback, object? state)
        {
            if (FailNext > 0)
            {
                FailNext--;
                Refused++;
                throw new InvalidOperationException("no timer available");
            }
            return _clock.StartOneShot(dueIn, callback, state);
        }

        public ITimerHandle StartPeriodic(TimeSpan dueIn, TimeSpan period, TimerElapsed callback, object? state)
            => _clock.StartPeriodic(dueIn, period, callback, state);
    }
}
