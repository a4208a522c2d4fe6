using System;
using System.Collections.Generic;

namespace NfCerts.Emulators.World;

/// <summary>What kind of line a timeline entry is.</summary>
public enum TimelineKind
{
    /// <summary>A scenario event the world played.</summary>
    Event,
    /// <summary>Something observed at a server, the radio or the store.</summary>
    Observed,
    /// <summary>An outage began or ended.</summary>
    Outage,
    /// <summary>An invariant broke.</summary>
    Breach,
}

/// <summary>One line of the live timeline (and of the report).</summary>
/// <param name="Time">Simulated time.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Text">What happened.</param>
/// <param name="Network">The network the device is associated with (config name), or "-".</param>
/// <param name="ClientDaysLeft">Days left on ClientCert1 as read back from the store, or null when unknown.</param>
/// <param name="RootDaysLeft">Days left on RootCA1 as read back from the store, or null when unknown.</param>
public sealed record TimelineEntry(DateTimeOffset Time, TimelineKind Kind, string Text, string Network, int? ClientDaysLeft, int? RootDaysLeft);

/// <summary>A stretch without a working connection to the hub, with its cause.</summary>
public sealed record Outage(DateTimeOffset From, DateTimeOffset To, string Cause)
{
    /// <summary>How long.</summary>
    public TimeSpan Length => To - From;
}

/// <summary>A certificate seen in the store (read back from flash), with the store IDs it was seen under.</summary>
public sealed record CertificateWindow(string Sha256, string Subject, string Ids, DateTimeOffset NotBefore, DateTimeOffset NotAfter,
    DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

/// <summary>The network in use over a stretch of time (from the radio's associations).</summary>
public sealed record NetworkSpan(DateTimeOffset From, DateTimeOffset To, string Network);

/// <summary>Real TLS handshakes counted at the servers.</summary>
/// <param name="Hub">MQTT over TLS at the hub emulator.</param>
/// <param name="Eap">EAP-TLS authentications at the RADIUS side (in process or FreeRADIUS).</param>
/// <param name="Est">TLS connections accepted by the EST server (a conversation of several requests keeps one).</param>
/// <param name="Dps">MQTT over TLS connections at the DPS emulator.</param>
public sealed record Handshakes(long Hub, long Eap, long Est, long Dps)
{
    /// <summary>All of them.</summary>
    public long Total => Hub + Eap + Est + Dps;
}

/// <summary>The outcome of a demo run: the timeline, the figures and the invariants as observed.</summary>
public sealed class DemoResult
{
    /// <summary>The scenario's name.</summary>
    public string Scenario { get; init; } = "";
    /// <summary>The first simulated instant.</summary>
    public DateTimeOffset Start { get; init; }
    /// <summary>The last simulated instant (before the final reconnect check).</summary>
    public DateTimeOffset End { get; init; }
    /// <summary>The RADIUS server used.</summary>
    public string Radius { get; init; } = "";
    /// <summary>Every timeline line.</summary>
    public List<TimelineEntry> Timeline { get; } = new();
    /// <summary>Outages with causes.</summary>
    public List<Outage> Outages { get; } = new();
    /// <summary>Certificates seen in the store.</summary>
    public List<CertificateWindow> Certificates { get; } = new();
    /// <summary>The networks in use.</summary>
    public List<NetworkSpan> Networks { get; } = new();
    /// <summary>Share of hourly samples in which the hub saw the device connected.</summary>
    public double ConnectivityPercent { get; set; }
    /// <summary>Client certificate renewals (a new certificate under ClientCert1, issued by the EST server).</summary>
    public int Renewals { get; set; }
    /// <summary>Root CA rotations (RootCA1 replaced by the rolled-out root).</summary>
    public int RootRotations { get; set; }
    /// <summary>Certificates the EST server issued.</summary>
    public int EstIssued { get; set; }
    /// <summary>Real TLS handshakes at the servers.</summary>
    public Handshakes Handshakes { get; set; } = new(0, 0, 0, 0);
    /// <summary>Bytes programmed into the store's flash.</summary>
    public long FlashBytesProgrammed { get; set; }
    /// <summary>Sector erases of the store's flash.</summary>
    public long FlashErases { get; set; }
    /// <summary>Real time the run took.</summary>
    public TimeSpan WallTime { get; set; }
    /// <summary>Broken invariants, each with what showed it; empty when every invariant held.</summary>
    public List<string> Breaches { get; } = new();
    /// <summary>Every private key of the run, to scan further output (the command's own) for them.</summary>
    public KeyLeakScan Keys { get; set; } = new();
    /// <summary>True when every invariant held.</summary>
    public bool Passed => Breaches.Count == 0;
}
