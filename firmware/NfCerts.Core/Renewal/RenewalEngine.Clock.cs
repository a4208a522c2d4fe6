using System;
using NfCerts.Hal;

namespace NfCerts.Core.Renewal
{
    public sealed partial class RenewalEngine
    {
        /// <summary>
        /// A time from a source independent of the device clock's synchronisation (the hub's time, an HTTP Date from the
        /// issuer), accurate to within <paramref name="accuracy"/>. It is what makes a synchronised clock far behind the
        /// high-water mark believable (see <see cref="ClockJudge"/>); the next check uses it.
        /// </summary>
        public void CorroborateClock(DateTime utc, TimeSpan accuracy)
        {
            lock (_sync)
            {
                SetWitness(utc - accuracy, utc + accuracy);
            }
        }

        /// <summary><see cref="CorroborateClock(DateTime, TimeSpan)"/> with an accuracy of 5 minutes.</summary>
        public void CorroborateClock(DateTime utc)
        {
            CorroborateClock(utc, TimeSpan.FromMinutes(5));
        }

        private void SetWitness(DateTime earliest, DateTime latest)
        {
            _evidence.HaveWitness = true;
            _evidence.WitnessEarliest = earliest;
            _evidence.WitnessLatest = latest;
            _evidence.WitnessUptime = _clock.Uptime;
        }

        // ---- time ------------------------------------------------------------------------------------------

        /// <summary>The time to decide with, if one may be taken now (see <see cref="ClockJudge"/>); keeps the high-water mark.</summary>
        private bool TryTrustedNow(out DateTime now)
        {
            now = DateTime.MinValue;
            var e = _evidence;
            e.Synchronized = _clock.IsSynchronized;
            e.Wall = _clock.UtcNow;
            e.Uptime = _clock.Uptime;
            e.HighWaterTicks = _journal.HighWaterTicks;
            e.UsedNotBeforeTicks = UsedNotBefore();
            ClockVerdict v = ClockJudge.Judge(e);
            _trust = v.Trust;
            e.JumpPending = v.JumpPending;
            e.JumpSkew = v.JumpSkew;
            e.JumpSeenUptime = v.JumpSeenUptime;
            if (v.Reason.Length > 0)
            {
                Condition(v.Reason);
            }
            if (!v.MayDecide)
            {
                return false;
            }
            now = v.Now;
            e.HaveLast = true;
            e.LastNow = now;
            e.LastUptime = e.Uptime;
            long hw = _journal.HighWaterTicks;
            // Forward in half-day steps (flash wear); back only when a second source said the mark itself was wrong
            // (otherwise the judge never returns a time behind the mark).
            if (now.Ticks > hw + TicksPerDay / 2 || now.Ticks < hw)
            {
                _journal.HighWaterTicks = now.Ticks;
                SaveJournal();
            }
            return true;
        }

        /// <summary>The latest NotBefore of the certificates the device uses: those times have certainly passed.</summary>
        private long UsedNotBefore()
        {
            long t = 0;
            if (_store.ContainsCertificate(_options.ClientCert1))
            {
                t = _store.GetCertificateNotBefore(_options.ClientCert1).Ticks;
            }
            if (_store.ContainsCertificate(_options.RootCa1))
            {
                long r = _store.GetCertificateNotBefore(_options.RootCa1).Ticks;
                t = r > t ? r : t;
            }
            return t;
        }
    }
}
