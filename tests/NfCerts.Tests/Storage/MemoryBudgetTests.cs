using System;
using NfCerts.Cli;
using NfCerts.Core.Storage;
using NfCerts.Hal.Host;
using Xunit;
using Xunit.Abstractions;
using static NfCerts.Tests.Storage.LogModel;

namespace NfCerts.Tests.Storage
{
    /// <summary>
    /// The log's RAM budget (SPEC.md, "RAM budget") at ESP32 sizes, held by counting what .NET allocates: mount must
    /// not grow with the log's history, and no operation may hold a relocated value whole.
    /// </summary>
    public class MemoryBudgetTests
    {
        private const int Max = MemoryBenchmark.MaxValue;
        private readonly ITestOutputHelper _out;
        public MemoryBudgetTests(ITestOutputHelper output) => _out = output;

        private static (NorFlash, RecordLog) Fresh()
        {
            var f = new NorFlash(MemoryBenchmark.RegionSize, MemoryBenchmark.SectorSize);
            RecordLog.Format(f, Max);
            return (f, RecordLog.Mount(f, Max));
        }

        private static long MountBytes(NorFlash flash)
        {
            RecordLog.Mount(flash, Max); // warm-up: JIT and static tables out of the figure
            return MemoryBenchmark.Allocated(() => RecordLog.Mount(flash, Max));
        }

        [Fact]
        public void MountAfterMonthsOfJournalSavesIsBoundedByTheLiveEntries()
        {
            // What a device does for months before its first compaction: a few certificates, then journal saves.
            var (flash, log) = Fresh();
            new Step().Put("CRootCA1", Bytes(1200, 1)).Apply(log);
            new Step().Put("CClientCert1", Bytes(Max, 2)).Apply(log);
            new Step().Put("CRootCA2", Bytes(4000, 3)).Apply(log);
            int saves = 0;
            while (log.FreeSectors > log.ReserveSectors + 1)
            {
                new Step().Put("Jrenewal", Bytes(100 + saves * 37 % 61, saves)).Apply(log);
                saves++;
            }
            Assert.Equal(0, flash.TotalErases); // a blank chip formats without erases, and no compaction ran
            long bytes = MountBytes(flash);
            long budget = MemoryBenchmark.MountBaseBudget + MemoryBenchmark.MountPerEntryBudget * log.Count;
            _out.WriteLine($"{saves} journal saves, {log.Count} live entries: mount allocated {bytes} B (budget {budget} B)");
            Assert.True(saves > 1000, "only " + saves + " saves");
            Assert.True(bytes <= budget, $"mount allocated {bytes} B after {saves} saves (budget {budget} B)");
        }

        [Fact]
        public void MountPutMoveAndCompactionStayInBudgetAfterYearsOfChurn()
        {
            // Warm-up: the same churn once on another log, so that every path has run (JIT, static initialisers, whatever
            // another test class has not touched yet) before allocations are counted.
            var (warmFlash, warmLog) = Fresh();
            MemoryBenchmark.Churn(warmLog, warmFlash, new Random(7), 8000, (bytes, erases) => { });
            var (flash, log) = Fresh();
            long compactionMax = 0;
            int compactions = 0;
            MemoryBenchmark.Churn(log, flash, new Random(7), 8000, (bytes, erases) =>
            {
                if (erases > 0)
                {
                    compactions++;
                    compactionMax = Math.Max(compactionMax, bytes);
                }
            });
            Assert.True(compactions > 100, "only " + compactions + " compacting operations");
            log = RecordLog.Mount(flash, Max);
            long mount = MountBytes(flash);
            var largest = Bytes(Max, 99);
            new Step().Put("CClientCert9", Bytes(Max, 98)).Apply(log);
            long put = MemoryBenchmark.Allocated(() => new Step().Put("CClientCert9", largest).Apply(log));
            new Step().Move("CClientCert9", "CClientCert8").Apply(log);
            long move = MemoryBenchmark.Allocated(() => new Step().Move("CClientCert8", "CClientCert9").Apply(log));
            _out.WriteLine($"live {log.Count}: mount {mount} B, put {put} B, move {move} B, worst compacting put {compactionMax} B ({compactions} of them)");
            Assert.True(mount <= MemoryBenchmark.MountBaseBudget + MemoryBenchmark.MountPerEntryBudget * log.Count, "mount allocated " + mount);
            Assert.True(put <= MemoryBenchmark.OperationBudget, "put allocated " + put);
            Assert.True(move <= 4096, "move allocated " + move);
            // Compaction streams what it relocates: a compacting save allocates far less than the values it moves (on
            // 548 compacting saves of values up to 12 KiB): 968 B when run alone, up to about 6 KiB seen in loaded full
            // suite runs (not pinned down; the JIT's tiering is the likely cause, since the workload is deterministic).
            // Held to the bound.
            Assert.True(compactionMax <= MemoryBenchmark.OperationBudget, "a compacting put allocated " + compactionMax);
        }
    }
}
