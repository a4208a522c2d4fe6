using System;
using System.Text.Json.Nodes;

namespace NfCerts.Emulators.World;

/// <summary>How a fleet run is played. Null values take the scenario's <c>fleet</c> section, then the defaults shown.</summary>
public sealed class FleetOptions
{
    /// <summary>How many devices (default 1,000).</summary>
    public int? Devices { get; init; }
    /// <summary>Overrides the scenario's duration with whole years.</summary>
    public int? Years { get; init; }
    /// <summary>The seed every variety is drawn from; the same seed gives the same fleet.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>The share of devices with an offline period (default 0.05).</summary>
    public double? OfflineRate { get; init; }
    /// <summary>How long such a period lasts (default 14 days).</summary>
    public TimeSpan? OfflineFor { get; init; }
    /// <summary>The largest wall-clock error a device boots with, either way (default 5 minutes).</summary>
    public TimeSpan? Skew { get; init; }
    /// <summary>When true each device has its own seed (check minute, retry jitter); when false all share one (default true).</summary>
    public bool? Jitter { get; init; }
    /// <summary>Devices first boot spread over this window from the start (default 30 days).</summary>
    public TimeSpan? FirstBootWindow { get; init; }
    /// <summary>The EST server's capacity, requests per minute (503 + Retry-After beyond); default: the scenario's rate limit or none.</summary>
    public int? EstCapacityPerMinute { get; init; }
    /// <summary>Simulated time between two moments at which every device's clock is brought to the world's (default 1 hour);
    /// between them each device's timers still fire at their own instants, in time order across the fleet.</summary>
    public TimeSpan Sync { get; init; } = TimeSpan.FromHours(1);
    /// <summary>How long after the end the devices get to reconnect by themselves (default 2 days).</summary>
    public TimeSpan ReconnectGrace { get; init; } = TimeSpan.FromDays(2);
    /// <summary>The supervisor's period on every device (default 6 hours; 1 minute on the board).</summary>
    public TimeSpan SupervisorPeriod { get; init; } = TimeSpan.FromHours(6);
    /// <summary>The hub client's health-report period (default 24 hours, the daily samples' resolution; 15 minutes on the board).</summary>
    public TimeSpan HubReportPeriod { get; init; } = TimeSpan.FromHours(24);
    /// <summary>Called after every simulated day with the share done (0-1) and the date.</summary>
    public Action<double, DateTimeOffset>? OnProgress { get; init; }

    /// <summary>These options with the scenario's <c>fleet</c> section and the defaults filled in.</summary>
    internal FleetSettings Resolve(Scenario scenario)
    {
        JsonObject f = scenario.Fleet ?? new JsonObject();
        DateTimeOffset start = ScenarioTimes.Start(scenario);
        TimeSpan Length(string key, string fallback) => ScenarioTimes.Length(f[key]?.GetValue<string>() ?? fallback, start);
        int? capacity = EstCapacityPerMinute ?? (f["estCapacityPerMinute"] is JsonNode c ? c.GetValue<int>() : null);
        return new FleetSettings(
            Devices ?? (f["devices"] is JsonNode d ? d.GetValue<int>() : 1000),
            OfflineRate ?? (f["offlineRate"] is JsonNode o ? o.GetValue<double>() : 0.05),
            OfflineFor ?? Length("offlineFor", "P14D"),
            Skew ?? Length("clockSkew", "PT5M"),
            Jitter ?? (f["jitter"] is JsonNode j ? j.GetValue<bool>() : true),
            FirstBootWindow ?? Length("firstBootWindow", "P30D"),
            capacity,
            f["expectStranded"] is JsonNode e && e.GetValue<bool>());
    }
}

/// <summary>A fleet's variety as resolved from the options and the scenario.</summary>
public sealed record FleetSettings(int Devices, double OfflineRate, TimeSpan OfflineFor, TimeSpan Skew, bool Jitter,
    TimeSpan FirstBootWindow, int? EstCapacityPerMinute, bool ExpectStranded);
