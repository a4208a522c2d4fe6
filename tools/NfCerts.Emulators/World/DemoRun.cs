using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using NfCerts.Core.Device;
using NfCerts.Core.Provisioning;
using NfCerts.Emulators.Hub;
using NfCerts.Hal.Host;

namespace NfCerts.Emulators.World;

/// <summary>
/// Plays a scenario with one device: builds the <see cref="DemoWorld"/>, provisions and boots the device, drives the one
/// virtual clock through the plan step by step (timers fire inside each step, the network is real), plays the events at
/// their instants, and observes: the hub's view of the connection, the radio's associations, the store read back from
/// flash, the EST server's issued log and every server's log. Invariants are judged from those observations
/// (<see cref="DemoObserver"/>), never from what the firmware says about itself.
/// </summary>
public sealed class DemoRun
{
    private readonly Scenario _scenario;
    private readonly DemoOptions _options;
    private readonly List<(DateTimeOffset At, string Label, Func<Task> Act)> _agenda = new();
    private DemoWorld _world = null!;
    private EmulatedDevice _device = null!;
    private DemoObserver _observer = null!;
    private int _noticeSeq;
    private PowerCut? _cut;

    /// <summary>A run of <paramref name="scenario"/>.</summary>
    public DemoRun(Scenario scenario, DemoOptions options)
    {
        _scenario = scenario;
        _options = options;
    }

    /// <summary>Plays the scenario to its end and returns what was observed.</summary>
    public async Task<DemoResult> RunAsync(CancellationToken cancel = default)
    {
        var wall = Stopwatch.StartNew();
        DateTimeOffset end = ScenarioTimes.End(_scenario, _options.Years);
        _world = await DemoWorld.StartAsync(_scenario, end, _options.Radius, keepWholeLog: true);
        var radio = new SimulatedRadio(_world.Clock);
        try
        {
            radio.AddAccessPoint(_world.AccessPoint);
            DeviceOptions deviceOptions = _options.DeviceOptions();
            deviceOptions.HubReportPeriod = _options.HubReportPeriod;
            // A DPS retry-after is slept on the device's timer thread, as on the board: simulated time passes meanwhile.
            deviceOptions.DpsPause ??= span => _world.Clock.Block(span);
            _device = new EmulatedDevice(_world.Clock, radio, deviceOptions, _world.HubPorts);
            var result = new DemoResult { Scenario = _scenario.Name, Start = _world.Start, End = end, Radius = _world.Authenticator.Name };
            _observer = new DemoObserver(_world, _device, result, _options.OnTimeline);
            _device.Booted += runtime =>
            {
                _observer.Watch(runtime);
                if (runtime.Renewal != null)
                {
                    runtime.Renewal.StepReached += (_, step) =>
                    {
                        _observer.StepReached(step);
                        OnStep(step);
                    };
                }
            };
            _world.ApplyServerBehaviour(Plan);
            FirstBoot();
            PlanEvents(end);
            await DriveAsync(end, cancel);
            await _observer.FinishAsync(_options.ReconnectGrace, StepClock);
            result.WallTime = wall.Elapsed;
            return result;
        }
        finally
        {
            _device?.Dispose();
            radio.Dispose();
            await _world.DisposeAsync();
        }
    }

    private void FirstBoot()
    {
        _world.ProvisionAtFactory(_device, _options.Seed);
        _observer.Record(TimelineKind.Event, "first boot from the factory's bootstrap credential: the firmware enrolls by EST, registers with DPS, then joins its hub");
        _device.PowerOn(afterReboot: false);
    }

    private void PlanEvents(DateTimeOffset end)
    {
        foreach (ScenarioEvent e in _scenario.Events)
        {
            DateTimeOffset at = ScenarioTimes.At(_scenario, e);
            string note = e.Note == null ? "" : " (" + e.Note + ")";
            switch (e.Type)
            {
                case "hubRootSwitch":
                    Plan(at, "hub presents the " + e.Chain + " chain" + note, () => HubSwitchAsync(e.Chain!));
                    break;
                case "rootCaRollout":
                    Plan(at, "operator rolls out RootCA2 by " + string.Join(" and ", e.Via ?? new List<string> { "c2d", "twin" }) + note, () => RolloutAsync(e.Via));
                    break;
                case "radiusSwitch":
                    Plan(at, "RADIUS server switches to its certificate under RootCA2" + note, () =>
                    {
                        _observer.Disruption("RADIUS server switched to RootCA2");
                        _world.SwitchRadiusToRoot2(_device.Radio);
                        return Task.CompletedTask;
                    });
                    break;
                case "powerCut":
                    Plan(at, "power cut armed for " + (e.Step ?? DefaultStep(e.During!)) + note, () =>
                    {
                        _cut = new PowerCut(e.Step ?? DefaultStep(e.During!), ScenarioTimes.Length(e.OffFor ?? "PT10M", at), _world.Clock.TrueUtc);
                        return Task.CompletedTask;
                    });
                    break;
                case "reboot":
                    Plan(at, "reboot" + note, () =>
                    {
                        _observer.Disruption("reboot");
                        _device.PowerOff();
                        StepClock(ScenarioTimes.Length(e.OffFor ?? "PT1M", at));
                        _device.PowerOn(afterReboot: true);
                        return Task.CompletedTask;
                    });
                    break;
                case "offline":
                    TimeSpan length = ScenarioTimes.Length(e.For!, at);
                    Plan(at, "offline for " + e.For + note, () =>
                    {
                        _observer.Disruption("offline (" + e.For + ")", at + length);
                        _world.AccessPoint.GoDown();
                        return Task.CompletedTask;
                    });
                    Plan(at + length, "back online", () => { _world.AccessPoint.ComeBack(); return Task.CompletedTask; });
                    break;
            }
        }
        _agenda.RemoveAll(a => a.At > end);
        _agenda.Sort((a, b) => a.At.CompareTo(b.At));
    }

    private static string DefaultStep(string during) => during == "clientRotation" ? "Client.6.MoveClientCert2" : "Root.6.MoveRootCA2";

    private void Plan(DateTimeOffset at, string label, Func<Task> act) => _agenda.Add((at, label, act));

    private async Task DriveAsync(DateTimeOffset end, CancellationToken cancel)
    {
        int next = 0;
        DateTimeOffset start = _world.Start;
        double total = (end - start).TotalSeconds;
        while (_world.Clock.TrueUtc < end.UtcDateTime)
        {
            cancel.ThrowIfCancellationRequested();
            DateTimeOffset now = new(_world.Clock.TrueUtc, TimeSpan.Zero);
            TimeSpan step = _cut != null ? TimeSpan.FromMinutes(1) : _options.Step;
            DateTimeOffset target = now + step;
            if (next < _agenda.Count && _agenda[next].At < target)
            {
                target = _agenda[next].At;
            }
            if (target > end)
            {
                target = end;
            }
            if (target > now)
            {
                _world.Clock.AdvanceTo(target.UtcDateTime);
            }
            _observer.TakeSteps();
            HandlePowerCut();
            // Events due now first, so that an outage they cause is put down to them.
            while (next < _agenda.Count && _agenda[next].At <= new DateTimeOffset(_world.Clock.TrueUtc, TimeSpan.Zero))
            {
                var (_, label, act) = _agenda[next++];
                _observer.Record(TimelineKind.Event, label);
                try
                {
                    await act();
                }
                catch (HubServiceException e)
                {
                    // An operator's action the hub refuses (the device never reached it, say) is part of the story, not a crash.
                    _observer.Record(TimelineKind.Event, "the hub refused the operator's action: " + e.Message);
                }
            }
            _observer.Sample();
            _options.OnProgress?.Invoke((_world.Clock.TrueUtc - start.UtcDateTime).TotalSeconds / total, new DateTimeOffset(_world.Clock.TrueUtc, TimeSpan.Zero));
        }
    }

    /// <summary>Moves the clock while the network does its part: small steps, a moment of real time between them.</summary>
    private void StepClock(TimeSpan span)
    {
        DateTime until = _world.Clock.TrueUtc + span;
        while (_world.Clock.TrueUtc < until)
        {
            TimeSpan left = until - _world.Clock.TrueUtc;
            _world.Clock.Advance(left < TimeSpan.FromSeconds(5) ? left : TimeSpan.FromSeconds(5));
            Thread.Sleep(1);
        }
    }

    /// <summary>A power cut armed for a renewal step: the step's handler cuts the flash's power (the write under way tears);
    /// here, after the clock step, the board goes dark, stays off and boots again.</summary>
    private void HandlePowerCut()
    {
        PowerCut? cut = _cut;
        if (cut == null)
        {
            return;
        }
        if (!cut.Hit)
        {
            if (_world.Clock.TrueUtc - cut.Armed > TimeSpan.FromDays(3))
            {
                _observer.Record(TimelineKind.Observed, "the power cut never met step " + cut.Step + " within 3 days; disarmed");
                _cut = null;
            }
            return;
        }
        _cut = null;
        _observer.Disruption("power cut during " + cut.Step);
        _observer.Record(TimelineKind.Event, "power lost at step " + cut.Step + "; off for " + cut.OffFor);
        _device.PowerOff();
        _world.Clock.Advance(cut.OffFor);
        _device.PowerOn(afterReboot: true);
    }

    private async Task HubSwitchAsync(string chain)
    {
        _observer.Disruption("hub root switch to " + chain);
        await _world.SwitchHubChainAsync(chain);
    }

    private async Task RolloutAsync(List<string>? via)
    {
        int seq = ++_noticeSeq;
        await _world.SendRootCaNoticeAsync(_scenario.Device.Id, seq, via);
        // A connected device answers within moments of real time; give it them (its clock moves in small steps meanwhile).
        var limit = Stopwatch.StartNew();
        while (limit.Elapsed < TimeSpan.FromSeconds(30) && _observer.HubSeesDevice() && !await _observer.NoticeReportedAsync(seq))
        {
            StepClock(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>Where an armed power cut stands; <see cref="Hit"/> is set by the renewal step's handler.</summary>
    internal sealed class PowerCut(string step, TimeSpan offFor, DateTime armed)
    {
        public string Step { get; } = step;
        public TimeSpan OffFor { get; } = offFor;
        public DateTime Armed { get; } = armed;
        public volatile bool Hit;
    }

    /// <summary>The renewal step handler: cuts the flash's power at the armed step.</summary>
    internal void OnStep(string step)
    {
        PowerCut? cut = _cut;
        if (cut != null && !cut.Hit && step == cut.Step)
        {
            cut.Hit = true;
            _device.Flash.CutPowerNow();
        }
    }
}
