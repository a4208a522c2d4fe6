using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Storage
{
    /// <summary>The flash model holds memory only for sectors that are not erased, and copies cheaply; the chip behaves
    /// exactly as a dense one.</summary>
    public class SparseNorFlashTests
    {
        private const int Sector = 1024;

        [Fact]
        public void AnErasedSectorHoldsNoMemory()
        {
            var f = new NorFlash(64 * Sector, Sector);
            Assert.Equal(0, f.BytesHeld);
            f.Program(5 * Sector, new byte[] { 0xFF, 0xFF, 0xFF }, 0, 3);
            Assert.Equal(0, f.BytesHeld);
            f.Program(5 * Sector + 7, new byte[] { 0x7F }, 0, 1);
            Assert.Equal(Sector, f.BytesHeld);
            f.EraseSector(5);
            Assert.Equal(0, f.BytesHeld);
            var b = new byte[Sector];
            f.Read(5 * Sector, b, 0, Sector);
            Assert.All(b, x => Assert.Equal(0xFF, x));
        }

        [Fact]
        public void TheCellsAProgramAllocatesAreCountedApartFromTheCallersHeap()
        {
            var f = new NorFlash(64 * Sector, Sector);
            var one = new byte[] { 0x00 };
            f.Program(0, one, 0, 1); // warm-up
            long cells = NorFlash.CellBytesAllocatedOnThisThread;
            long heap = GC.GetAllocatedBytesForCurrentThread();
            f.Program(9 * Sector, one, 0, 1);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - heap;
            long cellBytes = NorFlash.CellBytesAllocatedOnThisThread - cells;
            Assert.InRange(cellBytes, Sector, Sector + 64);
            Assert.Equal(allocated, cellBytes);
            f.Program(9 * Sector + 1, one, 0, 1); // the sector is held now: nothing new
            Assert.Equal(cells + cellBytes, NorFlash.CellBytesAllocatedOnThisThread);
        }

        [Fact]
        public void AFormattedStoreHoldsAFewSectorsOfItsSixtyFour()
        {
            var f = new NorFlash(64 * 4096, 4096);
            RecordLog.Format(f, CertStore.MaxEntrySize);
            RecordLog log = RecordLog.Mount(f, CertStore.MaxEntrySize);
            var t = log.Begin();
            t.Put("k", new byte[3000]);
            t.Commit();
            Assert.InRange(f.BytesHeld, 4096, 4 * 4096);
        }

        [Fact]
        public void ReadAndProgramAcrossSectorBoundaries()
        {
            var f = new NorFlash(4 * Sector, Sector);
            var data = new byte[Sector + 200];
            new Random(3).NextBytes(data);
            f.Program(Sector - 100, data, 0, data.Length);                        // the end of 0, all of 1, the start of 2
            Assert.Equal(new long[] { 1, 1, 1, 0 }, f.ProgramOps);
            Assert.Equal(3 * Sector, f.BytesHeld);
            var back = new byte[data.Length + 200];
            f.Read(Sector - 200, back, 0, back.Length);
            Assert.All(back[..100], x => Assert.Equal(0xFF, x));
            Assert.Equal(data, back[100..(100 + data.Length)]);
            Assert.All(back[(100 + data.Length)..], x => Assert.Equal(0xFF, x));
            f.EraseSector(1);
            f.Read(Sector - 100, back, 0, data.Length);
            Assert.Equal(data[..100], back[..100]);
            Assert.All(back[100..(100 + Sector)], x => Assert.Equal(0xFF, x));
            Assert.Equal(data[(100 + Sector)..], back[(100 + Sector)..data.Length]);
            Assert.Equal(2 * Sector, f.BytesHeld);
        }

        [Fact]
        public void BehavesAsADenseChipUnderRandomOperations()
        {
            var random = new Random(11);
            var f = new NorFlash(8 * Sector, Sector) { Strict = false };
            var model = new byte[8 * Sector];
            Array.Fill(model, (byte)0xFF);
            for (int op = 0; op < 3000; op++)
            {
                int address = random.Next(model.Length);
                int count = random.Next(Math.Min(3 * Sector, model.Length - address) + 1);
                switch (random.Next(4))
                {
                    case 0:
                        int s = random.Next(8);
                        f.EraseSector(s);
                        Array.Fill(model, (byte)0xFF, s * Sector, Sector);
                        break;
                    case 1:
                        var bytes = new byte[count];
                        random.NextBytes(bytes);
                        for (int i = 0; i < count; i++)
                        {
                            bytes[i] |= (byte)random.Next(256); // mostly ones: a program clears a few bits at a time
                            model[address + i] &= bytes[i];
                        }
                        f.Program(address, bytes, 0, count);
                        break;
                    default:
                        var read = new byte[count + 2];
                        f.Read(address, read, 1, count);
                        Assert.Equal(model.AsSpan(address, count).ToArray(), read[1..(count + 1)]);
                        break;
                }
            }
            Assert.Equal(model, f.Snapshot());
            long held = 0;
            for (int s = 0; s < 8; s++)
            {
                held += model.AsSpan(s * Sector, Sector).IndexOfAnyExcept((byte)0xFF) >= 0 ? Sector : 0;
            }
            Assert.Equal(held, f.BytesHeld);
        }

        /// <summary>A program torn by a power cut into a sector that was never allocated leaves exactly what it leaves in an
        /// erased sector that is allocated: the same bits for the same seed, nothing outside its range.</summary>
        [Fact]
        public void PowerCutInAProgramIntoANeverAllocatedSector()
        {
            int partial = 0, none = 0;
            for (int seed = 0; seed < 24; seed++)
            {
                var sparse = new NorFlash(4 * Sector, Sector);
                var allocated = new NorFlash(4 * Sector, Sector);
                allocated.Program(3 * Sector - 1, new byte[] { 0xFE }, 0, 1);           // sector 2 now has an array, erased but for its last byte
                var payload = new byte[300];
                Array.Fill(payload, (byte)0x0F);
                foreach (NorFlash f in new[] { sparse, allocated })
                {
                    f.ArmPowerCut(0, seed);
                    Assert.Equal(FlashError.PowerLost, Assert.Throws<FlashException>(() => f.Program(2 * Sector + 100, payload, 0, payload.Length)).Error);
                    Assert.True(f.PowerLost);
                    f.PowerOn();
                }
                byte[] left = sparse.Snapshot(), expected = allocated.Snapshot();
                expected[3 * Sector - 1] = 0xFF;
                Assert.Equal(expected, left);
                Assert.All(left[..(2 * Sector + 100)], x => Assert.Equal(0xFF, x));
                Assert.All(left[(2 * Sector + 400)..], x => Assert.Equal(0xFF, x));
                Assert.All(left[(2 * Sector + 100)..(2 * Sector + 400)], x => Assert.Equal(0x0F, x & 0x0F));
                bool changed = Array.Exists(left, x => x != 0xFF);
                Assert.Equal(changed ? Sector : 0, sparse.BytesHeld);
                if (changed && Array.Exists(left, x => x != 0x0F && x != 0xFF))
                {
                    partial++;
                }
                if (!changed)
                {
                    none++;
                }
                // The bits the cut left set can still be programmed; those it cleared stay clear.
                sparse.Program(2 * Sector + 100, payload, 0, payload.Length);
                var b = new byte[payload.Length];
                sparse.Read(2 * Sector + 100, b, 0, b.Length);
                Assert.Equal(payload, b);
            }
            Assert.True(partial > 0 && none > 0, "partial=" + partial + " none=" + none);
        }

        [Fact]
        public void ACloneEqualsTheChipAndIsIndependentOfIt()
        {
            var f = new NorFlash(8 * Sector, Sector);
            var data = new byte[2 * Sector];
            new Random(5).NextBytes(data);
            f.Program(3 * Sector + 10, data, 0, data.Length);
            f.Program(0, new byte[] { 0x12 }, 0, 1);
            NorFlash copy = f.Clone();
            byte[] before = f.Snapshot();
            Assert.Equal(before, copy.Snapshot());
            Assert.Equal(f.BytesHeld, copy.BytesHeld);
            Assert.Equal(0, copy.BytesProgrammed);
            Assert.Equal(f.SectorSize, copy.SectorSize);

            copy.Program(1, new byte[] { 0x00 }, 0, 1);
            copy.Program(3 * Sector + 10, new byte[16], 0, 16);
            copy.EraseSector(4);
            Assert.Equal(before, f.Snapshot());

            byte[] copied = copy.Snapshot();
            f.EraseSector(0);
            f.Program(7 * Sector, new byte[8], 0, 8);
            Assert.Equal(copied, copy.Snapshot());
        }

        [Fact]
        public void AChipOffAfterACutCanStillBeCloned()
        {
            var f = new NorFlash(4 * Sector, Sector);
            f.Program(0, new byte[] { 0x00 }, 0, 1);
            f.CutPowerNow();
            NorFlash copy = f.Clone();
            Assert.False(copy.PowerLost);
            var b = new byte[1];
            copy.Read(0, b, 0, 1);
            Assert.Equal(0x00, b[0]);
        }
    }
}
