using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Hal.Host;

namespace NfCerts.Cli
{
    /// <summary>
    /// The RAM budget of the flash log (SPEC.md, "RAM budget"), measured on desktop .NET: bytes allocated by mount after
    /// years of churn, by a put of the largest entry, a move, a put that runs one compaction, and a purge; and, through
    /// the certificate store's public API, an 8 KiB client certificate install from PEM and a NotAfter query. Allocation
    /// counts are this thread's (<see cref="GC.GetAllocatedBytesForCurrentThread"/>), taken after a warm-up.
    /// </summary>
    public static class MemoryBenchmark
    {
        /// <summary>The ESP32 partition: 256 KiB of 4 KiB sectors.</summary>
        public const int RegionSize = 256 * 1024;
        /// <summary>The ESP32 flash sector.</summary>
        public const int SectorSize = 4096;
        /// <summary>Largest entry: one type byte, an 8 KiB certificate and a 4 KiB key.</summary>
        public const int MaxValue = CertStore.MaxEntrySize;
        /// <summary>Mount may allocate this much whatever the log's history ...</summary>
        public const long MountBaseBudget = 8 * 1024;
        /// <summary>... plus this much per live entry.</summary>
        public const long MountPerEntryBudget = 256;
        /// <summary>No operation allocates more than twice the largest entry plus 4 KiB.</summary>
        public const long OperationBudget = 2L * MaxValue + 4096;

        /// <summary>One measured figure.</summary>
        public sealed class Figure
        {
            /// <summary>What was measured.</summary>
            public string Name { get; init; } = "";
            /// <summary>Bytes allocated.</summary>
            public long Bytes { get; init; }
            /// <summary>The budget.</summary>
            public long Budget { get; init; }
            /// <summary>A figure of the log itself (held by the tests), as opposed to one of the certificate store.</summary>
            public bool LogLevel { get; init; }
            /// <summary>Within budget.</summary>
            public bool Pass => Bytes <= Budget;
        }

        /// <summary>Measures and prints the figures; 0 when every one is within its budget, 1 otherwise.</summary>
        public static int Run(TextWriter output, bool json)
        {
            var figures = Measure();
            bool all = true;
            foreach (var f in figures)
            {
                all &= f.Pass;
            }
            if (json)
            {
                var rows = new List<Dictionary<string, object>>();
                foreach (var f in figures)
                {
                    rows.Add(new Dictionary<string, object> { ["name"] = f.Name, ["allocatedBytes"] = f.Bytes, ["budgetBytes"] = f.Budget, ["logLevel"] = f.LogLevel, ["pass"] = f.Pass });
                }
                output.WriteLine(JsonSerializer.Serialize(rows));
                return all ? 0 : 1;
            }
            output.WriteLine("Memory benchmark: 256 KiB region, 4 KiB sectors, entries up to " + MaxValue + " B; bytes allocated on .NET");
            output.WriteLine("(SPEC.md \"RAM budget\" gives the factor to nanoFramework)");
            output.WriteLine();
            output.WriteLine("operation".PadRight(58) + "allocated".PadLeft(11) + "budget".PadLeft(11) + "  result");
            foreach (var f in figures)
            {
                output.WriteLine(f.Name.PadRight(58) + (f.Bytes + " B").PadLeft(11) + (f.Budget + " B").PadLeft(11) + "  " + (f.Pass ? "PASS" : "OVER"));
            }
            return all ? 0 : 1;
        }

        /// <summary>Runs the workload and returns the figures, log-level ones first.</summary>
        public static List<Figure> Measure(int seed = 2026)
        {
            var figures = new List<Figure>();
            var flash = new NorFlash(RegionSize, SectorSize);
            RecordLog.Format(flash, MaxValue);
            var log = RecordLog.Mount(flash, MaxValue);
            var rnd = new Random(seed);
            long compaction = 0;
            Churn(log, flash, rnd, 6000, (bytes, erases) =>
            {
                if (erases == 1 && bytes > compaction)
                {
                    compaction = bytes;
                }
            });
            Mount(flash); // warm-up
            long mount = AllocatedLeast(() => Mount(flash));
            log = Mount(flash);
            int live = log.Count;
            figures.Add(Log("mount after 6,000 churn operations (" + live + " live entries)", mount, MountBaseBudget + MountPerEntryBudget * live));

            var largest = Value(rnd, 2, MaxValue);
            Put(log, "CClientCert9", Value(rnd, 2, MaxValue)); // warm-up
            figures.Add(Log("put of the largest entry (" + MaxValue + " B)", AllocatedLeast(() => Put(log, "CClientCert9", largest)), OperationBudget));
            Move(log, "CClientCert9", "CClientCert8"); // warm-up
            figures.Add(Log("move", Allocated(() => Move(log, "CClientCert8", "CClientCert9")), OperationBudget));
            figures.Add(Log("put that runs one compaction (largest during the churn)", compaction, OperationBudget));
            figures.Add(Log("purge after churn", Allocated(() => log.Purge()), OperationBudget));

            CertStoreFigures(figures);
            return figures;
        }

        /// <summary>
        /// Years of a device's life on the log: renewal-journal saves of 100-300 bytes under one key, with now and then
        /// a certificate installed, replaced, moved or deleted (entries of 1-12 KiB) and a Wi-Fi configuration save; the
        /// log compacts as it goes. <paramref name="observe"/> gets each operation's allocated bytes and erases.
        /// </summary>
        public static void Churn(RecordLog log, NorFlash flash, Random rnd, int operations, Action<long, long>? observe)
        {
            string[] certs = { "CRootCA1", "CRootCA2", "CClientCert1", "CClientCert2", "CHub1", "CEst1" };
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var k in log.GetKeys("C"))
            {
                present.Add(k);
            }
            for (int i = 0; i < operations; i++)
            {
                Action op;
                if (i % 40 == 20)
                {
                    var id = certs[rnd.Next(certs.Length)];
                    int kind = rnd.Next(4);
                    if (!present.Contains(id) || kind < 2)
                    {
                        var v = Value(rnd, (byte)(id.StartsWith("CClient", StringComparison.Ordinal) ? 2 : 1), rnd.Next(1024, MaxValue + 1));
                        op = () => Put(log, id, v);
                        present.Add(id);
                    }
                    else if (kind == 2)
                    {
                        var dst = certs[rnd.Next(certs.Length)];
                        if (dst == id)
                        {
                            continue;
                        }
                        op = () => Move(log, id, dst);
                        present.Remove(id);
                        present.Add(dst);
                    }
                    else
                    {
                        op = () => { var t = log.Begin(); t.Delete(id); t.Commit(); };
                        present.Remove(id);
                    }
                }
                else if (i % 250 == 0)
                {
                    var w = Value(rnd, 1, rnd.Next(200, 1200));
                    op = () => Put(log, "Wnetworks", w);
                }
                else
                {
                    var j = Value(rnd, 1, rnd.Next(100, 301));
                    op = () => Put(log, "Jrenewal", j);
                }
                long erases = flash.TotalErases;
                long bytes = Allocated(op);
                observe?.Invoke(bytes, flash.TotalErases - erases);
            }
        }

        /// <summary>Bytes this thread allocates while <paramref name="action"/> runs, without the flash model's cells (on the
        /// board they are flash, not RAM).</summary>
        public static long Allocated(Action action)
        {
            long before = Heap();
            action();
            return Heap() - before;
        }

        private static long Heap() => GC.GetAllocatedBytesForCurrentThread() - NorFlash.CellBytesAllocatedOnThisThread;

        /// <summary>The least that <paramref name="action"/> allocated over three runs of the same work: the code's own
        /// allocations, without the runtime's occasional ones (JIT tiering) that a loaded machine adds to one run.</summary>
        public static long AllocatedLeast(Action action)
        {
            long least = long.MaxValue;
            for (int i = 0; i < 3; i++)
            {
                least = Math.Min(least, Allocated(action));
            }
            return least;
        }

        private static RecordLog Mount(NorFlash flash) => RecordLog.Mount(flash, MaxValue);

        private static void Put(RecordLog log, string key, byte[] value)
        {
            var t = log.Begin();
            t.Put(key, value);
            t.Commit();
        }

        private static void Move(RecordLog log, string source, string destination)
        {
            var t = log.Begin();
            t.Move(source, destination);
            t.Commit();
        }

        private static byte[] Value(Random rnd, byte type, int length)
        {
            var v = new byte[length];
            rnd.NextBytes(v);
            v[0] = type;
            return v;
        }

        private static Figure Log(string name, long bytes, long budget) => new Figure { Name = name, Bytes = bytes, Budget = budget, LogLevel = true };

        private static void CertStoreFigures(List<Figure> figures)
        {
            var flash = new NorFlash(RegionSize, SectorSize);
            RecordLog.Format(flash, MaxValue);
            var store = new CertStore(RecordLog.Mount(flash, MaxValue), new HostKeyVault());
            var (certPem, keyPem) = ClientPem(CertStore.MaxCertificateSize);
            store.InstallClientCertificate("ClientCert2", certPem, keyPem, null); // warm-up
            long install = AllocatedLeast(() => store.InstallClientCertificate("ClientCert1", certPem, keyPem, null));
            figures.Add(new Figure { Name = "CertStore: install of a " + certPem.Length + " B PEM client certificate", Bytes = install, Budget = OperationBudget });
            store.GetCertificateNotAfter("ClientCert2"); // warm-up
            long notAfter = AllocatedLeast(() => store.GetCertificateNotAfter("ClientCert1"));
            // A metadata query reads the certificate (never the key) and parses it in place: its size plus 4 KiB.
            int certLength = store.GetCertificate("ClientCert1").Length;
            figures.Add(new Figure { Name = "CertStore: GetCertificateNotAfter (" + certLength + " B certificate)", Bytes = notAfter, Budget = certLength + 4096 });
        }

        /// <summary>A self-signed client certificate whose PEM is just under <paramref name="pemLimit"/> bytes, and its key.</summary>
        private static (byte[] Cert, byte[] Key) ClientPem(int pemLimit)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            int padding = pemLimit * 3 / 4 - 600;
            while (true)
            {
                var req = new CertificateRequest("CN=bench-device", key, HashAlgorithmName.SHA256);
                req.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.55555.1", new byte[padding], false));
                var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var cert = req.CreateSelfSigned(now, now.AddYears(1));
                var pem = Encoding.ASCII.GetBytes(cert.ExportCertificatePem());
                if (pem.Length <= pemLimit)
                {
                    return (pem, Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
                }
                padding -= 64;
            }
        }
    }
}
