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

        /// <summary>A factor in [0.5, 1.0) for the <paramref name="n"/>-th use of <paramref name="seed"/>.</summary>
        public static double Factor(uint seed, int n)
        {
            uint h = Mix(seed ^ (uint)(n * 0x9E3779B1));
            return 0.5 + (h % 10000) / 20000.0;
        }
    }
}
