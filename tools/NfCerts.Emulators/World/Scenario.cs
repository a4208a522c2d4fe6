using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace NfCerts.Emulators.World;

/// <summary>
/// A rollout plan as data: what <c>nfcerts demo</c> (and later <c>nfcerts fleet</c>) plays. The file format is
/// scenarios/schema.json; <see cref="ScenarioFile"/> reads and checks it. Durations are ISO 8601 (<see cref="IsoDuration"/>).
/// </summary>
public sealed class Scenario
{
    /// <summary>A short name for the timeline and the report.</summary>
    public string Name { get; init; } = "";

    /// <summary>What the plan rehearses.</summary>
    public string Description { get; init; } = "";

    /// <summary>The simulated world's first instant (UTC); the device boots from the factory then.</summary>
    public DateTimeOffset Start { get; init; }

    /// <summary>How long the world runs.</summary>
    public string Duration { get; init; } = "P1Y";

    /// <summary>The device's identity.</summary>
    public ScenarioDevice Device { get; init; } = new();

    /// <summary>The certificates' lifetimes.</summary>
    public ScenarioLifetimes Lifetimes { get; init; } = new();

    /// <summary>What happens when.</summary>
    public List<ScenarioEvent> Events { get; init; } = new();

    /// <summary>How the servers behave.</summary>
    public ScenarioServers Servers { get; init; } = new();

    /// <summary>The fleet's variety, for <c>nfcerts fleet</c> (validated, not used by the single-device demo).</summary>
    public JsonObject? Fleet { get; init; }
}

/// <summary>The emulated device's identity.</summary>
public sealed class ScenarioDevice
{
    /// <summary>The device ID: its certificate's CN, its DPS registration ID and its hub device ID.</summary>
    public string Id { get; init; } = "device-001";

    /// <summary>Reported in the twin.</summary>
    public string FirmwareVersion { get; init; } = "1.0.0";

    /// <summary>The Wi-Fi SSID both networks (Network1 and its duplicate Network2) use.</summary>
    public string Ssid { get; init; } = "corp-wifi";
}

/// <summary>Lifetimes of the world's certificates, as ISO 8601 durations from <see cref="Scenario.Start"/>.</summary>
public sealed class ScenarioLifetimes
{
    /// <summary>RootCA1, the RADIUS server's first root (its expiry is the anchor <c>radiusRootExpiry</c>).</summary>
    public string RadiusRootCa { get; init; } = "P2Y";

    /// <summary>RootCA2, the root the RADIUS server switches to (counted from RootCA1's expiry).</summary>
    public string RadiusRootCa2 { get; init; } = "P10Y";

    /// <summary>What the EST server issues (the client certificate's lifetime).</summary>
    public string ClientCertificate { get; init; } = "P90D";

    /// <summary>The EST CA's root.</summary>
    public string EstCa { get; init; } = "P20Y";

    /// <summary>The factory bootstrap certificate the device first enrolls with.</summary>
    public string BootstrapCertificate { get; init; } = "P15Y";
}

/// <summary>What happens at one instant of the plan.</summary>
public sealed class ScenarioEvent
{
    /// <summary><c>hubRootSwitch</c>, <c>rootCaRollout</c>, <c>radiusSwitch</c>, <c>powerCut</c>, <c>reboot</c> or <c>offline</c>.</summary>
    public string Type { get; init; } = "";

    /// <summary>A duration from <see cref="From"/> (negative: before it) or a date-time.</summary>
    public string At { get; init; } = "P0D";

    /// <summary>The anchor of a relative <see cref="At"/>: <c>start</c> (default) or <c>radiusRootExpiry</c>.</summary>
    public string From { get; init; } = "start";

    /// <summary>For <c>hubRootSwitch</c>: the chain the hub presents from then on (<c>baltimore</c> or <c>digicert-g2</c>).</summary>
    public string? Chain { get; init; }

    /// <summary>For <c>rootCaRollout</c>: how the notice goes out (<c>c2d</c>, <c>twin</c>; default both).</summary>
    public List<string>? Via { get; init; }

    /// <summary>For <c>offline</c>: how long the device's networks are gone.</summary>
    [JsonPropertyName("for")]
    public string? For { get; init; }

    /// <summary>For <c>powerCut</c>: the flow whose step the cut hits (<c>rootRotation</c> or <c>clientRotation</c>).</summary>
    public string? During { get; init; }

    /// <summary>For <c>powerCut</c>: the step name (default <c>Root.6.MoveRootCA2</c> or <c>Client.6.MoveClientCert2</c>).</summary>
    public string? Step { get; init; }

    /// <summary>For <c>powerCut</c> and <c>reboot</c>: how long the device stays off (default PT10M and PT1M).</summary>
    public string? OffFor { get; init; }

    /// <summary>A note shown on the timeline.</summary>
    public string? Note { get; init; }
}

/// <summary>How the world's servers misbehave.</summary>
public sealed class ScenarioServers
{
    /// <summary>The EST server.</summary>
    public ScenarioEst Est { get; init; } = new();

    /// <summary>The DPS emulator.</summary>
    public ScenarioDps Dps { get; init; } = new();
}

/// <summary>The EST server's behaviour.</summary>
public sealed class ScenarioEst
{
    /// <summary>From <c>at</c>, the next <c>count</c> enrollments get 202 + Retry-After <c>retryAfter</c>.</summary>
    public List<ScenarioDeferral> Deferrals { get; init; } = new();

    /// <summary>From <c>at</c> for <c>for</c>, every request gets 503.</summary>
    public List<ScenarioOutage> Outages { get; init; } = new();

    /// <summary>At most <c>requests</c> per <c>window</c> (503 + Retry-After beyond); none when null.</summary>
    public ScenarioRateLimit? RateLimit { get; init; }

    /// <summary>How far before the moment of issue the CA dates NotBefore (default PT1H, as Let's Encrypt's CA; PT0S dates
    /// it at the server's now; at most P2D, the CA/Browser Forum's limit).</summary>
    public string Backdate { get; init; } = "PT1H";
}

/// <summary>Deferred enrollments.</summary>
public sealed class ScenarioDeferral
{
    /// <summary>When (a duration from the start, or a date-time).</summary>
    public string At { get; init; } = "P0D";

    /// <summary>How many enrollments are deferred.</summary>
    public int Count { get; init; } = 1;

    /// <summary>The Retry-After the server sends.</summary>
    public string RetryAfter { get; init; } = "PT1H";
}

/// <summary>A server outage.</summary>
public sealed class ScenarioOutage
{
    /// <summary>When it starts (a duration from the start, or a date-time).</summary>
    public string At { get; init; } = "P0D";

    /// <summary>How long.</summary>
    [JsonPropertyName("for")]
    public string For { get; init; } = "P1D";
}

/// <summary>A rate limit.</summary>
public sealed class ScenarioRateLimit
{
    /// <summary>Requests allowed per window.</summary>
    public int Requests { get; init; } = 10;

    /// <summary>The window.</summary>
    public string Window { get; init; } = "PT1M";
}

/// <summary>The DPS emulator's behaviour.</summary>
public sealed class ScenarioDps
{
    /// <summary>When set, the first <c>requests</c> device requests are answered 429 + Retry-After.</summary>
    public ScenarioThrottle? Throttle { get; init; }
}

/// <summary>DPS throttling.</summary>
public sealed class ScenarioThrottle
{
    /// <summary>How many device requests are throttled.</summary>
    public int Requests { get; init; } = 1;

    /// <summary>The Retry-After DPS sends.</summary>
    public string RetryAfter { get; init; } = "PT5S";
}
