namespace NfCerts.Core.Timing
{
    /// <summary>Deterministic per-device spread, so that a fleet does not retry or check in the same minute: the same
    /// device seed always gives the same values, different seeds give unrelated ones.</summary>
    public static class DeviceJitter
    {
        /// <summary>A 32-bit integer hash (the murmur3 finaliser) of <paramref name="x"/>.</summary>
        public static uint Mix(uint x)
        {
            x ^= x >> 16;
            x *= 0x7FEB352D;
            x ^= x >> 15;
            x *= 0x846CA68B;
            x ^= x >> 16;
            return x;
        }

        /// <summary>The delay after <paramref name="failures"/> failures: <paramref name="initial"/> × 2^(n-1) capped at
        /// <paramref name="max"/>, scaled by <see cref="Factor"/> of <paramref name="seed"/> and n (the connection manager's and
        /// the hub client's backoff).</summary>
        public static System.TimeSpan CappedBackoff(System.TimeSpan initial, System.TimeSpan max, int failures, uint seed)
        {
            long ticks = initial.Ticks;
            for (int i = 1; i < failures && ticks < max.Ticks; i++)
            {
                ticks *= 2;
            }
            if (ticks > max.Ticks)
            {
                ticks = max.Ticks;
            }
            return System.TimeSpan.FromTicks((long)(ticks * Factor(seed, failures)));
        }

        /// <summary>A factor in [0.5, 1.0) for the <paramref name="n"/>-th use of <paramref name="seed"/>.</summary>
        public static double Factor(uint seed, int n)
        {
            uint h = Mix(seed ^ (uint)(n * 0x9E3779B1));
            return 0.5 + (h % 10000) / 20000.0;
        }
    }
}
