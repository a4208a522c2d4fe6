using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace NfCerts.Emulators.Est;

/// <summary>How a desktop client trusts the EST server: its TLS certificate must name the host and chain to the EST root
/// (RFC 7030 3.6: explicit trust anchors), nothing from the system store.</summary>
public static class EstTrust
{
    /// <summary>A <see cref="RemoteCertificateValidationCallback"/> body: true when <paramref name="presented"/> names the
    /// host and chains to <paramref name="root"/> alone (no revocation check).</summary>
    public static bool ServerChainsTo(X509Certificate2 root, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented == null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        using X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        return chain.Build(leaf);
    }
}
