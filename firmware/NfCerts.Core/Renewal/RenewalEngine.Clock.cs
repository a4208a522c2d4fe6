using System;
using NfCerts.Hal;

namespace NfCerts.Core.Renewal
{
    public sealed partial class RenewalEngine
    {
        /// <summary>
        /// A time from a source independent of the device clock's synchronisation (the hub's time, an HTTP Date from the
        /// issuer), accurate to within <paramref name="accuracy"/>. It is what makes a synchronised clock far behind the
        /// high-water mark believable, and the time is at least its earliest (see <see cref="ClockJudge"/>); the next check
        /// uses it.
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

        /// <summary>
        /// A certificate an authenticated issuer has just given, valid from <paramref name="notBefore"/> (the first boot's EST
        /// enrollment; the engine's own renewals count it too): it dates the issuer's clock, a second source by which the time
        /// is at least <paramref name="notBefore"/> and at most <see cref="ClockJudge.IssuerBackdateAllowance"/> later (see
        /// <see cref="ClockJudge"/>). The next check comes at once, so that a clock it shows to be behind is decided with, and
        /// reported (<see cref="RenewalStatus.ClockLag"/>), from then on.
        /// </summary>
        public void CertificateIssued(DateTime notBefore)
        {
            lock (_sync)
            {
                Dated(notBefore);
                if (_running)
                {
                    _timer.Schedule(CheckSchedule.MinimumWait);
                    _heartbeat.Due(_clock.Uptime + CheckSchedule.MinimumWait);
                }
            }
        }

        private void Dated(DateTime notBefore)
        {
            SetWitness(notBefore, notBefore + ClockJudge.IssuerBackdateAllowance);
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
            UsedValidity(e);
            ClockVerdict v = ClockJudge.Judge(e);
            _trust = v.Trust;
            _lag = v.Lag;
            ClockJudge.Carry(e, v);
            if (v.Reason.Length > 0)
            {
                Condition(v.Reason);
            }
            if (!v.MayDecide)
            {
                return false;
            }
            now = v.Now;
            long hw = _journal.HighWaterTicks;
            // Only a confirmed time is remembered: one wrong reading must not become the floor of every later boot.
            // Forward in half-day steps (flash wear); back only when a second source said the mark itself was wrong
            // (otherwise the judge never returns a time behind the mark).
            if (v.Confirmed && (now.Ticks > hw + TicksPerDay / 2 || now.Ticks < hw))
            {
                _journal.HighWaterTicks = now.Ticks;
                e.HighWaterUptime = e.Uptime;
                SaveJournal();
            }
            return true;
        }

        /// <summary>
        /// The latest NotBefore of the certificates the device uses (those times have certainly passed) and the NotAfter of
        /// the client certificate, or of the root CA when there is none (a clock far past it is confirmed before it is believed).
        /// </summary>
        private void UsedValidity(ClockEvidence e)
        {
            e.UsedNotBeforeTicks = 0;
            e.UsedNotAfterTicks = 0;
            DateTime notBefore;
            DateTime notAfter;
            if (_effects.TryGetRootValidity(out notBefore, out notAfter))
            {
                e.UsedNotBeforeTicks = notBefore.Ticks;
                e.UsedNotAfterTicks = notAfter.Ticks;
            }
            if (_effects.TryGetClientValidity(out notBefore, out notAfter))
            {
                long nb = notBefore.Ticks;
                e.UsedNotBeforeTicks = nb > e.UsedNotBeforeTicks ? nb : e.UsedNotBeforeTicks;
                e.UsedNotAfterTicks = notAfter.Ticks;
            }
        }
    }
}
