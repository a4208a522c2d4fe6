using System;
using System.Collections.Generic;
using NfCerts.Core.Storage;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;
using static NfCerts.Tests.Storage.LogModel;

namespace NfCerts.Tests.Storage
{
    /// <summary><see cref="RecordLog.Purge"/>: after it, a dump of the flash holds no byte of a superseded, deleted or
    /// uncommitted value; it never changes the committed state, even when the power fails in the middle.</summary>
    public class PurgeTests
    {
        private const int Max = 1 + 8192 + 4096;

        private static (NorFlash, RecordLog) Fresh(int sectors = 64)
        {
            var f = new NorFlash(sectors * 4096, 4096);
            RecordLog.Format(f, Max);
            return (f, RecordLog.Mount(f, Max));
        }

        /// <summary>True when any 24-byte run of <paramref name="secret"/> appears in the image.</summary>
        private static bool Holds(NorFlash f, byte[] secret)
        {
            var img = f.Snapshot().AsSpan();
            for (int o = 0; o + 24 <= secret.Length; o += 24)
            {
                if (img.IndexOf(secret.AsSpan(o, 24)) >= 0)
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>A store with history: an unsealed key replaced by a sealed one, a deleted certificate, journal
        /// saves and entries spanning sectors.</summary>
        private static (Dictionary<string, byte[]> Model, byte[] Clear, byte[] Deleted) Scenario(RecordLog log)
        {
            var model = new Dictionary<string, byte[]>();
            var clear = Bytes(Max, 1);
            var deleted = Bytes(5000, 2);
            var steps = new List<Step>
            {
                new Step().Put("CRootCA1", Bytes(1200, 3)),
                new Step().Put("CClientCert1", clear),
                new Step().Put("CRootCA2", deleted),
                new Step().Put("Wnetworks", Bytes(700, 4)),
            };
            for (int i = 0; i < 30; i++)
            {
                steps.Add(new Step().Put("Jrenewal", Bytes(150 + i, 10 + i)));
            }
            steps.Add(new Step().Put("CClientCert1", Bytes(Max, 5))); // the same entry, its key now sealed
            steps.Add(new Step().Delete("CRootCA2"));
            steps.Add(new Step().Put("Jrenewal", Bytes(200, 6)));
            foreach (var s in steps)
            {
                s.Apply(log);
                s.Apply(model);
            }
            return (model, clear, deleted);
        }

        [Fact]
        public void PurgeLeavesNoSupersededOrDeletedValueOnFlash()
        {
            var (f, log) = Fresh();
            var (model, clear, deleted) = Scenario(log);
            Assert.True(Holds(f, clear) && Holds(f, deleted), "the scenario should leave stale data behind");
            log.Purge();
            Assert.False(Holds(f, clear), "the replaced clear key is still on flash");
            Assert.False(Holds(f, deleted), "the deleted certificate is still on flash");
            Assert.True(Same(model, Read(log)));
            Assert.True(Same(model, Read(RecordLog.Mount(f, Max))));
            Assert.Equal(0, f.IllegalProgramAttempts);
            // Nothing stale is left, so purging again writes nothing.
            f.ResetCounters();
            RecordLog.Mount(f, Max).Purge();
            Assert.Equal(0, f.WriteOperations);
        }

        [Fact]
        public void PurgeErasesWhatAnInterruptedWriteLeft()
        {
            var (f, log) = Fresh();
            new Step().Put("CRootCA1", Bytes(1200, 3)).Apply(log);
            var secret = Bytes(6000, 7);
            f.ArmPowerCut(3, seed: 1); // header and part of the data land, the COMMIT never does
            Assert.Throws<StorageException>(() => new Step().Put("CClientCert1", secret).Apply(log));
            f.PowerOn();
            log = RecordLog.Mount(f, Max);
            Assert.False(log.Contains("CClientCert1"));
            Assert.True(Holds(f, secret));
            log.Purge();
            Assert.False(Holds(f, secret));
            Assert.Equal(Bytes(1200, 3), Read(RecordLog.Mount(f, Max))["CRootCA1"]);
        }

        [Fact]
        public void PurgeOfAFullStoreKeepsEverything()
        {
            var (f, log) = Fresh(sectors: 16);
            var model = new Dictionary<string, byte[]>();
            for (int i = 0; ; i++)
            {
                var step = new Step().Put("C" + (i % 6), Bytes(3000 + i * 7, i));
                try
                {
                    step.Apply(log);
                }
                catch (StorageException e) when (e.Error == StorageError.NoSpace)
                {
                    break;
                }
                step.Apply(model);
                Assert.True(i < 500, "never full");
            }
            new Step().Delete("C0").Apply(log);
            model.Remove("C0");
            log.Purge();
            Assert.True(Same(model, Read(RecordLog.Mount(f, Max))));
        }

        [Fact]
        public void PowerLossDuringPurgeChangesNothingAndPurgingAgainFinishes()
        {
            var (f0, log0) = Fresh(sectors: 16);
            var (model, clear, deleted) = Scenario(log0);
            var image = f0.Snapshot();
            const int seed = 2026;
            var rnd = new Random(seed);
            int n = 0, runs = 0;
            while (true)
            {
                var f = new NorFlash(image.Length, 4096) { Strict = false };
                f.Program(0, image, 0, image.Length);
                f.Strict = true;
                var log = RecordLog.Mount(f, Max);
                f.ArmPowerCut(n, seed + n);
                runs++;
                try
                {
                    log.Purge();
                    f.Disarm();
                    break;
                }
                catch (StorageException e) when (e.Error == StorageError.MountRequired && f.PowerLost)
                {
                }
                f.PowerOn();
                string where = $"cut after write n={n} of the purge (tear seed {seed + n}, sampling seed {seed})";
                var again = RecordLog.Mount(f, Max);
                Assert.True(Same(model, Read(again)), where + ": state changed: " + Describe(Read(again)));
                again.Purge();
                Assert.True(Same(model, Read(RecordLog.Mount(f, Max))), where + ": state changed by the second purge");
                Assert.False(Holds(f, clear) || Holds(f, deleted), where + ": stale data left after the second purge");
                Assert.Equal(0, f.IllegalProgramAttempts);
                // Every one of the first writes, then a seeded sample of the rest.
                n += n < 40 ? 1 : 1 + rnd.Next(6);
            }
            Assert.True(runs > 40, "the purge wrote only " + n + " times");
        }
    }
}
