using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Device;
using NfCerts.Core.Renewal;
using NfCerts.Core.Storage;
using NfCerts.Core.Wifi;
using NfCerts.Hal;

namespace NfCerts.Core.Hub
{
    /// <summary>The current faults, for the reported health (the runtime's <see cref="DeviceRuntime.GetFaults"/>).</summary>
    public delegate DeviceFault[] FaultSource();

    /// <summary>The device's provisioning (EST enrollment, DPS) as the reported <c>provisioning</c> object's JSON text.</summary>
    public delegate string ProvisioningReport();

    /// <summary>Asks the device to register with DPS again (<paramref name="reason"/> is kept and reported); empty when it
    /// was queued, else why not.</summary>
    public delegate string ReprovisionRequest(string reason);

    /// <summary>The device's parts the hub handlers work on: what <see cref="DeviceRuntime"/> has opened.</summary>
    public sealed class HubContext
    {
        /// <summary>Creates the context from what the handlers cannot work without.</summary>
        public HubContext(RecordLog log, CertStore store, WifiConfig wifi, RenewalEngine engine, RenewalOptions options, IKeyVault vault, IClock clock)
        {
            if (log == null || store == null || wifi == null || engine == null || options == null || vault == null || clock == null)
            {
                throw new ArgumentNullException("log");
            }
            Log = log;
            Store = store;
            Wifi = wifi;
            Engine = engine;
            Options = options;
            Vault = vault;
            Clock = clock;
        }

        /// <summary>The store's log.</summary>
        public RecordLog Log { get; private set; }
        /// <summary>The certificate store.</summary>
        public CertStore Store { get; private set; }
        /// <summary>The Wi-Fi configuration.</summary>
        public WifiConfig Wifi { get; private set; }
        /// <summary>The renewal engine.</summary>
        public RenewalEngine Engine { get; private set; }
        /// <summary>The engine's names and policy (the same object the engine was built with).</summary>
        public RenewalOptions Options { get; private set; }
        /// <summary>Hashes and signature checks.</summary>
        public IKeyVault Vault { get; private set; }
        /// <summary>Wall clock (days left are reported only while it is synchronised).</summary>
        public IClock Clock { get; private set; }
        /// <summary>The hub's TLS roots, for desired <c>hubRootsToAdd</c>; null: such requests are refused.</summary>
        public HubTrust? Trust;
        /// <summary>The firmware's version, reported as is.</summary>
        public string FirmwareVersion = "";
        /// <summary>The device's faults; null reports none.</summary>
        public FaultSource? Faults;
        /// <summary>The reported <c>provisioning</c> object; null: not reported (a device without EST or DPS).</summary>
        public ProvisioningReport? Provisioning;
        /// <summary>The <c>reprovision</c> method's action; null: the method answers 409 (no DPS on this device).</summary>
        public ReprovisionRequest? Reprovision;
    }
}
