using System;

namespace NfCerts.Core.Hub
{
    /// <summary>A snapshot of the hub connection, for health reports and supervision.</summary>
    public sealed class HubClientStatus
    {
        /// <summary>True while the transport is connected.</summary>
        public bool Connected;
        /// <summary>Why the last attempt or connection failed (bounded), or empty.</summary>
        public string LastError = "";
        /// <summary>Connections made since the client started, counting the first.</summary>
        public int Connects;
        /// <summary>Connections made after a lost or failed one (<see cref="Connects"/> minus the first).</summary>
        public int Reconnects;
        /// <summary>Failed connect attempts in a row (drives the backoff).</summary>
        public int FailedAttempts;
        /// <summary>Connects the hub refused (authentication: a rejected or unknown client certificate).</summary>
        public int Refusals;
        /// <summary>Uptime of the next connect attempt; <see cref="TimeSpan.MaxValue"/> when none is scheduled (connected,
        /// stopped, or waiting for Wi-Fi).</summary>
        public TimeSpan NextAttemptUptime = TimeSpan.MaxValue;
        /// <summary>True while the client waits for Wi-Fi before it tries.</summary>
        public bool WaitingForNetwork;
        /// <summary>Reported-properties patches the hub accepted.</summary>
        public int PatchesAccepted;
        /// <summary>Reported-properties patches that failed (offered again).</summary>
        public int PatchesFailed;
        /// <summary>The reported version after the last accepted patch, or -1.</summary>
        public int ReportedVersion = -1;
    }

    /// <summary>Raised when the hub refused the device's connection (its certificate was not accepted): DPS re-provisioning
    /// hooks in here. <paramref name="reason"/> is the transport's message (no key material).</summary>
    public delegate void HubRefusedHandler(object sender, string reason);

    /// <summary>Raised after each successful connect, once the twin has been handed to the handlers.</summary>
    public delegate void HubConnectedHandler(object sender);
}
