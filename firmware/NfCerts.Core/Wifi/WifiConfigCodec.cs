using System;
using System.Collections;
using System.Text;
using NfCerts.Hal;

namespace NfCerts.Core.Wifi
{
    /// <summary>
    /// The persisted form of the network list: byte 0 = format version (1), bytes 1-2 = network count (little-endian),
    /// then per network: security (1 byte), enabled (1 byte), and the strings config name, SSID, PSK, client cert ID,
    /// root CA ID, EAP identity, server domain, each as a 2-byte little-endian length and that many UTF-8 bytes.
    /// </summary>
    internal static class WifiConfigCodec
    {
        private const byte Version = 1;

        public static byte[] Encode(ArrayList networks)
        {
            var parts = new ArrayList();
            int total = 3;
            for (int i = 0; i < networks.Count; i++)
            {
                var n = (WifiNetwork)networks[i]!;
                string[] fields = { n.ConfigName, n.Ssid, n.Psk, n.ClientCertId, n.RootCaId, n.ClientIdentity, n.ServerDomain };
                total += 2;
                for (int f = 0; f < fields.Length; f++)
                {
                    var b = Encoding.UTF8.GetBytes(fields[f]);
                    parts.Add(b);
                    total += 2 + b.Length;
                }
            }
            var o = new byte[total];
            o[0] = Version;
            o[1] = (byte)networks.Count;
            o[2] = (byte)(networks.Count >> 8);
            int p = 3;
            int part = 0;
            for (int i = 0; i < networks.Count; i++)
            {
                var n = (WifiNetwork)networks[i]!;
                o[p++] = (byte)n.Security;
                o[p++] = n.Enabled ? (byte)1 : (byte)0;
                for (int f = 0; f < 7; f++)
                {
                    var b = (byte[])parts[part++]!;
                    o[p++] = (byte)b.Length;
                    o[p++] = (byte)(b.Length >> 8);
                    Array.Copy(b, 0, o, p, b.Length);
                    p += b.Length;
                }
            }
            return o;
        }

        public static ArrayList Decode(byte[] d)
        {
            if (d.Length < 3 || d[0] != Version)
            {
                throw new WifiConfigException(WifiConfigError.StorageFailure, "the saved Wi-Fi configuration has an unknown format");
            }
            int count = d[1] | (d[2] << 8);
            int p = 3;
            var list = new ArrayList();
            for (int i = 0; i < count; i++)
            {
                if (p + 2 > d.Length)
                {
                    throw Truncated();
                }
                var n = new WifiNetwork();
                n.Security = (WifiSecurity)d[p++];
                n.Enabled = d[p++] != 0;
                var fields = new string[7];
                for (int f = 0; f < 7; f++)
                {
                    if (p + 2 > d.Length)
                    {
                        throw Truncated();
                    }
                    int len = d[p] | (d[p + 1] << 8);
                    p += 2;
                    if (p + len > d.Length)
                    {
                        throw Truncated();
                    }
                    fields[f] = len == 0 ? "" : Encoding.UTF8.GetString(d, p, len);
                    p += len;
                }
                n.ConfigName = fields[0];
                n.Ssid = fields[1];
                n.Psk = fields[2];
                n.ClientCertId = fields[3];
                n.RootCaId = fields[4];
                n.ClientIdentity = fields[5];
                n.ServerDomain = fields[6];
                list.Add(n);
            }
            return list;
        }

        private static WifiConfigException Truncated()
        {
            return new WifiConfigException(WifiConfigError.StorageFailure, "the saved Wi-Fi configuration is truncated");
        }
    }
}
