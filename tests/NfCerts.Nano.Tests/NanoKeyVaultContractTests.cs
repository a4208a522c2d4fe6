using NfCerts.Hal;
using NfCerts.Hal.Nano;
using NfCerts.Tests.Contracts;
using Xunit;

namespace NfCerts.Nano.Tests
{
    /// <summary>NanoKeyVault on the interop library's mbedTLS natives.</summary>
    public sealed class NanoKeyVaultContractTests : KeyVaultContract
    {
        protected override IKeyVault CreateVault()
        {
            Firmware.Boot(withInterop: true);
            return new NanoKeyVault();
        }

        protected override IKeyVault? CreateOtherDeviceVault()
        {
            // Another board: its own eFuse key.
            Firmware.Boot(withInterop: true);
            return new NanoKeyVault();
        }
    }

    /// <summary>NanoKeyVault on interop firmware whose device key is refused (an ESP32 without flash encryption): keys
    /// cannot be sealed, and the vault says so instead of sealing under a key readable from flash.</summary>
    public sealed class NanoKeyVaultWithoutProtectedDeviceKeyTests
    {
        [Fact]
        public void CannotSealAndSaysSo()
        {
            Firmware.Boot(withInterop: true);
            NfCerts.NanoStandIn.Board.DeviceKeyStatus = NfCerts.Esp32.NativeKeys.StatusNotProtected;
            var vault = new NanoKeyVault();
            Assert.False(vault.CanSealKeys);
            var e = Assert.Throws<KeyVaultException>(() => vault.SealPrivateKey(new byte[] { 1, 2, 3 }));
            Assert.Equal(KeyVaultError.NotSupported, e.Error);
        }
    }

    /// <summary>NanoKeyVault on stock firmware: every operation is NotSupported, never a runtime exception.</summary>
    public sealed class NanoKeyVaultOnStockFirmwareTests
    {
        [Fact]
        public void EveryOperationIsNotSupported()
        {
            Firmware.Boot(withInterop: false);
            var vault = new NanoKeyVault();
            byte[] data = { 1, 2, 3 };
            Assert.Equal(KeyVaultError.NotSupported, Assert.Throws<KeyVaultException>(() => vault.Sha256(data, 0, 3)).Error);
            Assert.Equal(KeyVaultError.NotSupported, Assert.Throws<KeyVaultException>(() => vault.GenerateKey(KeyAlgorithm.EcP256)).Error);
            Assert.Equal(KeyVaultError.NotSupported, Assert.Throws<KeyVaultException>(() => vault.KeyMatchesCertificate(data, data)).Error);
            Assert.Equal(KeyVaultError.NotSupported, Assert.Throws<KeyVaultException>(() => vault.CreateCertificateRequest(data, "CN=x")).Error);
        }
    }
}
