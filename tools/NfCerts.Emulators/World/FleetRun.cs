using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using NfCerts.Core.Certificates;
using NfCerts.Core.Device;
using NfCerts.Core.Wifi;
using NfCerts.Emulators.Hub;
using NfCerts.Hal.Host;

namespace NfCerts.Emulators.World;

/// <summary>
/// Plays a scenario with a fleet: N <see cref="EmulatedDevice"/>s of the same firmware in one <see cref="DemoWorld"/>, each
/// with its variety drawn from the seed (<see cref="FleetDevicePlan"/>: first boot inside the rollout window, wall-clock
/// skew, an offline period near the plan's root rollout, its own jitter seed or a shared one). The world's true time is
/// one; each board keeps its own <see cref="VirtualClock"/> (its uptime restarts when it reboots) moved in lockstep with it:
/// every device timer fires at its own instant, in time order across the fleet (one device at a time, so the servers'
/// rate limits and the load figures are deterministic), and every <see cref="FleetOptions.Sync"/> all clocks meet. The
/// plan's world events (hub chain switch, RootCA2 rollout to every device, RADIUS switch, the site offline) play at their
/// instants; every day the fleet is sampled from the servers' side and from each store read back from flash. After the end
/// every device is back in range and gets <see cref="FleetOptions.ReconnectGrace"/>; one the hub does not see then is
/// stranded, with what its access point and hub client said.
/// </summary>
public sealed class FleetRun
{
    private readonly Scenario _scenario;
    private readonly FleetOptions _options;
    private readonly List<Agendum> _agenda = new();
    private readonly List<Member> _members = new();
    private readonly PriorityQueue<Member, DateTime> _due = new();
    private readonly Dictionary<long, long> _estPerMinute = new();
    private readonly Dictionary<long, long> _dpsPerMinute = new();
    private readonly HashSet<int> _renewingToday = new();
    private DemoWorld _world = null!;
    private FleetResult _result = null!;
    private string _root2Sha = "";
    private int _noticeSeq;
    private IReadOnlyCollection<string>? _noticeVia;
    private long _estToday;
    private long _dpsToday;

    /// <summary>A fleet run of <paramref name="scenario"/>.</summary>
    public FleetRun(Scenario scenario, FleetOptions options)
    {
        _scenario = scenario;
        _options = options;
    }

    private sealed record Agendum(DateTimeOffset At, string? Label, Func<Task> Act);

    /// <summary>One board of the fleet and what the run knows of it.</summary>
    private sealed class Member(int index, FleetDevicePlan plan, uint seed)
    {
        public int Index { get; } = index;
        public FleetDevicePlan Plan { get; } = plan;
        public uint Seed { get; } = seed;
        public VirtualClock Clock = null!;
        public SimulatedRadio Radio = null!;
        public EmulatedDevice? Device;
        public long ReadBackAt = -1;
        public bool OnNewRoot;
        public int NoticeSeq;
    }

    private DateTime Now => _world.Clock.TrueUtc;

    /// <summary>Plays the scenario to its end and returns what was observed.</summary>
    public async Task<FleetResult> RunAsync(CancellationToken cancel = default)
    {
        var wall = Stopwatch.StartNew();
        DateTimeOffset end = ScenarioTimes.End(_scenario, _options.Years);
        FleetSettings settings = _options.Resolve(_scenario);
        _world = await DemoWorld.StartAsync(_scenario, end, RadiusKind.InProcess);
        try
        {
            _result = new FleetResult { Scenario = _scenario.Name, Seed = _options.Seed, Settings = settings, Start = _world.Start, End = end };
            _root2Sha = Convert.ToHexStringLower(SHA256.HashData(_world.Pki.RadiusRoot2.Der));
            if (settings.EstCapacityPerMinute is int capacity && _scenario.Servers.Est.RateLimit == null)
            {
                _world.Est.Controls.SetRateLimit(capacity, TimeSpan.FromMinutes(1), 60);
            }
            _world.ApplyServerBehaviour((at, label, act) => _agenda.Add(new Agendum(at, label, act)));
            PlanEvents();
            AddFleet(settings);
            var agenda = _agenda.Where(a => a.At <= end).OrderBy(a => a.At).ToList();
            await DriveAsync(agenda, end, sample: true, cancel);
            await FinishAsync(cancel);
            _result.WallTime = wall.Elapsed;
            using var self = Process.GetCurrentProcess();
            _result.PeakWorkingSet = self.PeakWorkingSet64;
            return _result;
        }
        finally
        {
            foreach (Member m in _members)
            {
                m.Device?.Dispose();
                m.Radio?.Dispose();
            }
            await _world.DisposeAsync();
        }
    }

    /// <summary>The plan's world events; the single-device ones (power cut, reboot) are listed as skipped.</summary>
    private void PlanEvents()
    {
        foreach (ScenarioEvent e in _scenario.Events)
        {
            DateTimeOffset at = ScenarioTimes.At(_scenario, e);
            string note = e.Note == null ? "" : " (" + e.Note + ")";
            switch (e.Type)
            {
                case "hubRootSwitch":
                    _agenda.Add(new Agendum(at, "hub presents the " + e.Chain + " chain" + note, async () =>
                    {
                        await _world.SwitchHubChainAsync(e.Chain!);
                        Thread.Sleep(500);
                    }));
                    break;
                case "rootCaRollout":
                    _agenda.Add(new Agendum(at, "operator rolls out RootCA2 to every device by " + string.Join(" and ", e.Via ?? new List<string> { "c2d", "twin" }) + note,
                        () => RolloutAsync(e.Via)));
                    break;
                case "radiusSwitch":
                    _agenda.Add(new Agendum(at, "RADIUS server switches to its certificate under RootCA2" + note, () =>
                    {
                        _world.SwitchRadiusToRoot2(_members.Where(m => m.Device != null).Select(m => m.Radio));
                        return Task.CompletedTask;
                    }));
                    break;
                case "offline":
                    TimeSpan length = ScenarioTimes.Length(e.For!, at);
                    _agenda.Add(new Agendum(at, "the site is offline for " + e.For + note, () => { _world.AccessPoint.GoDown(); return Task.CompletedTask; }));
                    _agenda.Add(new Agendum(at + length, "the site is back online", () => { _world.AccessPoint.ComeBack(); return Task.CompletedTask; }));
                    break;
                default:
                    _result.Skipped.Add(e.Type + " at " + at.ToString("yyyy-MM-dd HH:mm") + note);
                    break;
            }
        }
    }

    /// <summary>Every device's variety as <see cref="RunAsync"/> draws it from the seed: first boot inside the first-boot
    /// window, wall-clock skew, and for the offline share one offline period that starts between the plan's first root
    /// rollout less the period's length and its RADIUS switch (the stretch in which being away matters).</summary>
    public static IReadOnlyList<FleetDevicePlan> Draw(Scenario scenario, FleetOptions options)
        => Draw(scenario, options, options.Resolve(scenario)).Select(d => d.Plan).ToList();

    private static List<(FleetDevicePlan Plan, uint Seed)> Draw(Scenario scenario, FleetOptions options, FleetSettings s)
    {
        var random = new Random(options.Seed);
        DateTimeOffset start = ScenarioTimes.Start(scenario);
        DateTimeOffset end = ScenarioTimes.End(scenario, options.Years);
        DateTimeOffset? rollout = scenario.Events.Where(e => e.Type == "rootCaRollout").Select(e => (DateTimeOffset?)ScenarioTimes.At(scenario, e)).Min();
        DateTimeOffset? radius = scenario.Events.Where(e => e.Type == "radiusSwitch").Select(e => (DateTimeOffset?)ScenarioTimes.At(scenario, e)).Min();
        DateTimeOffset from = (rollout ?? radius ?? start + s.OfflineFor) - s.OfflineFor;
        DateTimeOffset until = radius ?? (rollout ?? end - s.OfflineFor);
        if (until <= from)
        {
            until = from + s.OfflineFor;
        }
        var fleet = new List<(FleetDevicePlan, uint)>();
        for (int i = 0; i < s.Devices; i++)
        {
            string id = "dev-" + (i + 1).ToString("D5");
            DateTimeOffset boot = i == 0 ? start : start + Seconds(random.NextDouble() * s.FirstBootWindow.TotalSeconds);
            TimeSpan skew = Seconds((random.NextDouble() * 2 - 1) * s.Skew.TotalSeconds);
            uint seed = (uint)random.Next();
            DateTimeOffset? offFrom = null, offTo = null;
            if (random.NextDouble() < s.OfflineRate)
            {
                DateTimeOffset f = from + Seconds(random.NextDouble() * (until - from).TotalSeconds);
                offFrom = f < boot + TimeSpan.FromDays(1) ? boot + TimeSpan.FromDays(1) : f;
                offTo = offFrom + s.OfflineFor;
            }
            fleet.Add((new FleetDevicePlan(id, boot, skew, offFrom, offTo), s.Jitter ? seed : (uint)options.Seed));
        }
        return fleet;
    }

    /// <summary>Makes the members and plans each one's first boot and offline period.</summary>
    private void AddFleet(FleetSettings s)
    {
        foreach (var (plan, seed) in Draw(_scenario, _options, s))
        {
            var m = new Member(_members.Count, plan, seed);
            _members.Add(m);
            _result.Devices.Add(plan);
            _agenda.Add(new Agendum(plan.BootAt, null, () => { Boot(m); return Task.CompletedTask; }));
            if (plan.OfflineFrom is DateTimeOffset a && plan.OfflineTo is DateTimeOffset b)
            {
                _agenda.Add(new Agendum(a, null, () => { m.Radio.RemoveAccessPoint(_world.AccessPoint); return Task.CompletedTask; }));
                _agenda.Add(new Agendum(b, null, () => { m.Radio.AddAccessPoint(_world.AccessPoint); return Task.CompletedTask; }));
            }
        }
    }

    private static TimeSpan Seconds(double s) => TimeSpan.FromSeconds(Math.Round(s));

    private void Boot(Member m)
    {
        m.Clock = new VirtualClock(Now);
        m.Clock.SetWallClock(Now + m.Plan.Skew);
        m.Radio = new SimulatedRadio(m.Clock);
        m.Radio.AddAccessPoint(_world.AccessPoint);
        var options = new DeviceOptions
        {
            SupervisorPeriod = _options.SupervisorPeriod,
            HubReportPeriod = _options.HubReportPeriod,
            // A DPS retry-after is waited out on the world's clock (the servers judge early polls by it), not in real time.
            DpsPause = span => _world.Clock.Advance(span),
        };
        var device = new EmulatedDevice(m.Clock, m.Radio, options, _world.HubPorts);
        _world.ProvisionAtFactory(device, m.Seed, m.Plan.Id, _world.Pki.BootstrapFor(m.Plan.Id));
        m.Device = device;
        Measured(m, () => device.PowerOn(afterReboot: false));
    }

    /// <summary>Moves the world through <paramref name="agenda"/> to <paramref name="end"/>.</summary>
    private async Task DriveAsync(List<Agendum> agenda, DateTimeOffset end, bool sample, CancellationToken cancel)
    {
        int next = 0;
        DateTime start = _world.Start.UtcDateTime;
        DateTime day = Now.Date.AddDays(1);
        double total = (end.UtcDateTime - start).TotalSeconds;
        while (Now < end.UtcDateTime)
        {
            cancel.ThrowIfCancellationRequested();
            DateTime target = Now + _options.Sync;
            if (next < agenda.Count && agenda[next].At.UtcDateTime < target)
            {
                target = agenda[next].At.UtcDateTime;
            }
            if (sample && day < target)
            {
                target = day;
            }
            if (target > end.UtcDateTime)
            {
                target = end.UtcDateTime;
            }
            RunDue(target);
            while (next < agenda.Count && agenda[next].At.UtcDateTime <= Now)
            {
                Agendum a = agenda[next++];
                if (a.Label != null)
                {
                    _result.Events.Add((new DateTimeOffset(Now, TimeSpan.Zero), a.Label));
                }
                try
                {
                    await a.Act();
                }
                catch (HubServiceException e)
                {
                    _result.Events.Add((new DateTimeOffset(Now, TimeSpan.Zero), "the hub refused the operator's action: " + e.Message));
                }
                Requeue();
            }
            if (sample && Now >= day)
            {
                await SampleDayAsync(day.AddDays(-1));
                day = day.AddDays(1);
                _options.OnProgress?.Invoke((Now - start).TotalSeconds / total, new DateTimeOffset(Now, TimeSpan.Zero));
            }
        }
    }

    /// <summary>Fires every device timer due before <paramref name="target"/> in time order, then brings every clock to it.</summary>
    private void RunDue(DateTime target)
    {
        while (_due.TryPeek(out Member? m, out DateTime at) && at < target)
        {
            _due.Dequeue();
            DateTime? actual = DueAt(m);
            if (actual != at)
            {
                if (actual is DateTime later)
                {
                    _due.Enqueue(m, later);
                }
                continue;
            }
            if (at > Now)
            {
                _world.Clock.AdvanceTo(at);
            }
            Measured(m, () => m.Clock.AdvanceTo(at > m.Clock.TrueUtc ? at : m.Clock.TrueUtc));
            if (DueAt(m) is DateTime again)
            {
                _due.Enqueue(m, again);
            }
        }
        if (target > Now)
        {
            _world.Clock.AdvanceTo(target);
        }
        foreach (Member m in _members)
        {
            if (m.Device == null || m.Clock.TrueUtc >= target)
            {
                continue;
            }
            if (DueAt(m) is DateTime at && at <= target)
            {
                Measured(m, () => m.Clock.AdvanceTo(target));
            }
            else
            {
                m.Clock.AdvanceTo(target);
            }
        }
        Requeue();
    }

    /// <summary>All clocks move <paramref name="span"/> in small steps with a moment of real time between them, while the
    /// network does its part (a notice travelling to a connected device, say).</summary>
    private void StepAll(TimeSpan span)
    {
        DateTime until = Now + span;
        while (Now < until)
        {
            TimeSpan left = until - Now;
            RunDue(Now + (left < TimeSpan.FromSeconds(5) ? left : TimeSpan.FromSeconds(5)));
            Thread.Sleep(2);
        }
    }

    private static DateTime? DueAt(Member m) => m.Device != null && m.Clock.NextDueIn is TimeSpan d ? m.Clock.TrueUtc + d : null;

    private void Requeue()
    {
        _due.Clear();
        foreach (Member m in _members)
        {
            if (DueAt(m) is DateTime at)
            {
                _due.Enqueue(m, at);
            }
        }
    }

    /// <summary>Runs <paramref name="act"/> (a device's own work) and puts the EST and DPS requests it made down to the
    /// device and the world's current minute.</summary>
    private void Measured(Member m, Action act)
    {
        long est = EstRequests(), dps = DpsRequests();
        act();
        long estMade = EstRequests() - est, dpsMade = DpsRequests() - dps;
        long minute = Now.Ticks / TimeSpan.TicksPerMinute;
        if (estMade > 0)
        {
            _renewingToday.Add(m.Index);
            _estToday += estMade;
            _estPerMinute[minute] = _estPerMinute.GetValueOrDefault(minute) + estMade;
        }
        if (dpsMade > 0)
        {
            _dpsToday += dpsMade;
            _dpsPerMinute[minute] = _dpsPerMinute.GetValueOrDefault(minute) + dpsMade;
        }
    }

    private static readonly string[] EstOperations = { "cacerts", "csrattrs", "simpleenroll", "simplereenroll", "serverkeygen" };

    private long EstRequests()
    {
        long n = 0;
        foreach (string op in EstOperations)
        {
            n += _world.Est.RequestCount(op);
        }
        return n;
    }

    private long DpsRequests()
    {
        var c = _world.Dps.Counters;
        return c.RegisterRequests + c.PollRequests;
    }

    /// <summary>The operator's RootCA2 notice to every device the hub knows (later ones get it by their twin when they first
    /// appear), then a moment for the connected ones to take it.</summary>
    private async Task RolloutAsync(List<string>? via)
    {
        _noticeSeq++;
        _noticeVia = via;
        var connected = await ConnectedAsync();
        foreach (Member m in _members)
        {
            await NotifyAsync(m, via);
        }
        var pending = _members.Where(m => connected.Contains(m.Plan.Id)).ToList();
        var limit = Stopwatch.StartNew();
        while (pending.Count > 0 && limit.Elapsed < TimeSpan.FromSeconds(30 + pending.Count / 10))
        {
            StepAll(TimeSpan.FromSeconds(5));
            var still = new List<Member>();
            foreach (Member m in pending)
            {
                if (!await ReportedAsync(m.Plan.Id))
                {
                    still.Add(m);
                }
            }
            pending = still;
        }
    }

    private async Task NotifyAsync(Member m, IReadOnlyCollection<string>? via)
    {
        if (m.NoticeSeq == _noticeSeq || m.Device == null)
        {
            return;
        }
        try
        {
            await _world.SendRootCaNoticeAsync(m.Plan.Id, _noticeSeq, via);
            m.NoticeSeq = _noticeSeq;
        }
        catch (HubServiceException)
        {
            // Not registered at the hub yet: it gets the notice by its twin when it first appears.
        }
    }

    private async Task<bool> ReportedAsync(string id)
    {
        JsonObject twin = await _world.Hub.GetTwinAsync(id);
        return twin["properties"]?["reported"]?["rootCaNotice"]?["seq"] is JsonNode n && n.GetValue<long>() >= _noticeSeq;
    }

    private async Task<HashSet<string>> ConnectedAsync()
        => (await _world.Hub.ListDevicesAsync()).Where(d => d.Connected).Select(d => d.DeviceId).ToHashSet(StringComparer.Ordinal);

    private async Task SampleDayAsync(DateTime date)
    {
        HashSet<string> connected = await ConnectedAsync();
        int booted = 0, onNew = 0, offline = 0;
        foreach (Member m in _members)
        {
            if (m.Device == null)
            {
                continue;
            }
            booted++;
            if (!connected.Contains(m.Plan.Id))
            {
                offline++;
            }
            else if (_noticeSeq > 0 && m.NoticeSeq < _noticeSeq)
            {
                // A device that appeared after the rollout: the operator's twin setting reaches it as it would any new device.
                await NotifyAsync(m, new[] { "twin" });
            }
            if (m.Device.Flash.BytesProgrammed != m.ReadBackAt && m.Device.Runtime is DeviceRuntime runtime)
            {
                m.ReadBackAt = m.Device.Flash.BytesProgrammed;
                m.OnNewRoot = HoldsRoot2(runtime);
            }
            if (m.OnNewRoot)
            {
                onNew++;
            }
        }
        long estPeak = _estPerMinute.Count == 0 ? 0 : _estPerMinute.Values.Max();
        long dpsPeak = _dpsPerMinute.Count == 0 ? 0 : _dpsPerMinute.Values.Max();
        _result.Days.Add(new FleetDay(new DateTimeOffset(date, TimeSpan.Zero), booted, onNew, offline, _renewingToday.Count, _estToday, _dpsToday, estPeak, dpsPeak));
        _estPerMinute.Clear();
        _dpsPerMinute.Clear();
        _renewingToday.Clear();
        _estToday = 0;
        _dpsToday = 0;
    }

    /// <summary>Whether the device's store holds RootCA2, asked of the running firmware's own store (its index in RAM,
    /// the certificates read from its flash) under the lock every user of the store takes. A copy of the flash mounted
    /// afresh would say the same at many times the cost; every device's flash changes daily (the renewal journal).</summary>
    private bool HoldsRoot2(DeviceRuntime runtime)
    {
        CertStore? store = runtime.Store;
        ConnectionManager? connection = runtime.Connection;
        if (store == null || connection == null)
        {
            return false;
        }
        lock (connection.SyncRoot)
        {
            foreach (string id in store.GetCertificateIdentifiers())
            {
                try
                {
                    if (store.GetThumbprintSha256(id) == _root2Sha)
                    {
                        return true;
                    }
                }
                catch (CertStoreException)
                {
                    // An entry the store cannot read is not RootCA2; the invariants at the end judge the store as a whole.
                }
            }
        }
        return false;
    }

    /// <summary>Every device back in range with the site up; the grace to reconnect; then who the hub does not see.</summary>
    private async Task FinishAsync(CancellationToken cancel)
    {
        if (!_world.AccessPoint.IsUp)
        {
            _world.AccessPoint.ComeBack();
        }
        foreach (Member m in _members.Where(m => m.Device != null))
        {
            m.Radio.AddAccessPoint(_world.AccessPoint);
        }
        Requeue();
        await DriveAsync(new List<Agendum>(), new DateTimeOffset(Now + _options.ReconnectGrace, TimeSpan.Zero), sample: false, cancel);
        HashSet<string> connected = await ConnectedAsync();
        foreach (Member m in _members)
        {
            if (m.Device != null && !connected.Contains(m.Plan.Id))
            {
                _result.Stranded.Add(new StrandedDevice(m.Plan.Id, Reason(m)));
            }
        }
        var hub = _world.Hub.Counters;
        _result.Handshakes = new Handshakes(hub.Handshakes, _world.AccessPoint.AuthenticationCount, _world.Est.ConnectionCount, _world.Dps.Counters.Connections);
        _result.FlashBytesHeld = _members.Where(m => m.Device != null).Sum(m => m.Device!.FlashBytesHeld);
    }

    /// <summary>Why a device is stranded, as its access point and hub client put it (ports left out: they differ per run).</summary>
    private static string Reason(Member m)
    {
        NfCerts.Hal.WifiConnectResult? r = m.Radio.LastResult;
        if (r == null)
        {
            return "never tried to associate";
        }
        if (!r.Success)
        {
            return "the access point refuses it: " + r.Reason + (r.CertSubject != null ? " at " + r.CertSubject : "");
        }
        string hub = m.Device?.Runtime?.Hub?.Status.LastError ?? "";
        return "associated, but not at the hub" + (hub.Length > 0 ? ": " + System.Text.RegularExpressions.Regex.Replace(hub, @"\d{2,}", "#") : "");
    }
}
