namespace NfCerts.Core.Hub
{
    /// <summary>What became of a root CA notice.</summary>
    public enum NoticeStatus
    {
        /// <summary>Saved and handed to the renewal engine: the rotation has started.</summary>
        Started = 1,
        /// <summary>Saved, but the engine could not take it yet (e.g. the store could not be written): resumed at the next boot.</summary>
        Pending = 2,
        /// <summary>A duplicate or a replay (same or older sequence, the certificate already installed or rotating): nothing done.</summary>
        Ignored = 3,
        /// <summary>Malformed, oversized, badly signed or not applicable: nothing changed.</summary>
        Refused = 4,
    }

    /// <summary>The result of a root CA notice, reported back in the twin (<c>rootCaNotice</c>).</summary>
    public sealed class NoticeOutcome
    {
        /// <summary>Creates an outcome.</summary>
        public NoticeOutcome(NoticeStatus status, string reason, long sequence, string source)
        {
            Status = status;
            Reason = reason;
            Sequence = sequence;
            Source = source;
        }

        /// <summary>What became of it.</summary>
        public NoticeStatus Status { get; private set; }
        /// <summary>Why, in words (bounded; never key material).</summary>
        public string Reason { get; private set; }
        /// <summary>The notice's sequence number, 0 when it could not be read.</summary>
        public long Sequence { get; private set; }
        /// <summary>Where it came from: <c>c2d</c>, <c>twin</c> or <c>boot</c> (resumed).</summary>
        public string Source { get; private set; }

        /// <summary>The status as reported: <c>started</c>, <c>pending</c>, <c>ignored</c>, <c>refused</c>.</summary>
        public string StatusText
        {
            get
            {
                switch (Status)
                {
                    case NoticeStatus.Started: return "started";
                    case NoticeStatus.Pending: return "pending";
                    case NoticeStatus.Ignored: return "ignored";
                    default: return "refused";
                }
            }
        }
    }
}
