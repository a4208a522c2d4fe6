using System;
using System.Text;
using NfCerts.Core.Storage;

namespace NfCerts.Core.Provisioning
{
    /// <summary>The on-flash form of the provisioning values: a version byte, then each field as a little-endian u16
    /// length and that many bytes of UTF-8, in a fixed order. Numbers are written as decimal text. A value that does not
    /// decode is refused with <see cref="StorageError.Corrupt"/>.</summary>
    internal static class FieldRecord
    {
        public static byte[] Encode(byte version, string[] fields)
        {
            int total = 1;
            var parts = new byte[fields.Length][];
            for (int i = 0; i < fields.Length; i++)
            {
                parts[i] = Encoding.UTF8.GetBytes(fields[i]);
                if (parts[i].Length > 0xFFFF)
                {
                    throw new ArgumentException("field too long");
                }
                total += 2 + parts[i].Length;
            }
            var o = new byte[total];
            o[0] = version;
            int p = 1;
            for (int i = 0; i < parts.Length; i++)
            {
                o[p] = (byte)parts[i].Length;
                o[p + 1] = (byte)(parts[i].Length >> 8);
                Array.Copy(parts[i], 0, o, p + 2, parts[i].Length);
                p += 2 + parts[i].Length;
            }
            return o;
        }

        public static string[] Decode(byte[] d, byte version, int count, string what)
        {
            if (d.Length < 1 || d[0] != version)
            {
                throw new StorageException(StorageError.Corrupt, what + " has an unknown format");
            }
            var fields = new string[count];
            int p = 1;
            for (int i = 0; i < count; i++)
            {
                if (p + 2 > d.Length)
                {
                    throw new StorageException(StorageError.Corrupt, what + " is truncated");
                }
                int len = d[p] | (d[p + 1] << 8);
                p += 2;
                if (p + len > d.Length)
                {
                    throw new StorageException(StorageError.Corrupt, what + " is truncated");
                }
                fields[i] = len == 0 ? "" : Encoding.UTF8.GetString(d, p, len);
                p += len;
            }
            if (p != d.Length)
            {
                throw new StorageException(StorageError.Corrupt, what + " has bytes beyond its fields");
            }
            return fields;
        }

        public static long Number(string text, string what)
        {
            if (text.Length == 0 || text.Length > 19)
            {
                throw new StorageException(StorageError.Corrupt, what + " holds a bad number");
            }
            long v = 0;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c < '0' || c > '9')
                {
                    throw new StorageException(StorageError.Corrupt, what + " holds a bad number");
                }
                v = v * 10 + (c - '0');
            }
            return v;
        }
    }
}
