using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace NfCerts.Emulators.Est;

/// <summary>Who a request came from, as far as the server could verify.</summary>
/// <param name="BasicUser">The HTTP Basic user when valid credentials were sent, else null.</param>
/// <param name="Certificate">The TLS client certificate when it verified, else null.</param>
/// <param name="IssuedByEst">True when <paramref name="Certificate"/> chains to the EST CA (a current certificate), false
/// when it chains to a bootstrap CA.</param>
internal sealed record EstCaller(string? BasicUser, X509Certificate2? Certificate, bool IssuedByEst)
{
    public string Describe() => Certificate != null ? "cert:" + Certificate.Subject : "basic:" + BasicUser;
}

/// <summary>
/// Checks HTTP Basic credentials (constant-time) and TLS client certificates: a certificate counts when it chains, at the
/// server's clock, to the EST root or to a configured bootstrap CA, with clientAuth allowed; revocation is not checked.
/// </summary>
internal sealed class EstAuthentication
{
    private readonly EstCa _ca;
    private readonly IReadOnlyList<X509Certificate2> _bootstrap;
    private readonly byte[]? _basic;
    private readonly TimeProvider _clock;

    public EstAuthentication(EstCa ca, EstServerOptions options)
    {
        _ca = ca;
        _bootstrap = options.BootstrapCas;
        _clock = options.Clock;
        _basic = options.User == null ? null : Encoding.UTF8.GetBytes(options.User + ":" + (options.Password ?? ""));
        BasicUser = options.User;
    }

    public string? BasicUser { get; }

    public bool BasicEnabled => _basic != null;

    public EstCaller Authenticate(string? authorization, X509Certificate2? clientCertificate)
    {
        string? user = CheckBasic(authorization);
        if (clientCertificate != null && Verify(clientCertificate, out bool issuedByEst))
        {
            return new EstCaller(user, clientCertificate, issuedByEst);
        }
        return new EstCaller(user, null, false);
    }

    private string? CheckBasic(string? authorization)
    {
        if (_basic == null || authorization == null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        byte[] sent;
        try
        {
            sent = Convert.FromBase64String(authorization.Substring(6).Trim());
        }
        catch (FormatException)
        {
            return null;
        }
        return CryptographicOperations.FixedTimeEquals(sent, _basic) ? BasicUser : null;
    }

    private bool Verify(X509Certificate2 certificate, out bool issuedByEst)
    {
        issuedByEst = false;
        if (TryChain(certificate, new[] { _ca.Root }, _ca.HasIntermediate ? new[] { _ca.Issuing } : Array.Empty<X509Certificate2>()))
        {
            issuedByEst = true;
            return true;
        }
        var roots = new List<X509Certificate2>();
        var extra = new List<X509Certificate2>();
        foreach (X509Certificate2 c in _bootstrap)
        {
            (c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData) ? roots : extra).Add(c);
        }
        return roots.Count > 0 && TryChain(certificate, roots, extra);
    }

    private bool TryChain(X509Certificate2 certificate, IEnumerable<X509Certificate2> roots, IEnumerable<X509Certificate2> extra)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _clock.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        foreach (X509Certificate2 r in roots)
        {
            chain.ChainPolicy.CustomTrustStore.Add(r);
        }
        foreach (X509Certificate2 e in extra)
        {
            chain.ChainPolicy.ExtraStore.Add(e);
        }
        return chain.Build(certificate);
    }
}
