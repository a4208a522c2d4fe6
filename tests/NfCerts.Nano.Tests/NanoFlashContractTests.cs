using System;
using NfCerts.Hal;
using NfCerts.Hal.Nano;
using NfCerts.NanoStandIn;
using NfCerts.Tests.Contracts;

namespace NfCerts.Nano.Tests
{
    /// <summary>PartitionFlash on the interop library's raw data partition.</summary>
    public sealed class PartitionFlashContractTests : FlashContract
    {
        protected override IFlash CreateFlash()
        {
            Firmware.Boot(withInterop: true);
            Board.AddPartition(PartitionFlash.DefaultLabel, 4 * 4096);
            return PartitionFlash.TryOpen(PartitionFlash.DefaultLabel)!;
        }
    }

    /// <summary>PartitionFlash on a partition under flash encryption: 16-byte program units.</summary>
    public sealed class EncryptedPartitionFlashContractTests : FlashContract
    {
        protected override IFlash CreateFlash()
        {
            Firmware.Boot(withInterop: true);
            Board.AddPartition(PartitionFlash.DefaultLabel, 4 * 4096, encrypted: true);
            return PartitionFlash.TryOpen(PartitionFlash.DefaultLabel)!;
        }
    }

    /// <summary>FileFlash: the region in a file on the I: drive.</summary>
    public sealed class FileFlashContractTests : FlashContract, IDisposable
    {
        private FileFlash? _flash;

        protected override IFlash CreateFlash()
        {
            Firmware.Boot(withInterop: false);
            _flash = new FileFlash(FileFlash.DefaultPath, 4 * 4096, 4096);
            return _flash;
        }

        public void Dispose() => _flash?.Dispose();
    }

    /// <summary>StoreFlash on a stock image: the file fallback.</summary>
    public sealed class StoreFlashOnStockFirmwareContractTests : FlashContract, IDisposable
    {
        private IFlash? _flash;

        protected override IFlash CreateFlash()
        {
            Firmware.Boot(withInterop: false);
            _flash = StoreFlash.Open(FileFlash.DefaultPath, 4 * 4096, 4096, out bool onPartition);
            Xunit.Assert.False(onPartition);
            return _flash;
        }

        public void Dispose() => (_flash as IDisposable)?.Dispose();
    }

    /// <summary>StoreFlash on an image with the interop library and the partition.</summary>
    public sealed class StoreFlashOnPartitionContractTests : FlashContract
    {
        protected override IFlash CreateFlash()
        {
            Firmware.Boot(withInterop: true);
            Board.AddPartition(PartitionFlash.DefaultLabel, 8 * 4096);
            IFlash flash = StoreFlash.Open(FileFlash.DefaultPath, 4 * 4096, 4096, out bool onPartition);
            Xunit.Assert.True(onPartition);
            return flash;
        }
    }
}
