using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Hal;
using NfCerts.Hal.Host;

namespace NfCerts.Tests.Radio
{
    /// <summary>
    /// The radio tests' PKI, made once per test run with CertificateRequest. Every certificate is valid now (real time),
    /// except <see cref="ExpiredClient"/>, which expired a year ago in real time: FreeRADIUS and eapol_test judge validity
    /// at the system time.
    /// </summary>
    public sealed class TestPki
    {
        private static readonly Lazy<TestPki> Shared = new Lazy<TestPki>(() => new TestPki());

        public static TestPki Instance { get { return Shared.Value; } }

        public readonly DateTime Now = DateTime.UtcNow;

        public X509Certificate2 RootCA1 { get; }
        public X509Certificate2 RootCA2 { get; }
        public X509Certificate2 Intermediate1 { get; }
        public X509Certificate2 ClientCA { get; }
        /// <summary>Issued by <see cref="ClientCA"/>; the servers do not trust it, only its root.</summary>
        public X509Certificate2 ClientIntermediate { get; }
        public X509Certificate2 RogueCA { get; }

        /// <summary>RADIUS server certificate from RootCA1, valid from 800 days ago (covering <see cref="ExpiredClient"/>'s window) for a year more. O has a comma, to prove both authenticators escape it alike.</summary>
        public X509Certificate2 Server1 { get; }
        /// <summary>RADIUS server certificate from RootCA2.</summary>
        public X509Certificate2 Server2 { get; }
        /// <summary>RADIUS server certificate from Intermediate1 (under RootCA1).</summary>
        public X509Certificate2 Server1ViaIntermediate { get; }

        public X509Certificate2 Client { get; }
        /// <summary>A device certificate issued by <see cref="ClientIntermediate"/>.</summary>
        public X509Certificate2 ClientViaIntermediate { get; }
        public X509Certificate2 ExpiredClient { get; }
        public X509Certificate2 RogueClient { get; }
        public X509Certificate2 RsaClient { get; }

        public const string Server1Subject = "CN=radius.example.com,O=Acme\\, Inc,C=DE";
        public const string Server2Subject = "CN=radius2.example.com,O=nf.Certs Tests";

        private TestPki()
        {
            RootCA1 = Ca("CN=Test RADIUS Root CA 1,O=nf.Certs Tests", null);
            RootCA2 = Ca("CN=Test RADIUS Root CA 2,O=nf.Certs Tests", null);
            Intermediate1 = Ca("CN=Test RADIUS Intermediate 1,O=nf.Certs Tests", RootCA1);
            ClientCA = Ca("CN=Test Device CA,O=nf.Certs Tests", null);
            RogueCA = Ca("CN=Rogue Device CA,O=Elsewhere", null);
            ClientIntermediate = Ca("CN=Test Device Issuing CA,O=nf.Certs Tests", ClientCA);
            Server1 = Leaf("CN=radius.example.com,O=\"Acme, Inc\",C=DE", RootCA1, server: true, Now.AddDays(-800), Now.AddDays(365), "radius.example.com");
            Server2 = Leaf("CN=radius2.example.com,O=nf.Certs Tests", RootCA2, server: true, Now.AddDays(-1), Now.AddDays(365), "radius2.example.com");
            Server1ViaIntermediate = Leaf("CN=radius3.example.com,O=nf.Certs Tests", Intermediate1, server: true, Now.AddDays(-1), Now.AddDays(365), "radius3.example.com");
            Client = Leaf("CN=device-001,O=nf.Certs Tests", ClientCA, server: false, Now.AddDays(-1), Now.AddDays(365), null);
            ClientViaIntermediate = Leaf("CN=device-chained,O=nf.Certs Tests", ClientIntermediate, server: false, Now.AddDays(-1), Now.AddDays(365), null);
            ExpiredClient = Leaf("CN=device-expired,O=nf.Certs Tests", ClientCA, server: false, Now.AddDays(-730), Now.AddDays(-365), null);
            RogueClient = Leaf("CN=device-rogue,O=Elsewhere", RogueCA, server: false, Now.AddDays(-1), Now.AddDays(365), null);
            RsaClient = Leaf("CN=device-rsa,O=nf.Certs Tests", ClientCA, server: false, Now.AddDays(-1), Now.AddDays(365), null, rsa: true);
        }

        public X509Certificate2Collection ClientCAs()
        {
            return new X509Certificate2Collection(ClientCA);
        }

        /// <summary>An EAP-TLS request for <paramref name="client"/> (key as PKCS#8 unless told) trusting <paramref name="roots"/>.</summary>
        public static WifiConnectRequest Request(string ssid, X509Certificate2 client, params X509Certificate2[] roots)
        {
            var r = new WifiConnectRequest
            {
                Ssid = ssid,
                Security = WifiSecurity.Wpa2EapTls,
                EapIdentity = client.GetNameInfo(X509NameType.SimpleName, false),
                ClientCertificate = client.RawData,
                ClientKey = KeyDer(client, KeyFormat.Pkcs8),
                TrustedRoots = Array.ConvertAll(roots, c => c.RawData),
                Timeout = TimeSpan.FromSeconds(5),
            };
            return r;
        }

        public enum KeyFormat
        {
            Pkcs8,
            Raw, // SEC1 for EC, PKCS#1 for RSA
        }

        public static byte[] KeyDer(X509Certificate2 cert, KeyFormat format)
        {
            using var ec = cert.GetECDsaPrivateKey();
            if (ec != null)
            {
                return format == KeyFormat.Pkcs8 ? ec.ExportPkcs8PrivateKey() : ec.ExportECPrivateKey();
            }
            using var rsa = cert.GetRSAPrivateKey()!;
            return format == KeyFormat.Pkcs8 ? rsa.ExportPkcs8PrivateKey() : rsa.ExportRSAPrivateKey();
        }

        private X509Certificate2 Ca(string subject, X509Certificate2? issuer)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
            var from = Now.AddYears(-5);
            var to = Now.AddYears(5);
            if (issuer == null)
            {
                return req.CreateSelfSigned(from, to);
            }
            req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
            using var pub = req.Create(issuer, from.AddDays(1), to.AddDays(-1), Serial());
            return pub.CopyWithPrivateKey(key);
        }

        private X509Certificate2 Leaf(string subject, X509Certificate2 issuer, bool server, DateTime from, DateTime to, string? dns, bool rsa = false)
        {
            using AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var req = rsa
                ? new CertificateRequest(subject, (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                : new CertificateRequest(subject, (ECDsa)key, HashAlgorithmName.SHA256);
            req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | (rsa ? X509KeyUsageFlags.KeyEncipherment : 0), true));
            req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                new OidCollection { new Oid(server ? ChainJudge.ServerAuthOid : ChainJudge.ClientAuthOid) }, false));
            req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
            if (dns != null)
            {
                var san = new SubjectAlternativeNameBuilder();
                san.AddDnsName(dns);
                req.CertificateExtensions.Add(san.Build());
            }
            using var issuerKey = issuer.GetECDsaPrivateKey()!;
            using var pub = req.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), from, to, Serial());
            return rsa ? pub.CopyWithPrivateKey((RSA)key) : pub.CopyWithPrivateKey((ECDsa)key);
        }

        private static byte[] Serial()
        {
            var s = RandomNumberGenerator.GetBytes(12);
            s[0] &= 0x7F;
            return s;
        }
    }

    /// <summary>A settable clock.</summary>
    public sealed class ManualClock : IClock
    {
        public ManualClock(DateTime utcNow)
        {
            UtcNow = utcNow;
        }

        public DateTime UtcNow { get; set; }

        public bool IsSynchronized { get; set; } = true;

        public TimeSpan Uptime { get; set; }
    }
}
