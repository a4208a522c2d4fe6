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
            TimeSpan delay = DeviceJitter.CappedBackoff(initial, max, failures, seed);
            return delay < retryAfter ? retryAfter : delay;
        }
    }
}
