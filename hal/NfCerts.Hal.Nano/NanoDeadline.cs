using System;
using System.Threading;

namespace NfCerts.Hal.Nano
{
    /// <summary>What a <see cref="NanoDeadline"/> does when it expires (typically: close the socket or client in use).</summary>
    internal delegate void DeadlineExpired();

    /// <summary>
    /// A one-shot deadline over <see cref="Timer"/>: nanoFramework's TLS handshake (<c>SslNative.SecureConnect</c> waits with
    /// an infinite timeout) and M2Mqtt's connect have no timeout of their own, so the only way to bound them is to close what
    /// they block on from another thread when the time is up. <see cref="Expired"/> says whether that happened.
    /// </summary>
    internal sealed class NanoDeadline
    {
        private readonly object _gate = new object();
        private readonly DeadlineExpired _onExpiry;
        private Timer? _timer;
        private bool _expired;
        private bool _cancelled;

        /// <summary>Arms the deadline <paramref name="timeout"/> from now (at least 1 ms, at most about 24 days).</summary>
        public NanoDeadline(TimeSpan timeout, DeadlineExpired onExpiry)
        {
            _onExpiry = onExpiry;
            long ms = timeout.Ticks / TimeSpan.TicksPerMillisecond;
            int due = ms < 1 ? 1 : (ms > int.MaxValue ? int.MaxValue : (int)ms);
            _timer = new Timer(Fire, null, due, Timeout.Infinite);
        }

        /// <summary>True once the deadline passed before <see cref="Cancel"/>.</summary>
        public bool Expired
        {
            get
            {
                lock (_gate)
                {
                    return _expired;
                }
            }
        }

        /// <summary>Disarms the deadline; after it returns the expiry action is not running and will not run.</summary>
        public void Cancel()
        {
            Timer? t;
            lock (_gate)
            {
                _cancelled = true;
                t = _timer;
                _timer = null;
            }
            if (t != null)
            {
                t.Dispose();
            }
        }

        private void Fire(object? state)
        {
            lock (_gate)
            {
                if (_cancelled)
                {
                    return;
                }
                _expired = true;
                try
                {
                    _onExpiry();
                }
                catch (Exception)
                {
                    // Closing what was already closed: the blocked call fails either way.
                }
            }
        }
    }
}
