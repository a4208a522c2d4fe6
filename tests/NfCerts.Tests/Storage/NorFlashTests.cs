using System;
using System.IO;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Storage
{
    public class NorFlashTests
    {
        [Fact]
        public void NewChipIsErasedAndProgramOnlyClearsBits()
        {
            var f = new NorFlash(4096, 1024);
            var b = new byte[4];
            f.Read(100, b, 0, 4);
            Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, b);
            f.Program(100, new byte[] { 0xF0, 0x0F, 0xAA, 0xFF }, 0, 4);
            f.Strict = false;
            f.Program(100, new byte[] { 0x3C, 0xFF, 0xFF, 0x00 }, 0, 4);
            f.Read(100, b, 0, 4);
            Assert.Equal(new byte[] { 0x30, 0x0F, 0xAA, 0x00 }, b);
        }

        [Fact]
        public void StrictModeRejectsZeroToOneAndChangesNothing()
        {
            var f = new NorFlash(4096, 1024);
            f.Program(0, new byte[] { 0x00 }, 0, 1);
            var e = Assert.Throws<FlashException>(() => f.Program(0, new byte[] { 0x01 }, 0, 1));
            Assert.Equal(FlashError.IllegalProgram, e.Error);
            Assert.Equal(1, f.IllegalProgramAttempts);
            var b = new byte[1];
            f.Read(0, b, 0, 1);
            Assert.Equal(0x00, b[0]);
        }

        [Fact]
        public void EraseRestoresOneSectorOnlyAndIsCounted()
        {
            var f = new NorFlash(4096, 1024);
            f.Program(1020, new byte[8], 0, 8); // straddles sectors 0 and 1
            f.EraseSector(1);
            var b = new byte[8];
            f.Read(1020, b, 0, 8);
            Assert.Equal(new byte[] { 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF }, b);
            Assert.Equal(new long[] { 0, 1, 0, 0 }, f.EraseOps);
            Assert.Equal(new long[] { 1, 1, 0, 0 }, f.ProgramOps);
            Assert.Equal(8, f.BytesProgrammed);
            Assert.Equal(2, f.WriteOperations);
        }

        [Fact]
        public void RangeAndAlignmentErrorsAreSpecific()
        {
            var f = new NorFlash(4096, 1024, writeAlignment: 4);
            Assert.Equal(FlashError.OutOfRange, Assert.Throws<FlashException>(() => f.Program(4094, new byte[4], 0, 4)).Error);
            Assert.Equal(FlashError.Misaligned, Assert.Throws<FlashException>(() => f.Program(2, new byte[4], 0, 4)).Error);
            Assert.Equal(FlashError.OutOfRange, Assert.Throws<FlashException>(() => f.EraseSector(4)).Error);
            Assert.Equal(FlashError.OutOfRange, Assert.Throws<FlashException>(() => f.Read(-1, new byte[1], 0, 1)).Error);
        }

        [Fact]
        public void PowerCutTearsTheNthOperationAndKeepsTheDeviceOff()
        {
            var f = new NorFlash(4096, 1024);
            f.ArmPowerCut(1, seed: 7);
            f.Program(0, new byte[16], 0, 16);                 // completes
            var e = Assert.Throws<FlashException>(() => f.Program(16, new byte[64], 0, 64));
            Assert.Equal(FlashError.PowerLost, e.Error);
            Assert.True(f.PowerLost);
            Assert.Throws<FlashException>(() => f.Read(0, new byte[1], 0, 1));
            f.PowerOn();
            var b = new byte[80];
            f.Read(0, b, 0, 80);
            Assert.All(b[..16], x => Assert.Equal(0, x));
            // A torn program leaves each byte between its old and new value bit-wise: never a bit set that was clear.
            Assert.All(b[16..], x => Assert.True((x & 0xFF) == x));
        }

        [Fact]
        public void TornOperationsLandPartlyForSomeSeeds()
        {
            int partial = 0, none = 0, whole = 0;
            for (int seed = 0; seed < 40; seed++)
            {
                var f = new NorFlash(1024, 1024);
                f.ArmPowerCut(0, seed);
                Assert.Throws<FlashException>(() => f.Program(0, new byte[256], 0, 256));
                f.PowerOn();
                var b = new byte[256];
                f.Read(0, b, 0, 256);
                int zeros = 0;
                foreach (var x in b) zeros += 8 - System.Numerics.BitOperations.PopCount(x);
                if (zeros == 0) none++; else if (zeros == 2048) whole++; else partial++;
            }
            Assert.True(partial > 0 && none > 0 && whole > 0, $"partial={partial} none={none} whole={whole}");
        }

        [Fact]
        public void ImageFileIsWrittenThrough()
        {
            var path = Path.Combine(Path.GetTempPath(), "nfcerts-flash-" + Guid.NewGuid().ToString("N") + ".bin");
            try
            {
                using (var f = NorFlash.CreateImage(path, 8192, 4096))
                {
                    f.Program(10, new byte[] { 0x12, 0x34 }, 0, 2);
                    f.EraseSector(1);
                }
                var bytes = File.ReadAllBytes(path);
                Assert.Equal(8192, bytes.Length);
                Assert.Equal(0x12, bytes[10]);
                Assert.Equal(0x34, bytes[11]);
                Assert.Equal(0xFF, bytes[9]);
                using (var g = NorFlash.OpenImage(path, 4096))
                {
                    var b = new byte[2];
                    g.Read(10, b, 0, 2);
                    Assert.Equal(new byte[] { 0x12, 0x34 }, b);
                    Assert.Equal(4096, g.BytesHeld); // the erased second sector is read as such and holds nothing
                }
                Assert.Throws<InvalidDataException>(() => NorFlash.OpenImage(path, 16384).Dispose());
            }
            finally
            {
                File.Delete(path);
            }
        }
    }
}
