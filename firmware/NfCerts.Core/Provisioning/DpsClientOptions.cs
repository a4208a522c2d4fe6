using System;

namespace NfCerts.Core.Provisioning
{
    /// <summary>The caps of one registration attempt, so that a slow, throttling or misbehaving DPS cannot keep the device
    /// busy or make it hammer the service. Defaults suit the real service.</summary>
    public sealed class DpsClientOptions
    {
        /// <summary>Most requests (register plus status polls, retries after 429 included) in one attempt. Default 10.</summary>
        public int MaxRequests = 10;
        /// <summary>Longest one attempt may take, connection included. Default 5 minutes.</summary>
        public TimeSpan TotalTimeout = TimeSpan.FromMinutes(5);
        /// <summary>Longest wait for the TLS/MQTT connection and for each answer. Default 30 seconds.</summary>
        public TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);
        /// <summary>Wait between polls when DPS gives no retry-after. Default 3 seconds (what DPS usually sends).</summary>
        public TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(3);
        /// <summary>Shortest wait between polls, even when DPS asks for less (0 included). Default 1 second.</summary>
        public TimeSpan MinRetryAfter = TimeSpan.FromSeconds(1);
        /// <summary>Longest retry-after waited out inside one attempt (the wait blocks the caller's thread); a longer one ends
        /// the attempt with <see cref="DpsResult.RetryAfter"/> set, and the next attempt comes no sooner. Default 10 seconds.</summary>
        public TimeSpan MaxInlineWait = TimeSpan.FromSeconds(10);
    }
}
