using System;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Core.Certificates;
using NfCerts.Tests.Support;

namespace NfCerts.Tests.Certificates
{
    /// <summary>A client entry at the store's limits on an ESP32: a certificate of nearly 8 KiB and a PKCS#8 key of nearly
    /// 4 KiB (a P-256 key carrying PKCS#8 attributes, since an RSA key of that size takes minutes to generate).</summary>
    internal static class EspSizedEntry
    {
        private static readonly Lazy<(Issued Client, byte[] Key)> Lazy = new(Build);

        public static Issued Client => Lazy.Value.Client;

        /// <summary>The PKCS#8 DER, 4000-4096 bytes.</summary>
        public static byte[] Key => (byte[])Lazy.Value.Key.Clone();

        public static string KeyPem => PemEncoding.WriteString("PRIVATE KEY", Lazy.Value.Key);

        private static (Issued, byte[]) Build()
        {
            var ca = TestPki.Root("ESP Root");
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var req = new CertificateRequest("CN=esp-sized", key, HashAlgorithmName.SHA256);
            var filler = new byte[7600];
            new Random(8).NextBytes(filler);
            req.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.99999.1", filler, false));
            var serial = new byte[] { 0x01, 0x02, 0x03 };
            var cert = req.Create(ca.Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa((ECDsa)ca.Key),
                DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90), serial);
            if (cert.RawData.Length > CertStore.MaxCertificateSize || cert.RawData.Length < 7900)
            {
                throw new InvalidOperationException("certificate of " + cert.RawData.Length + " bytes");
            }
            return (new Issued { Certificate = cert, Key = key }, WithAttributes(key.ExportPkcs8PrivateKey(), 4060));
        }

        /// <summary>Adds an attributes field ([0] SET OF Attribute) that brings the PKCS#8 DER to about <paramref name="size"/> bytes.</summary>
        private static byte[] WithAttributes(byte[] pkcs8, int size)
        {
            var outer = new AsnReader(pkcs8, AsnEncodingRules.DER).ReadSequence();
            var w = new AsnWriter(AsnEncodingRules.DER);
            using (w.PushSequence())
            {
                w.WriteEncodedValue(outer.ReadEncodedValue().Span); // version
                w.WriteEncodedValue(outer.ReadEncodedValue().Span); // algorithm
                w.WriteEncodedValue(outer.ReadEncodedValue().Span); // privateKey
                var padding = new byte[size - pkcs8.Length - 30];
                new Random(4).NextBytes(padding);
                using (w.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 0)))
                {
                    using (w.PushSequence())
                    {
                        w.WriteObjectIdentifier("1.3.6.1.4.1.99999.2");
                        using (w.PushSetOf())
                        {
                            w.WriteOctetString(padding);
                        }
                    }
                }
            }
            return w.Encode();
        }
    }
}
