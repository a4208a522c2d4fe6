using System;
using System.Collections.Generic;
using NfCerts.Core.Renewal;
using NfCerts.Hal.Host;
using NfCerts.Tests.Support;

namespace NfCerts.Tests.Renewal
{
    /// <summary>A local CA that issues client certificates at the world's true time (a CA keeps a correct clock, whatever
    /// the device's says), and can be told to fail.</summary>
    public sealed class TestCaIssuer : ICertificateIssuer
    {
        private readonly Issued _ca;
        private readonly VirtualClock _clock;

        public TestCaIssuer(Issued ca, VirtualClock clock)
        {
            _ca = ca;
            _clock = clock;
        }

        /// <summary>Lifetime of issued certificates.</summary>
        public TimeSpan Lifetime = TimeSpan.FromDays(90);
        /// <summary>How far NotBefore lies before the issue time.</summary>
        public TimeSpan Backdate = TimeSpan.FromHours(1);
        /// <summary>Thrown, one per call, before issuing.</summary>
        public readonly Queue<Exception> Failures = new();
        /// <summary>When set, issue from this CA instead (a certificate the RADIUS server will refuse).</summary>
        public Issued? WrongCa;
        /// <summary>When set, issue from this intermediate CA (under the root the server trusts) and return it as the chain.</summary>
        public Issued? Intermediate;
        /// <summary>When set, return another key than the certificate's (the store refuses the pair).</summary>
        public bool MismatchedKey;
        /// <summary>The key array the last credential carried (the engine is to clear it once it is installed or refused).</summary>
        public byte[]? LastKey;
        public int Calls;
        public Issued? LastIssued;
        public readonly List<DateTime> CallTimes = new();

        public IssuedCredential Issue(IssueRequest request)
        {
            Calls++;
            CallTimes.Add(_clock.UtcNow);
            if (Failures.Count > 0)
            {
                throw Failures.Dequeue();
            }
            var now = new DateTimeOffset(_clock.TrueUtc, TimeSpan.Zero);
            LastIssued = TestPki.Client(WrongCa ?? Intermediate ?? _ca, "device-001", now - Backdate, now + Lifetime);
            LastKey = MismatchedKey ? TestPki.Client(_ca, "device-001", now - Backdate, now + Lifetime).Pkcs8 : LastIssued.Pkcs8;
            return Intermediate == null ? new IssuedCredential(LastIssued.Der, LastKey)
                : new IssuedCredential(LastIssued.Der, LastKey, Intermediate.Der);
        }
    }
}
