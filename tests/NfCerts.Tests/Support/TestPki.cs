using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace NfCerts.Tests.Support
{
    /// <summary>A certificate with its private key as the formats the device stores them.</summary>
    public sealed class Issued
    {
        public required X509Certificate2 Certificate { get; init; }
        public required AsymmetricAlgorithm Key { get; init; }
        public byte[] Der => Certificate.RawData;
        public string Pem => Certificate.ExportCertificatePem();
        public byte[] Pkcs8 => Key.ExportPkcs8PrivateKey();
        public string Pkcs8Pem => Key.ExportPkcs8PrivateKeyPem();
        /// <summary>The certificate with its private key attached (self-signed ones already have it).</summary>
        public X509Certificate2 WithKey => Certificate.HasPrivateKey ? Certificate
            : Key is ECDsa ec ? Certificate.CopyWithPrivateKey(ec) : Certificate.CopyWithPrivateKey((RSA)Key);
    }

    /// <summary>Builds test certificates with .NET's CertificateRequest: roots, intermediates, servers and clients.</summary>
    public static class TestPki
    {
        public static Issued Root(string cn, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, bool rsa = false)
        {
            AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var req = Request("CN=" + cn + ", O=nf.Certs Test", key);
            req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
            var cert = req.CreateSelfSigned(notBefore ?? DateTimeOffset.UtcNow.AddDays(-30), notAfter ?? DateTimeOffset.UtcNow.AddYears(10));
            return new Issued { Certificate = cert, Key = key };
        }

        public static Issued Server(Issued issuer, string cn, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
            => Leaf(issuer, cn, serverAuth: true, notBefore, notAfter, rsa: false);

        public static Issued Client(Issued issuer, string cn, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, bool rsa = false)
            => Leaf(issuer, cn, serverAuth: false, notBefore, notAfter, rsa);

        public static Issued Leaf(Issued issuer, string cn, bool serverAuth, DateTimeOffset? notBefore, DateTimeOffset? notAfter, bool rsa)
        {
            AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var req = Request("CN=" + cn, key);
            req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                new OidCollection { new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2") }, false));
            if (serverAuth)
            {
                var san = new SubjectAlternativeNameBuilder();
                san.AddDnsName(cn);
                req.CertificateExtensions.Add(san.Build());
            }
            var nb = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1);
            var na = notAfter ?? DateTimeOffset.UtcNow.AddDays(365);
            var serial = new byte[12];
            RandomNumberGenerator.Fill(serial);
            serial[0] &= 0x7F;
            var generator = issuer.Key is ECDsa iec
                ? X509SignatureGenerator.CreateForECDsa(iec)
                : X509SignatureGenerator.CreateForRSA((RSA)issuer.Key, RSASignaturePadding.Pkcs1);
            req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer.Certificate, true, false));
            var cert = req.Create(issuer.Certificate.SubjectName, generator, nb, na, serial);
            return new Issued { Certificate = cert, Key = key };
        }

        private static CertificateRequest Request(string subject, AsymmetricAlgorithm key)
            => key is ECDsa ec
                ? new CertificateRequest(subject, ec, HashAlgorithmName.SHA256)
                : new CertificateRequest(subject, (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        public static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);
    }
}
