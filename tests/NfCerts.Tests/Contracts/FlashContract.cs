using System;
using NfCerts.Hal;
using Xunit;

namespace NfCerts.Tests.Contracts
{
    /// <summary>
    /// What every <see cref="IFlash"/> promises (hal/NfCerts.Hal/IFlash.cs), run against each implementation: the host's
    /// NorFlash and the Nano HAL's PartitionFlash, FileFlash and StoreFlash. A subclass hands out a fresh, fully erased
    /// region of at least two sectors.
    /// </summary>
    public abstract class FlashContract
    {
        /// <summary>A fresh, erased region of at least two sectors.</summary>
        protected abstract IFlash CreateFlash();

        private static byte[] Fill(int count, byte value)
        {
            var b = new byte[count];
            Array.Fill(b, value);
            return b;
        }

        private static byte[] ReadAll(IFlash flash, int address, int count)
        {
            var b = new byte[count];
            flash.Read(address, b, 0, count);
            return b;
        }

        [Fact]
        public void AFreshRegionIsErasedAndItsGeometryAddsUp()
        {
            IFlash flash = CreateFlash();
            Assert.True(flash.SectorCount >= 2);
            Assert.Equal(flash.Size, flash.SectorCount * flash.SectorSize);
            Assert.Equal(0, flash.SectorSize & (flash.SectorSize - 1));
            Assert.Equal(0, flash.WriteAlignment & (flash.WriteAlignment - 1));
            Assert.All(ReadAll(flash, 0, flash.Size), b => Assert.Equal(0xFF, b));
        }

        [Fact]
        public void ProgramOnlyClearsBitsAndNeverSetsOne()
        {
            IFlash flash = CreateFlash();
            int n = flash.WriteAlignment;
            flash.Program(0, Fill(n, 0xF0), 0, n);
            flash.Program(0, Fill(n, 0x30), 0, n);
            Assert.Equal(Fill(n, 0x30), ReadAll(flash, 0, n));

            // A 0->1 attempt is a caller bug: a chip silently ANDs, a strict double refuses. Either way no bit comes back.
            try
            {
                flash.Program(0, Fill(n, 0xFF), 0, n);
            }
            catch (FlashException e)
            {
                Assert.Equal(FlashError.IllegalProgram, e.Error);
            }

            Assert.Equal(Fill(n, 0x30), ReadAll(flash, 0, n));
        }

        [Fact]
        public void AProgramMayCrossASectorBoundaryAndTakesItsBytesFromTheBufferOffset()
        {
            IFlash flash = CreateFlash();
            int a = flash.WriteAlignment;
            int count = 4 * a;
            int address = flash.SectorSize - 2 * a;
            var source = new byte[count + 3];
            for (int i = 0; i < source.Length; i++)
            {
                source[i] = (byte)(i * 7);
            }

            flash.Program(address, source, 3, count);

            var back = new byte[count + 5];
            flash.Read(address, back, 5, count);
            Assert.Equal(source[3..], back[5..]);
            Assert.Equal(0xFF, ReadAll(flash, address - 1, 1)[0]);
            Assert.Equal(0xFF, ReadAll(flash, address + count, 1)[0]);
        }

        [Fact]
        public void EraseSetsOneWholeSectorBackToFFAndLeavesTheOthers()
        {
            IFlash flash = CreateFlash();
            int s = flash.SectorSize;
            flash.Program(0, Fill(2 * s, 0x00), 0, 2 * s);

            flash.EraseSector(1);

            Assert.All(ReadAll(flash, 0, s), b => Assert.Equal(0x00, b));
            Assert.All(ReadAll(flash, s, s), b => Assert.Equal(0xFF, b));
            flash.Program(s, Fill(s, 0x5A), 0, s);
            Assert.All(ReadAll(flash, s, s), b => Assert.Equal(0x5A, b));
        }

        [Fact]
        public void RangesOutsideTheRegionAreOutOfRangeAndChangeNothing()
        {
            IFlash flash = CreateFlash();
            int a = flash.WriteAlignment;
            var buffer = Fill(2 * a, 0x00);

            AssertError(FlashError.OutOfRange, () => flash.Program(flash.Size - a, buffer, 0, 2 * a));
            AssertError(FlashError.OutOfRange, () => flash.Program(-a, buffer, 0, a));
            AssertError(FlashError.OutOfRange, () => flash.Read(flash.Size - a, new byte[2 * a], 0, 2 * a));
            AssertError(FlashError.OutOfRange, () => flash.Read(0, new byte[a], 1, a));
            AssertError(FlashError.OutOfRange, () => flash.Program(0, buffer, a + 1, a));
            AssertError(FlashError.OutOfRange, () => flash.EraseSector(-1));
            AssertError(FlashError.OutOfRange, () => flash.EraseSector(flash.SectorCount));
            Assert.Throws<ArgumentNullException>(() => flash.Read(0, null!, 0, 0));

            Assert.All(ReadAll(flash, 0, flash.Size), b => Assert.Equal(0xFF, b));
        }

        [Fact]
        public void ProgramsMustFollowTheWriteAlignment()
        {
            IFlash flash = CreateFlash();
            int a = flash.WriteAlignment;
            if (a == 1)
            {
                flash.Program(3, new byte[] { 0x12 }, 0, 1);
                Assert.Equal(0x12, ReadAll(flash, 3, 1)[0]);
                return;
            }

            AssertError(FlashError.Misaligned, () => flash.Program(1, Fill(a, 0), 0, a));
            AssertError(FlashError.Misaligned, () => flash.Program(0, Fill(a, 0), 0, a - 1));
            Assert.All(ReadAll(flash, 0, 2 * a), b => Assert.Equal(0xFF, b));
            flash.Program(a, Fill(a, 0x11), 0, a);
            Assert.Equal(Fill(a, 0x11), ReadAll(flash, a, a));
        }

        private static void AssertError(FlashError expected, Action action)
        {
            var e = Assert.Throws<FlashException>(action);
            Assert.Equal(expected, e.Error);
        }
    }
}
