using System;
using NfCerts.Core.Timing;

namespace NfCerts.Core.Renewal
{
    /// <summary>What the client certificate check decided (<see cref="RenewalDecision.Next"/>).</summary>
    public enum RenewalActionKind
    {
        /// <summary>There is no client certificate to renew: report it.</summary>
        NoClientCertificate = 0,
        /// <summary>Not due yet: look again at the next check.</summary>
        NotDue = 1,
        /// <summary>Due, but the certificate the issuer gave last already looked due: the wall clock is wrong; wait for it.</summary>
        WaitForClock = 2,
        /// <summary>Due, but a failed attempt's retry time has not come.</summary>
        WaitForRetry = 3,
        /// <summary>Due, and no issuer is configured: report it.</summary>
        NoIssuer = 4,
        /// <summary>Due, but the device is not on Network1, which the seed's step 1 requires: wait.</summary>
        WaitForNetwork1 = 5,
        /// <summary>Renew now (steps 3-7).</summary>
        Renew = 6,
    }

    /// <summary>Where the root CA rotation goes next (<see cref="RenewalDecision.NextRootStep"/>).</summary>
    public enum RootAction
    {
        /// <summary>No rotation pending.</summary>
        None = 0,
        /// <summary>Steps 3-4: install RootCA2, duplicate Network1 as Network2 trusting it.</summary>
        Prepare = 1,
        /// <summary>Step 5: is the device on Network2?</summary>
        CheckNetwork2 = 2,
        /// <summary>Step 6: RootCA2 onto RootCA1, forget Network2.</summary>
        Finish = 3,
    }

    /// <summary>What the engine knows at a client check: plain data read from the journal, the clock and the store.</summary>
    public sealed class RenewalFacts
    {
        /// <summary>The decision time (a time the clock judge let the engine decide with).</summary>
        public DateTime Now;
        /// <summary>True when ClientCert1 is in the store.</summary>
        public bool HasClientCertificate;
        /// <summary>ClientCert1's validity.</summary>
        public DateTime NotBefore;
        /// <summary>ClientCert1's validity.</summary>
        public DateTime NotAfter;
        /// <summary>When ClientCert1 was installed by a renewal (journal ticks, 0 = unknown).</summary>
        public long InstalledTicks;
        /// <summary>Earliest time of the next attempt after a failure (journal ticks, 0 = none).</summary>
        public long NextAttemptTicks;
        /// <summary>The certificate the issuer gave last already looked due or not yet valid at the time it was installed.</summary>
        public bool ClockDisagrees;
        /// <summary>An issuer is configured.</summary>
        public bool HasIssuer;
        /// <summary>The device is on Network1 now.</summary>
        public bool OnNetwork1;
        /// <summary>The renewal policy.</summary>
        public RenewalPolicy Policy = new RenewalPolicy();
    }

    /// <summary>The decision: what to do, when the certificate falls due, and why.</summary>
    public sealed class RenewalAction
    {
        /// <summary>What to do.</summary>
        public RenewalActionKind Kind;
        /// <summary>When ClientCert1 falls due (MinValue without a certificate).</summary>
        public DateTime RenewAt;
        /// <summary>True when the loop guard replaced the threshold.</summary>
        public bool Clamped;
        /// <summary>The certificate's lifetime (NotAfter - NotBefore), which paces retries.</summary>
        public TimeSpan Lifetime;
        /// <summary>The retry time to keep (ticks): the fact's, or now when that lay implausibly far ahead (saved under a
        /// clock that was wrong, or a policy since shortened).</summary>
        public long NextAttemptTicks;
        /// <summary>Why, in words, for the kinds that report or wait on a condition; empty otherwise.</summary>
        public string Reason = "";
    }

    /// <summary>
    /// What the renewal engine decides, apart from what it does: pure functions of the journal, the clock and the
    /// certificates' times, so that each rule has a table test. The engine (the driver) gathers the facts, asks, and
    /// carries out the answer against the store, the Wi-Fi configuration and the issuer.
    /// </summary>
    public static class RenewalDecision
    {
        /// <summary>Shortest time a renewed certificate is kept before it can fall due again (a backdated or short-lived
        /// certificate must not renew in a loop).</summary>
        public static readonly TimeSpan MinimumKeep = TimeSpan.FromDays(1);

        /// <summary>The client check's decision, in the order of the seed's flow: step 2 (is it due?), the retry and clock
        /// guards, then step 1 (on Network1?).</summary>
        public static RenewalAction Next(RenewalFacts f, string clientCert1, string network1)
        {
            var a = new RenewalAction();
            a.NextAttemptTicks = f.NextAttemptTicks;
            if (!f.HasClientCertificate)
            {
                a.Kind = RenewalActionKind.NoClientCertificate;
                a.Reason = "there is no '" + clientCert1 + "' in the certificate store";
                return a;
            }
            DateTime now = f.Now;
            // Times saved under a clock that was wrong (ahead of now, or outside the certificate's validity) are not trusted.
            DateTime installed = DateTime.MinValue;
            long it = f.InstalledTicks;
            if (it > 0 && it <= now.Ticks && it >= f.NotBefore.Ticks && it <= f.NotAfter.Ticks)
            {
                installed = new DateTime(it, DateTimeKind.Utc);
            }
            TimeSpan life = f.NotAfter - f.NotBefore;
            a.Lifetime = life;
            TimeSpan cap = f.Policy.Retry.For(life);
            if (a.NextAttemptTicks > (now + cap + f.Policy.RetryInitial).Ticks)
            {
                a.NextAttemptTicks = now.Ticks;
            }
            bool clamped;
            DateTime renewAt = f.Policy.RenewAt(f.NotBefore, f.NotAfter, installed, out clamped);
            if (installed != DateTime.MinValue && renewAt < installed + MinimumKeep)
            {
                renewAt = installed + MinimumKeep;
            }
            // Never later than shortly before expiry, whatever the guards above did.
            TimeSpan margin = TimeSpan.FromTicks(life.Ticks / 10 < TimeSpan.TicksPerDay ? life.Ticks / 10 : TimeSpan.TicksPerDay);
            if (renewAt > f.NotAfter - margin)
            {
                renewAt = f.NotAfter - margin;
            }
            a.RenewAt = renewAt;
            a.Clamped = clamped;
            if (now < renewAt)
            {
                a.Kind = RenewalActionKind.NotDue;
            }
            else if (f.ClockDisagrees)
            {
                a.Kind = RenewalActionKind.WaitForClock;
                a.Reason = "the wall clock disagrees with the issuer's last certificate; renewal waits for the clock";
            }
            else if (a.NextAttemptTicks > now.Ticks)
            {
                a.Kind = RenewalActionKind.WaitForRetry;
            }
            else if (!f.HasIssuer)
            {
                a.Kind = RenewalActionKind.NoIssuer;
                a.Reason = "no certificate issuer configured: " + clientCert1 + " is due and cannot be renewed";
            }
            else if (!f.OnNetwork1)
            {
                a.Kind = RenewalActionKind.WaitForNetwork1;
                a.Reason = "not connected to " + network1 + ": the renewal waits";
            }
            else
            {
                a.Kind = RenewalActionKind.Renew;
            }
            return a;
        }

        /// <summary>
        /// When to try again after the <paramref name="failures"/>-th failure in a row (ticks; 0 = at the next check, when
        /// there is no decision time): backoff from <see cref="RenewalPolicy.RetryInitial"/> doubling up to the policy's
        /// retry cap, scaled by the device's jitter, never sooner than the server's <paramref name="retryAfter"/>. A fatal
        /// refusal waits the longest interval: a device must keep trying before its certificate expires.
        /// </summary>
        public static long RetryAt(RenewalPolicy policy, uint seed, DateTime now, TimeSpan lifetime, int failures, bool retryable, TimeSpan retryAfter)
        {
            if (now == DateTime.MinValue)
            {
                return 0;
            }
            if (lifetime <= TimeSpan.Zero)
            {
                lifetime = TimeSpan.FromDays(1);
            }
            int n = retryable ? failures : 64;
            TimeSpan delay = policy.RetryDelay(n, lifetime, DeviceJitter.Factor(seed, failures), retryAfter);
            return (now + delay).Ticks;
        }

        /// <summary>The root CA rotation's next step from the journal's.</summary>
        public static RootAction NextRootStep(RootRotationStep step)
        {
            switch (step)
            {
                case RootRotationStep.NoticeReceived:
                    return RootAction.Prepare;
                case RootRotationStep.WaitingForNetwork2:
                    return RootAction.CheckNetwork2;
                case RootRotationStep.Finishing:
                    return RootAction.Finish;
                default:
                    return RootAction.None;
            }
        }
    }
}
