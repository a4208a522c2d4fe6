using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NfCerts.Tests.Host
{
    /// <summary>A key pair with a self-signed certificate and the key in each encoding it has. Made once per test run.</summary>
    internal sealed class TestKeys
    {
        private static readonly Lazy<TestKeys> LazyRsa1 = new Lazy<TestKeys>(() => CreateRsa("rsa-1"));
        private static readonly Lazy<TestKeys> LazyRsa2 = new Lazy<TestKeys>(() => CreateRsa("rsa-2"));
        private static readonly Lazy<TestKeys> LazyEc1 = new Lazy<TestKeys>(() => CreateEc("ec-1"));
        private static readonly Lazy<TestKeys> LazyEc2 = new Lazy<TestKeys>(() => CreateEc("ec-2"));

        private TestKeys(AsymmetricAlgorithm key, byte[] certificate, byte[] traditional)
        {
            Key = key;
            Certificate = certificate;
            Pkcs8 = key.ExportPkcs8PrivateKey();
            Traditional = traditional;
        }

        public static TestKeys Rsa1 => LazyRsa1.Value;

        public static TestKeys Rsa2 => LazyRsa2.Value;

        public static TestKeys Ec1 => LazyEc1.Value;

        public static TestKeys Ec2 => LazyEc2.Value;

        public AsymmetricAlgorithm Key { get; }

        /// <summary>DER X.509.</summary>
        public byte[] Certificate { get; }

        /// <summary>PKCS#8 PrivateKeyInfo DER.</summary>
        public byte[] Pkcs8 { get; }

        /// <summary>PKCS#1 RSAPrivateKey (RSA) or SEC1 ECPrivateKey (EC) DER.</summary>
        public byte[] Traditional { get; }

        public static TestKeys Get(string algorithm, int which)
        {
            switch (algorithm + which)
            {
                case "rsa1": return Rsa1;
                case "rsa2": return Rsa2;
                case "ec1": return Ec1;
                case "ec2": return Ec2;
                default: throw new ArgumentException(algorithm);
            }
        }

        public byte[] Encoding(string format)
        {
            return format == "pkcs8" ? Pkcs8 : Traditional;
        }

        private static TestKeys CreateRsa(string name)
        {
            RSA rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=" + name, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            return new TestKeys(rsa, SelfSign(request), rsa.ExportRSAPrivateKey());
        }

        private static TestKeys CreateEc(string name)
        {
            ECDsa ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=" + name, ecdsa, HashAlgorithmName.SHA256);
            return new TestKeys(ecdsa, SelfSign(request), ecdsa.ExportECPrivateKey());
        }

        private static byte[] SelfSign(CertificateRequest request)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            using X509Certificate2 certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
            return certificate.RawData;
        }
    }
}
