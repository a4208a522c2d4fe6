using System;
using NfCerts.Core.Timing;

namespace NfCerts.Core.Device
{
    /// <summary>
    /// Supervises a component that works on its own one-shot timer and says so through a <see cref="Timing.Heartbeat"/>
    /// (the renewal engine, the provisioning driver): a run that threw past the component's own handling, or a next run
    /// overdue by more than <see cref="Slack"/> (its timer is gone), is cured by a restart from the persisted state. A run
    /// still going when overdue is reported only (a blocking call cannot be interrupted).
    /// </summary>
    public abstract class HeartbeatWatch : ISupervised
    {
        /// <summary>How late a run may be before the component counts as stuck.</summary>
        public static readonly TimeSpan Slack = TimeSpan.FromMinutes(2);

        private readonly string _name;
        private readonly string _run;

        /// <summary>A watch named <paramref name="name"/> whose runs are called <paramref name="run"/> in its messages
        /// (e.g. "check").</summary>
        protected HeartbeatWatch(string name, string run)
        {
            _name = name;
            _run = run;
        }

        /// <summary>The component's signs of life.</summary>
        protected abstract Heartbeat Beat { get; }

        /// <inheritdoc/>
        public string Name
        {
            get { return _name; }
        }

        /// <inheritdoc/>
        public string Check(TimeSpan uptime, out bool restart)
        {
            restart = false;
            Heartbeat beat = Beat;
            if (!beat.IsRunning)
            {
                return "";
            }
            TimeSpan due = beat.NextDueUptime;
            bool overdue = due != TimeSpan.MaxValue && uptime > due + Slack;
            if (overdue && beat.IsBusy)
            {
                return "a " + _name + " " + _run + " has not returned for " + ConnectionWatch.Minutes(uptime - due) + " min";
            }
            restart = true;
            if (beat.LastFailed)
            {
                return "the last " + _run + " failed";
            }
            if (overdue)
            {
                return "the " + _run + " due " + ConnectionWatch.Minutes(uptime - due) + " min ago has not run";
            }
            restart = false;
            return "";
        }

        /// <inheritdoc/>
        public abstract void Restart();
    }
}
