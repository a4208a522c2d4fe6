using System;

namespace NfCerts.Core.Hub
{
    /// <summary>Store values that start with a sequence number: 8 bytes big-endian, then a payload.</summary>
    internal static class SeqBytes
    {
        public static byte[] Concat(long seq, byte[] tail)
        {
            var v = new byte[8 + tail.Length];
            for (int i = 0; i < 8; i++)
            {
                v[i] = (byte)(seq >> (56 - 8 * i));
            }
            Array.Copy(tail, 0, v, 8, tail.Length);
            return v;
        }

        public static long Read(byte[] v)
        {
            long r = 0;
            for (int i = 0; i < 8; i++)
            {
                r = (r << 8) | v[i];
            }
            return r;
        }
    }
}
