using System;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Host
{
    /// <summary>The one splitter of the HAL's "leaf DER, then intermediates' DER, back to back" chains.</summary>
    public sealed class DerCertificatesTests
    {
        private static byte[] Cert(string cn)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=" + cn, key, HashAlgorithmName.SHA256);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            return cert.RawData;
        }

        [Fact]
        public void AChainSplitsIntoItsCertificatesLeafFirst()
        {
            byte[] leaf = Cert("leaf"), issuing = Cert("issuing");
            byte[][] parts = DerCertificates.Split(leaf.Concat(issuing).ToArray(), "the chain");
            Assert.Equal(2, parts.Length);
            Assert.Equal(leaf, parts[0]);
            Assert.Equal(issuing, parts[1]);
        }

        [Fact]
        public void EmptyTruncatedTrailingAndOverlongChainsAreRefusedByPosition()
        {
            byte[] one = Cert("one");
            Assert.Contains("is empty", Assert.Throws<FormatException>(() => DerCertificates.Split(Array.Empty<byte>(), "the chain")).Message);
            Assert.Contains("#1", Assert.Throws<FormatException>(() => DerCertificates.Split(one[..^1], "the chain")).Message);
            Assert.Contains("after certificate #1", Assert.Throws<FormatException>(() => DerCertificates.Split(one.Append((byte)0x04).ToArray(), "the chain")).Message);
            Assert.Contains("PEM", Assert.Throws<FormatException>(() => DerCertificates.Split("-----BEGIN"u8.ToArray(), "the chain")).Message);
            byte[] nine = Enumerable.Repeat(one, DerCertificates.MaxCertificates + 1).SelectMany(c => c).ToArray();
            Assert.Contains("more than 8", Assert.Throws<FormatException>(() => DerCertificates.Split(nine, "the chain")).Message);
            Assert.Equal(DerCertificates.MaxCertificates, DerCertificates.Split(nine[one.Length..], "the chain").Length);
        }
    }
}
