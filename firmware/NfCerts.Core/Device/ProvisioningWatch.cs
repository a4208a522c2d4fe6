using NfCerts.Core.Timing;

namespace NfCerts.Core.Device
{
    /// <summary>Supervises the <see cref="ProvisioningDriver"/> (<see cref="HeartbeatWatch"/>): an attempt that threw past
    /// its own handling, or one overdue (its timer is gone), is cured by a restart, which looks at the store afresh.</summary>
    public sealed class ProvisioningWatch : HeartbeatWatch
    {
        private readonly ProvisioningDriver _driver;

        /// <summary>Watches <paramref name="driver"/>.</summary>
        public ProvisioningWatch(ProvisioningDriver driver) : base(ProvisioningDriver.Component, "attempt")
        {
            _driver = driver;
        }

        /// <inheritdoc/>
        protected override Heartbeat Beat
        {
            get { return _driver.Heartbeat; }
        }

        /// <inheritdoc/>
        public override void Restart()
        {
            _driver.Stop();
            _driver.Start();
        }
    }
}
