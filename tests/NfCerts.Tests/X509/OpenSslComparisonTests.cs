using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.IO;
using System.Linq;
using NfCerts.Core.X509;
using Xunit;

namespace NfCerts.Tests.X509
{
    /// <summary>Every field the reader reports, held against what the real openssl prints for the same DER.</summary>
    public sealed class OpenSslComparisonTests : IClassFixture<CertificateCorpus>
    {
        private readonly CertificateCorpus _corpus;

        public OpenSslComparisonTests(CertificateCorpus corpus)
        {
            _corpus = corpus;
        }

        public static TheoryData<string> Cases => new(CertificateCorpus.Names);

        /// <summary>The Mozilla roots Debian ships (about 140 real CA certificates).</summary>
        public static TheoryData<string> SystemRoots
        {
            get
            {
                const string dir = "/usr/share/ca-certificates/mozilla";
                var data = new TheoryData<string>();
                if (Directory.Exists(dir))
                {
                    foreach (string file in Directory.GetFiles(dir, "*.crt").OrderBy(f => f, StringComparer.Ordinal))
                    {
                        data.Add(Path.GetFileName(file));
                    }
                }
                else
                {
                    data.Add("(ca-certificates not installed)");
                }

                return data;
            }
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Corpus_certificate_matches_openssl(string name)
        {
            AssertMatchesOpenSsl(_corpus[name]);
        }

        [Theory]
        [MemberData(nameof(SystemRoots))]
        public void Debian_root_matches_openssl(string file)
        {
            string path = Path.Combine("/usr/share/ca-certificates/mozilla", file);
            Assert.True(File.Exists(path), "Debian's ca-certificates must be installed: " + path);
            byte[] pem = File.ReadAllBytes(path);

            CertificateInfo info = PemOrDer.ReadCertificate(pem);

            Assert.Equal(CertificateCorpus.PemToDer(File.ReadAllText(path)), info.RawData);
            AssertMatchesOpenSsl(info.RawData);
        }

        [Fact]
        public void Baltimore_CyberTrust_Root_reads_as_published()
        {
            CertificateInfo info = CertificateInfo.Parse(_corpus["debian-baltimore-cybertrust-root"]);

            Assert.Equal("CN=Baltimore CyberTrust Root,OU=CyberTrust,O=Baltimore,C=IE", info.Subject.Name);
            Assert.Equal(info.Subject.Name, info.Issuer.Name);
            Assert.Equal("020000b9", info.SerialNumberHex);
            Assert.Equal(new DateTime(2000, 5, 12, 18, 46, 0, DateTimeKind.Utc), info.NotBefore);
            Assert.Equal(new DateTime(2025, 5, 12, 23, 59, 0, DateTimeKind.Utc), info.NotAfter);
            Assert.Equal(DateTimeKind.Utc, info.NotAfter.Kind);
            Assert.Equal(3, info.Version);
            Assert.Equal(KeyAlgorithm.Rsa, info.PublicKeyAlgorithm);
            Assert.Equal(2048, info.PublicKeySize);
            Assert.True(info.IsCa);
            Assert.Equal(3, info.PathLengthConstraint);
        }

        [Fact]
        public void DigiCert_Global_Root_G2_reads_as_published()
        {
            CertificateInfo info = CertificateInfo.Parse(_corpus["debian-digicert-global-root-g2"]);

            Assert.Equal("CN=DigiCert Global Root G2,OU=www.digicert.com,O=DigiCert Inc,C=US", info.Subject.Name);
            Assert.Equal("033af1e6a711a9a0bb2864b11d09fae5", info.SerialNumberHex);
            Assert.Equal(new DateTime(2013, 8, 1, 12, 0, 0, DateTimeKind.Utc), info.NotBefore);
            Assert.Equal(new DateTime(2038, 1, 15, 12, 0, 0, DateTimeKind.Utc), info.NotAfter);
            Assert.Equal("rsaEncryption", info.PublicKeyAlgorithmName);
            Assert.True(info.IsCa);
            Assert.Equal(-1, info.PathLengthConstraint);
        }

        [Fact]
        public void Multi_valued_rdns_print_last_to_first_joined_by_plus()
        {
            CertificateInfo info = CertificateInfo.Parse(_corpus["raw-multivalued-rdns"]);

            Assert.Equal("UID=y+CN=x,CN=Name+OU=Unit+O=Org,C=US", info.Subject.Name);
        }

        [Fact]
        public void Escaping_follows_openssl_including_its_one_character_quirk()
        {
            CertificateInfo info = CertificateInfo.Parse(_corpus["raw-escaping"]);

            Assert.Equal(
                "CN=,CN=\\# #,CN=mid # and  space,CN=\\01\\7F\\09tab,CN==x=,CN=\\ \\ ,CN=\\ ,CN=#,CN=a\\,b\\+c\\;d\\<e\\>f\\\\g\\\"h,CN=trail\\ ,CN=\\ lead,CN=\\#lead",
                info.Subject.Name);
        }

        [Fact]
        public void Times_follow_the_rfc5280_century_rule_and_clamp_to_nanoframework_range()
        {
            CertificateInfo bounds = CertificateInfo.Parse(_corpus["raw-time-utc-1950-2049"]);
            Assert.Equal(new DateTime(1950, 1, 1, 0, 0, 0, DateTimeKind.Utc), bounds.NotBefore);
            Assert.Equal(new DateTime(2049, 12, 31, 23, 59, 59, DateTimeKind.Utc), bounds.NotAfter);

            CertificateInfo generalized = CertificateInfo.Parse(_corpus["net-p521-generalized-times"]);
            Assert.Equal(new DateTime(1949, 6, 30, 23, 59, 58, DateTimeKind.Utc), generalized.NotBefore);
            Assert.Equal(new DateTime(2050, 1, 1, 0, 0, 0, DateTimeKind.Utc), generalized.NotAfter);

            Assert.Equal(DerReader.MaxTime, CertificateInfo.Parse(_corpus["raw-time-9999"]).NotAfter);
            Assert.Equal(new DateTime(3000, 12, 31, 23, 59, 59, DateTimeKind.Utc), DerReader.MaxTime);
            Assert.Equal(DerReader.MinTime, CertificateInfo.Parse(_corpus["raw-time-1500"]).NotBefore);
            Assert.Equal(new DateTime(1601, 1, 1, 0, 0, 0, DateTimeKind.Utc), DerReader.MinTime);
        }

        [Fact]
        public void Serials_print_as_openssl_magnitudes_in_lowercase()
        {
            Assert.Equal("00", CertificateInfo.Parse(_corpus["raw-serial-zero"]).SerialNumberHex);
            Assert.Equal("-01", CertificateInfo.Parse(_corpus["raw-serial-minus-one"]).SerialNumberHex);
            Assert.Equal("-81", CertificateInfo.Parse(_corpus["raw-serial-minus-128"]).SerialNumberHex);
            CertificateInfo high = CertificateInfo.Parse(_corpus["net-serial-high-bit"]);
            Assert.Equal(new byte[] { 0x00, 0xF0, 0x0D, 0xBE, 0xEF, 0x00, 0x01 }, high.SerialNumber);
            Assert.Equal("f00dbeef0001", high.SerialNumberHex);
        }

        [Fact]
        public void Key_algorithms_and_sizes_are_reported()
        {
            CertificateInfo rsa = CertificateInfo.Parse(_corpus["net-rsa4096-ca"]);
            Assert.Equal((KeyAlgorithm.Rsa, 4096, "1.2.840.113549.1.1.1"), (rsa.PublicKeyAlgorithm, rsa.PublicKeySize, rsa.PublicKeyAlgorithmOid));
            Assert.True(rsa.IsCa);
            Assert.Equal(2, rsa.PathLengthConstraint);

            foreach ((string name, string curve, int bits, string oid) in new[]
            {
                ("net-p256-leaf-from-rsa4096", "P-256", 256, "1.2.840.10045.3.1.7"), ("net-p384-string-types", "P-384", 384, "1.3.132.0.34"),
                ("net-p521-generalized-times", "P-521", 521, "1.3.132.0.35"), ("raw-secp256k1", "secp256k1", 256, "1.3.132.0.10"),
            })
            {
                CertificateInfo ec = CertificateInfo.Parse(_corpus[name]);
                Assert.Equal((KeyAlgorithm.Ec, "id-ecPublicKey", curve, oid, bits), (ec.PublicKeyAlgorithm, ec.PublicKeyAlgorithmName, ec.CurveName, ec.CurveOid, ec.PublicKeySize));
            }

            CertificateInfo ed = CertificateInfo.Parse(_corpus["openssl-ed25519"]);
            Assert.Equal((KeyAlgorithm.Ed25519, "ED25519", 256), (ed.PublicKeyAlgorithm, ed.PublicKeyAlgorithmName, ed.PublicKeySize));
            CertificateInfo pss = CertificateInfo.Parse(_corpus["openssl-rsa-pss"]);
            Assert.Equal((KeyAlgorithm.RsaPss, 2048), (pss.PublicKeyAlgorithm, pss.PublicKeySize));
            Assert.False(CertificateInfo.Parse(_corpus["net-p256-leaf-from-rsa4096"]).IsCa);
            Assert.False(CertificateInfo.Parse(_corpus["raw-v1"]).HasBasicConstraints);
        }

        [Fact]
        public void A_certificate_inside_a_larger_array_is_read_and_copied()
        {
            byte[] der = _corpus["net-p256-leaf-from-rsa4096"];
            byte[] padded = Der.Concat(new byte[] { 1, 2, 3 }, der, new byte[] { 4, 5 });

            CertificateInfo info = CertificateInfo.Parse(padded, 3, der.Length);

            Assert.Equal(der, info.RawData);
            Assert.Same(der, CertificateInfo.Parse(der).RawData);
        }

        private static void AssertMatchesOpenSsl(byte[] der)
        {
            CertificateInfo info = CertificateInfo.Parse(der);
            OpenSsl.Fields expected = OpenSsl.Describe(der);

            Assert.Equal(expected.Subject, info.Subject.Name);
            Assert.Equal(expected.Issuer, info.Issuer.Name);
            Assert.Equal(expected.Serial, info.SerialNumberHex.ToUpperInvariant());
            Assert.Equal(info.SerialNumberHex.ToLowerInvariant(), info.SerialNumberHex);
            Assert.Equal(expected.NotBefore, info.NotBefore);
            Assert.Equal(expected.NotAfter, info.NotAfter);
            Assert.Equal(expected.Version, info.Version);
            Assert.Equal(expected.PublicKeyAlgorithm, info.PublicKeyAlgorithmName);
            if (expected.PublicKeyBits.HasValue)
            {
                Assert.Equal(expected.PublicKeyBits.Value, info.PublicKeySize);
            }

            if (expected.NistCurve != null)
            {
                Assert.Equal(expected.NistCurve, info.CurveName);
            }
            else if (expected.Asn1CurveOid == "secp256k1")
            {
                Assert.Equal("secp256k1", info.CurveName);
            }

            Assert.Equal(expected.IsCa.HasValue, info.HasBasicConstraints);
            Assert.Equal(expected.IsCa ?? false, info.IsCa);
            Assert.Equal(expected.PathLength ?? -1, info.PathLengthConstraint);
            Assert.Same(der, info.RawData);

            // The raw names are the exact TBS elements (read independently with System.Formats.Asn1).
            (byte[] issuer, byte[] subject) = TbsNames(der);
            Assert.Equal(issuer, info.Issuer.RawData);
            Assert.Equal(subject, info.Subject.RawData);
            Assert.Equal(info.Subject.Name, DistinguishedName.Parse(subject).Name);
        }

        private static (byte[] Issuer, byte[] Subject) TbsNames(byte[] der)
        {
            var certificate = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
            AsnReader tbs = certificate.ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                tbs.ReadEncodedValue();
            }

            tbs.ReadEncodedValue();
            tbs.ReadEncodedValue();
            byte[] issuer = tbs.ReadEncodedValue().ToArray();
            tbs.ReadEncodedValue();
            byte[] subject = tbs.ReadEncodedValue().ToArray();
            return (issuer, subject);
        }
    }
}
