using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Security.Cryptography;

namespace NfCerts.Tests.X509
{
    /// <summary>A tiny DER writer for tests: full control over tags, lengths and order, including invalid encodings.</summary>
    internal static class Der
    {
        public static byte[] Length(int length)
        {
            if (length < 0x80)
            {
                return new[] { (byte)length };
            }

            var bytes = new List<byte>();
            for (int v = length; v > 0; v >>= 8)
            {
                bytes.Insert(0, (byte)v);
            }

            bytes.Insert(0, (byte)(0x80 | bytes.Count));
            return bytes.ToArray();
        }

        public static byte[] Tlv(int tag, params byte[][] content)
        {
            byte[] body = Concat(content);
            return Concat(new[] { (byte)tag }, Length(body.Length), body);
        }

        public static byte[] Seq(params byte[][] content) => Tlv(0x30, content);

        public static byte[] Set(params byte[][] content) => Tlv(0x31, content);

        public static byte[] Int(params byte[] twosComplement) => Tlv(0x02, twosComplement);

        public static byte[] Int(long value)
        {
            byte[] bytes = new BigInteger(value).ToByteArray(isUnsigned: false, isBigEndian: true);
            return Tlv(0x02, bytes);
        }

        public static byte[] OidContent(string dotted)
        {
            BigInteger[] arcs = dotted.Split('.').Select(BigInteger.Parse).ToArray();
            var result = new List<byte>();
            var subidentifiers = new List<BigInteger> { (arcs[0] * 40) + arcs[1] };
            subidentifiers.AddRange(arcs.Skip(2));
            foreach (BigInteger arc in subidentifiers)
            {
                var groups = new List<byte>();
                BigInteger v = arc;
                groups.Add((byte)(v & 0x7F));
                v >>= 7;
                while (v > 0)
                {
                    groups.Insert(0, (byte)(0x80 | (int)(v & 0x7F)));
                    v >>= 7;
                }

                result.AddRange(groups);
            }

            return result.ToArray();
        }

        public static byte[] Oid(string dotted) => Tlv(0x06, OidContent(dotted));

        public static byte[] Utf8(string s) => Tlv(0x0C, System.Text.Encoding.UTF8.GetBytes(s));

        public static byte[] Printable(string s) => Tlv(0x13, System.Text.Encoding.ASCII.GetBytes(s));

        public static byte[] Ava(string oid, byte[] value) => Seq(Oid(oid), value);

        public static byte[] Ava(string oid, int tag, byte[] value) => Seq(Oid(oid), Tlv(tag, value));

        /// <summary>A Name: each inner array is one RDN (a SET of AVAs, kept in the given order).</summary>
        public static byte[] Name(params byte[][][] rdns) => Seq(rdns.Select(rdn => Set(rdn)).ToArray());

        public static byte[] Cn(string value) => Name(new[] { Ava("2.5.4.3", Utf8(value)) });

        public static byte[] UtcTime(string text) => Tlv(0x17, System.Text.Encoding.ASCII.GetBytes(text));

        public static byte[] GeneralizedTime(string text) => Tlv(0x18, System.Text.Encoding.ASCII.GetBytes(text));

        /// <summary>RFC 5280 choice: UTCTime for 1950-2049, GeneralizedTime otherwise.</summary>
        public static byte[] Time(DateTime utc) => utc.Year >= 1950 && utc.Year < 2050
            ? UtcTime(utc.ToString("yyMMddHHmmss") + "Z")
            : GeneralizedTime(utc.ToString("yyyyMMddHHmmss") + "Z");

        public static byte[] Concat(params byte[][] parts)
        {
            byte[] result = new byte[parts.Sum(p => p.Length)];
            int offset = 0;
            foreach (byte[] p in parts)
            {
                Buffer.BlockCopy(p, 0, result, offset, p.Length);
                offset += p.Length;
            }

            return result;
        }

        public static byte[] BasicConstraints(bool ca, int pathLength = -1)
        {
            var content = new List<byte[]>();
            if (ca)
            {
                content.Add(Tlv(0x01, new byte[] { 0xFF }));
            }

            if (pathLength >= 0)
            {
                content.Add(Int(pathLength));
            }

            return Seq(Oid("2.5.29.19"), Tlv(0x01, new byte[] { 0xFF }), Tlv(0x04, Seq(content.ToArray())));
        }
    }

    /// <summary>Builds a certificate field by field (a real ECDSA signature over the TBS, any field content).</summary>
    internal sealed class CertBuilder
    {
        private static readonly Lazy<ECDsa> SigningKey = new(() => ECDsa.Create(ECCurve.NamedCurves.nistP256));

        public int? Version { get; set; } = 2;
        public byte[] Serial { get; set; } = { 0x01 };
        public byte[] Issuer { get; set; } = Der.Cn("issuer");
        public byte[] Subject { get; set; } = Der.Cn("subject");
        public byte[] NotBefore { get; set; } = Der.UtcTime("200101000000Z");
        public byte[] NotAfter { get; set; } = Der.UtcTime("300101000000Z");
        public byte[]? SubjectPublicKeyInfo { get; set; }
        public List<byte[]> Extensions { get; } = new();
        public bool EmptyExtensions { get; set; }

        public byte[] Build()
        {
            byte[] algorithm = Der.Seq(Der.Oid("1.2.840.10045.4.3.2"));
            var tbs = new List<byte[]>();
            if (Version.HasValue)
            {
                tbs.Add(Der.Tlv(0xA0, Der.Int(Version.Value)));
            }

            tbs.Add(Der.Int(Serial));
            tbs.Add(algorithm);
            tbs.Add(Issuer);
            tbs.Add(Der.Seq(NotBefore, NotAfter));
            tbs.Add(Subject);
            tbs.Add(SubjectPublicKeyInfo ?? SigningKey.Value.ExportSubjectPublicKeyInfo());
            if (Extensions.Count > 0 || EmptyExtensions)
            {
                tbs.Add(Der.Tlv(0xA3, Der.Seq(Extensions.ToArray())));
            }

            byte[] tbsDer = Der.Seq(tbs.ToArray());
            byte[] signature = SigningKey.Value.SignData(tbsDer, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            return Der.Seq(tbsDer, algorithm, Der.Tlv(0x03, Der.Concat(new byte[] { 0 }, signature)));
        }
    }
}
