using System;
using System.Formats.Asn1;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NfCerts.Core.Est;
using NfCerts.Hal;
using NfCerts.Hal.Nano;
using NfCerts.Tests.Host;
using Xunit;

namespace NfCerts.Nano.Tests
{
    /// <summary>A certificate request from the Nano vault carries the attributes the EST client built for /csrattrs
    /// (challengePassword, an extensionRequest) through the interop natives, as openssl and .NET's strict DER reader see
    /// it; malformed and oversized attributes are refused with the errors the EST client acts on.</summary>
    public sealed class NanoKeyVaultCsrAttributeTests
    {
        private const string ChallengePasswordOid = "1.2.840.113549.1.9.7";

        private static byte[] Extension(X509Extension extension)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(extension.Oid!.Value!);
                if (extension.Critical)
                {
                    writer.WriteBoolean(true);
                }

                writer.WriteOctetString(extension.RawData);
            }

            return writer.Encode();
        }

        private static byte[] Attributes(bool rsa)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("device-001.example");
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            X509KeyUsageFlags usage = rsa ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature;
            byte[]? attributes = CsrRequestAttributes.Build("s3cret-pass", new[]
            {
                Extension(names.Build()),
                Extension(new X509KeyUsageExtension(usage, critical: true)),
            });
            return attributes!;
        }

        [Theory]
        [InlineData(KeyAlgorithm.EcP256)]
        [InlineData(KeyAlgorithm.Rsa2048)]
        public void ARequestWithAttributesVerifiesWithOpenSslAndCarriesThem(KeyAlgorithm algorithm)
        {
            Firmware.Boot(withInterop: true);
            var vault = new NanoKeyVault();
            bool rsa = algorithm == KeyAlgorithm.Rsa2048;
            byte[] key = vault.GenerateKey(algorithm);
            byte[] csr = vault.CreateCertificateRequest(key, "CN=device-001,O=Contoso", Attributes(rsa));

            using var dir = new TempDir();
            string path = dir.Write("device.csr", csr);
            OpenSsl.Result verify = OpenSsl.Run("req", "-in", path, "-inform", "DER", "-verify", "-noout");
            Assert.Contains("verify OK", verify.StdErr + verify.StdOut); // openssl 3.0 exits 0 either way
            string text = OpenSsl.Ok("req", "-in", path, "-inform", "DER", "-noout", "-text");
            Assert.Contains("challengePassword", text);
            Assert.Contains(":s3cret-pass", text);
            Assert.Contains("DNS:device-001.example, IP Address:127.0.0.1", text);
            Assert.Contains("X509v3 Key Usage: critical", text);
            Assert.Contains(rsa ? "Digital Signature, Key Encipherment" : "Digital Signature", text);

            // .NET reads requests as strict DER (a SET OF out of order is refused), as the EST server does.
            CertificateRequest loaded = CertificateRequest.LoadSigningRequest(csr, HashAlgorithmName.SHA256,
                CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
            AsnEncodedData challenge = Assert.Single(loaded.OtherRequestAttributes, a => a.Oid!.Value == ChallengePasswordOid);
            Assert.Equal("s3cret-pass", new AsnReader(challenge.RawData, AsnEncodingRules.DER).ReadCharacterString(UniversalTagNumber.UTF8String));
            var san = new X509SubjectAlternativeNameExtension(loaded.CertificateExtensions.Single(e => e.Oid!.Value == "2.5.29.17").RawData);
            Assert.Equal(new[] { "device-001.example" }, san.EnumerateDnsNames());
            Assert.Equal(new[] { System.Net.IPAddress.Loopback }, san.EnumerateIPAddresses());
            X509Extension keyUsage = loaded.CertificateExtensions.Single(e => e.Oid!.Value == "2.5.29.15");
            Assert.True(keyUsage.Critical);
            Assert.Equal(rsa ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature,
                new X509KeyUsageExtension(keyUsage, keyUsage.Critical).KeyUsages);
        }

        [Fact]
        public void MalformedAttributesAreInvalidDataAndOversizedOnesNotSupported()
        {
            Firmware.Boot(withInterop: true);
            var vault = new NanoKeyVault();
            byte[] key = vault.GenerateKey(KeyAlgorithm.EcP256);
            byte[] good = Attributes(rsa: false);

            foreach (byte[] bad in new[] { good.Take(good.Length - 1).ToArray(), Encoding.ASCII.GetBytes("junk"), good.Concat(good).ToArray() })
            {
                var e = Assert.Throws<KeyVaultException>(() => vault.CreateCertificateRequest(key, "CN=device-001", bad));
                Assert.Equal(KeyVaultError.InvalidData, e.Error);
            }

            // NotSupported is what makes the EST client send the request without them.
            byte[] oversized = CsrRequestAttributes.Build(new string('p', 1100), new byte[0][])!;
            var tooLong = Assert.Throws<KeyVaultException>(() => vault.CreateCertificateRequest(key, "CN=device-001", oversized));
            Assert.Equal(KeyVaultError.NotSupported, tooLong.Error);

            // Null and empty are none.
            Assert.Empty(CertificateRequest.LoadSigningRequest(vault.CreateCertificateRequest(key, "CN=device-001", null), HashAlgorithmName.SHA256).OtherRequestAttributes);
            Assert.Empty(CertificateRequest.LoadSigningRequest(vault.CreateCertificateRequest(key, "CN=device-001", new byte[0]), HashAlgorithmName.SHA256).OtherRequestAttributes);
        }
    }
}
