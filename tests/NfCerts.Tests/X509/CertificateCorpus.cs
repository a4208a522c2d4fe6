using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace NfCerts.Tests.X509
{
    /// <summary>
    /// A varied corpus of certificates, built once per test run and shared by the test classes that take it as a
    /// fixture (RSA 4096 key generation is slow): made by .NET's
    /// CertificateRequest, by hand field by field (string types, escaping, odd serials and times), by openssl itself
    /// (Ed25519, RSA-PSS, multi-valued RDNs from -subj), and the real Baltimore CyberTrust Root and DigiCert Global
    /// Root G2.
    /// </summary>
    public sealed class CertificateCorpus
    {
        public static readonly string[] Names =
        {
            "net-rsa2048-selfsigned", "net-rsa4096-ca", "net-p256-leaf-from-rsa4096", "net-p384-string-types", "net-p521-generalized-times",
            "net-p256-utctime-bounds", "net-serial-high-bit",
            "raw-multivalued-rdns", "raw-escaping", "raw-string-types", "raw-all-octets", "raw-unknown-and-dumped", "raw-attribute-names",
            "raw-empty-subject", "raw-empty-rdn", "raw-v1", "raw-v2", "raw-serial-zero", "raw-serial-minus-one", "raw-serial-minus-128",
            "raw-serial-20-octets", "raw-serial-40-octets", "raw-time-9999", "raw-time-1500", "raw-time-leap-day", "raw-time-utc-1950-2049",
            "raw-ca-pathlen-0", "raw-basic-constraints-empty", "raw-empty-extensions", "raw-secp256k1",
            "openssl-ed25519", "openssl-rsa-pss", "openssl-p256-subj",
            "debian-baltimore-cybertrust-root", "debian-digicert-global-root-g2",
        };

        private static readonly Lazy<Dictionary<string, byte[]>> Shared = new(() =>
        {
            var certificates = new Dictionary<string, byte[]>();
            _ = new CertificateCorpus(certificates);
            return certificates;
        });

        private readonly Dictionary<string, byte[]> _certificates;

        public CertificateCorpus()
        {
            _certificates = Shared.Value;
        }

        private CertificateCorpus(Dictionary<string, byte[]> certificates)
        {
            _certificates = certificates;
            using RSA rsa2048 = RSA.Create(2048);
            using RSA rsa4096 = RSA.Create(4096);
            using ECDsa p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using ECDsa p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            using ECDsa p521 = ECDsa.Create(ECCurve.NamedCurves.nistP521);
            DateTimeOffset start = new(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);

            var req = new CertificateRequest("CN=Test RSA 2048, O=nf.Certs, C=DE", rsa2048, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            Add("net-rsa2048-selfsigned", req.CreateSelfSigned(start, start.AddYears(1)));

            var caName = new X500DistinguishedNameBuilder();
            caName.AddDomainComponent("com");
            caName.AddDomainComponent("example");
            caName.AddCountryOrRegion("DE");
            caName.AddStateOrProvinceName("Bayern");
            caName.AddLocalityName("München");
            caName.AddOrganizationName("nf.Certs Test, Inc.");
            caName.AddOrganizationalUnitName("R&D + QA");
            caName.AddCommonName("Root CA 4096");
            caName.AddEmailAddress("ca@example.com");
            X500DistinguishedName caSubject = caName.Build();
            var caReq = new CertificateRequest(caSubject, rsa4096, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1);
            caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 2, true));
            X509Certificate2 ca = caReq.Create(caSubject, X509SignatureGenerator.CreateForRSA(rsa4096, RSASignaturePadding.Pkcs1),
                start, start.AddYears(20), new byte[] { 0x4A, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07 });
            Add("net-rsa4096-ca", ca);

            var leafReq = new CertificateRequest("CN=device-001, OU=Devices, O=nf.Certs", p256, HashAlgorithmName.SHA256);
            leafReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            Add("net-p256-leaf-from-rsa4096", leafReq.Create(caSubject, X509SignatureGenerator.CreateForRSA(rsa4096, RSASignaturePadding.Pkcs1),
                start, start.AddDays(90), new byte[] { 0x11, 0x22, 0x33 }));

            var typed = new X500DistinguishedNameBuilder();
            typed.Add("2.5.4.6", "FR", System.Formats.Asn1.UniversalTagNumber.PrintableString);
            typed.Add("2.5.4.10", "Société Générale", System.Formats.Asn1.UniversalTagNumber.UTF8String);
            typed.Add("2.5.4.11", "Printable Unit", System.Formats.Asn1.UniversalTagNumber.PrintableString);
            typed.Add("2.5.4.11", "BMP unit é€", System.Formats.Asn1.UniversalTagNumber.BMPString);
            typed.Add("1.2.840.113549.1.9.1", "user@example.org", System.Formats.Asn1.UniversalTagNumber.IA5String);
            typed.Add("2.5.4.3", "東京 Zürich 𝄞", System.Formats.Asn1.UniversalTagNumber.UTF8String);
            AddSelfSigned("net-p384-string-types", new CertificateRequest(typed.Build(), p384, HashAlgorithmName.SHA384), start, start.AddYears(2));

            // Outside 1950-2049 .NET (as RFC 5280 requires) writes GeneralizedTime.
            AddSelfSigned("net-p521-generalized-times", new CertificateRequest("CN=P-521 long life", p521, HashAlgorithmName.SHA512),
                new DateTimeOffset(1949, 6, 30, 23, 59, 58, TimeSpan.Zero), new DateTimeOffset(2050, 1, 1, 0, 0, 0, TimeSpan.Zero));
            AddSelfSigned("net-p256-utctime-bounds", new CertificateRequest("CN=UTCTime bounds", p256, HashAlgorithmName.SHA256),
                new DateTimeOffset(1950, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2049, 12, 31, 23, 59, 59, TimeSpan.Zero));
            var highBit = new CertificateRequest("CN=serial with the high bit", p256, HashAlgorithmName.SHA256);
            Add("net-serial-high-bit", highBit.Create(new X500DistinguishedName("CN=serial with the high bit"),
                X509SignatureGenerator.CreateForECDsa(p256), start, start.AddYears(1), new byte[] { 0xF0, 0x0D, 0xBE, 0xEF, 0x00, 0x01 }));

            AddRaw();
            AddFromOpenSsl();
            _certificates["debian-baltimore-cybertrust-root"] = DebianRoot("Baltimore_CyberTrust_Root");
            _certificates["debian-digicert-global-root-g2"] = DebianRoot("DigiCert_Global_Root_G2");

            string[] missing = Names.Where(n => !_certificates.ContainsKey(n)).ToArray();
            if (missing.Length > 0)
            {
                throw new InvalidOperationException("corpus cases not built: " + string.Join(", ", missing));
            }
        }

        /// <summary>A copy of the named certificate's DER (tests may mutate it).</summary>
        public byte[] this[string name] => (byte[])_certificates[name].Clone();

        /// <summary>
        /// A root from Debian's ca-certificates (/usr/share/ca-certificates/mozilla). A copy taken from
        /// ca-certificates 20230311+deb12u1 is in X509/Data, used when the package no longer ships the root
        /// (Baltimore expired in 2025), and checked equal to the package's copy when both exist.
        /// </summary>
        public static byte[] DebianRoot(string fileName)
        {
            string committed = Path.Combine(DataDirectory(), fileName + ".pem");
            byte[] committedDer = PemToDer(File.ReadAllText(committed));
            string system = Path.Combine("/usr/share/ca-certificates/mozilla", fileName + ".crt");
            if (File.Exists(system))
            {
                byte[] systemDer = PemToDer(File.ReadAllText(system));
                if (!systemDer.AsSpan().SequenceEqual(committedDer))
                {
                    throw new InvalidOperationException(fileName + ": the committed copy differs from ca-certificates' copy");
                }

                return systemDer;
            }

            return committedDer;
        }

        public static string DataDirectory() => Path.Combine(AppContext.BaseDirectory, "X509", "Data");

        public static byte[] PemToDer(string pem)
        {
            return X509Certificate2.CreateFromPem(pem).RawData;
        }

        private void Add(string name, X509Certificate2 certificate)
        {
            _certificates[name] = certificate.RawData;
            certificate.Dispose();
        }

        private void AddSelfSigned(string name, CertificateRequest request, DateTimeOffset notBefore, DateTimeOffset notAfter)
        {
            Add(name, request.CreateSelfSigned(notBefore, notAfter));
        }

        private void AddRaw()
        {
            _certificates["raw-multivalued-rdns"] = new CertBuilder
            {
                Subject = Der.Name(
                    new[] { Der.Ava("2.5.4.6", Der.Printable("US")) },
                    new[] { Der.Ava("2.5.4.10", Der.Utf8("Org")), Der.Ava("2.5.4.11", Der.Utf8("Unit")), Der.Ava("2.5.4.3", Der.Utf8("Name")) },
                    new[] { Der.Ava("2.5.4.3", Der.Utf8("x")), Der.Ava("0.9.2342.19200300.100.1.1", Der.Utf8("y")) }),
            }.Build();

            string[] awkward = { "#lead", " lead", "trail ", "a,b+c;d<e>f\\g\"h", "#", " ", "  ", "=x=", "\u0001\u007f\ttab", "mid # and  space", "# #", "" };
            _certificates["raw-escaping"] = new CertBuilder
            {
                Subject = Der.Name(awkward.Select(v => new[] { Der.Ava("2.5.4.3", Der.Utf8(v)) }).ToArray()),
                Issuer = Der.Name(awkward.Select(v => new[] { Der.Ava("2.5.4.10", Der.Printable(v.Replace("\u0001", "").Replace("\u007f", ""))) }).ToArray()),
            }.Build();

            _certificates["raw-string-types"] = new CertBuilder
            {
                Subject = Der.Name(
                    new[] { Der.Ava("2.5.4.3", 0x0C, Encoding.UTF8.GetBytes("UTF8 äöü ß € 中文 😀")) },
                    new[] { Der.Ava("2.5.4.3", 0x13, Encoding.ASCII.GetBytes("Printable (A-Z) 0-9 '+,-./:=?")) },
                    new[] { Der.Ava("2.5.4.3", 0x16, Encoding.ASCII.GetBytes("ia5@example.com")) },
                    new[] { Der.Ava("2.5.4.3", 0x14, Encoding.Latin1.GetBytes("T61 café")) },
                    new[] { Der.Ava("2.5.4.3", 0x1E, Encoding.BigEndianUnicode.GetBytes(" BMP é€ ")) },
                    new[] { Der.Ava("2.5.4.3", 0x1C, Encoding.UTF32.GetBytes("#Universal € 𝄞").Chunk(4).SelectMany(c => c.Reverse()).ToArray()) },
                    new[] { Der.Ava("2.5.4.5", 0x12, Encoding.ASCII.GetBytes("0123 4567")) }),
            }.Build();

            _certificates["raw-all-octets"] = new CertBuilder
            {
                Subject = Der.Name(
                    new[] { Der.Ava("2.5.4.3", 0x0C, Enumerable.Range(0, 128).Select(i => (byte)i).ToArray()) },
                    new[] { Der.Ava("2.5.4.10", 0x14, Enumerable.Range(0, 256).Select(i => (byte)i).ToArray()) },
                    new[] { Der.Ava("2.5.4.11", 0x13, Enumerable.Range(0x80, 128).Select(i => (byte)i).ToArray()) }),
            }.Build();

            _certificates["raw-unknown-and-dumped"] = new CertBuilder
            {
                Subject = Der.Name(
                    new[] { Der.Ava("1.2.3.4", Der.Utf8("unknown type")) },
                    new[] { Der.Ava("2.25.329800735698586629295641978511506172918", Der.Printable("uuid arc")) },
                    new[] { Der.Ava("1.3.6.1.4.1.99999.7.1", Der.Utf8("private enterprise")) },
                    new[] { Der.Ava("2.999.1", Der.Utf8("joint arc 999")) },
                    new[] { Der.Ava("2.5.4.3", Der.Seq(Der.Utf8("a sequence"))) },
                    new[] { Der.Ava("2.5.4.10", 0x03, new byte[] { 0x00, 0xAB, 0xCD }) },
                    new[] { Der.Ava("2.5.4.3", Der.Utf8("plain")) }),
            }.Build();

            // Every arc around the ones OpenSSL knows: OpenSSL decides which print by name; the rest must be dumped.
            var oids = new List<string>();
            oids.AddRange(Enumerable.Range(0, 110).Select(i => "2.5.4." + i));
            oids.AddRange(Enumerable.Range(1, 30).Select(i => "1.2.840.113549.1.9." + i));
            oids.AddRange(Enumerable.Range(1, 60).Select(i => "0.9.2342.19200300.100.1." + i));
            oids.AddRange(Enumerable.Range(1, 4).Select(i => "1.3.6.1.4.1.311.60.2.1." + i));
            oids.AddRange(Enumerable.Range(1, 6).Select(i => "1.3.6.1.5.5.7.9." + i));
            _certificates["raw-attribute-names"] = new CertBuilder
            {
                Subject = Der.Name(oids.Select(o => new[] { Der.Ava(o, Der.Utf8("v" + o.Substring(o.LastIndexOf('.') + 1))) }).ToArray()),
            }.Build();

            _certificates["raw-empty-subject"] = new CertBuilder { Subject = Der.Seq() }.Build();
            _certificates["raw-empty-rdn"] = new CertBuilder
            {
                Subject = Der.Name(new[] { Der.Ava("2.5.4.6", Der.Printable("DE")) }, Array.Empty<byte[]>(), new[] { Der.Ava("2.5.4.3", Der.Utf8("after empty")) }),
            }.Build();
            _certificates["raw-v1"] = new CertBuilder { Version = null }.Build();
            _certificates["raw-v2"] = new CertBuilder { Version = 1 }.Build();
            _certificates["raw-serial-zero"] = new CertBuilder { Serial = new byte[] { 0x00 } }.Build();
            _certificates["raw-serial-minus-one"] = new CertBuilder { Serial = new byte[] { 0xFF } }.Build();
            _certificates["raw-serial-minus-128"] = new CertBuilder { Serial = new byte[] { 0xFF, 0x7F } }.Build();
            _certificates["raw-serial-20-octets"] = new CertBuilder { Serial = Enumerable.Range(0x7F, 20).Select(i => (byte)i).ToArray() }.Build();
            _certificates["raw-serial-40-octets"] = new CertBuilder { Serial = new byte[] { 0x00 }.Concat(Enumerable.Range(0xC0, 39).Select(i => (byte)i)).ToArray() }.Build();
            _certificates["raw-time-9999"] = new CertBuilder { NotAfter = Der.GeneralizedTime("99991231235959Z") }.Build();
            _certificates["raw-time-1500"] = new CertBuilder { NotBefore = Der.GeneralizedTime("15000101000000Z") }.Build();
            _certificates["raw-time-leap-day"] = new CertBuilder { NotBefore = Der.UtcTime("000229235959Z"), NotAfter = Der.GeneralizedTime("24000229120000Z") }.Build();
            _certificates["raw-time-utc-1950-2049"] = new CertBuilder { NotBefore = Der.UtcTime("500101000000Z"), NotAfter = Der.UtcTime("491231235959Z") }.Build();

            var ca = new CertBuilder();
            ca.Extensions.Add(Der.BasicConstraints(true, 0));
            _certificates["raw-ca-pathlen-0"] = ca.Build();
            var empty = new CertBuilder();
            empty.Extensions.Add(Der.BasicConstraints(false));
            _certificates["raw-basic-constraints-empty"] = empty.Build();
            _certificates["raw-empty-extensions"] = new CertBuilder { EmptyExtensions = true }.Build();

            using ECDsa k1 = ECDsa.Create(ECCurve.CreateFromFriendlyName("secP256k1"));
            _certificates["raw-secp256k1"] = new CertBuilder { SubjectPublicKeyInfo = k1.ExportSubjectPublicKeyInfo() }.Build();
        }

        private void AddFromOpenSsl()
        {
            using var dir = new OpenSsl.TempDir();
            void Req(string name, params string[] args)
            {
                string output = dir.File(name + ".der");
                var all = new List<string> { "req", "-x509", "-nodes", "-keyout", dir.File(name + ".key"), "-out", output, "-outform", "DER", "-days", "30" };
                all.AddRange(args);
                OpenSsl.Ok(null, all.ToArray());
                _certificates[name] = File.ReadAllBytes(output);
            }

            Req("openssl-ed25519", "-newkey", "ed25519", "-subj", "/CN=ed25519 device/O=nf.Certs");
            Req("openssl-rsa-pss", "-newkey", "rsa-pss", "-pkeyopt", "rsa_keygen_bits:2048", "-subj", "/CN=rsa-pss");
            Req("openssl-p256-subj", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-utf8", "-multivalue-rdn",
                "-subj", "/DC=org/DC=example/C=US/ST=New York/L=New York/O=Example\\, Inc.+OU=IoT/CN=Grüße <device> #1/emailAddress=a@b.example/street=1 Main St",
                "-addext", "basicConstraints=critical,CA:TRUE,pathlen:5");
        }
    }
}
