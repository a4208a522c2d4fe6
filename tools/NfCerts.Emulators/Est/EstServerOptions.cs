using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace NfCerts.Emulators.Est;

/// <summary>
/// How an <see cref="EstServer"/> is set up. Plain data; everything but <see cref="Directory"/> has a default. What can
/// change while the server runs (lifetime, deferral, rate limit, faults) is in <see cref="EstServerControls"/>.
/// </summary>
public sealed class EstServerOptions
{
    /// <summary>Where the CA keys and certificates, the TLS server credential, <c>config.json</c> and the issued-certificate
    /// log (<c>issued.jsonl</c>) live. Created when missing; a restart on the same directory keeps the CA and the log.</summary>
    public required string Directory { get; init; }

    /// <summary>TCP port on 127.0.0.1; 0 (the default) takes a free one (<see cref="EstServer.Port"/> tells which).</summary>
    public int Port { get; init; }

    /// <summary>Lifetime of issued certificates from the moment of issue (default 1 day, as the seed's libest test server;
    /// NotBefore lies <see cref="Backdate"/> earlier); minutes work too.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How far before the moment of issue issued certificates' NotBefore lies (default 1 hour). Real CAs backdate so
    /// that a certificate is valid at once for a client whose clock is a little behind: Let's Encrypt by one hour, and the
    /// CA/Browser Forum's requirements allow up to 48 hours. Zero dates NotBefore at the server's now (what a CA with no
    /// backdating does, and what a device must cope with too); a negative value dates it in the future (a CA with a wrong
    /// clock or profile, a fault for clients' tests). Changeable while the server runs: <see cref="EstServerControls.Backdate"/>.</summary>
    public TimeSpan Backdate { get; init; } = EstServerControls.DefaultBackdate;

    /// <summary>The labels served besides the unlabelled path (<c>/.well-known/est/LABEL/...</c>); other labels get 404.</summary>
    public IReadOnlyList<string> Labels { get; init; } = Array.Empty<string>();

    /// <summary>HTTP Basic user name; null turns Basic authentication off (then only TLS client certificates enroll).</summary>
    public string? User { get; init; }

    /// <summary>HTTP Basic password (with <see cref="User"/>).</summary>
    public string? Password { get; init; }

    /// <summary>The realm of the <c>WWW-Authenticate: Basic</c> challenge.</summary>
    public string Realm { get; init; } = "estrealm";

    /// <summary>CAs whose certificates (bootstrap credentials installed at manufacture) may authenticate
    /// <c>/simpleenroll</c> and <c>/serverkeygen</c> over TLS. Certificates issued by the EST CA itself always may.</summary>
    public IReadOnlyList<X509Certificate2> BootstrapCas { get; init; } = Array.Empty<X509Certificate2>();

    /// <summary>RSA 2048 CA keys instead of ECDSA P-256 (only when the CA is first made; a restart keeps the existing CA).</summary>
    public bool Rsa { get; init; }

    /// <summary>Issue from an intermediate CA under the root (only when the CA is first made): enroll answers then carry
    /// the leaf and the intermediate, <c>/cacerts</c> both CA certificates.</summary>
    public bool Intermediate { get; init; }

    /// <summary>What <c>/csrattrs</c> asks for, and what enrollments must then carry; null answers 204 (no attributes).</summary>
    public EstCsrAttributes? CsrAttributes { get; init; }

    /// <summary>The clock that dates issued certificates and checks client certificates (a virtual clock in device-life
    /// emulations). Rate limiting and slow responses use real time.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Also send <c>Content-Transfer-Encoding: base64</c>, for clients written to RFC 7030 before RFC 8951 (whose
    /// errata 5107 says servers should omit it). Off by default.</summary>
    public bool SendContentTransferEncoding { get; init; }

    /// <summary>Largest request body accepted (a base64 CSR); larger ones get 413 before anything is parsed.</summary>
    public int MaxRequestBytes { get; init; } = 16 * 1024;
}

/// <summary>The CSR attributes the server asks for (RFC 7030 4.5) and, where it says so, requires.</summary>
public sealed class EstCsrAttributes
{
    /// <summary>OID of the PKCS#9 challengePassword attribute.</summary>
    public const string ChallengePasswordOid = "1.2.840.113549.1.9.7";

    /// <summary>Ask for a challengePassword; enrollments without one get 400.</summary>
    public bool RequireChallengePassword { get; init; }

    /// <summary>When set (with <see cref="RequireChallengePassword"/>), the challengePassword must equal it.</summary>
    public string? ChallengePassword { get; init; }

    /// <summary>Extensions the CSR should request, listed in an extensionRequest attribute (e.g. <c>2.5.29.17</c>, SAN).</summary>
    public IReadOnlyList<string> RequestedExtensions { get; init; } = Array.Empty<string>();

    /// <summary>Refuse (400) an enrollment whose CSR lacks one of <see cref="RequestedExtensions"/>.</summary>
    public bool RequireRequestedExtensions { get; init; }

    /// <summary>Further bare OIDs to list (a key algorithm such as <c>1.2.840.10045.2.1</c>, a hash such as
    /// <c>2.16.840.1.101.3.4.2.1</c>); advice only.</summary>
    public IReadOnlyList<string> Oids { get; init; } = Array.Empty<string>();
}
