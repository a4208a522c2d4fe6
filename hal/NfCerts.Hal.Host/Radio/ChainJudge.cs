using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NfCerts.Hal.Host
{
    /// <summary>Why a certificate chain was refused: the offending certificate's depth (0 = leaf) and subject, and an OpenSSL-style reason.</summary>
    public sealed class ChainProblem
    {
        internal ChainProblem(int depth, string subject, string reason)
        {
            Depth = depth;
            Subject = subject;
            Reason = reason;
        }

        /// <summary>Depth of the offending certificate, 0 = leaf.</summary>
        public int Depth { get; }

        /// <summary>Its subject, RFC 2253 style (<see cref="DistinguishedNames"/>).</summary>
        public string Subject { get; }

        /// <summary>The reason in OpenSSL's words ("certificate has expired", "unable to get local issuer certificate").</summary>
        public string Reason { get; }

        /// <inheritdoc/>
        public override string ToString()
        {
            return Reason + " (depth " + Depth + ", " + Subject + ")";
        }
    }

    /// <summary>
    /// Validates a peer's chain the way an EAP-TLS peer does: only against the given roots (never a system store), at a
    /// given time, without revocation checks or downloads, requiring the extended key usage if the certificate has the
    /// extension. Problems are reported in the order OpenSSL finds them: broken trust first, then key usage and CA
    /// constraints, then validity periods from the root down.
    /// </summary>
    public static class ChainJudge
    {
        /// <summary>OID of the TLS server authentication extended key usage.</summary>
        public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

        /// <summary>OID of the TLS client authentication extended key usage.</summary>
        public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

        /// <summary>
        /// Checks <paramref name="leaf"/> (with the <paramref name="extra"/> certificates the peer sent) against
        /// <paramref name="roots"/> at <paramref name="utcNow"/>; null when the chain is good.
        /// </summary>
        public static ChainProblem? Check(X509Certificate2 leaf, X509Certificate2Collection? extra, X509Certificate2Collection roots,
            DateTime utcNow, string requiredUsageOid, bool checkTime = true)
        {
            ArgumentNullException.ThrowIfNull(leaf);
            ArgumentNullException.ThrowIfNull(roots);
            using var chain = new X509Chain();
            X509ChainPolicy policy = Policy(roots, utcNow, requiredUsageOid);
            if (extra != null)
            {
                policy.ExtraStore.AddRange(extra);
            }
            if (!checkTime)
            {
                policy.VerificationFlags |= X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreCtlNotTimeValid;
            }
            chain.ChainPolicy = policy;
            try
            {
                if (chain.Build(leaf))
                {
                    return null;
                }
                return Classify(chain, DateTime.SpecifyKind(utcNow, DateTimeKind.Utc));
            }
            finally
            {
                foreach (var element in chain.ChainElements)
                {
                    var c = element.Certificate;
                    if (!ReferenceEquals(c, leaf) && !roots.Contains(c) && (extra == null || !extra.Contains(c)))
                    {
                        c.Dispose();
                    }
                }
            }
        }

        /// <summary>
        /// Why a TLS client refuses the server <paramref name="certificate"/> that <see cref="System.Net.Security.SslStream"/>
        /// hands its validation callback (with the chain it built from what the server sent, and its name check), judged
        /// against <paramref name="roots"/> at <paramref name="utcNow"/>; null when the server is trusted.
        /// </summary>
        public static string? ServerProblem(X509Certificate? certificate, X509Chain? chain, System.Net.Security.SslPolicyErrors errors,
            X509Certificate2Collection roots, DateTime utcNow)
        {
            if (certificate is not X509Certificate2 leaf)
            {
                return "the server sent no certificate";
            }
            if ((errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return "the server's certificate does not name the host";
            }
            var extra = new X509Certificate2Collection();
            if (chain != null)
            {
                foreach (X509ChainElement element in chain.ChainElements)
                {
                    extra.Add(element.Certificate);
                }
            }
            return Check(leaf, extra, roots, utcNow, ServerAuthOid)?.ToString();
        }

        /// <summary>
        /// The chain policy of a peer that trusts <paramref name="roots"/> only (none: nothing), at <paramref name="utcNow"/>,
        /// without revocation checks or downloads, requiring <paramref name="requiredUsageOid"/> if given. Set as an
        /// <see cref="System.Net.Security.SslClientAuthenticationOptions.CertificateChainPolicy"/> (or the server's), it
        /// also keeps .NET from building the peer's chain against the machine's whole trust store before the validation
        /// callback, which costs more than the handshake on OpenSSL 3. A new policy per connection: .NET adds the peer's
        /// certificates to its extra store.
        /// </summary>
        public static X509ChainPolicy Policy(X509Certificate2Collection? roots, DateTime utcNow, string? requiredUsageOid)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
                DisableCertificateDownloads = true,
                VerificationTime = DateTime.SpecifyKind(utcNow, DateTimeKind.Utc),
            };
            if (roots != null)
            {
                policy.CustomTrustStore.AddRange(roots);
            }
            if (requiredUsageOid != null)
            {
                policy.ApplicationPolicy.Add(new Oid(requiredUsageOid));
            }
            return policy;
        }

        private static ChainProblem Classify(X509Chain chain, DateTime utcNow)
        {
            var elements = chain.ChainElements;
            int top = elements.Count - 1;
            var all = X509ChainStatusFlags.NoError;
            foreach (var s in chain.ChainStatus)
            {
                all |= s.Status;
            }
            for (int i = 0; i <= top; i++)
            {
                all |= Flags(elements[i]);
            }

            if ((all & X509ChainStatusFlags.PartialChain) != 0)
            {
                return Problem(elements[top], top, "unable to get local issuer certificate");
            }
            if ((all & X509ChainStatusFlags.UntrustedRoot) != 0)
            {
                return Problem(elements[top], top, top == 0 ? "self-signed certificate" : "self-signed certificate in certificate chain");
            }
            for (int i = 0; i <= top; i++)
            {
                var f = Flags(elements[i]);
                if ((f & X509ChainStatusFlags.NotSignatureValid) != 0)
                {
                    return Problem(elements[i], i, "certificate signature failure");
                }
                if ((f & X509ChainStatusFlags.InvalidBasicConstraints) != 0)
                {
                    return Problem(elements[i], i, "invalid CA certificate");
                }
                if ((f & (X509ChainStatusFlags.NotValidForUsage | X509ChainStatusFlags.InvalidExtension)) != 0)
                {
                    return Problem(elements[i], i, "unsupported certificate purpose");
                }
            }
            if ((all & X509ChainStatusFlags.NotValidForUsage) != 0)
            {
                // Reported for the chain as a whole: it is the leaf whose usage does not fit.
                return Problem(elements[0], 0, "unsupported certificate purpose");
            }
            for (int i = top; i >= 0; i--)
            {
                if ((Flags(elements[i]) & X509ChainStatusFlags.NotTimeValid) != 0)
                {
                    var c = elements[i].Certificate;
                    return Problem(elements[i], i, utcNow < c.NotBefore.ToUniversalTime() ? "certificate is not yet valid" : "certificate has expired");
                }
            }
            for (int i = 0; i <= top; i++)
            {
                var f = Flags(elements[i]);
                if (f != X509ChainStatusFlags.NoError)
                {
                    return Problem(elements[i], i, "certificate verify failed (" + f + ")");
                }
            }
            return Problem(elements[0], 0, "certificate verify failed (" + all + ")");
        }

        private static X509ChainStatusFlags Flags(X509ChainElement element)
        {
            var f = X509ChainStatusFlags.NoError;
            foreach (var s in element.ChainElementStatus)
            {
                f |= s.Status;
            }
            return f;
        }

        private static ChainProblem Problem(X509ChainElement element, int depth, string reason)
        {
            return new ChainProblem(depth, DistinguishedNames.Subject(element.Certificate), reason);
        }
    }
}
