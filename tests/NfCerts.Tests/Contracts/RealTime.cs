using System;
using System.Diagnostics;
using System.Threading;

namespace NfCerts.Tests.Contracts
{
    /// <summary>Waiting for real-time implementations on a loaded machine: poll, with a limit far above any expected delay.</summary>
    public static class RealTime
    {
        /// <summary>How long a condition may take before the wait gives up.</summary>
        public static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

        /// <summary>True once <paramref name="condition"/> holds, false if it still does not after <see cref="Limit"/>.</summary>
        public static bool Eventually(Func<bool> condition)
        {
            var watch = Stopwatch.StartNew();
            while (!condition())
            {
                if (watch.Elapsed > Limit)
                {
                    return false;
                }

                Thread.Sleep(2);
            }

            return true;
        }
    }
}
