using System;
using System.IO;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using NfCerts.Hal.Nano;
using NfCerts.NanoStandIn;
using Xunit;

namespace NfCerts.Nano.Tests
{
    /// <summary>FileFlash and StoreFlash on the board's I: drive, beyond the IFlash contract.</summary>
    public sealed class FileFlashTests
    {
        private const int Size = 16 * 4096;

        public FileFlashTests()
        {
            Firmware.Boot(withInterop: false);
        }

        [Fact]
        public void TheRegionKeepsItsBytesAcrossReopening()
        {
            using (var flash = new FileFlash(FileFlash.DefaultPath, Size, 4096))
            {
                flash.Program(5000, new byte[] { 0x12, 0x34 }, 0, 2);
            }

            using var again = new FileFlash(FileFlash.DefaultPath, Size, 4096);
            var back = new byte[2];
            again.Read(5000, back, 0, 2);
            Assert.Equal(new byte[] { 0x12, 0x34 }, back);
        }

        [Fact]
        public void AFileOfAnotherSizeIsRefusedAndLeftAlone()
        {
            using (new FileFlash(FileFlash.DefaultPath, Size, 4096))
            {
            }

            var e = Assert.Throws<FlashException>(() => new FileFlash(FileFlash.DefaultPath, 2 * Size, 4096));
            Assert.Equal(FlashError.OutOfRange, e.Error);
            Assert.Equal(Size, new FileInfo(NanoDrive.HostPath(FileFlash.DefaultPath)).Length);
        }

        [Fact]
        public void APowerCutWhileTheRegionIsCreatedDoesNotStrandTheNextBoot()
        {
            // Found by this test: the region was written in place, so a cut left a short file that every later boot
            // refused ("holds N bytes, expected M") and the device could never mount a store again.
            NanoDrive.ArmPowerCut(Size / 2);
            Assert.Throws<PowerCutException>(() => new FileFlash(FileFlash.DefaultPath, Size, 4096));
            NanoDrive.PowerOn();

            using var flash = new FileFlash(FileFlash.DefaultPath, Size, 4096);
            var all = new byte[Size];
            flash.Read(0, all, 0, Size);
            Assert.All(all, b => Assert.Equal(0xFF, b));
        }

        [Fact]
        public void ReadsOfAnEntryAllocateOnlyASmallBufferPerFileRead()
        {
            // nanoFramework's FileStream.Read allocates a temporary array of the requested count on every call. Found
            // by this test: FileFlash passed whole requests (a sector, an 8 KiB certificate) to it.
            using var flash = new FileFlash(FileFlash.DefaultPath, Size, 4096);
            RecordLog.Format(flash, CertStore.MaxEntrySize);
            RecordLog log = RecordLog.Mount(flash, CertStore.MaxEntrySize);
            var t = log.Begin();
            t.Put("big", new byte[6000]);
            t.Commit();
            log = RecordLog.Mount(flash, CertStore.MaxEntrySize);
            Assert.True(log.TryGet("big", out byte[] value));
            Assert.Equal(6000, value.Length);
            Assert.True(NanoDrive.LargestReadAllocation <= 256, "mounting and reading asked one FileStream.Read for " + NanoDrive.LargestReadAllocation + " bytes");

            var whole = new byte[Size];
            flash.Read(0, whole, 0, Size);
            Assert.True(NanoDrive.LargestReadAllocation <= 256, "one FileStream.Read asked for " + NanoDrive.LargestReadAllocation + " bytes");
        }

        [Fact]
        public void StoreFlashUsesTheFileWhenTheImageHasTheLibraryButNoPartition()
        {
            Firmware.Boot(withInterop: true);
            using var flash = (FileFlash)StoreFlash.Open(FileFlash.DefaultPath, Size, 4096, out bool onPartition);
            Assert.False(onPartition);
            Assert.True(NanoDrive.Exists(FileFlash.DefaultPath));
        }

        [Fact]
        public void ANativeHalfOfAnotherInterfaceVersionCountsAsAbsent()
        {
            Firmware.Boot(withInterop: true);
            Board.NativeInterfaceVersion = NfCerts.Esp32.NativeLibrary.InterfaceVersion + 1;
            Board.AddPartition(PartitionFlash.DefaultLabel, Size);
            Assert.False(Esp32Native.IsAvailable);
            Assert.Null(PartitionFlash.TryOpen(PartitionFlash.DefaultLabel));
            using var flash = (FileFlash)StoreFlash.Open(FileFlash.DefaultPath, Size, 4096, out bool onPartition);
            Assert.False(onPartition);
        }

        [Fact]
        public void PartitionFlashProgramsByAndingAsTheChipDoes()
        {
            Firmware.Boot(withInterop: true);
            NorFlash chip = Board.AddPartition(PartitionFlash.DefaultLabel, Size);
            PartitionFlash flash = PartitionFlash.TryOpen(PartitionFlash.DefaultLabel)!;
            flash.Program(10, new byte[] { 0xF0 }, 0, 1);
            flash.Program(10, new byte[] { 0x0F }, 0, 1);
            Assert.Equal(0x00, chip.Snapshot()[10]);
            Assert.Equal(2, chip.ProgramOps[0]);
        }
    }
}
