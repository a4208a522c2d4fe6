using System;
using System.Collections.Generic;
using System.Linq;
using NfCerts.Core.Storage;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;
using Xunit.Abstractions;
using static NfCerts.Tests.Storage.LogModel;

namespace NfCerts.Tests.Storage
{
    /// <summary>
    /// littlefs/NVS-style power-loss tests: replay a scenario with the power cut after write n, n = 0, 1, 2, ...
    /// until it completes; after each cut, mount again and demand exactly the state before or after the interrupted
    /// step, every committed value byte for byte, and that the log goes on working.
    /// </summary>
    public class PowerLossTests
    {
        private readonly ITestOutputHelper _out;
        public PowerLossTests(ITestOutputHelper output) => _out = output;

        private const int MaxValue = 1500;

        public static IEnumerable<object[]> Scenarios()
        {
            yield return new object[] { "install", Setup(), new[] { new Step().Put("RootCA1", Bytes(1200, 1)) } };
            yield return new object[] { "install spanning sectors", Setup(), new[] { new Step().Put("Big", Bytes(1490, 2)) } };
            yield return new object[] { "replace", Setup(), new[] { new Step().Put("A", Bytes(900, 3)) } };
            yield return new object[] { "move onto existing", Setup(), new[] { new Step().Move("B", "A") } };
            yield return new object[] { "move to new", Setup(), new[] { new Step().Move("B", "Z") } };
            yield return new object[] { "delete", Setup(), new[] { new Step().Delete("A") } };
            yield return new object[] { "multi-op transaction", Setup(), new[] { new Step().Put("C", Bytes(700, 4)).Move("A", "D").Delete("B") } };
            var churn = Enumerable.Range(0, 40).Select(i => new Step().Put("K" + (i % 3), Bytes(300 + 37 * i % 1100, 100 + i))).ToArray();
            yield return new object[] { "compaction under churn", Setup(), churn };
            var moves = Enumerable.Range(0, 30).Select(i => i % 2 == 0 ? new Step().Put("X", Bytes(800, 200 + i)) : new Step().Move("X", "Y")).ToArray();
            yield return new object[] { "move and reinstall across compactions", Setup(), moves };
        }

        private static Step[] Setup() => new[] { new Step().Put("A", Bytes(1000, 10)).Put("B", Bytes(600, 11)) };

        /// <summary>ESP32 sizes: 4 KiB sectors, entries of up to 12 KiB that span sectors, compaction under churn.</summary>
        public static IEnumerable<object[]> ProductionScenarios()
        {
            var setup = new[] { new Step().Put("CRootCA1", Bytes(1200, 1)).Put("CClientCert1", Bytes(ProductionMax, 2)), new Step().Put("Jrenewal", Bytes(200, 3)) };
            yield return new object[] { "4K: install spanning sectors", setup, new[] { new Step().Put("CClientCert2", Bytes(ProductionMax, 4)) } };
            yield return new object[] { "4K: replace spanning sectors", setup, new[] { new Step().Put("CClientCert1", Bytes(ProductionMax - 100, 5)) } };
            yield return new object[] { "4K: move a spanning entry onto another", setup, new[] { new Step().Move("CClientCert1", "CRootCA1") } };
            var churn = new List<Step>();
            bool rootMoved = false;
            for (int i = 0; i < 60; i++)
            {
                if (i % 6 == 5)
                {
                    churn.Add(new Step().Put("CClientCert" + (i % 12 == 5 ? 2 : 3), Bytes(2000 + 997 * i % 6500, 300 + i)));
                }
                else if (i % 10 == 7)
                {
                    churn.Add(rootMoved ? new Step().Move("CRootCA9", "CRootCA1") : new Step().Move("CRootCA1", "CRootCA9"));
                    rootMoved = !rootMoved;
                }
                else
                {
                    churn.Add(new Step().Put("Jrenewal", Bytes(100 + 13 * i % 200, 400 + i)));
                }
            }
            yield return new object[] { "4K: compaction under churn", setup, churn.ToArray() };
        }

        private const int ProductionMax = 1 + 8192 + 4096;

        [Theory]
        [MemberData(nameof(Scenarios))]
        public void CutAfterEveryWrite(string name, Step[] setup, Step[] steps)
            => Sweep(name, 12 * 1024, 1024, MaxValue, setup, steps);

        [Theory]
        [MemberData(nameof(ProductionScenarios))]
        public void CutAfterWritesAtProductionSize(string name, Step[] setup, Step[] steps)
            => Sweep(name, 20 * 4096, 4096, ProductionMax, setup, steps);

        /// <summary>Replays the scenario with the cut after write n, for every n until the scenario completes.</summary>
        private void Sweep(string name, int size, int sectorSize, int maxValue, Step[] setup, Step[] steps)
        {
            int runs = 0;
            for (int n = 0; ; n++)
            {
                string at = $"{name}: cut after write n={n} (tear seed {n})";
                var flash = new NorFlash(size, sectorSize);
                RecordLog.Format(flash, maxValue);
                var log = RecordLog.Mount(flash, maxValue);
                var model = new Dictionary<string, byte[]>();
                foreach (var s in setup) { s.Apply(log); s.Apply(model); }
                flash.ArmPowerCut(n, seed: n);
                int interrupted = -1;
                Dictionary<string, byte[]>? before = null;
                for (int i = 0; i < steps.Length; i++)
                {
                    before = new Dictionary<string, byte[]>(model);
                    try
                    {
                        steps[i].Apply(log);
                    }
                    catch (StorageException e) when (e.Error == StorageError.MountRequired && flash.PowerLost)
                    {
                        interrupted = i;
                        break;
                    }
                    steps[i].Apply(model);
                }
                runs++;
                if (interrupted < 0)
                {
                    flash.Disarm();
                    Assert.True(Same(model, Read(RecordLog.Mount(flash, maxValue))));
                    Assert.True(!name.Contains("compaction") || flash.TotalErases > 0, name + ": no compaction ran");
                    break;
                }
                flash.PowerOn();
                var after = new Dictionary<string, byte[]>(before!);
                steps[interrupted].Apply(after);
                RecordLog remounted;
                Dictionary<string, byte[]> found;
                try
                {
                    remounted = RecordLog.Mount(flash, maxValue);
                    found = Read(remounted);
                }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"{at} during step {interrupted} ({steps[interrupted]}): mount failed: {e}");
                }
                bool isBefore = Same(found, before!), isAfter = Same(found, after);
                Assert.True(isBefore || isAfter,
                    $"{at} during step {interrupted} ({steps[interrupted]}): found {Describe(found)}, expected {Describe(before!)} or {Describe(after)}");
                // The log keeps working after the cut: finish the scenario on the remounted log.
                var model2 = isAfter ? after : before!;
                for (int i = isAfter ? interrupted + 1 : interrupted; i < steps.Length; i++)
                {
                    try
                    {
                        steps[i].Apply(remounted);
                    }
                    catch (StorageException e)
                    {
                        throw new Xunit.Sdk.XunitException($"{at}: step {i} ({steps[i]}) after the remount failed: {e.Message}");
                    }
                    steps[i].Apply(model2);
                }
                Assert.True(Same(model2, Read(RecordLog.Mount(flash, maxValue))), $"{at}: state after finishing differs");
                Assert.Equal(0, flash.IllegalProgramAttempts);
                Assert.True(n < 100000, "scenario never completed");
            }
            _out.WriteLine($"{name}: {runs} runs");
            // Every write of the scenario was cut once: more runs than steps, plus the one that completed.
            Assert.True(runs > steps.Length, $"{name}: only {runs} runs");
        }

        /// <summary>Random transactions with random cuts, several cuts per run, including cuts during recovery writes.</summary>
        [Fact]
        public void RandomOperationsWithRandomCuts()
        {
            for (int seed = 1; seed <= 60; seed++)
            {
                RunRandom(seed);
            }
        }

        private static void RunRandom(int seed)
        {
            var rnd = new Random(seed);
            var flash = new NorFlash(10 * 1024, 1024);
            RecordLog.Format(flash, 1200);
            var log = RecordLog.Mount(flash, 1200);
            var model = new Dictionary<string, byte[]>();
            string[] ids = { "RootCA1", "RootCA2", "ClientCert1", "ClientCert2", "w", "j" };
            int cuts = 0;
            for (int op = 0; op < 300; op++)
            {
                var step = new Step();
                int ops = rnd.Next(1, 3);
                var scratch = new Dictionary<string, byte[]>(model);
                for (int j = 0; j < ops; j++)
                {
                    int kind = rnd.Next(10);
                    var k = ids[rnd.Next(ids.Length)];
                    if (kind < 5 || scratch.Count == 0) { var v = Bytes(rnd.Next(0, 1200), rnd.Next()); step.Put(k, v); scratch[k] = v; }
                    else
                    {
                        var existing = scratch.Keys.ElementAt(rnd.Next(scratch.Count));
                        if (kind < 8)
                        {
                            if (existing == k) continue;
                            step.Move(existing, k); scratch[k] = scratch[existing]; scratch.Remove(existing);
                        }
                        else { step.Delete(existing); scratch.Remove(existing); }
                    }
                }
                if (step.Ops.Count == 0) continue;
                int n = rnd.Next(8) == 0 ? rnd.Next(0, 6) : -1;
                if (n >= 0) flash.ArmPowerCut(n, rnd.Next());
                var before = new Dictionary<string, byte[]>(model);
                try
                {
                    step.Apply(log);
                    step.Apply(model);
                    flash.Disarm();
                }
                catch (StorageException e) when (e.Error == StorageError.MountRequired && flash.PowerLost)
                {
                    cuts++;
                    flash.PowerOn();
                    var after = new Dictionary<string, byte[]>(before);
                    step.Apply(after);
                    log = RecordLog.Mount(flash, 1200);
                    var found = Read(log);
                    if (Same(found, after)) model = after;
                    else if (Same(found, before)) model = before;
                    else throw new Xunit.Sdk.XunitException($"seed {seed}, op {op}, cut n={n}: found {Describe(found)}, expected {Describe(before)} or {Describe(after)}");
                }
                catch (StorageException e) when (e.Error == StorageError.NoSpace)
                {
                    flash.Disarm();
                    Assert.True(Same(model, Read(log)), $"seed {seed}: NoSpace changed the state");
                }
                Assert.Equal(0, flash.IllegalProgramAttempts);
            }
            Assert.True(Same(model, Read(RecordLog.Mount(flash, 1200))), $"seed {seed}: final remount differs");
            Assert.True(cuts > 0, $"seed {seed}: no cut happened");
        }
    }
}
