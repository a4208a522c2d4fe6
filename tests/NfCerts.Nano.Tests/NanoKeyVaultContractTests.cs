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
