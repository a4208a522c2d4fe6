using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// Classifies what <c>eapol_test</c> (wpa_supplicant 2.10) printed into a <see cref="WifiConnectResult"/>. Its exit
    /// code is 0 on success and the same for every failure, so the outcome is read from these markers, in this order:
    /// </summary>
    /// <remarks>
    /// <list type="table">
    /// <item><term><c>CTRL-EVENT-EAP-TLS-CERT-ERROR reason=R depth=D subject='S' err='E'</c></term>
    /// <description><see cref="WifiFailureReason.ServerCertificateNotTrusted"/>, depth D, subject S converted to RFC 2253, detail E
    /// (also for a <c>domain_suffix_match</c> mismatch).</description></item>
    /// <item><term>exit 0, <c>CTRL-EVENT-EAP-SUCCESS</c>, last line <c>SUCCESS</c></term><description><see cref="WifiFailureReason.None"/>.</description></item>
    /// <item><term><c>EAPOL test timed out</c></term><description><see cref="WifiFailureReason.Timeout"/> (no server, or a wrong shared
    /// secret: RADIUS servers drop such packets without answering).</description></item>
    /// <item><term><c>Access-Reject</c> or <c>CTRL-EVENT-EAP-FAILURE</c> after the device sent its certificate
    /// (<c>SSL_connect:SSLv3/TLS write client certificate</c>)</term><description><see cref="WifiFailureReason.ClientCertificateRejected"/>,
    /// with the server's TLS alert in the detail when it sent one.</description></item>
    /// <item><term><c>Access-Reject</c> or <c>CTRL-EVENT-EAP-FAILURE</c> before that</term><description><see cref="WifiFailureReason.AuthenticationFailed"/>
    /// (EAP-TLS or the identity refused).</description></item>
    /// <item><term>anything else</term><description><see cref="WifiFailureReason.AuthenticationFailed"/>.</description></item>
    /// </list>
    /// <para>The output contains session keys (MSK, MPPE keys) at eapol_test's default debug level, so it is never copied into a
    /// result whole: details are built from the matched lines only.</para>
    /// </remarks>
    public static class EapolTestOutput
    {
        private static readonly Regex CertError = new Regex(
            @"CTRL-EVENT-EAP-TLS-CERT-ERROR reason=(?<reason>\d+) depth=(?<depth>\d+) subject='(?<subject>.*)' err='(?<err>.*)'",
            RegexOptions.CultureInvariant);

        private static readonly Regex RemoteAlert = new Regex(
            @"SSL3 alert: read \(remote end reported an error\):fatal:(?<alert>.+)$", RegexOptions.CultureInvariant);

        /// <summary>Classifies one run of eapol_test from its exit code and standard output.</summary>
        public static WifiConnectResult Classify(int exitCode, string output)
        {
            ArgumentNullException.ThrowIfNull(output);
            var lines = output.Split('\n');
            bool success = false, timedOut = false, rejected = false, sentClientCertificate = false, refused = false;
            string? alert = null;
            string last = "";
            foreach (var raw in lines)
            {
                var line = raw.TrimEnd('\r');
                if (line.Length == 0)
                {
                    continue;
                }
                last = line;
                var m = CertError.Match(line);
                if (m.Success)
                {
                    int depth = int.Parse(m.Groups["depth"].Value, CultureInfo.InvariantCulture);
                    var subject = DistinguishedNames.FromOpenSslOneLine(m.Groups["subject"].Value);
                    return new WifiConnectResult(WifiFailureReason.ServerCertificateNotTrusted, depth, subject,
                        "the device does not trust the server certificate: " + m.Groups["err"].Value + " (depth " + depth + ", " + subject + ")");
                }
                if (line.StartsWith("CTRL-EVENT-EAP-SUCCESS", StringComparison.Ordinal))
                {
                    success = true;
                }
                else if (line.StartsWith("EAPOL test timed out", StringComparison.Ordinal))
                {
                    timedOut = true;
                }
                else if (line.Contains("(Access-Reject)", StringComparison.Ordinal) || line.StartsWith("CTRL-EVENT-EAP-FAILURE", StringComparison.Ordinal))
                {
                    rejected = true;
                }
                else if (line.Contains("SSL_connect:SSLv3/TLS write client certificate", StringComparison.Ordinal))
                {
                    sentClientCertificate = true;
                }
                else if (line.StartsWith("recvmsg[RADIUS]: Connection refused", StringComparison.Ordinal))
                {
                    refused = true;
                }
                else
                {
                    var a = RemoteAlert.Match(line);
                    if (a.Success)
                    {
                        alert ??= a.Groups["alert"].Value.Trim();
                    }
                }
            }
            if (exitCode == 0 && success && last == "SUCCESS")
            {
                return new WifiConnectResult(WifiFailureReason.None, -1, null, "EAP-TLS authentication succeeded");
            }
            if (timedOut && !rejected)
            {
                return new WifiConnectResult(WifiFailureReason.Timeout, -1, null, refused
                    ? "no RADIUS server listens on that port"
                    : "no answer from the RADIUS server (down, unreachable or a different shared secret)");
            }
            if (rejected && sentClientCertificate)
            {
                return new WifiConnectResult(WifiFailureReason.ClientCertificateRejected, -1, null,
                    "the server rejected the client certificate" + (alert != null ? ": TLS alert '" + alert + "'" : " (Access-Reject)"));
            }
            if (rejected)
            {
                return new WifiConnectResult(WifiFailureReason.AuthenticationFailed, -1, null,
                    "the server rejected the authentication before the client certificate was sent" + (alert != null ? ": TLS alert '" + alert + "'" : ""));
            }
            return new WifiConnectResult(WifiFailureReason.AuthenticationFailed, -1, null,
                "eapol_test failed (exit code " + exitCode + ") without a recognised outcome");
        }
    }
}
