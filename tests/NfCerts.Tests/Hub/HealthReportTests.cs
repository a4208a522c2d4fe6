using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using NfCerts.Core.Certificates;
using NfCerts.Core.Hub;
using JsonWriter = NfCerts.Core.Json.JsonWriter;
using NfCerts.Core.X509;
using NfCerts.Hal;
using NfCerts.Tests.Support;
using NfCerts.Tests.Wifi;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.Hub
{
    /// <summary>The reported certificate health over a device's life: what a long-lived device reports is byte for byte what
    /// a freshly started one (nothing remembered) reports and what the store holds, and the twin always ends up with it.</summary>
    public class HealthReportTests
    {
        private readonly ITestOutputHelper _out;

        public HealthReportTests(ITestOutputHelper output) => _out = output;

        [Fact]
        public void AReportOverAStoresLifeIsWhatAFreshDeviceAndTheStoreSay()
        {
            using var d = new HubDevice();
            var twin = new JsonObject();
            var store = d.R.W.Store;
            var clock = d.R.W.Clock;
            var lived = d.H;
            int reports = 0;
            void Step(string what)
            {
                var patch = d.Report();
                reports++;
                if (patch != null)
                {
                    Merge(twin, patch);
                }
                string doc = Health(lived);
                d.Build();
                string fresh = Health(d.H);
                d.H = lived;
                Assert.True(fresh == doc, what + ": a fresh device reports\n" + fresh + "\nthe long-lived one\n" + doc);
                Assert.Contains("\"certificates\":" + Expected(store, clock) + ",", doc);
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(doc)!["certificates"], twin["certificates"]),
                    what + ": the twin has " + twin["certificates"]!.ToJsonString());
            }

            Step("first report");
            clock.Advance(TimeSpan.FromMinutes(15));
            Step("15 minutes later");
            for (int day = 0; day < 3; day++)
            {
                clock.Advance(TimeSpan.FromHours(9));
                Step("day " + day + " +9 h");
                clock.Advance(TimeSpan.FromHours(15));
                Step("day " + day + " +24 h");
            }
            store.InstallRootCACertificate("RootCA2", WifiDevice.RootCa2.Der);
            Step("RootCA2 installed");
            var clients = Enumerable.Range(0, 3).Select(i => TestPki.Client(WifiDevice.ClientCa, "device-001",
                DateTimeOffset.UtcNow.AddDays(-1 - i), DateTimeOffset.UtcNow.AddDays(90 + 7 * i))).ToArray();
            store.InstallClientCertificate("ClientCert2", clients[0].Der, clients[0].Pkcs8, null);
            Step("ClientCert2 installed");
            store.MoveCertificate("ClientCert2", "ClientCert1");
            Step("ClientCert2 moved onto ClientCert1");
            store.InstallRootCACertificate("RootCA1", WifiDevice.RootCa1.Der);
            Step("RootCA1 written again, unchanged");
            store.InstallRootCACertificate("ClientCert2", WifiDevice.RootCa1.Der);
            Step("a root under a client's name");
            store.DeleteCertificate("ClientCert2");
            Step("that root deleted");
            clock.Desynchronize();
            Step("clock not synchronised");
            clock.Synchronize(clock.UtcNow.AddDays(-40));
            Step("clock synchronised 40 days back");
            // Years of renewals: the log compacts and rewrites the values elsewhere, and the same certificates come back.
            long before = d.R.W.Flash.TotalErases;
            for (int i = 0; i < 400; i++)
            {
                var c = clients[i % clients.Length];
                store.InstallClientCertificate("ClientCert2", c.Der, c.Pkcs8, null);
                store.MoveCertificate("ClientCert2", "ClientCert1");
                clock.Advance(TimeSpan.FromHours(7));
                if (i % 9 == 0 || i % 13 == 0)
                {
                    Step("renewal " + i);
                }
            }
            Assert.True(d.R.W.Flash.TotalErases > before, "the renewals ran compaction");
            _out.WriteLine(reports + " reports compared; " + d.Wire.Count + " patches sent");
        }

        [Fact]
        public void AReportReadsOnlyCertificatesThatChangedOnceAndStaysWithinItsBudget()
        {
            using var d = new HubDevice();
            var clock = d.R.W.Clock;
            var flash = d.R.W.Flash;
            Assert.NotNull(d.Report());
            // A new certificate is read once, by the next report, and nothing else is.
            d.R.W.Store.InstallRootCACertificate("RootCA2", WifiDevice.RootCa2.Der);
            long was = flash.BytesRead;
            Assert.NotNull(d.Report());
            Assert.Equal(WifiDevice.RootCa2.Der.Length, flash.BytesRead - was);
            long least = long.MaxValue;
            for (int i = 0; i < 12; i++)
            {
                clock.Advance(TimeSpan.FromMinutes(15));
                long read = flash.BytesRead;
                long start = GC.GetAllocatedBytesForCurrentThread();
                d.H.TakeReportedPatch();
                d.H.ReportedPatchSent(true);
                least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - start);
                Assert.Equal(read, flash.BytesRead);
            }
            // HealthReport's budget (the least of 12, so that the runtime's own allocations on this thread do not count).
            _out.WriteLine("allocated by a report on an unchanged store: " + least + " B");
            Assert.True(least <= 8 * 1024, least + " B");
        }

        [Fact]
        public void ACertificateReplacedInTheStoreIsInTheVeryNextReport()
        {
            using var d = new HubDevice();
            var store = d.R.W.Store;
            Assert.NotNull(d.Report());
            Assert.Null(d.Report());
            var renewed = TestPki.Client(WifiDevice.ClientCa, "device-001", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(200));
            store.InstallClientCertificate("ClientCert2", renewed.Der, renewed.Pkcs8, null);
            store.MoveCertificate("ClientCert2", "ClientCert1");
            var patch = d.Report()!;
            var entry = patch["certificates"]!["ClientCert1"]!;
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(renewed.Der)), (string)entry["sha256"]!);
            Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(renewed.Der)), (string)entry["sha1"]!);
            Assert.Equal(CertificateInfo.FormatTime(renewed.Certificate.NotAfter.ToUniversalTime()), (string)entry["notAfter"]!);
            Assert.Null(d.Report());
        }

        [Fact]
        public void DaysLeftCountDownDayByDayAndNothingElseOfACertificateIsSentAgain()
        {
            using var d = new HubDevice();
            var clock = d.R.W.Clock;
            clock.Advance(TimeSpan.FromHours(6));
            var first = d.Report()!;
            long days = (long)first["certificates"]!["ClientCert1"]!["daysLeft"]!;
            clock.Advance(TimeSpan.FromHours(1));
            Assert.Null(d.Report()?.ToJsonString());
            clock.Advance(TimeSpan.FromDays(1));
            var next = d.Report()!;
            Assert.Equal(days - 1, (long)next["certificates"]!["ClientCert1"]!["daysLeft"]!);
            Assert.All(next["certificates"]!.AsObject(), e => Assert.Equal(new[] { "daysLeft" },
                ((JsonObject)e.Value!).Select(p => p.Key).Where(k => (string?)first["certificates"]![e.Key]![k]?.ToJsonString() != e.Value![k]?.ToJsonString())));
        }

        [Fact]
        public void ARefusedPatchIsOfferedAgainWithWhatChangedMeanwhile()
        {
            using var d = new HubDevice();
            var store = d.R.W.Store;
            Assert.NotNull(d.Report());
            store.InstallRootCACertificate("RootCA2", WifiDevice.RootCa2.Der);
            var refused = d.Report(accept: false)!;
            Assert.NotNull(refused["certificates"]!["RootCA2"]);
            // While the patch was refused the operator removed RootCA2 again and a new root came: the next patch says both.
            store.DeleteCertificate("RootCA2");
            store.InstallRootCACertificate("HubRoot9", TestPki.Root("Extra").Der);
            var again = d.Report()!;
            Assert.Equal(new[] { "HubRoot9" }, again["certificates"]!.AsObject().Select(p => p.Key));
            Assert.Null(d.Report());
            // A patch refused after an entry went away: the deletion is offered again until it is accepted.
            store.DeleteCertificate("HubRoot9");
            Assert.Equal("{\"HubRoot9\":null}", d.Report(accept: false)!["certificates"]!.ToJsonString());
            Assert.Equal("{\"HubRoot9\":null}", d.Report()!["certificates"]!.ToJsonString());
            Assert.Null(d.Report());
        }

        private static string Health(HubHandlers h)
        {
            var call = new HubMethodCall("getHealth", "{}");
            h.OnMethod(call);
            Assert.Equal(200, call.Status);
            return call.ResponseJson;
        }

        /// <summary>The twin's reported section after a patch, as IoT Hub keeps it: a map's entries replaced or deleted one by
        /// one, a value replaced whole.</summary>
        private static void Merge(JsonObject twin, JsonObject patch)
        {
            foreach (var (name, value) in patch.ToList())
            {
                if (name is "certificates" or "faults" && twin[name] is JsonObject map)
                {
                    foreach (var (key, entry) in ((JsonObject)value!).ToList())
                    {
                        map.Remove(key);
                        if (entry != null)
                        {
                            map[key] = entry.DeepClone();
                        }
                    }
                    continue;
                }
                twin[name] = value?.DeepClone();
            }
        }

        /// <summary>The <c>certificates</c> member as the store says it, written here from the parsed certificates and .NET's
        /// hashes: each entry in the identifiers' ordinal order.</summary>
        private static string Expected(CertStore store, NfCerts.Hal.IClock clock)
        {
            var ids = new List<string>();
            for (int i = 0; i < store.GetCertificateCount(); i++)
            {
                ids.Add(store.GetCertificateIdentifierAt(i));
            }
            var w = new JsonWriter().BeginObject();
            foreach (string id in ids.OrderBy(x => x, StringComparer.Ordinal))
            {
                byte[] der = store.GetCertificate(id);
                var info = CertificateInfo.Parse(der);
                w.Name(id).BeginObject();
                w.Name("type").Value(store.GetCertificateType(id) == CertificateType.Client ? "client" : "root");
                w.Name("subject").Value(info.Subject.ToString()).Name("issuer").Value(info.Issuer.ToString());
                w.Name("notBefore").Value(CertificateInfo.FormatTime(info.NotBefore)).Name("notAfter").Value(CertificateInfo.FormatTime(info.NotAfter));
                w.Name("daysLeft");
                if (clock.IsSynchronized)
                {
                    long t = (info.NotAfter - clock.UtcNow).Ticks;
                    w.Value(t >= 0 ? t / TimeSpan.TicksPerDay : -((-t + TimeSpan.TicksPerDay - 1) / TimeSpan.TicksPerDay));
                }
                else
                {
                    w.Null();
                }
                w.Name("sha1").Value(Convert.ToHexStringLower(SHA1.HashData(der))).Name("sha256").Value(Convert.ToHexStringLower(SHA256.HashData(der)));
                w.EndObject();
            }
            return w.EndObject().ToString();
        }
    }
}
