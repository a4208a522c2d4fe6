using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Host
{
    public class CertificateRequestTests
    {
        private readonly HostKeyVault _vault = new HostKeyVault();

        [Theory]
        [InlineData(KeyAlgorithm.EcP256)]
        [InlineData(KeyAlgorithm.Rsa2048)]
        public void AGeneratedKeysRequestVerifiesWithOpenSslAndKeepsTheSubjectOrder(KeyAlgorithm algorithm)
        {
            byte[] key = _vault.GenerateKey(algorithm);
            byte[] csr = _vault.CreateCertificateRequest(key, "CN=device-001,O=Contoso,C=DE");

            using var dir = new TempDir();
            string path = dir.Write("device.csr", csr);
            OpenSsl.Result verify = OpenSsl.Run("req", "-in", path, "-inform", "DER", "-verify", "-noout", "-subject");
            Assert.Equal(0, verify.ExitCode);
            Assert.Contains("self-signature verify OK", verify.StdErr + verify.StdOut); // the exit code alone proves nothing on 3.0

            // OpenSSL's default output lists RDNs in DER order: RFC 4514's last RDN (C) comes first.
            Assert.Equal("subject=C = DE, O = Contoso, CN = device-001", verify.StdOut.Trim());
            string rfc = OpenSsl.Ok("req", "-in", path, "-inform", "DER", "-noout", "-subject", "-nameopt", "RFC2253");
            Assert.Equal("subject=CN=device-001,O=Contoso,C=DE", rfc.Trim());

            CertificateRequest loaded = CertificateRequest.LoadSigningRequest(csr, HashAlgorithmName.SHA256);
            using AsymmetricAlgorithm own = algorithm == KeyAlgorithm.EcP256 ? ECDsa.Create() : RSA.Create();
            own.ImportPkcs8PrivateKey(key, out _);
            Assert.Equal(own.ExportSubjectPublicKeyInfo(), loaded.PublicKey.ExportSubjectPublicKeyInfo());
        }

        [Fact]
        public void OpenSslRejectsATamperedRequest()
        {
            byte[] csr = _vault.CreateCertificateRequest(TestKeys.Ec1.Pkcs8, "CN=device-001");
            csr[^2] ^= 0x01; // inside the signature

            using var dir = new TempDir();
            string path = dir.Write("tampered.csr", csr);
            OpenSsl.Result verify = OpenSsl.Run("req", "-in", path, "-inform", "DER", "-verify", "-noout");

            // OpenSSL 3.0 exits 0 even when the self-signature does not verify, so read what it says.
            string said = verify.StdErr + verify.StdOut;
            Assert.Contains("verify failure", said);
            Assert.DoesNotContain("verify OK", said);
        }

        [Theory]
        [InlineData("rsa", "pkcs1")]
        [InlineData("ec", "sec1")]
        public void RequestsCanBeMadeFromTraditionalKeyEncodings(string algorithm, string format)
        {
            TestKeys keys = TestKeys.Get(algorithm, 1);
            byte[] csr = _vault.CreateCertificateRequest(keys.Encoding(format), "CN=device-002");

            CertificateRequest loaded = CertificateRequest.LoadSigningRequest(csr, HashAlgorithmName.SHA256);
            Assert.Equal(keys.Key.ExportSubjectPublicKeyInfo(), loaded.PublicKey.ExportSubjectPublicKeyInfo());
        }

        [Fact]
        public void EscapesMultiValuedRdnsAndNonAsciiSurviveTheRoundTripThroughOpenSsl()
        {
            byte[] csr = _vault.CreateCertificateRequest(TestKeys.Ec1.Pkcs8, @"CN=Contoso\, Ltd+UID=dev-7,OU=M\C3\BCller Fleet,O=Ä \#1");

            using var dir = new TempDir();
            string path = dir.Write("escapes.csr", csr);
            string subject = OpenSsl.Ok("req", "-in", path, "-inform", "DER", "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb,utf8");

            Assert.Equal(@"subject=UID=dev-7+CN=Contoso\, Ltd,OU=Müller Fleet,O=Ä #1", subject.Trim());
        }

        [Fact]
        public void TheParserWritesRdnsInReverseTextOrderWithTheRightStringTypes()
        {
            X500DistinguishedName name = Rfc4514Name.Parse("CN=device-001 , o = Contoso,C=DE,emailAddress=ops@contoso.example,DC=example");

            Assert.Equal(
                new[]
                {
                    "0.9.2342.19200300.100.1.25 IA5String example",
                    "1.2.840.113549.1.9.1 IA5String ops@contoso.example",
                    "2.5.4.6 PrintableString DE",
                    "2.5.4.10 UTF8String Contoso",
                    "2.5.4.3 UTF8String device-001",
                },
                DerOrder(name));
        }

        [Theory]
        [InlineData(@"CN=a\,b", "2.5.4.3 UTF8String a,b")]
        [InlineData(@"CN=\ padded\ ", "2.5.4.3 UTF8String  padded ")]
        [InlineData(@"CN=\#hash", "2.5.4.3 UTF8String #hash")]
        [InlineData(@"CN=x\3Dy\\z", @"2.5.4.3 UTF8String x=y\z")]
        [InlineData("cn=lower", "2.5.4.3 UTF8String lower")]
        [InlineData("2.5.4.3=dotted", "2.5.4.3 UTF8String dotted")]
        [InlineData("OID.2.5.4.3=prefixed", "2.5.4.3 UTF8String prefixed")]
        [InlineData("CN=#0C03616263", "2.5.4.3 UTF8String abc")]
        [InlineData("CN=#13036162 63", null)]
        [InlineData("1.3.6.1.4.1.311.60.2.1.3=DE", "1.3.6.1.4.1.311.60.2.1.3 UTF8String DE")]
        [InlineData("CN=a=b#c", "2.5.4.3 UTF8String a=b#c")]
        public void ValuesAreUnescapedAsRfc4514Says(string text, string? expected)
        {
            if (expected == null)
            {
                Assert.Throws<FormatException>(() => Rfc4514Name.Parse(text));
                return;
            }

            Assert.Equal(expected, Assert.Single(DerOrder(Rfc4514Name.Parse(text))));
        }

        [Fact]
        public void AMultiValuedRdnIsOneSetSortedAsDerRequires()
        {
            X500DistinguishedName name = Rfc4514Name.Parse("OU=Fleet+OU=Edge,O=Contoso");

            var outer = new AsnReader(name.RawData, AsnEncodingRules.DER).ReadSequence();
            outer.ReadSetOf(); // O=Contoso
            AsnReader rdn = outer.ReadSetOf();
            Assert.False(outer.HasData);
            Assert.Equal("Edge", ReadUtf8Value(rdn));
            Assert.Equal("Fleet", ReadUtf8Value(rdn));
            Assert.False(rdn.HasData);
        }

        [Theory]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData("CN")]
        [InlineData("CN=")]
        [InlineData("CN=  ")]
        [InlineData("CN=a,")]
        [InlineData("CN=a,,O=b")]
        [InlineData("FOO=bar")]
        [InlineData("3.1=bad-oid")]
        [InlineData("C=DEU")]
        [InlineData("C=D€")]
        [InlineData("emailAddress=ü@example.com")]
        [InlineData(@"CN=trailing\")]
        [InlineData(@"CN=bad\q")]
        [InlineData(@"CN=\C3")]
        [InlineData("CN=semi;colon")]
        [InlineData("CN=\"quoted\"")]
        [InlineData("CN=#0C0361")]
        [InlineData("CN=#zz")]
        public void BadSubjectsAreInvalidData(string subject)
        {
            Assert.Throws<FormatException>(() => Rfc4514Name.Parse(subject));
            KeyVaultException ex = Assert.Throws<KeyVaultException>(() => _vault.CreateCertificateRequest(TestKeys.Ec1.Pkcs8, subject));
            Assert.Equal(KeyVaultError.InvalidData, ex.Error);
            HostKeyVaultTests.AssertNoKeyMaterial(ex.Message, TestKeys.Ec1.Pkcs8);
        }

        private static string ReadUtf8Value(AsnReader rdn)
        {
            AsnReader attribute = rdn.ReadSequence();
            attribute.ReadObjectIdentifier();
            return attribute.ReadCharacterString(UniversalTagNumber.UTF8String);
        }

        private static List<string> DerOrder(X500DistinguishedName name)
        {
            var result = new List<string>();
            AsnReader rdns = new AsnReader(name.RawData, AsnEncodingRules.DER).ReadSequence();
            while (rdns.HasData)
            {
                AsnReader rdn = rdns.ReadSetOf();
                while (rdn.HasData)
                {
                    AsnReader attribute = rdn.ReadSequence();
                    string oid = attribute.ReadObjectIdentifier();
                    var tag = (UniversalTagNumber)attribute.PeekTag().TagValue;
                    result.Add($"{oid} {tag} {attribute.ReadCharacterString(tag)}");
                }
            }

            return result;
        }
    }
}
