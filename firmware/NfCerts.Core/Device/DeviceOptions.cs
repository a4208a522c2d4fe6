using System;
using NfCerts.Core.Hub;
using NfCerts.Core.Provisioning;
using NfCerts.Core.Renewal;

namespace NfCerts.Core.Device
{
    /// <summary>Settings of a <see cref="DeviceRuntime"/>: plain data with documented defaults.</summary>
    public sealed class DeviceOptions
    {
        /// <summary>Names and policy of the renewal flows (defaults: the seed document's).</summary>
        public RenewalOptions Renewal = new RenewalOptions();
        /// <summary>How often a store that could not be opened is tried again. Default 1 hour: a damaged region does not
        /// mend itself, but a flaky read may, and a retry costs a scan of the region.</summary>
        public TimeSpan MountRetry = TimeSpan.FromHours(1);
        /// <summary>How often the supervisor looks at the components. Default 1 minute.</summary>
        public TimeSpan SupervisorPeriod = TimeSpan.FromMinutes(1);
        /// <summary>The hub client's period of reported-health offers while connected (<see cref="HubClient.ReportPeriod"/>).
        /// Default 15 minutes; reports also go after every event and connect, so an emulator may stretch it.</summary>
        public TimeSpan HubReportPeriod = TimeSpan.FromMinutes(15);
        /// <summary>Replaces the hub's handlers (tests only); null, the default: the device's own <see cref="Hub.HubHandlers"/>
        /// (root CA notices, twin configuration, direct methods, reported health).</summary>
        public HubHandlersFactory? HubHandlers;
        /// <summary>The firmware version reported in the twin.</summary>
        public string FirmwareVersion = "";
        /// <summary>Caps of one DPS registration attempt (defaults suit the real service).</summary>
        public DpsClientOptions Dps = new DpsClientOptions();
        /// <summary>How a DPS attempt waits out a short retry-after (at most <see cref="DpsClientOptions.MaxInlineWait"/>);
        /// null, the default: Thread.Sleep.</summary>
        public DpsPause? DpsPause;
    }

    /// <summary>Makes the hub handlers for <paramref name="runtime"/> (its store, Wi-Fi, renewal engine and hub trust are open).</summary>
    public delegate IHubHandlers HubHandlersFactory(DeviceRuntime runtime);

    /// <summary>Where a <see cref="DeviceRuntime"/> stands.</summary>
    public enum DeviceState
    {
        /// <summary>Not started, or stopped.</summary>
        Stopped = 0,
        /// <summary>Store, Wi-Fi, connection manager and renewal engine are up (some may be reported faulty and restarted).</summary>
        Running = 1,
        /// <summary>The store or the Wi-Fi configuration cannot be read: it is kept untouched, the fault is reported, and
        /// opening is retried every <see cref="DeviceOptions.MountRetry"/>.</summary>
        SafeMode = 2,
    }
}
