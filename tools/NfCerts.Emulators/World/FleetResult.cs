using System;
using System.Collections.Generic;

namespace NfCerts.Emulators.World;

/// <summary>One device of a fleet as its variety was drawn from the seed.</summary>
/// <param name="Id">Device ID (certificate CN, DPS registration ID, hub device ID).</param>
/// <param name="BootAt">Its first boot from the factory.</param>
/// <param name="Skew">Its wall clock's error at boot (positive: ahead).</param>
/// <param name="OfflineFrom">Start of its offline period (out of its access point's range), or null.</param>
/// <param name="OfflineTo">End of it, or null.</param>
public sealed record FleetDevicePlan(string Id, DateTimeOffset BootAt, TimeSpan Skew, DateTimeOffset? OfflineFrom, DateTimeOffset? OfflineTo)
{
    /// <summary>True when the device is out of range at <paramref name="at"/>.</summary>
    public bool OfflineAt(DateTimeOffset at) => OfflineFrom is DateTimeOffset f && OfflineTo is DateTimeOffset t && at >= f && at < t;
}

/// <summary>One simulated day of a fleet, sampled at its end.</summary>
/// <param name="Date">The day.</param>
/// <param name="Booted">Devices that had booted by then.</param>
/// <param name="OnNewRoot">Devices whose store (read back from flash) holds RootCA2.</param>
/// <param name="Offline">Booted devices the hub did not see connected.</param>
/// <param name="Renewing">Devices that sent an EST enrollment request that day.</param>
/// <param name="EstRequests">EST requests that day.</param>
/// <param name="DpsRequests">DPS register and poll requests that day.</param>
/// <param name="EstPeakPerMinute">The busiest minute's EST requests that day.</param>
/// <param name="DpsPeakPerMinute">The busiest minute's DPS requests that day.</param>
public sealed record FleetDay(DateTimeOffset Date, int Booted, int OnNewRoot, int Offline, int Renewing, long EstRequests, long DpsRequests,
    long EstPeakPerMinute, long DpsPeakPerMinute);

/// <summary>A device that could not reconnect by itself, with what the access point and the hub client said.</summary>
public sealed record StrandedDevice(string Id, string Reason);

/// <summary>What a fleet run observed.</summary>
public sealed class FleetResult
{
    /// <summary>The scenario's name.</summary>
    public string Scenario { get; init; } = "";
    /// <summary>The seed.</summary>
    public int Seed { get; init; }
    /// <summary>The resolved variety.</summary>
    public FleetSettings Settings { get; init; } = null!;
    /// <summary>The first simulated instant.</summary>
    public DateTimeOffset Start { get; init; }
    /// <summary>The last simulated instant (before the reconnect grace).</summary>
    public DateTimeOffset End { get; init; }
    /// <summary>Every device's drawn variety.</summary>
    public List<FleetDevicePlan> Devices { get; } = new();
    /// <summary>The daily samples.</summary>
    public List<FleetDay> Days { get; } = new();
    /// <summary>The plan's events as played (instant, label).</summary>
    public List<(DateTimeOffset At, string Label)> Events { get; } = new();
    /// <summary>Devices that could not reconnect by themselves.</summary>
    public List<StrandedDevice> Stranded { get; } = new();
    /// <summary>The plan's single-device events the fleet does not play (power cuts and reboots; the fleet's variety stands in).</summary>
    public List<string> Skipped { get; } = new();
    /// <summary>Real TLS handshakes at the servers (varies a little between runs: reconnect races on the real network).</summary>
    public Handshakes Handshakes { get; set; } = new(0, 0, 0, 0);
    /// <summary>Real time the run took.</summary>
    public TimeSpan WallTime { get; set; }
    /// <summary>The process's peak working set at the end, bytes.</summary>
    public long PeakWorkingSet { get; set; }
    /// <summary>Flash bytes held by all devices' NOR models.</summary>
    public long FlashBytesHeld { get; set; }
    /// <summary>True when no device is stranded.</summary>
    public bool NoneStranded => Stranded.Count == 0;
}
