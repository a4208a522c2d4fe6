using System;
using NfCerts.Core.Timing;
using NfCerts.Core.Wifi;
using NfCerts.Hal;

namespace NfCerts.Core.Device
{
    /// <summary>
    /// Supervises the <see cref="ConnectionManager"/>: disconnected with no pass for longer than its longest backoff means
    /// its retry timer is gone (a driver that lost the link without saying so, a timer service that threw) and a restart
    /// starts a pass now. A radio driver that does not return (<see cref="BoundedRadio"/>), or a pass that has not returned
    /// for <see cref="HungAfter"/>, is reported only: the call cannot be interrupted, and a restart would wait for it.
    /// </summary>
    public sealed class ConnectionWatch : ISupervised
    {
        /// <summary>Slack beyond the longest backoff before the manager counts as stuck.</summary>
        public static readonly TimeSpan Slack = TimeSpan.FromMinutes(2);
        /// <summary>How long a pass may run before it is reported as hung (each network's attempt is bounded at 15 s by default).</summary>
        public static readonly TimeSpan HungAfter = TimeSpan.FromMinutes(5);

        private readonly ConnectionManager _manager;
        private readonly BoundedRadio _radio;

        /// <summary>Watches <paramref name="manager"/>, which drives <paramref name="radio"/>.</summary>
        public ConnectionWatch(ConnectionManager manager, BoundedRadio radio)
        {
            _manager = manager;
            _radio = radio;
        }

        /// <inheritdoc/>
        public string Name
        {
            get { return "connection"; }
        }

        /// <inheritdoc/>
        public string Check(TimeSpan uptime, out bool restart)
        {
            restart = false;
            Heartbeat beat = _manager.Heartbeat;
            if (!beat.IsRunning)
            {
                return "";
            }
            TimeSpan idle = uptime - beat.LastActivityUptime;
            if (_radio.IsDriverStuck)
            {
                return "the radio driver has not returned from a connect: the manager goes on, failing fast, until it does";
            }
            if (beat.IsBusy)
            {
                return idle > HungAfter ? "a connection attempt has not returned for " + Minutes(idle) + " min (radio driver hung?)" : "";
            }
            if (_radio.IsConnected || idle <= _manager.MaxBackoff + Slack)
            {
                return "";
            }
            restart = true;
            return "disconnected with no connection attempt for " + Minutes(idle) + " min";
        }

        /// <inheritdoc/>
        public void Restart()
        {
            _manager.Stop();
            _manager.Start();
        }

        internal static string Minutes(TimeSpan t)
        {
            return ((long)(t.Ticks / TimeSpan.TicksPerMinute)).ToString();
        }
    }
}
