using System;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using NfCerts.Core.Hub;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using NfCerts.Tests.Support;
using NfCerts.Tests.Wifi;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.Hub
{
    public class HubHandlersTests
    {
        private readonly ITestOutputHelper _out;

        public HubHandlersTests(ITestOutputHelper output) => _out = output;

        [Theory]
        [InlineData(HubRouteKind.Message, "rootCaNotice", true)]
        [InlineData(HubRouteKind.Message, "RootCaNotice", false)]
        [InlineData(HubRouteKind.Message, "checkNow", false)]
        [InlineData(HubRouteKind.Method, "checkNow", true)]
        [InlineData(HubRouteKind.Method, "getHealth", true)]
        [InlineData(HubRouteKind.Method, "reportNow", true)]
        [InlineData(HubRouteKind.Method, "reprovision", true)]
        [InlineData(HubRouteKind.Method, "rootCaNotice", false)]
        [InlineData(HubRouteKind.Method, "reboot", false)]
        [InlineData(HubRouteKind.Desired, "rootCaRollout", true)]
        [InlineData(HubRouteKind.Desired, "operatorKey", true)]
        [InlineData(HubRouteKind.Desired, "renewalPolicy", true)]
        [InlineData(HubRouteKind.Desired, "estUrl", true)]
        [InlineData(HubRouteKind.Desired, "estLabel", true)]
        [InlineData(HubRouteKind.Desired, "hubRootsToAdd", true)]
        [InlineData(HubRouteKind.Desired, "$version", false)]
        [InlineData(HubRouteKind.Desired, "getHealth", false)]
        public void TheRouterIsATableOfKindAndName(HubRouteKind kind, string name, bool routed)
        {
            using var d = new HubDevice();
            Assert.Equal(routed, d.H.Routes.Find(kind, name) != null);
        }

        [Fact]
        public void DesiredPropertiesApplyTheKeyBeforeTheNoticeSignedWithIt()
        {
            using var d = new HubDevice();
            Assert.Equal(new[] { "operatorKey", "rootCaRollout", "renewalPolicy", "estUrl", "estLabel", "hubRootsToAdd" }, d.H.Routes.Names(HubRouteKind.Desired));
            // One twin with both, the notice listed first: applied all the same.
            var desired = new JsonObject
            {
                ["rootCaRollout"] = JsonNode.Parse(HubDevice.Notice(1, WifiDevice.RootCa2.Pem, HubDevice.Operator, type: false)),
                ["operatorKey"] = JsonNode.Parse(HubDevice.OperatorKey(1, HubDevice.Operator)),
            };
            d.H.OnTwin(HubDevice.Twin(3, desired));
            Assert.Equal(200, (int)d.Report()!["rootCaRollout"]!["ac"]!);
        }

        [Theory]
        [InlineData("nope", "{}", 501, "unknown method 'nope'")]
        [InlineData("checkNow", "{\"force\":true}", 400, "takes no arguments")]
        [InlineData("checkNow", "[1]", 400, "takes no arguments")]
        [InlineData("checkNow", "{bad", 400, "not valid JSON")]
        [InlineData("checkNow", "", 200, "")]
        [InlineData("checkNow", "null", 200, "")]
        [InlineData("getHealth", "{}", 200, "")]
        [InlineData("reportNow", "{}", 200, "")]
        [InlineData("reprovision", "{}", 202, "")]
        [InlineData("reprovision", "{\"hub\":\"b\"}", 400, "takes no arguments")]
        public void MethodsAnswerFromTheTable(string name, string payload, int status, string error)
        {
            using var d = new HubDevice();
            var call = new HubMethodCall(name, payload);
            d.H.OnMethod(call);
            Assert.Equal(status, call.Status);
            var response = JsonNode.Parse(call.ResponseJson)!.AsObject();
            if (error.Length > 0)
            {
                Assert.Contains(error, (string)response["error"]!);
            }
        }

        [Fact]
        public void ReprovisionAsksTheDeviceWithTheOperatorsReasonOrSaysWhyNot()
        {
            using var d = new HubDevice();
            var call = new HubMethodCall("reprovision", "{}");
            d.H.OnMethod(call);
            Assert.Equal(202, call.Status);
            Assert.Contains("reprovision method", Assert.Single(d.Reprovisions));

            var c = new HubContext(d.R.W.Log, d.R.W.Store, d.R.W.Config, d.R.Engine, d.R.Options, new HostKeyVault(), d.R.W.Clock);
            var without = new HubHandlers(c);          // a device without DPS
            var refused = new HubMethodCall("reprovision", "{}");
            without.OnMethod(refused);
            Assert.Equal(409, refused.Status);
            Assert.Contains("not provisioned through DPS", refused.ResponseJson);
        }

        [Fact]
        public void AnOversizedMethodPayloadIsRefused()
        {
            using var d = new HubDevice();
            var call = new HubMethodCall("checkNow", "{\"a\":\"" + new string('x', 5000) + "\"}");
            d.H.OnMethod(call);
            Assert.Equal(400, call.Status);
            Assert.Contains("at most 4096", call.ResponseJson);
        }

        [Fact]
        public void HealthDescribesTheStoreAndNeverItsKeys()
        {
            using var d = new HubDevice();
            d.R.W.Clock.Advance(TimeSpan.FromMinutes(1));
            var r = d.Report()!;
            var certs = r["certificates"]!.AsObject();
            var store = d.R.W.Store;
            Assert.Equal(Enumerable.Range(0, store.GetCertificateCount()).Select(store.GetCertificateIdentifierAt).OrderBy(x => x),
                certs.Select(p => p.Key).OrderBy(x => x));
            var client = certs["ClientCert1"]!;
            var x509 = X509CertificateLoader.LoadCertificate(store.GetCertificate("ClientCert1"));
            Assert.Equal("client", (string)client["type"]!);
            Assert.Equal(x509.Thumbprint.ToLowerInvariant(), (string)client["sha1"]!);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(x509.RawData)), (string)client["sha256"]!);
            Assert.Equal("CN=device-001", (string)client["subject"]!);
            Assert.Equal(x509.NotAfter.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ"), (string)client["notAfter"]!);
            Assert.Equal((long)Math.Floor((x509.NotAfter.ToUniversalTime() - d.R.W.Clock.UtcNow).TotalDays), (long)client["daysLeft"]!);
            Assert.Equal("root", (string)certs["RootCA1"]!["type"]!);
            Assert.Equal("Network1", (string)r["network"]!["connected"]!);
            Assert.Equal("None", (string)r["network"]!["diagnostics"]!["error"]!);
            Assert.Equal(store.GetAvailableSpace(), (int)r["store"]!["freeBytes"]!);
            Assert.Equal("1.2.3", (string)r["firmwareVersion"]!);
            Assert.Equal("idle", (string)r["renewal"]!["state"]!);
            _out.WriteLine("reported patch on the wire (" + d.Wire[0].Length + " chars): " + d.Wire[0]);
            // Key material: neither the PEM nor the DER (in base64 or hex) of the device's key appears.
            var key = d.R.FirstClient.Pkcs8;
            string wire = string.Join("\n", d.Wire);
            Assert.DoesNotContain("PRIVATE", wire);
            Assert.DoesNotContain(Convert.ToBase64String(key, 26, 24), wire);
            Assert.DoesNotContain(Convert.ToHexStringLower(key, 36, 16), wire);
            var call = new HubMethodCall("getHealth", "{}");
            d.H.OnMethod(call);
            Assert.DoesNotContain(Convert.ToBase64String(key, 26, 24), call.ResponseJson);
            Assert.DoesNotContain(Convert.ToHexStringLower(key, 36, 16), call.ResponseJson);
        }

        [Fact]
        public void OnlyWhatChangedIsReportedAndARefusedPatchIsOfferedAgain()
        {
            using var d = new HubDevice();
            Assert.NotNull(d.Report());
            Assert.Null(d.Report());
            d.R.W.Store.InstallRootCACertificate("HubRoot9", TestPki.Root("Extra").Der);
            var refused = d.Report(accept: false)!;
            // The new entry, and the free space it took: nothing else.
            Assert.Equal(new[] { "certificates", "store" }, refused.Select(p => p.Key));
            Assert.Equal(new[] { "HubRoot9" }, refused["certificates"]!.AsObject().Select(p => p.Key));
            var again = d.Report()!;
            Assert.Equal(refused.ToJsonString(), again.ToJsonString());
            Assert.Null(d.Report());
            // A removed certificate is deleted from the twin with null.
            d.R.W.Store.DeleteCertificate("HubRoot9");
            var removed = d.Report()!;
            Assert.Equal("{\"HubRoot9\":null}", removed["certificates"]!.ToJsonString());
            // reportNow: the whole document again.
            d.H.OnMethod(new HubMethodCall("reportNow", "{}"));
            var all = d.Report()!;
            Assert.Contains("firmwareVersion", all.Select(p => p.Key));
            Assert.True(d.Wire.All(p => p.Length <= ReportedProperties.MaxPatchChars));
        }

        [Fact]
        public void APatchLargerThanTheBoundIsSentInParts()
        {
            using var d = new HubDevice();
            for (int i = 0; i < 14; i++)
            {
                d.R.W.Store.InstallRootCACertificate("Extra" + i, TestPki.Root("Extra root with a long name to fill the patch " + i + new string('x', 150)).Der);
            }
            var first = d.Report()!;
            var rest = d.Report();
            Assert.NotNull(rest);
            Assert.True(d.Wire.All(p => p.Length <= ReportedProperties.MaxPatchChars), string.Join(",", d.Wire.Select(p => p.Length)));
            int reported = first["certificates"]!.AsObject().Count + (rest!["certificates"]?.AsObject().Count ?? 0);
            while (d.Report() is { } more)
            {
                reported += more["certificates"]?.AsObject().Count ?? 0;
            }
            Assert.Equal(d.R.W.Store.GetCertificateCount(), reported);
        }

        [Fact]
        public void ConfigurationIsAppliedOnlyWhenValidAndAnsweredPerProperty()
        {
            using var d = new HubDevice();
            void Patch(int version, JsonObject p) { p["$version"] = version; d.H.OnDesiredPatch(p.ToJsonString(), version); }
            Patch(4, new JsonObject
            {
                ["renewalPolicy"] = new JsonObject { ["threshold"] = "80%", ["retry"] = "2h", ["window"] = "02:00-04:00" },
                ["estUrl"] = "https://est.example.com:8443/path",
                ["estLabel"] = "fleet-a",
            });
            var r = d.Report()!;
            foreach (var name in new[] { "renewalPolicy", "estUrl", "estLabel" })
            {
                Assert.Equal(200, (int)r[name]!["ac"]!);
                Assert.Equal(4, (int)r[name]!["av"]!);
            }
            Assert.Equal("80%", (string)r["renewalPolicy"]!["value"]!["threshold"]!);
            Assert.Equal("80%", d.R.Engine.Policy.Threshold.Text);
            Assert.Equal(120, d.R.Engine.Policy.WindowStartMinute);
            Assert.Equal("https://est.example.com:8443/path", d.H.Config.EstUrl);
            // Refused values change nothing and say why.
            (string name, JsonNode value, string reason)[] bad =
            {
                ("renewalPolicy", new JsonObject { ["threshold"] = "120%" }, "between 1% and 99%"),
                ("renewalPolicy", new JsonObject { ["threshold"] = "60m", ["jitter"] = "1" }, "no member 'jitter'"),
                ("renewalPolicy", new JsonObject { ["window"] = "25:00-02:00" }, "not a time of day"),
                ("renewalPolicy", JsonValue.Create("80%"), "must be an object"),
                ("estUrl", JsonValue.Create("http://est.example.com"), "must start with https://"),
                ("estUrl", JsonValue.Create("https://user@est.example.com"), "user information"),
                ("estUrl", JsonValue.Create("https://est.example.com:99999"), "port"),
                ("estUrl", JsonValue.Create(5), "must be a string"),
                ("estLabel", JsonValue.Create("a/b"), "one path segment"),
                ("hubRootsToAdd", JsonValue.Create("pem"), "must be an array"),
            };
            int v = 5;
            foreach (var (name, value, reason) in bad)
            {
                Patch(v, new JsonObject { [name] = value.DeepClone() });
                var ack = d.Report()![name]!;
                Assert.Equal(400, (int)ack["ac"]!);
                Assert.Equal(v, (int)ack["av"]!);
                Assert.Contains(reason, (string)ack["ad"]!);
                v++;
            }
            Assert.Equal("80%", d.R.Engine.Policy.Threshold.Text);
            Assert.Equal("https://est.example.com:8443/path", d.H.Config.EstUrl);
            // Kept in the store: after a reboot the engine runs the same policy and the EST issuer finds the same server.
            d.Reboot();
            Assert.Equal("80%", d.R.Engine.Policy.Threshold.Text);
            Assert.Equal("fleet-a", d.H.Config.EstLabel);
            // An older or equal $version is not applied again.
            Patch(4, new JsonObject { ["estLabel"] = "old" });
            Assert.Equal("fleet-a", d.H.Config.EstLabel);
            // null resets to the default.
            Patch(v, new JsonObject { ["renewalPolicy"] = null, ["estUrl"] = null });
            Assert.Equal("28d", d.R.Engine.Policy.Threshold.Text);
            Assert.Equal("", d.H.Config.EstUrl);
        }

        [Fact]
        public void PatchesMissedWhileOfflineArePickedUpFromTheFullTwin()
        {
            using var d = new HubDevice();
            d.H.OnTwin(HubDevice.Twin(2, new JsonObject { ["estLabel"] = "a" }));
            // Versions 3 and 4 were sent while the device was offline; the full twin at 4 holds both changes.
            d.H.OnTwin(HubDevice.Twin(4, new JsonObject { ["estLabel"] = "b", ["renewalPolicy"] = new JsonObject { ["threshold"] = "30d" } }));
            Assert.Equal("b", d.H.Config.EstLabel);
            Assert.Equal("30d", d.R.Engine.Policy.Threshold.Text);
            var r = d.Report()!;
            Assert.Equal(4, (int)r["estLabel"]!["av"]!);
        }

        [Fact]
        public void HubRootsAreCheckedBeforeTheTrustSeesThem()
        {
            using var d = new HubDevice();
            d.H.OnDesiredPatch("{\"hubRootsToAdd\":[\"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\"],\"$version\":3}", 3);
            var ack = d.Report()!["hubRootsToAdd"]!;
            Assert.Equal(400, (int)ack["ac"]!);
            Assert.Contains("cannot add hub roots", (string)ack["ad"]!);
        }

        [Fact]
        public void AMalformedTwinIsRefusedAndChangesNothing()
        {
            using var d = new HubDevice();
            var before = d.Flash();
            d.H.OnTwin("{\"desired\":{\"estLabel\":\"x\",\"$version\":9},\"reported\":{\"a\":1,\"a\":2}}");
            d.H.OnTwin("{\"desired\":" + new string('[', 100) + "}");
            d.H.OnDesiredPatch(new string(' ', 40_000), 10);
            Assert.Equal(before, d.Flash());
            Assert.Contains("at most 32768", (string)d.Report()!["lastMessage"]!["reason"]!);
        }
    }
}
