using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NfCerts.Core.Certificates;
using NfCerts.Core.Hub;
using NfCerts.Core.Renewal;
using NfCerts.Core.Storage;
using NfCerts.Core.Wifi;
using NfCerts.Emulators.World;
using NfCerts.Hal.Host;

namespace NfCerts.Cli
{
    /// <summary>
    /// <c>nfcerts bench health</c>: what the device's periodic health report costs, through the firmware's own path
    /// (<see cref="HubHandlers.TakeReportedPatch"/> then <see cref="HubHandlers.ReportedPatchSent"/>, as the hub client
    /// calls them every <c>ReportPeriod</c>) on a store shaped like a deployed device's: the RADIUS roots, the device
    /// identity with its intermediate, the bootstrap identity, the EST anchor and the three hub roots. Prints bytes
    /// allocated on this thread, flash bytes read and time per report, and the bytes the reporting objects keep between
    /// reports. Figures only; asserts nothing.
    /// </summary>
    internal static class HealthBenchmark
    {
        private static readonly TimeSpan Period = TimeSpan.FromMinutes(15);

        public static Command Command(Ui ui)
        {
            var reports = new Option<int>("--reports") { Description = "Reports in each measured phase, one every 15 simulated minutes (96 is a day)", HelpName = "N", DefaultValueFactory = _ => 96 };
            var command = new Command("health", "The periodic health report's cost on a deployed device's store: bytes allocated, flash bytes read and time per report, and bytes kept between reports; figures only")
            {
                reports,
            }.WithExamples("bench health", "bench health --reports 1000");
            command.SetAction(r =>
            {
                int n = r.GetValue(reports);
                if (n < 1 || n > 100_000)
                {
                    throw new UsageException("--reports takes 1 to 100000");
                }
                Run(ui.Out, n);
                return 0;
            });
            return command;
        }

        /// <summary>One phase's figures, per report.</summary>
        private sealed record Phase(string Name, int Reports, long Allocated, long FlashRead, double Microseconds, int PatchChars);

        private static void Run(TextWriter o, int n)
        {
            // A first run of every phase, so that what the runtime allocates once (JIT, the hash providers) is not counted.
            using (var warm = new Bench())
            {
                Phases(warm, 2);
            }
            using var bench = new Bench();
            Phase[] phases = Phases(bench, n);
            long kept = bench.Kept();
            o.WriteLine("health report benchmark: " + bench.Store.GetCertificateCount() + " certificates in the store at the end (" +
                string.Join(", ", bench.Store.GetCertificateIdentifiers()) + "); bytes allocated on .NET by this thread");
            o.WriteLine("phase                                       reports   allocated B/report   flash read B/report   us/report   patch chars");
            foreach (Phase p in phases)
            {
                o.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-43} {1,8} {2,20} {3,21} {4,11:0.0} {5,13}",
                    p.Name, p.Reports, p.Allocated, p.FlashRead, p.Microseconds, p.PatchChars));
            }
            o.WriteLine(kept >= 0
                ? "kept by the reporting objects between reports: " + kept + " B per device (managed heap after a full collection, 32 devices' handlers on this store after 3 reports less before)"
                : "kept by the reporting objects between reports: not measured (the heap shrank by " + (-kept) + " B per device while it was measured: other threads of this process freed memory; run the benchmark alone)");
        }

        private static Phase[] Phases(Bench bench, int n)
        {
            Phase cold = bench.Measure("first report (nothing reported yet)", 1);
            Phase steady = bench.Measure("unchanged store, one every 15 min", n);
            bench.InstallClientCert2();
            Phase changed = bench.Measure("after ClientCert2 was installed", 1);
            Phase rotating = bench.Measure("unchanged store with ClientCert2", n);
            bench.MoveClientCert2();
            Phase moved = bench.Measure("after ClientCert2 moved onto ClientCert1", 1);
            return new[] { cold, steady, changed, rotating, moved };
        }

        private static long Retained()
        {
            long least = long.MaxValue;
            for (int i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                least = Math.Min(least, GC.GetTotalMemory(true));
            }
            return least;
        }

        /// <summary>The device's parts the handlers report on, on the host HAL; no network, no servers.</summary>
        private sealed class Bench : IDisposable
        {
            private readonly NorFlash _flash = new NorFlash(MemoryBenchmark.RegionSize, MemoryBenchmark.SectorSize);
            private readonly VirtualClock _clock = new VirtualClock(new DateTime(2027, 3, 1, 2, 0, 0, DateTimeKind.Utc));
            private readonly SimulatedRadio _radio;
            private readonly HubContext _context;
            private readonly HubHandlers _handlers;
            private readonly ECDsa _issuingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            private readonly X509Certificate2 _issuing;

            public Bench()
            {
                _radio = new SimulatedRadio(_clock);
                RecordLog.Format(_flash, CertStore.MaxEntrySize);
                var log = RecordLog.Mount(_flash, CertStore.MaxEntrySize);
                Store = new CertStore(log, new HostKeyVault());
                var now = new DateTimeOffset(_clock.UtcNow, TimeSpan.Zero);
                Store.InstallRootCACertificate("RootCA1", Root("RADIUS Root CA1", now.AddYears(-2), now.AddDays(80)));
                Store.InstallRootCACertificate("RootCA2", Root("RADIUS Root CA2", now.AddDays(-10), now.AddYears(10)));
                Store.InstallRootCACertificate(DemoWorld.EstRootId, Root("EST Root CA", now.AddYears(-1), now.AddYears(15)));
                Store.InstallRootCACertificate("HubBaltimore", Pem(HubRoots.BaltimoreCyberTrustRoot));
                Store.InstallRootCACertificate("HubDigiCertG2", Pem(HubRoots.DigiCertGlobalRootG2));
                Store.InstallRootCACertificate("HubMsRsa2017", Pem(HubRoots.MicrosoftRsaRoot2017));
                _issuing = Issuing(now);
                InstallClient(DemoWorld.BootstrapId, "bootstrap-device-001", now.AddYears(-1), now.AddYears(10));
                InstallClient("ClientCert1", "device-001", now.AddDays(-300), now.AddDays(65));
                var wifi = new WifiConfig(log, _radio);
                DemoWorld.AddNetwork1(wifi, "corp-wifi", "device-001");
                var manager = new ConnectionManager(wifi, Store, _radio, _clock, _clock, 42);
                var options = new RenewalOptions();
                var engine = new RenewalEngine(log, Store, wifi, manager, null, _clock, _clock, options, 7);
                _context = new HubContext(log, Store, wifi, engine, options, new HostKeyVault(), _clock) { FirmwareVersion = "1.4.0" };
                _handlers = new HubHandlers(_context);
            }

            /// <summary>What a device's handlers keep of their reports, per device: the heap with 32 handlers on this store
            /// after three reports each, less the heap with the same handlers before (one device's ~10 KiB is the heap's noise).</summary>
            public long Kept()
            {
                var many = new HubHandlers[32];
                for (int i = 0; i < many.Length; i++)
                {
                    many[i] = new HubHandlers(_context);
                }
                long before = Retained();
                for (int round = 0; round < 3; round++)
                {
                    _clock.Advance(Period);
                    foreach (HubHandlers h in many)
                    {
                        h.TakeReportedPatch();
                        h.ReportedPatchSent(true);
                    }
                }
                long after = Retained();
                GC.KeepAlive(many);
                return (after - before) / many.Length;
            }

            public CertStore Store { get; }

            public Phase Measure(string name, int reports)
            {
                long allocated = 0, read = 0;
                int chars = 0;
                var wall = new Stopwatch();
                for (int i = 0; i < reports; i++)
                {
                    _clock.Advance(Period);
                    long flash = _flash.BytesRead;
                    long start = GC.GetAllocatedBytesForCurrentThread();
                    wall.Start();
                    string? patch = _handlers.TakeReportedPatch();
                    _handlers.ReportedPatchSent(true);
                    wall.Stop();
                    allocated += GC.GetAllocatedBytesForCurrentThread() - start;
                    read += _flash.BytesRead - flash;
                    chars += patch == null ? 0 : patch.Length;
                }
                return new Phase(name, reports, allocated / reports, read / reports, wall.Elapsed.TotalMilliseconds * 1000 / reports, chars / reports);
            }

            public void InstallClientCert2() => InstallClient("ClientCert2", "device-001", new DateTimeOffset(_clock.UtcNow, TimeSpan.Zero), new DateTimeOffset(_clock.UtcNow, TimeSpan.Zero).AddDays(365));

            public void MoveClientCert2() => Store.MoveCertificate("ClientCert2", "ClientCert1");

            private static byte[] Pem(string pem) => Encoding.ASCII.GetBytes(pem);

            private static byte[] Root(string cn, DateTimeOffset from, DateTimeOffset to)
            {
                using var key = RSA.Create(2048);
                var req = new CertificateRequest("CN=" + cn + ", O=Example Corp, C=DE", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
                using var cert = req.CreateSelfSigned(from, to);
                return cert.RawData;
            }

            private X509Certificate2 Issuing(DateTimeOffset now)
            {
                var req = new CertificateRequest("CN=Device Issuing CA, O=Example Corp, C=DE", _issuingKey, HashAlgorithmName.SHA256);
                req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
                return req.CreateSelfSigned(now.AddYears(-3), now.AddYears(12));
            }

            /// <summary>A client identity as EST issues it: an ECDSA P-256 leaf and its issuing CA, installed as a chain.</summary>
            private void InstallClient(string id, string cn, DateTimeOffset from, DateTimeOffset to)
            {
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var req = new CertificateRequest("CN=" + cn + ", O=Example Corp", key, HashAlgorithmName.SHA256);
                req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") }, false));
                var serial = new byte[16];
                RandomNumberGenerator.Fill(serial);
                serial[0] &= 0x7F;
                using var leaf = req.Create(_issuing, from, to, serial);
                byte[] chain = new byte[leaf.RawData.Length + _issuing.RawData.Length];
                leaf.RawData.CopyTo(chain, 0);
                _issuing.RawData.CopyTo(chain, leaf.RawData.Length);
                Store.InstallClientCertificate(id, chain, key.ExportPkcs8PrivateKey(), null);
            }

            public void Dispose()
            {
                _radio.Dispose();
                _issuing.Dispose();
                _issuingKey.Dispose();
                _flash.Dispose();
            }
        }
    }
}
