using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using NfCerts.Core.Device;
using NfCerts.Core.Renewal;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using NfCerts.Hal.Host.Mqtt;

namespace NfCerts.Emulators.World;

/// <summary>
/// One emulated board: the unmodified <see cref="DeviceRuntime"/> on the host HAL (NOR flash with counters, a virtual clock,
/// a simulated radio among the world's access points, the host key vault with a device key, the host TLS connector and the
/// MQTTnet hub and DPS transports, all judging certificates at the device's own clock). Power goes off and on as on a board.
/// </summary>
public sealed class EmulatedDevice : IDisposable
{
    /// <summary>The store partition: 256 KiB in 4 KiB sectors, as on the ESP32.</summary>
    public const int FlashSize = 64 * 4096;

    /// <summary>Creates the board at <paramref name="clock"/>'s time in <paramref name="radio"/>'s range; it is off.</summary>
    /// <param name="clock">The device's clock and timers.</param>
    /// <param name="radio">Its Wi-Fi station.</param>
    /// <param name="options">The runtime's options.</param>
    /// <param name="hubPorts">What DNS and port 8883 are to a real board: each hub host name DPS may assign → its
    /// emulator's 127.0.0.1 port.</param>
    public EmulatedDevice(VirtualClock clock, SimulatedRadio radio, DeviceOptions options, IReadOnlyDictionary<string, int> hubPorts)
    {
        Clock = clock;
        Radio = radio;
        Options = options;
        _hubPorts = hubPorts;
        Vault = new RecordingKeyVault(new HostKeyVault(RandomNumberGenerator.GetBytes(32)));
    }

    private readonly IReadOnlyDictionary<string, int> _hubPorts;

    /// <summary>The store's flash chip.</summary>
    public NorFlash Flash { get; } = new(FlashSize, 4096);

    /// <summary>Bytes of memory the store's flash model holds now (its sectors that are not erased; see
    /// <see cref="NorFlash.BytesHeld"/>), what the fleet sums rather than <see cref="FlashSize"/> per device.</summary>
    public long FlashBytesHeld => Flash.BytesHeld;

    /// <summary>The device's clock and timers (and the world's true time).</summary>
    public VirtualClock Clock { get; }

    /// <summary>The Wi-Fi station.</summary>
    public SimulatedRadio Radio { get; }

    /// <summary>The key vault (with the board's device key), watched for generated keys.</summary>
    public RecordingKeyVault Vault { get; }

    /// <summary>The runtime's options.</summary>
    public DeviceOptions Options { get; }

    /// <summary>The running firmware; null while off.</summary>
    public DeviceRuntime? Runtime { get; private set; }

    /// <summary>The hub transport of this boot.</summary>
    public HubNames? Transport { get; private set; }

    private MqttNetTransport? _mqtt;

    /// <summary>True while powered.</summary>
    public bool IsOn => Runtime != null;

    /// <summary>Raised after every boot with the new runtime (to watch its renewal steps).</summary>
    public event Action<DeviceRuntime>? Booted;

    /// <summary>Power on: builds the HAL and starts the runtime as Program.cs does on the board; SNTP answers a few
    /// (simulated) seconds later.</summary>
    public void PowerOn(bool afterReboot)
    {
        if (Runtime != null)
        {
            return;
        }
        if (Flash.PowerLost)
        {
            Flash.PowerOn();
        }
        Transport = new HubNames(_hubPorts, Clock);
        _mqtt = new MqttNetTransport(Clock);
        var hal = new DeviceHal(() => Flash, Radio, Clock, Clock, Vault)
        {
            Tls = new HostTlsConnector(Clock),
            Hub = Transport,
            Mqtt = _mqtt,
        };
        Runtime = new DeviceRuntime(hal, Options);
        Runtime.Start();
        Booted?.Invoke(Runtime);
        if (afterReboot)
        {
            Clock.Advance(TimeSpan.FromSeconds(5));
            Clock.Synchronize(Clock.TrueUtc);
        }
    }

    /// <summary>Power off (a clean stop or, after <see cref="NorFlash.CutPowerNow"/>, what is left of one): the runtime
    /// stops, the link drops, the transport's connection closes, the clock reboots (uptime restarts, wall clock unset).</summary>
    public void PowerOff()
    {
        if (Runtime == null)
        {
            return;
        }
        try
        {
            Runtime.Stop();
        }
        catch (Exception)
        {
            // A runtime stopped after a power cut may fail to flush: the power is gone either way.
        }
        Runtime = null;
        Radio.Disconnect();
        Transport?.Dispose();
        Transport = null;
        _mqtt?.Dispose();
        _mqtt = null;
        Clock.Reboot();
    }

    /// <summary>The renewal engine of the running firmware, or null.</summary>
    public RenewalEngine? Renewal => Runtime?.Renewal;

    /// <inheritdoc/>
    public void Dispose()
    {
        PowerOff();
        Flash.Dispose();
    }
}
