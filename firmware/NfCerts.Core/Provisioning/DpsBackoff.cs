using System;
using NfCerts.Core.Timing;

namespace NfCerts.Core.Provisioning
{
    /// <summary>Delay before the next provisioning attempt after failures: <c>initial × 2^(failures-1)</c> capped at
    /// <c>max</c>, scaled by the device's deterministic jitter factor in [0.5, 1.0) (<see cref="DeviceJitter"/>), as the
    /// connection manager spaces its passes; never shorter than DPS's own retry-after.</summary>
    public static class DpsBackoff
    {
        /// <summary>The delay after <paramref name="failures"/> failed attempts (0 gives zero).</summary>
        public static TimeSpan After(int failures, TimeSpan initial, TimeSpan max, uint seed, TimeSpan retryAfter)
        {
            if (failures <= 0)
            {
                return TimeSpan.Zero;
            }
            long ticks = initial.Ticks;
            int shift = failures - 1;
            while (shift > 0 && ticks < max.Ticks)
            {
                ticks *= 2;
                shift--;
            }
            if (ticks > max.Ticks)
            {
                ticks = max.Ticks;
            }
            ticks = (long)(ticks * DeviceJitter.Factor(seed, failures));
            return TimeSpan.FromTicks(ticks < retryAfter.Ticks ? retryAfter.Ticks : ticks);
        }
    }
}
