using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using NfCerts.Core.Device;
using NfCerts.Emulators.World;
using NfCerts.Hal.Host;

namespace NfCerts.Cli
{
    /// <summary><c>nfcerts bench emulator --idle-devices N</c>: what one emulated device costs the desktop while it idles on the
    /// hub. N devices are booted in one <see cref="DemoWorld"/> as <see cref="FleetRun"/> boots them, brought through first
    /// boot (EST, DPS) to the hub, left a simulated day, then the managed heap, the GC's committed memory and the process's
    /// working set are measured after a full collection against the world alone, and again 90 simulated days later (what
    /// grows with time). The devices come in two batches, half and half, so that the second batch's cost per device is
    /// printed too, free of the one-off costs the first brings in. Prints figures; asserts nothing.</summary>
    internal static class EmulatorMemoryBenchmark
    {
        private static readonly TimeSpan Step = TimeSpan.FromMinutes(1);
        private const int LaterDays = 90;

        /// <summary>Runs the measurement for <paramref name="devices"/> devices (0: nothing) and prints it to <paramref name="o"/>.</summary>
        public static void Run(TextWriter o, int devices)
        {
            if (devices == 0)
            {
                return;
            }
            if (devices < 0 || devices > 10000)
            {
                throw new UsageException("--idle-devices takes 0 to 10000");
            }
            Scenario plan = ScenarioFile.Load("default");
            var fleet = new FleetOptions();
            DemoWorld world = DemoWorld.StartAsync(plan, ScenarioTimes.End(plan, 2), RadiusKind.InProcess).GetAwaiter().GetResult();
            var boards = new List<EmulatedDevice>();
            try
            {
                long worldOnly = HeapWithoutLogs(world);
                long worldSet = WorkingSet();
                long worldCommitted = GC.GetGCMemoryInfo().TotalCommittedBytes;
                var wall = Stopwatch.StartNew();
                // Two batches: what the second costs is the figure per device without the one-off costs the first brings
                // in (JIT code and library pages made resident, pools and caches filled).
                int half = Math.Max(1, devices / 2);
                BootBatch(world, fleet, boards, half);
                long halfHeap = HeapWithoutLogs(world);
                long halfSet = WorkingSet();
                long halfCommitted = GC.GetGCMemoryInfo().TotalCommittedBytes;
                int onHub = BootBatch(world, fleet, boards, devices);
                TimeSpan toHub = wall.Elapsed;
                long heap = HeapWithoutLogs(world);
                long set = WorkingSet();
                long committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
                long flashHeld = boards.Sum(b => b.FlashBytesHeld);
                TimeSpan readBack = TimeReadBack(boards);
                Drive(world, boards, TimeSpan.FromDays(LaterDays), fleet.Sync);
                long logs = LogBytes(world);
                long later = HeapWithoutLogs(world);
                long flashLater = boards.Sum(b => b.FlashBytesHeld);
                o.WriteLine(string.Format(CultureInfo.InvariantCulture,
                    "idle devices: {0} booted, {1} on the hub after first boot and a simulated day ({2:0.0} s)", devices, onHub, toHub.TotalSeconds));
                o.WriteLine(string.Format(CultureInfo.InvariantCulture,
                    "bytes per idle device: {0:0} (managed heap after a full collection, less the world alone ({1:0.0} MiB); the servers' "
                    + "logs are forgotten before each measurement (they held {2:0.0} MiB at the end: the last {3} lines each, whatever the fleet's size)",
                    (heap - worldOnly) / (double)devices, worldOnly / 1048576.0, logs / 1048576.0, DemoWorld.RecentLogLines));
                o.WriteLine(string.Format(CultureInfo.InvariantCulture,
                    "working set per idle device: {0:0} bytes (the process's resident memory less the world alone ({1:0.0} MiB)), "
                    + "of which the GC's committed memory {2:0} bytes, the rest native (TLS sessions, sockets, thread stacks, the runtime)",
                    (set - worldSet) / (double)devices, worldSet / 1048576.0, (committed - worldCommitted) / (double)devices));
                if (devices > half)
                {
                    int more = devices - half;
                    o.WriteLine(string.Format(CultureInfo.InvariantCulture,
                        "devices {0}-{1} alone: working set {2:0} bytes per device, of which the GC's committed memory {3:0}, "
                        + "the managed heap {4:0}, native {5:0} (what each further device costs; the line above also spreads "
                        + "one-off costs over the devices)", half + 1, devices, (set - halfSet) / (double)more,
                        (committed - halfCommitted) / (double)more, (heap - halfHeap) / (double)more,
                        ((set - halfSet) - (committed - halfCommitted)) / (double)more));
                }
                o.WriteLine(string.Format(CultureInfo.InvariantCulture,
                    "growth per idle device-day: {0:0} bytes ({1:0} bytes per device {2} simulated days later)",
                    (later - heap) / (double)devices / LaterDays, (later - worldOnly) / (double)devices, LaterDays));
                o.WriteLine(string.Format(CultureInfo.InvariantCulture,
                    "flash model bytes held per device: {0:0} of {1} after the first day, {2:0} {3} days later (bounded by the partition: "
                    + "{4} sectors)", flashHeld / (double)devices, EmulatedDevice.FlashSize, flashLater / (double)devices, LaterDays,
                    EmulatedDevice.FlashSize / 4096));
                o.WriteLine(string.Format(CultureInfo.InvariantCulture,
                    "store read-back: {0:0.000} ms per device", readBack.TotalMilliseconds / devices));
            }
            finally
            {
                foreach (EmulatedDevice b in boards)
                {
                    b.Dispose();
                    b.Radio.Dispose();
                }
                world.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        /// <summary>Boots boards until there are <paramref name="count"/>, brings them to the hub and lets a simulated day pass;
        /// returns how many boards the hub sees.</summary>
        private static int BootBatch(DemoWorld world, FleetOptions fleet, List<EmulatedDevice> boards, int count)
        {
            for (int i = boards.Count; i < count; i++)
            {
                boards.Add(Boot(world, fleet, "dev-" + (i + 1).ToString("D5"), (uint)(i + 1)));
            }
            int onHub = DriveUntilOnHub(world, boards, TimeSpan.FromHours(6));
            Drive(world, boards, TimeSpan.FromDays(1), fleet.Sync);
            return onHub;
        }

        /// <summary>One board as <see cref="FleetRun"/> boots it: its own clock at the world's time, a radio in range of the
        /// world's access point, the fleet's runtime options, factory provisioning with its own bootstrap credential.</summary>
        private static EmulatedDevice Boot(DemoWorld world, FleetOptions fleet, string id, uint seed)
        {
            DateTime now = world.Clock.TrueUtc;
            var clock = new VirtualClock(now);
            clock.SetWallClock(now);
            var radio = new SimulatedRadio(clock);
            radio.AddAccessPoint(world.AccessPoint);
            var options = new DeviceOptions
            {
                SupervisorPeriod = fleet.SupervisorPeriod,
                HubReportPeriod = fleet.HubReportPeriod,
                DpsPause = span => world.Clock.Advance(span),
            };
            var device = new EmulatedDevice(clock, radio, options, world.HubPorts);
            world.ProvisionAtFactory(device, seed, id, world.Pki.BootstrapFor(id));
            device.PowerOn(afterReboot: false);
            return device;
        }

        /// <summary>Moves the world and every board a minute at a time until the hub sees them all (or <paramref name="limit"/>
        /// of simulated time has passed); returns how many it sees.</summary>
        private static int DriveUntilOnHub(DemoWorld world, List<EmulatedDevice> boards, TimeSpan limit)
        {
            DateTime until = world.Clock.TrueUtc + limit;
            int connected = 0;
            while (world.Clock.TrueUtc < until)
            {
                Drive(world, boards, Step, Step);
                connected = world.Hub.ListDevicesAsync().GetAwaiter().GetResult().Count(d => d.Connected);
                if (connected == boards.Count)
                {
                    break;
                }
                Thread.Sleep(5);
            }
            return connected;
        }

        /// <summary>Moves the world and every board <paramref name="span"/>, <paramref name="step"/> at a time (each board's
        /// timers fire at their own instants within a step).</summary>
        private static void Drive(DemoWorld world, List<EmulatedDevice> boards, TimeSpan span, TimeSpan step)
        {
            DateTime until = world.Clock.TrueUtc + span;
            while (world.Clock.TrueUtc < until)
            {
                DateTime target = world.Clock.TrueUtc + step;
                world.Clock.AdvanceTo(target);
                foreach (EmulatedDevice b in boards)
                {
                    if (b.Clock.TrueUtc < target)
                    {
                        b.Clock.AdvanceTo(target);
                    }
                }
                Thread.Sleep(1);
            }
        }

        /// <summary>The managed size of the lines the world and its hub keep (both bounded).</summary>
        private static long LogBytes(DemoWorld world)
            => world.LogLines.Concat(world.Hub.LogLines).Sum(line => 24 + 2L * ((line.Length + 3) & ~3));

        /// <summary>The managed heap after a full collection with the servers' logs forgotten first: what is measured is
        /// what the devices and the world keep, whatever the logs held at that moment (they are bounded, and fill over
        /// the first simulated weeks).</summary>
        private static long HeapWithoutLogs(DemoWorld world)
        {
            world.ForgetLogs();
            return SettledHeap();
        }

        private static long SettledHeap()
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            return GC.GetTotalMemory(forceFullCollection: true);
        }

        /// <summary>The process's resident memory now (after a settled heap, so that freed managed memory is not counted).</summary>
        private static long WorkingSet()
        {
            using var self = Process.GetCurrentProcess();
            self.Refresh();
            return self.WorkingSet64;
        }

        private static TimeSpan TimeReadBack(List<EmulatedDevice> boards)
        {
            var wall = Stopwatch.StartNew();
            foreach (EmulatedDevice b in boards)
            {
                StoreReadBack.Read(b.Flash);
            }
            return wall.Elapsed;
        }
    }
}
