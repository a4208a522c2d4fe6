using System;
using NfCerts.Core.Renewal;
using NfCerts.Core.Timing;

namespace NfCerts.Core.Device
{
    /// <summary>
    /// Supervises the <see cref="RenewalEngine"/>: a check that threw past the flows' own handling, or a next check overdue
    /// by more than <see cref="Slack"/> (its timer is gone, or <see cref="RenewalEngine.Start"/> threw), is cured by a
    /// restart, which re-reads the journal and runs the boot check. A check still running when overdue is reported only.
    /// </summary>
    public sealed class RenewalWatch : ISupervised
    {
        /// <summary>How late a check may be before the engine counts as stuck.</summary>
        public static readonly TimeSpan Slack = TimeSpan.FromMinutes(2);

        private readonly RenewalEngine _engine;

        /// <summary>Watches <paramref name="engine"/>.</summary>
        public RenewalWatch(RenewalEngine engine)
        {
            _engine = engine;
        }

        /// <inheritdoc/>
        public string Name
        {
            get { return "renewal"; }
        }

        /// <inheritdoc/>
        public string Check(TimeSpan uptime, out bool restart)
        {
            restart = false;
            Heartbeat beat = _engine.Heartbeat;
            if (!beat.IsRunning)
            {
                return "";
            }
            TimeSpan due = beat.NextDueUptime;
            bool overdue = due != TimeSpan.MaxValue && uptime > due + Slack;
            if (overdue && beat.IsBusy)
            {
                return "a renewal check has not returned for " + ConnectionWatch.Minutes(uptime - due) + " min";
            }
            restart = true;
            if (beat.LastFailed)
            {
                return "the last check failed";
            }
            if (overdue)
            {
                return "the check due " + ConnectionWatch.Minutes(uptime - due) + " min ago has not run";
            }
            restart = false;
            return "";
        }

        /// <inheritdoc/>
        public void Restart()
        {
            _engine.Stop();
            _engine.Start();
        }
    }
}
