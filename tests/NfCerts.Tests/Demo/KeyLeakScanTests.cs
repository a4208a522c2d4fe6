using System;
using System.Security.Cryptography;
using NfCerts.Emulators.World;
using Xunit;

namespace NfCerts.Tests.Demo
{
    /// <summary>The key-in-a-log check finds a private key in the encodings a careless log line would use.</summary>
    public sealed class KeyLeakScanTests
    {
        [Fact]
        public void A_key_printed_as_PEM_hex_or_its_scalar_is_found_and_innocent_text_is_not()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            byte[] pkcs8 = key.ExportPkcs8PrivateKey();
            var scan = new KeyLeakScan();
            scan.Add(pkcs8, "device key");
            Assert.Empty(scan.Find("renewed ClientCert1, serial 1A2B, " + key.ExportSubjectPublicKeyInfoPem()));
            string pem = key.ExportPkcs8PrivateKeyPem();
            Assert.Equal(new[] { "device key" }, scan.Find("fault est: bad key " + pem.Split('\n')[2]));
            Assert.Equal(new[] { "device key" }, scan.Find("dump " + Convert.ToHexString(pkcs8).ToLowerInvariant()));
            Assert.Equal(new[] { "device key" }, scan.Find("d=" + Convert.ToHexString(key.ExportParameters(true).D!)));
        }
    }
}
