using System;
using NfCerts.Core.Hub;
using NfCerts.Core.Timing;

namespace NfCerts.Core.Device
{
    /// <summary>
    /// Supervises the <see cref="HubClient"/>: a client that is neither connected nor has an attempt due within its longest
    /// backoff plus <see cref="Slack"/> has lost its timer (a timer service that threw) and is restarted. An attempt that has
    /// not returned for <see cref="HungAfter"/> is reported only (a blocking transport call cannot be interrupted).
    /// </summary>
    public sealed class HubWatch : ISupervised
    {
        /// <summary>Slack beyond the longest backoff before the client counts as stuck.</summary>
        public static readonly TimeSpan Slack = TimeSpan.FromMinutes(2);
        /// <summary>How long an attempt may run before it is reported as hung.</summary>
        public static readonly TimeSpan HungAfter = TimeSpan.FromMinutes(5);

        private readonly HubClient _client;

        /// <summary>Watches <paramref name="client"/>.</summary>
        public HubWatch(HubClient client)
        {
            _client = client;
        }

        /// <inheritdoc/>
        public string Name
        {
            get { return "hub"; }
        }

        /// <inheritdoc/>
        public string Check(TimeSpan uptime, out bool restart)
        {
            restart = false;
            Heartbeat beat = _client.Heartbeat;
            if (!beat.IsRunning)
            {
                return "";
            }
            if (beat.IsBusy)
            {
                TimeSpan busy = uptime - beat.LastActivityUptime;
                return busy > HungAfter ? "a hub connect has not returned for " + ConnectionWatch.Minutes(busy) + " min" : "";
            }
            HubClientStatus status = _client.Status;
            if (status.Connected)
            {
                return "";
            }
            TimeSpan due = status.NextAttemptUptime;
            TimeSpan limit = _client.MaxBackoff + _client.NetworkPoll + Slack;
            if (due != TimeSpan.MaxValue && due <= uptime + limit && uptime <= due + Slack)
            {
                return "";
            }
            if (due == TimeSpan.MaxValue && uptime - beat.LastActivityUptime <= limit)
            {
                return "";
            }
            restart = true;
            return "disconnected from the hub with no attempt scheduled";
        }

        /// <inheritdoc/>
        public void Restart()
        {
            _client.Stop();
            _client.Start();
        }
    }
}
