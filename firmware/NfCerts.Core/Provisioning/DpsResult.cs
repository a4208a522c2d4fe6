using System;

namespace NfCerts.Core.Provisioning
{
    /// <summary>How a registration attempt ended.</summary>
    public enum DpsOutcome
    {
        /// <summary>DPS assigned the device to a hub (or the stored assignment was used).</summary>
        Assigned = 1,
        /// <summary>DPS refused the device: no enrollment, a chain to another CA, a registration ID that differs from the CN,
        /// or the registration failed (see the reason and <see cref="DpsResult.ErrorCode"/>).</summary>
        Refused = 2,
        /// <summary>The enrollment (or the registration) is disabled.</summary>
        Disabled = 3,
        /// <summary>DPS throttled the device (429) for longer than this attempt may wait.</summary>
        Throttled = 4,
        /// <summary>DPS failed (5xx) or could not be reached.</summary>
        Unavailable = 5,
        /// <summary>DPS answered something the device does not accept (malformed JSON, unknown status, missing fields, a hub
        /// that is not a host name); nothing of it was used.</summary>
        Hostile = 6,
        /// <summary>No answer in time, or the attempt's caps on requests or total time were reached.</summary>
        Timeout = 7,
        /// <summary>The identity certificate or the settings cannot be used (no CN, bad registration ID, missing entries).</summary>
        BadIdentity = 8,
    }

    /// <summary>The outcome of one registration attempt.</summary>
    public sealed class DpsResult
    {
        /// <summary>Creates a result.</summary>
        public DpsResult(DpsOutcome outcome, string reason)
        {
            Outcome = outcome;
            Reason = reason;
        }

        /// <summary>How it ended.</summary>
        public DpsOutcome Outcome { get; private set; }
        /// <summary>Why, in words (never a key or a secret).</summary>
        public string Reason { get; private set; }
        /// <summary>The registration ID used (the identity's CN).</summary>
        public string RegistrationId = "";
        /// <summary>Assigned hub host name (<see cref="DpsOutcome.Assigned"/>).</summary>
        public string AssignedHub = "";
        /// <summary>Device ID in the hub (<see cref="DpsOutcome.Assigned"/>).</summary>
        public string DeviceId = "";
        /// <summary>DPS's substatus (<see cref="DpsOutcome.Assigned"/>).</summary>
        public string Substatus = "";
        /// <summary>DPS's lastUpdatedDateTimeUtc.</summary>
        public string LastUpdated = "";
        /// <summary>DPS's error code, when it gave one.</summary>
        public long ErrorCode;
        /// <summary>MQTT requests published to DPS during the attempt (register and status polls).</summary>
        public int Requests;
        /// <summary>The longest retry-after DPS asked for and this attempt could not wait out (zero for none): the next attempt
        /// must not come sooner.</summary>
        public TimeSpan RetryAfter = TimeSpan.Zero;

        /// <summary>The outcome's name in lower case ("assigned", "refused", ...): nanoFramework's Enum.ToString gives the number.</summary>
        public static string NameOf(DpsOutcome outcome)
        {
            switch (outcome)
            {
                case DpsOutcome.Assigned: return "assigned";
                case DpsOutcome.Refused: return "refused";
                case DpsOutcome.Disabled: return "disabled";
                case DpsOutcome.Throttled: return "throttled";
                case DpsOutcome.Unavailable: return "unavailable";
                case DpsOutcome.Hostile: return "hostile answer";
                case DpsOutcome.Timeout: return "timeout";
                default: return "bad identity";
            }
        }

        /// <summary>True for <see cref="DpsOutcome.Assigned"/>.</summary>
        public bool Succeeded
        {
            get { return Outcome == DpsOutcome.Assigned; }
        }
    }
}
