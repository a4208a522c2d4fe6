using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Radio
{
    /// <summary>The classification of eapol_test's output, on excerpts of real runs (wpa_supplicant 2.10 against FreeRADIUS 3.2.1).</summary>
    public class EapolTestOutputTests
    {
        private const string Start =
            "CTRL-EVENT-EAP-STARTED EAP authentication started\n" +
            "RADIUS message: code=1 (Access-Request) identifier=0 length=134\n" +
            "RADIUS message: code=11 (Access-Challenge) identifier=0 length=64\n" +
            "CTRL-EVENT-EAP-METHOD EAP vendor 0 method 13 (TLS) selected\n" +
            "SSL: Using TLS version TLSv1.3\n";

        [Fact]
        public void SuccessNeedsExitZeroTheSuccessEventAndTheFinalLine()
        {
            var output = Start +
                "CTRL-EVENT-EAP-PEER-CERT depth=0 subject='/CN=radius.example.com' hash=ab\n" +
                "EAP: Status notification: remote certificate verification (param=success)\n" +
                "SSL: SSL_connect:SSLv3/TLS write client certificate\n" +
                "RADIUS message: code=2 (Access-Accept) identifier=3 length=172\n" +
                "CTRL-EVENT-EAP-SUCCESS EAP authentication completed successfully\n" +
                "MPPE keys OK: 1  mismatch: 0\n" +
                "SUCCESS\n";
            Assert.Equal(WifiFailureReason.None, EapolTestOutput.Classify(0, output).Reason);
            Assert.NotEqual(WifiFailureReason.None, EapolTestOutput.Classify(252, output).Reason);
            Assert.NotEqual(WifiFailureReason.None, EapolTestOutput.Classify(0, output.Replace("SUCCESS\n", "FAILURE\n")).Reason);
        }

        [Fact]
        public void CertificateErrorGivesDepthAndRfc2253Subject()
        {
            var output = Start +
                "TLS: Certificate verification failed, error 20 (unable to get local issuer certificate) depth 0 for '/C=DE/O=Acme, Inc/CN=radius1.example.com'\n" +
                "CTRL-EVENT-EAP-TLS-CERT-ERROR reason=1 depth=0 subject='/C=DE/O=Acme, Inc/CN=radius1.example.com' err='unable to get local issuer certificate'\n" +
                "SSL: SSL3 alert: write (local SSL3 detected an error):fatal:unknown CA\n" +
                "RADIUS message: code=3 (Access-Reject) identifier=2 length=44\n" +
                "CTRL-EVENT-EAP-FAILURE EAP authentication failed\n" +
                "FAILURE\n";
            var r = EapolTestOutput.Classify(252, output);
            Assert.Equal(WifiFailureReason.ServerCertificateNotTrusted, r.Reason);
            Assert.Equal(0, r.CertDepth);
            Assert.Equal("CN=radius1.example.com,O=Acme\\, Inc,C=DE", r.CertSubject);
            Assert.Contains("unable to get local issuer certificate", r.Detail);
        }

        [Fact]
        public void CertificateErrorAtDepthOneAndDomainMismatch()
        {
            var r = EapolTestOutput.Classify(252, Start +
                "CTRL-EVENT-EAP-TLS-CERT-ERROR reason=4 depth=1 subject='/CN=Intermediate/O=Test' err='certificate has expired'\nFAILURE\n");
            Assert.Equal(WifiFailureReason.ServerCertificateNotTrusted, r.Reason);
            Assert.Equal(1, r.CertDepth);
            Assert.Equal("O=Test,CN=Intermediate", r.CertSubject);

            r = EapolTestOutput.Classify(252, Start +
                "CTRL-EVENT-EAP-TLS-CERT-ERROR reason=9 depth=0 subject='/CN=radius.example.com' err='Domain suffix mismatch'\nFAILURE\n");
            Assert.Equal(WifiFailureReason.ServerCertificateNotTrusted, r.Reason);
            Assert.Contains("Domain suffix mismatch", r.Detail);
        }

        [Fact]
        public void RejectAfterTheClientCertificateWasSentIsAClientCertificateRejection()
        {
            var output = Start +
                "EAP: Status notification: remote certificate verification (param=success)\n" +
                "SSL: SSL_connect:SSLv3/TLS read finished\n" +
                "SSL: SSL_connect:SSLv3/TLS write client certificate\n" +
                "SSL: SSL_connect:SSLv3/TLS write finished\n" +
                "RADIUS message: code=3 (Access-Reject) identifier=3 length=44\n" +
                "CTRL-EVENT-EAP-FAILURE EAP authentication failed\n" +
                "FAILURE\n";
            var r = EapolTestOutput.Classify(252, output);
            Assert.Equal(WifiFailureReason.ClientCertificateRejected, r.Reason);
            Assert.Equal(-1, r.CertDepth);

            var withAlert = output.Replace("SSL: SSL_connect:SSLv3/TLS write finished\n",
                "SSL: SSL3 alert: read (remote end reported an error):fatal:certificate expired\n");
            r = EapolTestOutput.Classify(252, withAlert);
            Assert.Equal(WifiFailureReason.ClientCertificateRejected, r.Reason);
            Assert.Contains("certificate expired", r.Detail);
        }

        [Fact]
        public void RejectBeforeTheClientCertificateIsAnAuthenticationFailure()
        {
            var r = EapolTestOutput.Classify(252, Start +
                "RADIUS message: code=3 (Access-Reject) identifier=1 length=44\nCTRL-EVENT-EAP-FAILURE EAP authentication failed\nFAILURE\n");
            Assert.Equal(WifiFailureReason.AuthenticationFailed, r.Reason);
        }

        [Fact]
        public void SilenceIsATimeout()
        {
            var refused = "Sending RADIUS message to authentication server\nrecvmsg[RADIUS]: Connection refused\nEAPOL test timed out\nFAILURE\n";
            var r = EapolTestOutput.Classify(252, refused);
            Assert.Equal(WifiFailureReason.Timeout, r.Reason);
            Assert.Contains("no RADIUS server listens", r.Detail);

            var dropped = "Sending RADIUS message to authentication server\nNext RADIUS client retransmit in 3 seconds\nEAPOL test timed out\nFAILURE\n";
            Assert.Equal(WifiFailureReason.Timeout, EapolTestOutput.Classify(252, dropped).Reason);
        }

        [Fact]
        public void UnrecognisedOutputIsAnAuthenticationFailureThatDoesNotEchoTheOutput()
        {
            var output = "EAP-TLS: Derived key - hexdump(len=64): 70 cc b8 62 3e\nOpenSSL: tls_connection_private_key - Failed\nFAILURE\n";
            var r = EapolTestOutput.Classify(252, output);
            Assert.Equal(WifiFailureReason.AuthenticationFailed, r.Reason);
            Assert.DoesNotContain("70 cc", r.Detail);
            Assert.DoesNotContain("hexdump", r.Detail);
        }
    }
}
