using System;

namespace NfCerts.Hal
{
    /// <summary>Wall-clock time and a monotonic uptime.</summary>
    /// <remarks>
    /// <para><see cref="UtcNow"/> is the wall clock in UTC. It is meaningful only while <see cref="IsSynchronized"/>
    /// is true: on ESP32 the clock starts near 1970/2000 at boot and SNTP sets it once the station has an IP
    /// address. It may jump forwards or backwards whenever it is (re)synchronised.</para>
    /// <para><see cref="Uptime"/> is monotonic since boot, never jumps and is not affected by synchronisation.
    /// Use it to measure intervals; use <see cref="UtcNow"/> only for comparisons with certificate validity.</para>
    /// <para>Neither member throws.</para>
    /// </remarks>
    public interface IClock
    {
        /// <summary>The wall clock, UTC (nanoFramework keeps every <see cref="DateTime"/> in UTC).</summary>
        DateTime UtcNow { get; }

        /// <summary>True once the wall clock has been set from a trusted source (SNTP, the hub) since boot.</summary>
        bool IsSynchronized { get; }

        /// <summary>Time since boot; monotonic.</summary>
        TimeSpan Uptime { get; }
    }
}
