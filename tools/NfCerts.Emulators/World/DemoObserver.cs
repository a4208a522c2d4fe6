using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Core.Device;
using NfCerts.Emulators.Est;
using NfCerts.Emulators.Hub;

namespace NfCerts.Emulators.World;

/// <summary>
/// Watches one device in a <see cref="DemoWorld"/> from outside: connection as the hub emulator sees it (hourly samples),
/// associations at the radio, the store read back from a copy of the flash after every event and weekly and asked of the
/// running firmware daily (<see cref="StoreReadBack"/>), the EST server's
/// issued log, and every log line and report the run produced, which are scanned for the PEM/DER of every private key.
/// It writes the timeline and judges the invariants: no stranded device, no lost certificate, no key in a log.
/// </summary>
internal sealed class DemoObserver
{
    private readonly DemoWorld _world;
    private readonly EmulatedDevice _device;
    private readonly DemoResult _result;
    private readonly Action<TimelineEntry>? _onTimeline;
    private readonly ConcurrentQueue<string> _deviceLog = new();
    private readonly ConcurrentQueue<(DateTimeOffset At, string Step, string Network)> _steps = new();
    private readonly Dictionary<string, CertificateWindow> _windows = new(StringComparer.Ordinal);
    private Dictionary<string, StoredCertificate> _store = new(StringComparer.Ordinal);
    private DateTime _lastReadBack = DateTime.MinValue;
    private bool _readBackDue = true;
    private DateTime _lastFlashReadBack = DateTime.MinValue;
    private long _flashGeneration = -1;
    /// <summary>How often the flash is read back when nothing happened in between.</summary>
    private static readonly TimeSpan FlashReadBackEvery = TimeSpan.FromDays(7);
    private int _samples;
    private int _connectedSamples;
    private bool? _connected;
    private DateTimeOffset _outageFrom;
    private string _outageCause = "";
    private (string Label, DateTimeOffset At, DateTimeOffset Until) _disruption = ("", DateTimeOffset.MinValue, DateTimeOffset.MinValue);
    private string _network = "-";
    private DateTimeOffset _networkFrom;

    public DemoObserver(DemoWorld world, EmulatedDevice device, DemoResult result, Action<TimelineEntry>? onTimeline)
    {
        _world = world;
        _device = device;
        _result = result;
        _onTimeline = onTimeline;
        _networkFrom = world.Start;
    }

    private DateTimeOffset Now => new(_world.Clock.TrueUtc, TimeSpan.Zero);

    /// <summary>Keeps the firmware's fault reports (its log) for the key scan.</summary>
    public void Watch(DeviceRuntime runtime)
    {
        runtime.FaultReported += (_, fault) => _deviceLog.Enqueue("fault " + fault.Component + ": " + fault.Message);
    }

    /// <summary>Adds a timeline line at the current simulated time.</summary>
    public void Record(TimelineKind kind, string text) => Record(kind, text, Now);

    private void Record(TimelineKind kind, string text, DateTimeOffset at)
    {
        var entry = new TimelineEntry(at, kind, text, _network, DaysLeft("ClientCert1"), DaysLeft("RootCA1"));
        _result.Timeline.Add(entry);
        _onTimeline?.Invoke(entry);
        _readBackDue = true;
    }

    /// <summary>A renewal step of the firmware, on whatever thread runs it: the network in use is noted then, since a
    /// rotation passes its steps within minutes, between two hourly samples. <see cref="TakeSteps"/> puts them on the timeline.</summary>
    public void StepReached(string step) => _steps.Enqueue((Now, step, CurrentNetwork()));

    /// <summary>On the run's thread: the networks the steps noted since the last call were taken on, and the root CA
    /// rotation's steps as timeline lines.</summary>
    public void TakeSteps()
    {
        while (_steps.TryDequeue(out var s))
        {
            SetNetwork(s.Network, s.At);
            if (s.Step.StartsWith("Root.", StringComparison.Ordinal))
            {
                Record(TimelineKind.Observed, "root CA rotation: step " + s.Step, s.At);
            }
        }
    }

    /// <summary>Something that may take the device off line began (an outage that follows is put down to it).</summary>
    public void Disruption(string label, DateTimeOffset? until = null) => _disruption = (label, Now, until ?? Now);

    /// <summary>True when the hub emulator has the device connected.</summary>
    public bool HubSeesDevice()
        => _world.Hub.ListDevicesAsync().GetAwaiter().GetResult().Any(d => d.DeviceId == _world.Scenario.Device.Id && d.Connected);

    /// <summary>True when the device reported (at the hub) its verdict on notice <paramref name="seq"/>.</summary>
    public async Task<bool> NoticeReportedAsync(int seq)
    {
        JsonObject twin = await _world.Hub.GetTwinAsync(_world.Scenario.Device.Id);
        return twin["properties"]?["reported"]?["rootCaNotice"]?["seq"] is JsonNode n && n.GetValue<long>() >= seq;
    }

    /// <summary>One sample: the connection as the hub and the radio see it, the network, and (daily or after an event) the
    /// store read back.</summary>
    public void Sample()
    {
        TakeSteps();
        bool connected = _device.IsOn && _device.Radio.IsConnected && HubSeesDevice();
        _samples++;
        if (connected)
        {
            _connectedSamples++;
        }
        SetNetwork(CurrentNetwork(), Now);
        if (_connected != connected)
        {
            if (connected && _connected == false)
            {
                _result.Outages.Add(new Outage(_outageFrom, Now, _outageCause));
                Record(TimelineKind.Outage, "connected to the hub again after " + Human(Now - _outageFrom) + " (" + _outageCause + ")");
            }
            else if (!connected && _connected == true)
            {
                _outageFrom = Now;
                _outageCause = Cause();
                Record(TimelineKind.Outage, "lost the hub: " + _outageCause);
            }
            else if (connected)
            {
                Record(TimelineKind.Observed, "connected to the hub (" + _world.HubChain + " chain)");
            }
            _connected = connected;
        }
        if (_readBackDue || _world.Clock.TrueUtc - _lastReadBack >= TimeSpan.FromDays(1))
        {
            // After every event (a power cut, a reboot, a rotation step) and weekly the flash itself; daily the firmware.
            ReadBack(_readBackDue || _world.Clock.TrueUtc - _lastFlashReadBack >= FlashReadBackEvery);
        }
    }

    private string CurrentNetwork()
    {
        string network = _device.Radio.IsConnected ? (_device.Runtime?.Wifi?.ConnectedConfigName ?? "?") : "-";
        return network.Length == 0 ? "?" : network;
    }

    private void SetNetwork(string network, DateTimeOffset at)
    {
        if (network == _network)
        {
            return;
        }
        CloseNetwork(at);
        _network = network;
        if (network != "-")
        {
            Record(TimelineKind.Observed, "associated with " + network + " (" + _world.Authenticator.Name + ")", at);
        }
    }

    private string Cause()
    {
        var (label, at, until) = _disruption;
        if (label.Length > 0 && (Now <= until || Now - at < TimeSpan.FromDays(1)))
        {
            return label;
        }
        string radio = RadioResult();
        string hub = _device.Runtime?.Hub?.Status.LastError ?? "";
        return "unexplained (radio: " + (radio.Length > 0 ? radio : "-") + "; hub client: " + (hub.Length > 0 ? hub : "-") + ")";
    }

    /// <summary>The store as it is now, judged against the last look: from a copy of the flash (<paramref name="fromFlash"/>,
    /// or while the device is off), else asked of the running firmware's store, which is many times cheaper (a mount
    /// replays the whole log, and the flash changes daily with the renewal journal).</summary>
    private void ReadBack(bool fromFlash)
    {
        _readBackDue = false;
        _lastReadBack = _world.Clock.TrueUtc;
        Dictionary<string, StoredCertificate> now;
        DeviceRuntime? runtime = _device.Runtime;
        if (fromFlash || runtime == null)
        {
            _lastFlashReadBack = _world.Clock.TrueUtc;
            long generation = _device.Flash.Generation;
            if (generation == _flashGeneration)
            {
                // Nothing was programmed or erased since the last read-back: the flash holds what it held then.
                foreach (StoredCertificate c in _store.Values)
                {
                    _windows[c.Sha256] = _windows[c.Sha256] with { LastSeen = Now };
                }
                return;
            }
            _flashGeneration = generation;
            now = StoreReadBack.Read(_device.Flash);
        }
        else
        {
            now = StoreReadBack.Read(runtime);
        }
        foreach (StoredCertificate c in now.Values)
        {
            if (_windows.TryGetValue(c.Sha256, out CertificateWindow? w))
            {
                string ids = w.Ids.Split(',').Contains(c.Id) ? w.Ids : w.Ids + "," + c.Id;
                _windows[c.Sha256] = w with { LastSeen = Now, Ids = ids };
            }
            else
            {
                _windows[c.Sha256] = new CertificateWindow(c.Sha256, c.Info.Subject.ToString(), c.Id,
                    new DateTimeOffset(c.Info.NotBefore, TimeSpan.Zero), new DateTimeOffset(c.Info.NotAfter, TimeSpan.Zero), Now, Now);
            }
        }
        // Both are judged against the same earlier read-back: a renewal and a rotation can land between two of them.
        Dictionary<string, StoredCertificate> before = _store;
        CheckCommitted(before, now, "ClientCert1");
        CheckCommitted(before, now, "RootCA1");
        if (now.ContainsKey("RootCA2") && !before.ContainsKey("RootCA2"))
        {
            _store = now;
            Record(TimelineKind.Observed, "RootCA2 and Network2 installed from the operator's notice");
        }
        _store = now;
    }

    /// <summary>A certificate once committed under <paramref name="id"/> may only be replaced by what a rotation brings:
    /// for ClientCert1 a certificate the EST server issued, for RootCA1 the rolled-out RootCA2.</summary>
    private void CheckCommitted(Dictionary<string, StoredCertificate> earlier, Dictionary<string, StoredCertificate> now, string id)
    {
        if (!earlier.TryGetValue(id, out StoredCertificate? before))
        {
            return;
        }
        if (!now.TryGetValue(id, out StoredCertificate? after))
        {
            Breach("lost certificate: " + id + " (" + before.Info.Subject + ") is gone from the store read back from flash");
            return;
        }
        if (after.Sha256 == before.Sha256)
        {
            return;
        }
        _store = now;
        if (id == "ClientCert1")
        {
            string serial = after.Info.SerialNumberHex.TrimStart('0');
            bool issued = _world.Est.Log.ReadAll().Any(r => string.Equals(r.Serial.TrimStart('0'), serial, StringComparison.OrdinalIgnoreCase));
            if (!issued)
            {
                Breach("ClientCert1 was replaced by a certificate the EST server never issued (serial " + serial + ")");
                return;
            }
            _result.Renewals++;
            Record(TimelineKind.Observed, "ClientCert1 renewed by EST re-enrollment, valid until " + after.Info.NotAfter.ToString("yyyy-MM-dd"));
        }
        else if (after.Sha256 == Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(_world.Pki.RadiusRoot2.Der)))
        {
            _result.RootRotations++;
            Record(TimelineKind.Observed, "RootCA1 is now the rolled-out RootCA2: root CA rotation complete");
        }
        else
        {
            Breach("RootCA1 was replaced by a certificate nobody rolled out (" + after.Info.Subject + ")");
        }
    }

    private void Breach(string what)
    {
        _result.Breaches.Add(Now.ToString("yyyy-MM-dd HH:mm") + " " + what);
        Record(TimelineKind.Breach, what);
    }

    private int? DaysLeft(string id)
        => _store.TryGetValue(id, out StoredCertificate? c) ? (int)Math.Floor((c.Info.NotAfter - _world.Clock.TrueUtc).TotalDays) : null;

    private void CloseNetwork() => CloseNetwork(Now);

    private void CloseNetwork(DateTimeOffset at)
    {
        if (_network != "-" && at > _networkFrom)
        {
            _result.Networks.Add(new NetworkSpan(_networkFrom, at, _network));
        }
        if (at > _networkFrom)
        {
            _networkFrom = at;
        }
    }

    /// <summary>After the plan: the device gets <paramref name="grace"/> with its networks up to reconnect by itself, then
    /// the figures are taken and every log and report is scanned for private keys.</summary>
    public async Task FinishAsync(TimeSpan grace, Action<TimeSpan> stepClock)
    {
        DateTimeOffset end = Now;
        if (!_world.AccessPoint.IsUp)
        {
            _world.AccessPoint.ComeBack();
        }
        DateTimeOffset limit = end + grace;
        while (!(_device.Radio.IsConnected && HubSeesDevice()) && Now < limit)
        {
            _world.Clock.Advance(TimeSpan.FromMinutes(10));
            stepClock(TimeSpan.FromSeconds(10));
        }
        Sample();
        if (_connected == false)
        {
            _result.Outages.Add(new Outage(_outageFrom, Now, _outageCause));
        }
        CloseNetwork();
        if (!(_device.Radio.IsConnected && HubSeesDevice()))
        {
            Breach("stranded device: not connected " + Human(grace) + " after the end without anyone's help (radio: "
                + RadioResult() + "; hub client: " + (_device.Runtime?.Hub?.Status.LastError ?? "-") + ")");
        }
        _result.Certificates.AddRange(_windows.Values.OrderBy(w => w.FirstSeen).ThenBy(w => w.Ids, StringComparer.Ordinal));
        _result.ConnectivityPercent = _samples == 0 ? 0 : 100.0 * _connectedSamples / _samples;
        var hub = _world.Hub.Counters;
        _result.Handshakes = new Handshakes(hub.Handshakes, _world.AccessPoint.AuthenticationCount, _world.Est.ConnectionCount, _world.Dps.Counters.Connections);
        _result.FlashBytesProgrammed = _device.Flash.BytesProgrammed;
        _result.FlashErases = _device.Flash.TotalErases;
        _result.EstIssued = _world.Est.Log.ReadAll().Count;
        await ScanForKeysAsync();
    }

    private async Task ScanForKeysAsync()
    {
        KeyLeakScan scan = KeyScan();
        _result.Keys = scan;
        var text = new StringBuilder();
        foreach (string line in _world.LogLines.Concat(_deviceLog))
        {
            text.Append(line).Append('\n');
        }
        foreach (TimelineEntry e in _result.Timeline)
        {
            text.Append(e.Text).Append('\n');
        }
        try
        {
            text.Append((await _world.Hub.GetTwinAsync(_world.Scenario.Device.Id)).ToJsonString()).Append('\n');
        }
        catch (HubServiceException)
        {
            // A device that never reached the hub has no twin to scan.
        }
        foreach (var m in _world.Hub.D2cMessages)
        {
            text.Append(Encoding.UTF8.GetString(m.Body)).Append(' ').Append(m.Properties).Append('\n');
        }
        foreach (EstIssuedRecord r in _world.Est.Log.ReadAll())
        {
            text.Append(JsonSerializer.Serialize(r)).Append('\n');
        }
        foreach (string key in scan.Find(text.ToString()))
        {
            Breach("private key in a log: " + key);
        }
    }

    /// <summary>Every private key of the run: the world's credentials and every key the device generated.</summary>
    public KeyLeakScan KeyScan()
    {
        var scan = new KeyLeakScan();
        foreach (var c in _world.Pki.Credentials)
        {
            scan.Add(DemoWorld.KeyDer(c), "the key of " + c.Certificate.Subject);
        }
        int n = 0;
        foreach (byte[] k in _device.Vault.Generated)
        {
            scan.Add(k, "device key #" + (++n) + " generated for an enrollment");
        }
        return scan;
    }

    /// <summary>The radio's last association attempt, as the access point answered it.</summary>
    private string RadioResult()
    {
        NfCerts.Hal.WifiConnectResult? r = _device.Radio.LastResult;
        return r == null ? "-" : r.Success ? "associated" : r.Reason + (r.CertSubject != null ? " at " + r.CertSubject : "") + (r.Detail != null ? ": " + r.Detail : "");
    }

    internal static string Human(TimeSpan t) => t.TotalDays >= 1 ? t.TotalDays.ToString("0.#") + " days"
        : t.TotalHours >= 1 ? t.TotalHours.ToString("0.#") + " h" : t.TotalMinutes.ToString("0") + " min";
}
