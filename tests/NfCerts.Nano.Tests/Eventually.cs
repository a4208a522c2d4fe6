using System;
using System.Threading;

namespace NfCerts.Nano.Tests
{
    /// <summary>Waits for what the board does on its own threads, generously: the machine may be loaded.</summary>
    internal static class Eventually
    {
        /// <summary>True once <paramref name="condition"/> holds, false if it still does not after 10 s.</summary>
        public static bool Holds(Func<bool> condition)
        {
            var limit = DateTime.UtcNow.AddSeconds(10);
            while (!condition())
            {
                if (DateTime.UtcNow > limit)
                {
                    return false;
                }

                Thread.Sleep(10);
            }

            return true;
        }
    }
}
