using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Hal.Host;

namespace NfCerts.Cli
{
    /// <summary>
    /// The fixed certificate-store workload of issue 3, on a 256 KiB region of 4 KiB sectors, measured on the NOR flash
    /// model. Entries are written as one log value each (log key "C"+ID, one type byte, then certificate and key bytes),
    /// the layout issue 3's figures were pinned to; <see cref="CertStore"/> now keeps a client entry's key as a second
    /// value ("K"+ID) in the same commit, which costs one more record header. The payload is the certificate and key bytes.
    /// </summary>
    internal sealed class StoreBenchmark
    {
        public const int RegionSize = 256 * 1024;
        public const int SectorSize = 4096;

        public sealed record Step(string Name, long BytesProgrammed, long SectorsErased, long Payload);

        public sealed class Result
        {
            public List<Step> Steps { get; } = new();
            public long RandomOps;
            public long RandomPayload;
            public long RandomProgrammed;
            public long RandomErasedBytes;
            public long MaxErases;
            public double MeanErases;
            public long MountBytesRead;
            public double MountMicroseconds;
            public int LiveEntries;
            public double WriteAmplification => (double)RandomProgrammed / RandomPayload;
            public double EraseRatio => (double)RandomErasedBytes / RandomPayload;
        }

        public static Result Run(int seed = 2026, int mountRepeats = 50, IProgress<ProgressUpdate>? progress = null)
        {
            var r = new Result();
            var flash = new NorFlash(RegionSize, SectorSize);
            RecordLog.Format(flash, CertStore.MaxEntrySize);
            var log = RecordLog.Mount(flash, CertStore.MaxEntrySize);
            var rnd = new Random(seed);

            Measure(r, flash, "(a) install root RootCA1, 1200 B", 1200, () => Put(log, "RootCA1", Entry(1, 1200, 0, rnd)));
            Measure(r, flash, "(b) install client ClientCert1, 1200 B + 250 B key", 1450, () => Put(log, "ClientCert1", Entry(2, 1200, 250, rnd)));
            Measure(r, flash, "(c) replace RootCA1", 1200, () => Put(log, "RootCA1", Entry(1, 1200, 0, rnd)));
            Measure(r, flash, "(d1) install RootCA2", 1200, () => Put(log, "RootCA2", Entry(1, 1200, 0, rnd)));
            Measure(r, flash, "(d2) move RootCA2 onto RootCA1", 0, () => { var t = log.Begin(); t.Move("CRootCA2", "CRootCA1"); t.Commit(); });
            Measure(r, flash, "(e) delete ClientCert1", 0, () => { var t = log.Begin(); t.Delete("CClientCert1"); t.Commit(); });

            // (f) 2,000 random operations over 8 IDs of 1200 bytes.
            var ids = new[] { "RootCA1", "RootCA2", "RootCA3", "ClientCert1", "ClientCert2", "Hub1", "Hub2", "Est1" };
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var k in log.GetKeys("C")) present.Add(k.Substring(1));
            flash.ResetCounters();
            for (int i = 0; i < 2000; i++)
            {
                if (i % 100 == 0) progress?.Report(new ProgressUpdate("random operations", i, 2000));
                var id = ids[rnd.Next(ids.Length)];
                int kind = rnd.Next(4);
                var t = log.Begin();
                if (!present.Contains(id) || kind == 0 || kind == 1)
                {
                    t.Put("C" + id, Entry(1, 1200, 0, rnd));
                    r.RandomPayload += 1200;
                    present.Add(id);
                }
                else if (kind == 2)
                {
                    var dst = ids[rnd.Next(ids.Length)];
                    if (dst == id) { i--; continue; }
                    t.Move("C" + id, "C" + dst);
                    present.Remove(id);
                    present.Add(dst);
                }
                else
                {
                    t.Delete("C" + id);
                    present.Remove(id);
                }
                t.Commit();
                r.RandomOps++;
            }
            r.RandomProgrammed = flash.BytesProgrammed;
            r.RandomErasedBytes = flash.TotalErases * SectorSize;
            long sum = 0;
            foreach (var e in flash.EraseOps) { sum += e; r.MaxErases = Math.Max(r.MaxErases, e); }
            r.MeanErases = (double)sum / flash.EraseOps.Length;

            // (g) mount of the resulting image.
            flash.ResetCounters();
            var mounted = RecordLog.Mount(flash, CertStore.MaxEntrySize);
            r.MountBytesRead = flash.BytesRead;
            r.LiveEntries = mounted.Count;
            var times = new double[mountRepeats];
            for (int i = 0; i < mountRepeats; i++)
            {
                progress?.Report(new ProgressUpdate("mount", i, mountRepeats));
                var sw = Stopwatch.StartNew();
                RecordLog.Mount(flash, CertStore.MaxEntrySize);
                times[i] = sw.Elapsed.TotalMilliseconds * 1000;
            }
            Array.Sort(times);
            r.MountMicroseconds = times[times.Length / 2];
            return r;
        }

        private static void Measure(Result r, NorFlash flash, string name, long payload, Action action)
        {
            flash.ResetCounters();
            action();
            r.Steps.Add(new Step(name, flash.BytesProgrammed, flash.TotalErases, payload));
        }

        private static void Put(RecordLog log, string id, byte[] value)
        {
            var t = log.Begin();
            t.Put("C" + id, value);
            t.Commit();
        }

        private static byte[] Entry(byte type, int cert, int key, Random rnd)
        {
            var v = new byte[1 + cert + key];
            rnd.NextBytes(v);
            v[0] = type;
            return v;
        }

        public static void Print(Result r, TextWriter o)
        {
            o.WriteLine("Certificate store benchmark: 256 KiB region, 4 KiB sectors (NOR flash model)");
            o.WriteLine();
            o.WriteLine("step".PadRight(52) + "programmed".PadLeft(11) + "  over payload".PadLeft(14) + "  erased sectors".PadLeft(16));
            foreach (var s in r.Steps)
            {
                o.WriteLine(s.Name.PadRight(52) + (s.BytesProgrammed + " B").PadLeft(11) + ((s.BytesProgrammed - s.Payload) + " B").PadLeft(14) + s.SectorsErased.ToString().PadLeft(16));
            }
            o.WriteLine();
            o.WriteLine($"(f) {r.RandomOps} random operations over 8 IDs of 1200 B (payload {r.RandomPayload} B):");
            o.WriteLine($"    write amplification (programmed / payload): {r.WriteAmplification:F3}   (target <= 1.10)");
            o.WriteLine($"    erased bytes / payload:                     {r.EraseRatio:F3}   (target <= 1.20)");
            o.WriteLine($"    erases per sector: max {r.MaxErases}, mean {r.MeanErases:F2}, max/mean {r.MaxErases / r.MeanErases:F2}   (target <= 1.25)");
            o.WriteLine($"(g) mount of the resulting image ({r.LiveEntries} entries): {r.MountBytesRead} bytes read (target <= 16384), median {r.MountMicroseconds:F0} us on this host");
        }
    }
}
