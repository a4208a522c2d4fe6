using System;

namespace NfCerts.Hal.Nano
{
    /// <summary><see cref="IClock"/> on nanoFramework: the RTC that the ESP32 firmware sets by SNTP, and the tick count since boot.</summary>
    /// <remarks>
    /// <para>The ESP32 firmware starts its SNTP client by itself once the station has an IP address and sets the wall clock
    /// when the first answer arrives; until then <see cref="DateTime.UtcNow"/> counts from the firmware's epoch (years before
    /// 2021). nanoFramework.Networking.Sntp offers Start/Stop/UpdateNow/IsStarted but no "synchronised" event, so the clock
    /// is taken as synchronised once it reads a year of at least <see cref="MinimumSynchronizedYear"/>, and stays so until
    /// reboot (the RTC is only ever corrected forwards from the epoch, never back into it).</para>
    /// <para><see cref="Uptime"/> comes from <c>Environment.TickCount64</c> (nanoFramework.Runtime.Native), which counts
    /// milliseconds since boot and is not touched by SNTP.</para>
    /// </remarks>
    public sealed class NanoClock : IClock
    {
        /// <summary>The first year the wall clock is trusted in: anything earlier is the firmware's boot epoch.</summary>
        public const int MinimumSynchronizedYear = 2021;

        private readonly object _gate = new object();
        private bool _synchronized;

        /// <inheritdoc/>
        public DateTime UtcNow
        {
            get { return DateTime.UtcNow; }
        }

        /// <inheritdoc/>
        public bool IsSynchronized
        {
            get
            {
                lock (_gate)
                {
                    if (!_synchronized && DateTime.UtcNow.Year >= MinimumSynchronizedYear)
                    {
                        _synchronized = true;
                    }

                    return _synchronized;
                }
            }
        }

        /// <inheritdoc/>
        public TimeSpan Uptime
        {
            get { return TimeSpan.FromMilliseconds(Environment.TickCount64); }
        }
    }
}
