using System;
using System.Collections.Generic;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace NfCerts.Emulators.Hub.Rest;

/// <summary>How the operator clients check an emulator's HTTPS certificate: against the emulator's own roots only.</summary>
internal static class RestTrust
{
    /// <summary>The server's chain is valid up to one of <paramref name="roots"/> and its name matches the host.</summary>
    public static bool TrustedBy(X509Certificate2Collection roots, X509Certificate2? leaf, X509Chain? sent, SslPolicyErrors errors)
    {
        if (leaf == null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        foreach (X509ChainElement e in sent?.ChainElements ?? (IEnumerable<X509ChainElement>)Array.Empty<X509ChainElement>())
        {
            chain.ChainPolicy.ExtraStore.Add(e.Certificate);
        }
        return chain.Build(leaf);
    }
}
