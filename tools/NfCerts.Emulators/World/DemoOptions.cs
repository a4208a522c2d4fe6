using System;
using NfCerts.Core.Device;

namespace NfCerts.Emulators.World;

/// <summary>How a demo run is played.</summary>
public sealed class DemoOptions
{
    /// <summary>Overrides the scenario's duration with whole years; null keeps the file's.</summary>
    public int? Years { get; init; }

    /// <summary>The device's seed (its jitter and check times); the same seed gives the same device decisions.</summary>
    public uint Seed { get; init; } = 1;

    /// <summary>The RADIUS server behind the access point.</summary>
    public RadiusKind Radius { get; init; } = RadiusKind.InProcess;

    /// <summary>Simulated time between two samples of the device's connection (and the longest clock step). Default 1 hour.</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long after the end the device gets to reconnect by itself before it counts as stranded. Default 2 days.</summary>
    public TimeSpan ReconnectGrace { get; init; } = TimeSpan.FromDays(2);

    /// <summary>Called with every timeline line as it happens (on the run's thread).</summary>
    public Action<TimelineEntry>? OnTimeline { get; init; }

    /// <summary>Called after every step with the share of simulated time done (0-1).</summary>
    public Action<double, DateTimeOffset>? OnProgress { get; init; }

    /// <summary>The runtime's options for the device. Default: the board's, except that the supervisor looks every hour
    /// instead of every minute (its checks are the largest share of the firmware's work over simulated years).</summary>
    public Func<DeviceOptions> DeviceOptions { get; init; } = () => new DeviceOptions { SupervisorPeriod = TimeSpan.FromHours(1) };

    /// <summary>The hub client's period of health reports (<c>HubClient.ReportPeriod</c>, 15 minutes on the board). Default
    /// 24 hours, the timeline's resolution: reports still go after every event and connect; only the periodic re-check of
    /// health is rarer.</summary>
    public TimeSpan HubReportPeriod { get; init; } = TimeSpan.FromHours(24);
}
