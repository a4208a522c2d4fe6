using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace NfCerts.Emulators.Est;

/// <summary>A misbehaviour the server can be switched into at runtime, for clients' tests and the fleet rehearsal.</summary>
public enum EstFault
{
    /// <summary>Behave.</summary>
    None,

    /// <summary>Answer 500 Internal Server Error.</summary>
    InternalError,

    /// <summary>Answer 503 Service Unavailable with Retry-After.</summary>
    ServiceUnavailable,

    /// <summary>Send the headers (with the full Content-Length) and half the body, then cut the connection.</summary>
    CutConnection,

    /// <summary>Send the body a few bytes at a time with <see cref="EstServerControls.SlowDelay"/> between them.</summary>
    SlowBody,

    /// <summary>Answer 200 with <c>Content-Type: text/plain</c> instead of the PKCS#7 type.</summary>
    WrongContentType,

    /// <summary>Answer 200 with a body that is base64 of bytes that are not PKCS#7.</summary>
    MalformedBody,

    /// <summary>Issue the certificate with another subject (CN=another-device) than the CSR's.</summary>
    WrongSubject,

    /// <summary>Issue the certificate for a key of the server's choosing instead of the CSR's.</summary>
    WrongKey,

    /// <summary>Answer with a certificate (or, for /cacerts, a CA) from a CA the client has never seen.</summary>
    ForeignCa,

    /// <summary>Read the whole request, then close the connection without a byte of answer: a server that dropped a kept
    /// connection as the request arrived, or crashed after acting on it.</summary>
    CloseWithoutAnswer,
}

/// <summary>
/// What can change while an <see cref="EstServer"/> runs: certificate lifetime and backdating, deferred enrollment (202 +
/// Retry-After), rate limiting (503 + Retry-After) and faults. Thread-safe; each setting applies from the next request on.
/// </summary>
public sealed class EstServerControls
{
    /// <summary>The backdating a server starts with unless told otherwise: one hour, as Let's Encrypt's CA does (see
    /// <see cref="EstServerOptions.Backdate"/>).</summary>
    public static readonly TimeSpan DefaultBackdate = TimeSpan.FromHours(1);

    /// <summary>The longest backdating the emulator is configured with from a scenario or the command line: 48 hours, the
    /// CA/Browser Forum's Baseline Requirements' limit between signing and NotBefore.</summary>
    public static readonly TimeSpan MaxBackdate = TimeSpan.FromDays(2);

    private readonly object _gate = new();
    private readonly Queue<long> _recent = new();
    private TimeSpan _lifetime;
    private TimeSpan _backdate = DefaultBackdate;
    private int _deferCount;
    private int _deferRetryAfter;
    private int _rateLimit;
    private TimeSpan _rateWindow = TimeSpan.FromSeconds(1);
    private int _rateRetryAfter = 1;
    private EstFault _fault;
    private int _faultCount;
    private string[]? _faultOperations;

    internal EstServerControls(TimeSpan lifetime, TimeProvider? clock = null)
    {
        _lifetime = lifetime;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The clock the rate limit's window is measured on (the server's).</summary>
    private readonly TimeProvider _clock;

    /// <summary>Lifetime of the certificates issued from now on.</summary>
    public TimeSpan Lifetime
    {
        get { lock (_gate) { return _lifetime; } }
        set
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(value), "the lifetime must be positive");
            }
            lock (_gate) { _lifetime = value; }
        }
    }

    /// <summary>How far before the moment of issue the NotBefore of certificates issued from now on lies: 0 dates it at the
    /// server's now, a negative value in the future (see <see cref="EstServerOptions.Backdate"/>). Whole seconds count.</summary>
    public TimeSpan Backdate
    {
        get { lock (_gate) { return _backdate; } }
        set { lock (_gate) { _backdate = value; } }
    }

    /// <summary>Send <c>Connection: close</c> with every answer, so that each request needs a connection (and a TLS
    /// handshake) of its own, as servers without persistent connections do. Off by default: Kestrel keeps connections.</summary>
    public bool CloseAfterEachResponse { get; set; }

    /// <summary>Pause between the pieces of a <see cref="EstFault.SlowBody"/> answer (default 1 s).</summary>
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Answer the next <paramref name="count"/> enrollments (simpleenroll, simplereenroll, serverkeygen) with
    /// 202 Accepted and <c>Retry-After: retryAfterSeconds</c>, issuing nothing; 0 stops deferring.</summary>
    public void DeferNext(int count, int retryAfterSeconds = 60)
    {
        lock (_gate)
        {
            _deferCount = Math.Max(count, 0);
            _deferRetryAfter = Math.Max(retryAfterSeconds, 0);
        }
    }

    /// <summary>Answer 503 with <c>Retry-After: retryAfterSeconds</c> to every request above <paramref name="requests"/>
    /// within a sliding <paramref name="window"/> (1 s when null); 0 requests turns the limit off.</summary>
    public void SetRateLimit(int requests, TimeSpan? window = null, int retryAfterSeconds = 1)
    {
        lock (_gate)
        {
            _rateLimit = Math.Max(requests, 0);
            _rateWindow = window ?? TimeSpan.FromSeconds(1);
            _rateRetryAfter = Math.Max(retryAfterSeconds, 0);
            _recent.Clear();
        }
    }

    /// <summary>Misbehave with <paramref name="fault"/> on the next <paramref name="count"/> requests (every one when
    /// null) to <paramref name="operations"/> (e.g. <c>simpleenroll</c>; every operation when none are named).</summary>
    public void SetFault(EstFault fault, int? count = null, params string[] operations)
    {
        lock (_gate)
        {
            _fault = fault;
            _faultCount = count ?? int.MaxValue;
            _faultOperations = operations.Length == 0 ? null : operations;
        }
    }

    /// <summary>Back to normal: no fault, no deferral, no rate limit, persistent connections.</summary>
    public void Reset()
    {
        CloseAfterEachResponse = false;
        SetFault(EstFault.None);
        DeferNext(0);
        SetRateLimit(0);
    }

    /// <summary>Seconds for Retry-After when this request is over the rate limit, else null. Every request counts.</summary>
    internal int? OverRate()
    {
        lock (_gate)
        {
            if (_rateLimit == 0)
            {
                return null;
            }
            long now = _clock.GetTimestamp();
            while (_recent.Count > 0 && _clock.GetElapsedTime(_recent.Peek(), now) >= _rateWindow)
            {
                _recent.Dequeue();
            }
            if (_recent.Count >= _rateLimit)
            {
                return _rateRetryAfter;
            }
            _recent.Enqueue(now);
            return null;
        }
    }

    /// <summary>The fault for this request to <paramref name="operation"/>, counted as used.</summary>
    internal EstFault TakeFault(string operation)
    {
        lock (_gate)
        {
            if (_fault == EstFault.None || _faultCount <= 0
                || (_faultOperations != null && Array.IndexOf(_faultOperations, operation) < 0))
            {
                return EstFault.None;
            }
            if (_faultCount != int.MaxValue)
            {
                _faultCount--;
            }
            return _fault;
        }
    }

    /// <summary>Seconds for Retry-After when this enrollment is deferred, counted as used; else null.</summary>
    internal int? TakeDeferral()
    {
        lock (_gate)
        {
            if (_deferCount == 0)
            {
                return null;
            }
            _deferCount--;
            return _deferRetryAfter;
        }
    }
}
