using System;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Radio
{
    /// <summary>Subjects, server names, chain verdicts and key loading, checked against OpenSSL where it has an opinion.</summary>
    public class CertificateHelpersTests
    {
        private static X509Certificate2 SelfSigned(X500DistinguishedName name, params string[] dns)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var req = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
            if (dns.Length > 0)
            {
                var san = new SubjectAlternativeNameBuilder();
                foreach (var d in dns)
                {
                    san.AddDnsName(d);
                }
                req.CertificateExtensions.Add(san.Build());
            }
            return req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        }

        private static string OpenSslSubject(X509Certificate2 cert)
        {
            var psi = new ProcessStartInfo("openssl") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { "x509", "-noout", "-subject", "-nameopt", "RFC2253" })
            {
                psi.ArgumentList.Add(a);
            }
            using var p = Process.Start(psi)!;
            p.StandardInput.Write(cert.ExportCertificatePem());
            p.StandardInput.Close();
            var line = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
            Assert.StartsWith("subject=", line);
            return line.Substring("subject=".Length);
        }

        [Fact]
        public void SubjectsAreFormattedExactlyAsOpenSslRfc2253()
        {
            var names = new[]
            {
                new X500DistinguishedName("CN=radius.example.com, O=\"Acme, Inc\", C=DE"),
                new X500DistinguishedName("CN=device-001"),
                Build(b =>
                {
                    b.AddDomainComponent("com");
                    b.AddDomainComponent("example");
                    b.AddOrganizationalUnitName("R&D + QA; <lab>");
                    b.AddCommonName("#not a hex value ");
                    b.AddEmailAddress("ops@example.com");
                }),
                Build(b =>
                {
                    b.AddCountryOrRegion("US");
                    b.AddStateOrProvinceName("WA");
                    b.AddLocalityName("Red\\mond");
                    b.Add("2.5.4.5", "SN 0001");
                    b.Add("0.9.2342.19200300.100.1.1", "uid-7");
                    b.AddCommonName("say \"hi\"");
                }),
            };
            foreach (var name in names)
            {
                using var cert = SelfSigned(name);
                Assert.Equal(OpenSslSubject(cert), DistinguishedNames.Subject(cert));
            }
        }

        private static X500DistinguishedName Build(Action<X500DistinguishedNameBuilder> build)
        {
            var b = new X500DistinguishedNameBuilder();
            build(b);
            return b.Build();
        }

        [Theory]
        [InlineData("/C=DE/O=Acme, Inc/CN=radius1.example.com", "CN=radius1.example.com,O=Acme\\, Inc,C=DE")]
        [InlineData("/CN=Root CA 1/O=Test", "O=Test,CN=Root CA 1")]
        [InlineData("/O=a/b c/CN=x", "CN=x,O=a/b c")]
        [InlineData("/CN=device-untrusted", "CN=device-untrusted")]
        [InlineData("CN=already,O=rfc", "CN=already,O=rfc")]
        public void OpenSslOneLineNamesAreConverted(string oneLine, string expected)
        {
            Assert.Equal(expected, DistinguishedNames.FromOpenSslOneLine(oneLine));
        }

        [Theory]
        [InlineData("example.com", true)]
        [InlineData("radius.example.com", true)]
        [InlineData("RADIUS.Example.COM.", true)]
        [InlineData("dius.example.com", false)]
        [InlineData("example.org", false)]
        [InlineData("", false)]
        public void DomainSuffixMatchesOnLabelBoundaries(string domain, bool matches)
        {
            using var cert = SelfSigned(new X500DistinguishedName("CN=unrelated.test"), "radius.example.com", "alt.example.net");
            Assert.Equal(matches, ServerNames.MatchesDomainSuffix(cert, domain));
        }

        [Fact]
        public void WithoutDnsNamesTheCommonNameIsMatched()
        {
            using var cert = SelfSigned(new X500DistinguishedName("CN=radius.example.com"));
            Assert.True(ServerNames.MatchesDomainSuffix(cert, "example.com"));
            Assert.False(ServerNames.MatchesDomainSuffix(cert, "example.org"));
        }

        [Fact]
        public void ChainProblemsNameTheOffendingCertificateLikeOpenSsl()
        {
            var now = DateTime.UtcNow;
            using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var rootReq = new CertificateRequest("CN=Root", rootKey, HashAlgorithmName.SHA256);
            rootReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            using var root = rootReq.CreateSelfSigned(now.AddYears(-10), now.AddYears(10));

            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caReq = new CertificateRequest("CN=Short-lived Intermediate", caKey, HashAlgorithmName.SHA256);
            caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            using var caPub = caReq.Create(root, now.AddYears(-2), now.AddYears(-1), new byte[] { 1 });
            using var ca = caPub.CopyWithPrivateKey(caKey);

            using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var leafReq = new CertificateRequest("CN=leaf", leafKey, HashAlgorithmName.SHA256);
            leafReq.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid(ChainJudge.ClientAuthOid) }, false));
            using var leaf = leafReq.Create(ca, now.AddYears(-2).AddDays(1), now.AddYears(-1).AddDays(-1), new byte[] { 2 });

            var roots = new X509Certificate2Collection(root);
            var extra = new X509Certificate2Collection(ca);

            Assert.Null(ChainJudge.Check(leaf, extra, roots, now.AddDays(-500), ChainJudge.ClientAuthOid));

            var expired = ChainJudge.Check(leaf, extra, roots, now, ChainJudge.ClientAuthOid)!;
            Assert.Equal("certificate has expired", expired.Reason);
            Assert.Equal(1, expired.Depth); // from the top down, as OpenSSL reports it
            Assert.Equal("CN=Short-lived Intermediate", expired.Subject);

            var purpose = ChainJudge.Check(leaf, extra, roots, now.AddDays(-500), ChainJudge.ServerAuthOid)!;
            Assert.Equal("unsupported certificate purpose", purpose.Reason);
            Assert.Equal(0, purpose.Depth);

            var missing = ChainJudge.Check(leaf, null, roots, now.AddDays(-500), ChainJudge.ClientAuthOid)!;
            Assert.Equal("unable to get local issuer certificate", missing.Reason);
            Assert.Equal(0, missing.Depth);

            var otherRoot = ChainJudge.Check(leaf, new X509Certificate2Collection { ca, root }, new X509Certificate2Collection(TestPki.Instance.RootCA1), now.AddDays(-500), ChainJudge.ClientAuthOid)!;
            Assert.Equal("self-signed certificate in certificate chain", otherRoot.Reason);
            Assert.Equal(2, otherRoot.Depth);
            Assert.Equal("CN=Root", otherRoot.Subject);
        }

        [Fact]
        public void ClientCredentialsRejectPemWrongKeysAndGarbage()
        {
            var pki = TestPki.Instance;
            var der = pki.Client.RawData;
            var key = TestPki.KeyDer(pki.Client, TestPki.KeyFormat.Pkcs8);
            using (var ok = EapCredentials.LoadClientCertificate(der, key))
            {
                Assert.True(ok.HasPrivateKey);
            }
            var pem = Encoding.ASCII.GetBytes(pki.Client.ExportCertificatePem());
            Assert.Contains("not DER", Assert.Throws<EapCredentialException>(() => EapCredentials.LoadClientCertificate(pem, key)).Message);
            var keyPem = Encoding.ASCII.GetBytes(new string(PemEncoding.Write("PRIVATE KEY", key)));
            var e = Assert.Throws<EapCredentialException>(() => EapCredentials.LoadClientCertificate(der, keyPem));
            Assert.Contains("not DER", e.Message);
            Assert.DoesNotContain(Convert.ToBase64String(key).Substring(0, 20), e.Message);
            e = Assert.Throws<EapCredentialException>(() => EapCredentials.LoadClientCertificate(der, TestPki.KeyDer(pki.RogueClient, TestPki.KeyFormat.Pkcs8)));
            Assert.Contains("does not belong", e.Message);
            Assert.Throws<EapCredentialException>(() => EapCredentials.LoadClientCertificate(der, TestPki.KeyDer(pki.RsaClient, TestPki.KeyFormat.Raw)));
            Assert.Throws<EapCredentialException>(() => EapCredentials.LoadClientCertificate(new byte[] { 0x30, 0x03, 1, 2, 3 }, key));
        }

        [Fact]
        public void ExportedKeyPemRoundTripsAndOnlyCarriesTheKey()
        {
            var pki = TestPki.Instance;
            var pem = EapCredentials.ExportPrivateKeyPem(pki.Client);
            var text = Encoding.ASCII.GetString(pem);
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----", text);
            using var ec = ECDsa.Create();
            ec.ImportFromPem(text);
            using var pub = pki.Client.GetECDsaPublicKey()!;
            Assert.Equal(pub.ExportSubjectPublicKeyInfo(), ec.ExportSubjectPublicKeyInfo());
        }

        [Fact]
        public void RequestChecksNameWhatIsMissing()
        {
            var r = new WifiConnectRequest { Ssid = "x", Security = WifiSecurity.Wpa2EapTls, ClientCertificate = new byte[] { 0x30 } };
            var result = EapCredentials.CheckEapTlsRequest(r)!;
            Assert.Equal(WifiFailureReason.InvalidRequest, result.Reason);
            Assert.Contains("private key", result.Detail);
        }
    }
}
