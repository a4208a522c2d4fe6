using System;
using System.Security.Cryptography.X509Certificates;

namespace NfCerts.Hal.Host
{
    /// <summary>The server name check of an EAP-TLS profile (wpa_supplicant's <c>domain_suffix_match</c>).</summary>
    public static class ServerNames
    {
        /// <summary>
        /// True when a DNS name of <paramref name="certificate"/> equals <paramref name="domain"/> or ends with "." and it,
        /// ignoring case and a trailing dot. The names are the subject alternative name's dNSName entries, or the subject's
        /// CN when there are none.
        /// </summary>
        public static bool MatchesDomainSuffix(X509Certificate2 certificate, string domain)
        {
            ArgumentNullException.ThrowIfNull(certificate);
            ArgumentNullException.ThrowIfNull(domain);
            var suffix = domain.TrimEnd('.');
            if (suffix.Length == 0)
            {
                return false;
            }
            bool anyDns = false;
            foreach (var extension in certificate.Extensions)
            {
                if (extension is X509SubjectAlternativeNameExtension san)
                {
                    foreach (var name in san.EnumerateDnsNames())
                    {
                        anyDns = true;
                        if (Matches(name, suffix))
                        {
                            return true;
                        }
                    }
                }
            }
            if (anyDns)
            {
                return false;
            }
            var cn = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            return !string.IsNullOrEmpty(cn) && Matches(cn, suffix);
        }

        private static bool Matches(string name, string suffix)
        {
            var n = name.TrimEnd('.');
            if (n.Equals(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            return n.Length > suffix.Length
                && n.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && n[n.Length - suffix.Length - 1] == '.';
        }
    }
}
