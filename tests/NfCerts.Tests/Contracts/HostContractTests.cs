using System;
using System.Collections.Generic;
using System.Threading;
using NfCerts.Hal;
using NfCerts.Hal.Host;

namespace NfCerts.Tests.Contracts
{
    /// <summary>The host's NOR flash model, byte-writable.</summary>
    public sealed class NorFlashContractTests : FlashContract
    {
        protected override IFlash CreateFlash() => new NorFlash(4 * 4096, 4096);
    }

    /// <summary>The host's NOR flash model with the 16-byte program unit of ESP32 flash encryption.</summary>
    public sealed class EncryptedNorFlashContractTests : FlashContract
    {
        protected override IFlash CreateFlash() => new NorFlash(4 * 4096, 4096, 16);
    }

    /// <summary>The host's virtual clock: time passes only when the test advances it.</summary>
    public sealed class VirtualClockTimersContractTests : TimersContract
    {
        private readonly VirtualClock _clock = new VirtualClock(new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        protected override ITimers Timers => _clock;

        protected override IReadOnlyList<Exception> ReportedErrors => _clock.CallbackErrors;

        protected override void Elapse(TimeSpan span) => _clock.Advance(span);

        protected override bool Eventually(Func<bool> condition)
        {
            for (int i = 0; i < 10_000 && !condition(); i++)
            {
                _clock.Advance(TimeSpan.FromMilliseconds(1));
            }

            return condition();
        }
    }

    /// <summary>The host's real-time clock.</summary>
    public sealed class SystemClockTimersContractTests : TimersContract
    {
        private readonly SystemClock _clock = new SystemClock();

        protected override ITimers Timers => _clock;

        protected override IReadOnlyList<Exception> ReportedErrors => _clock.CallbackErrors;

        protected override void Elapse(TimeSpan span) => Thread.Sleep(span);

        protected override bool Eventually(Func<bool> condition) => RealTime.Eventually(condition);

        public override void Dispose() => _clock.Dispose();
    }

    /// <summary>The host's key vault on System.Security.Cryptography.</summary>
    public sealed class HostKeyVaultContractTests : KeyVaultContract
    {
        protected override IKeyVault CreateVault() => new HostKeyVault();
    }

    /// <summary>The host's key vault with a device key, as the emulator's devices have it.</summary>
    public sealed class SealingHostKeyVaultContractTests : KeyVaultContract
    {
        private static readonly byte[] DeviceKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

        protected override IKeyVault CreateVault() => new HostKeyVault(DeviceKey);

        protected override IKeyVault? CreateOtherDeviceVault() => new HostKeyVault(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>The host's simulated station.</summary>
    public sealed class SimulatedRadioContractTests : WifiLinkContract
    {
        private readonly SystemClock _clock = new SystemClock();
        private readonly SimulatedRadio _radio;

        public SimulatedRadioContractTests()
        {
            _radio = new SimulatedRadio(_clock);
        }

        protected override IWifiRadio Radio => _radio;

        protected override void AddAccessPoint(AccessPoint accessPoint) => _radio.AddAccessPoint(accessPoint);

        public override void Dispose()
        {
            _radio.Dispose();
            _clock.Dispose();
        }
    }
}
