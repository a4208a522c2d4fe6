using System;
using NfCerts.Core.Storage;

namespace NfCerts.Core.Est
{
    /// <summary>
    /// The EST CA certificates the device last received from /cacerts (RFC 7030 4.1.3), kept under <see cref="LogKey"/>
    /// as one value: the certificates' DER back to back, at most <see cref="MaxSize"/> bytes.
    /// </summary>
    /// <remarks>They authenticate the EST server beside the explicit anchors named in <see cref="EstSettings"/>, so a CA
    /// rollover announced through /cacerts (new-with-old) keeps the device in touch. Refreshed after every enrollment whose
    /// certificate chained to the new answer, and written only when it differs (no flash wear for an unchanged set).</remarks>
    public static class EstCaStore
    {
        /// <summary>The store key.</summary>
        public const string LogKey = "Eestca";
        /// <summary>The largest value kept.</summary>
        public const int MaxSize = 16 * 1024;

        /// <summary>The certificates kept, or none.</summary>
        public static byte[][] Load(RecordLog log)
        {
            byte[] data;
            if (!log.TryGet(LogKey, out data) || data.Length == 0)
            {
                return new byte[0][];
            }
            try
            {
                return Split(data);
            }
            catch (Exception)
            {
                // A damaged value is ignored: the explicit anchors still work, and the next enrollment rewrites it.
                return new byte[0][];
            }
        }

        /// <summary>Keeps <paramref name="certificates"/> when they differ from what is kept; true when it wrote.</summary>
        public static bool Save(RecordLog log, byte[][] certificates)
        {
            int total = 0;
            for (int i = 0; i < certificates.Length; i++)
            {
                total += certificates[i].Length;
            }
            if (total > MaxSize || total > log.MaxValueLength)
            {
                return false;
            }
            byte[] value = new byte[total];
            int at = 0;
            for (int i = 0; i < certificates.Length; i++)
            {
                Array.Copy(certificates[i], 0, value, at, certificates[i].Length);
                at += certificates[i].Length;
            }
            byte[] old;
            if (log.TryGet(LogKey, out old) && Same(old, value))
            {
                return false;
            }
            LogTransaction t = log.Begin();
            t.Put(LogKey, value);
            t.Commit();
            return true;
        }

        private static byte[][] Split(byte[] data)
        {
            var reader = new X509.DerReader(data);
            byte[][] found = new byte[Pkcs7Certs.MaxCertificates][];
            int n = 0;
            while (reader.HasData && n < found.Length)
            {
                int start;
                int length = reader.ReadEncodedElement(out start);
                found[n] = new byte[length];
                Array.Copy(data, start, found[n], 0, length);
                n++;
            }
            byte[][] result = new byte[n][];
            Array.Copy(found, result, n);
            return result;
        }

        private static bool Same(byte[] a, byte[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }
            return true;
        }
    }
}
