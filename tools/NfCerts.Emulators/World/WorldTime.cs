using System;
using NfCerts.Hal.Host;

namespace NfCerts.Emulators.World;

/// <summary>
/// The simulated world's time for the servers: a <see cref="TimeProvider"/> over a <see cref="VirtualClock"/>'s
/// <see cref="VirtualClock.TrueUtc"/> (which survives the device's reboots and is never wrong), so that the EST server, the
/// hub and DPS emulators issue and judge certificates, and measure retry and rate windows, in simulated years.
/// </summary>
/// <remarks>Timers made through <see cref="TimeProvider.CreateTimer"/> still run on real time: the servers here use
/// this provider for instants and intervals only.</remarks>
public sealed class WorldTime : TimeProvider
{
    private readonly VirtualClock _clock;

    /// <summary>The world's time is <paramref name="clock"/>'s true time.</summary>
    public WorldTime(VirtualClock clock) => _clock = clock;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => new(_clock.TrueUtc, TimeSpan.Zero);

    /// <inheritdoc/>
    public override long GetTimestamp() => _clock.TrueUtc.Ticks;

    /// <inheritdoc/>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
