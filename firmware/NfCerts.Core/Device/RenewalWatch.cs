using NfCerts.Core.Renewal;
using NfCerts.Core.Timing;

namespace NfCerts.Core.Device
{
    /// <summary>
    /// Supervises the <see cref="RenewalEngine"/> (<see cref="HeartbeatWatch"/>): a check that threw past the flows' own
    /// handling, or a next check overdue (its timer is gone, or <see cref="RenewalEngine.Start"/> threw), is cured by a
    /// restart, which re-reads the journal and runs the boot check. A check still running when overdue is reported only.
    /// </summary>
    public sealed class RenewalWatch : HeartbeatWatch
    {
        private readonly RenewalEngine _engine;

        /// <summary>Watches <paramref name="engine"/>.</summary>
        public RenewalWatch(RenewalEngine engine) : base("renewal", "check")
        {
            _engine = engine;
        }

        /// <inheritdoc/>
        protected override Heartbeat Beat
        {
            get { return _engine.Heartbeat; }
        }

        /// <inheritdoc/>
        public override void Restart()
        {
            _engine.Stop();
            _engine.Start();
        }
    }
}
