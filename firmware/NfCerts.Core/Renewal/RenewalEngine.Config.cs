using System;

namespace NfCerts.Core.Renewal
{
    public sealed partial class RenewalEngine
    {
        /// <summary>The policy in force.</summary>
        public RenewalPolicy Policy
        {
            get
            {
                lock (_sync)
                {
                    return _options.Policy;
                }
            }
        }

        /// <summary>Replaces the renewal policy (threshold, retry, check window) and, when running, checks again at once
        /// so the next renewal and check times follow the new policy. Kept in memory only: the caller persists it
        /// (the twin's configuration does, <c>DeviceConfig</c>).</summary>
        /// <exception cref="ArgumentException">The policy is not usable (<see cref="RenewalPolicy.Validate"/>); nothing changed.</exception>
        public void UpdatePolicy(RenewalPolicy policy)
        {
            if (policy == null)
            {
                throw new ArgumentNullException("policy");
            }
            string problem = policy.Validate();
            if (problem.Length > 0)
            {
                throw new ArgumentException("renewal policy: " + problem);
            }
            lock (_sync)
            {
                _options.Policy = policy;
                if (_running)
                {
                    _timer.Schedule(TimeSpan.Zero);
                }
            }
        }
    }
}
