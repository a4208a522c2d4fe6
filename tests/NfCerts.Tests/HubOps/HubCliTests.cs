using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Emulators.Pki;
using NfCerts.Hal;
using NfCerts.Hal.Host.Hub;
using NfCerts.Tests.Cli;
using NfCerts.Tests.Contracts;
using Xunit;

namespace NfCerts.Tests.HubOps
{
    /// <summary><c>nfcerts hub ...</c> run in-process against a running emulator, with a device on MQTT where one is needed.</summary>
    public sealed class HubCliTests : IClassFixture<HubServerFixture>
    {
        private readonly HubServerFixture _hub;

        public HubCliTests(HubServerFixture hub) => _hub = hub;

        private (int Code, string Out, string Err) Hub(params string[] args)
            => Nfcerts.Run(["hub", .. args, "--hub", _hub.Server.ConnectionString, "--hub-ca", _hub.Server.Pki.RootsPath]);

        private static JsonNode Json(string output) => JsonNode.Parse(output)!;

        /// <summary>The device writes reported properties through the host transport; the hub answers with the new $version.</summary>
        private static void Report(IHubTransport device, JsonObject patch) => Assert.True(device.PatchReported(patch.ToJsonString()) > 0);

        [Fact]
        public void Devices_are_added_listed_and_removed()
        {
            var thumb = _hub.DeviceCertificate("cli-dev-2").Certificate.Thumbprint;
            Assert.Equal(0, Hub("device", "add", "cli-dev-1").Code);
            var added = Hub("device", "add", "cli-dev-2", "--thumbprint", thumb, "--json");
            Assert.Equal(0, added.Code);
            Assert.Equal("selfSigned", (string?)Json(added.Out)["authentication"]!["type"]);

            var list = Hub("devices", "--json");
            Assert.Equal(0, list.Code);
            var ids = Json(list.Out).AsArray().Select(d => (string)d!["deviceId"]!).ToArray();
            Assert.Contains("cli-dev-1", ids);
            Assert.Contains("cli-dev-2", ids);
            Assert.Contains("cli-dev-1", Hub("devices").Out);

            Assert.Equal(0, Hub("device", "rm", "cli-dev-1").Code);
            var again = Hub("device", "rm", "cli-dev-1");
            Assert.Equal(1, again.Code);
            Assert.Contains("404", again.Err);
        }

        [Fact]
        public void A_desired_patch_set_from_the_command_line_is_in_the_twin_it_reads_back()
        {
            Assert.Equal(0, Hub("device", "add", "cli-twin").Code);
            var set = Hub("twin", "set", "cli-twin", "--desired", "{\"renewal\":{\"threshold\":\"80%\"}}");
            Assert.Equal(0, set.Code);
            var get = Hub("twin", "get", "cli-twin");
            Assert.Equal("80%", (string?)Json(get.Out)["properties"]!["desired"]!["renewal"]!["threshold"]);
            var stale = Hub("twin", "set", "cli-twin", "--desired", "{\"x\":1}", "--etag", "bm90LXRoZS1ldGFn");
            Assert.Equal(1, stale.Code);
            Assert.Contains("412", stale.Err);
            Assert.Equal(2, Hub("twin", "set", "cli-twin", "--desired", "[1]").Code);
        }

        [Fact]
        public async Task C2d_send_and_method_reach_a_connected_device()
        {
            await using TestDevice device = await _hub.ConnectDevice("cli-mqtt");
            Assert.Equal(0, Hub("c2d", "send", "cli-mqtt", "--body", "{\"n\":1}", "--property", "type=rootCa").Code);
            Assert.True(RealTime.Eventually(() => !device.C2d.IsEmpty));

            var method = Hub("method", "cli-mqtt", "echo", "--payload", "{\"v\":3}", "--json");
            Assert.Equal(0, method.Code);
            Assert.Equal(3, (int)Json(method.Out)["payload"]!["v"]!);

            device.OnMethod = (_, _) => (501, "{\"error\":\"unknown method\"}");
            Assert.Equal(1, Hub("method", "cli-mqtt", "nope").Code);
        }

        [Fact]
        public void A_method_on_an_offline_device_fails_with_the_hubs_404()
        {
            Assert.Equal(0, Hub("device", "add", "cli-offline").Code);
            var r = Hub("method", "cli-offline", "ping", "--timeout", "5");
            Assert.Equal(1, r.Code);
            Assert.Contains("404", r.Err);
        }

        [Fact]
        public void Without_a_hub_or_without_the_emulators_roots_the_command_is_a_usage_error()
        {
            Assert.Equal(2, Nfcerts.Run("hub", "devices", "--hub", "HostName=x").Code);
            var noCa = Nfcerts.Run("hub", "devices", "--hub", _hub.Server.ConnectionString);
            Assert.Equal(2, noCa.Code);
            Assert.Contains("--hub-ca", noCa.Err);
        }

        [Fact]
        public void C2d_send_to_a_real_hub_says_it_needs_AMQP()
        {
            var r = Nfcerts.Run("hub", "c2d", "send", "d1", "--body", "x",
                "--hub", "HostName=contoso.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=" + Convert.ToBase64String(new byte[32]));
            Assert.Equal(1, r.Code);
            Assert.Contains("needs the AMQP service endpoint", r.Err);
        }

        [Fact]
        public async Task Health_lists_every_reported_certificate_with_its_days_left()
        {
            await using TestDevice device = await _hub.ConnectDevice("cli-health");
            string notAfter = DateTimeOffset.UtcNow.AddDays(40).ToString("yyyy-MM-ddTHH:mm:ssZ");
            await device.ReportAsync(new JsonObject
            {
                ["certificates"] = new JsonArray
                {
                    new JsonObject { ["id"] = "ClientCert1", ["subject"] = "CN=cli-health", ["notAfter"] = notAfter, ["daysLeft"] = 40 },
                    new JsonObject { ["id"] = "RootCA1", ["subject"] = "CN=Radius Root", ["notAfter"] = notAfter },
                },
            });
            var r = Hub("health", "--devices", "SELECT * FROM devices WHERE deviceId = 'cli-health'", "--json");
            Assert.Equal(0, r.Code);
            var rows = Json(r.Out).AsArray();
            Assert.Equal(2, rows.Count);
            Assert.Equal(40, (int)rows.Single(x => (string?)x!["id"] == "ClientCert1")!["daysLeft"]!);
            Assert.InRange((int)rows.Single(x => (string?)x!["id"] == "RootCA1")!["daysLeft"]!, 38, 40);
            var table = Hub("health", "--devices", "SELECT * FROM devices WHERE deviceId = 'cli-health'");
            Assert.Contains("ClientCert1", table.Out);
            Assert.Contains("CN=cli-health", table.Out);
        }

        [Fact]
        public async Task Rollout_announces_through_the_twin_and_reports_each_devices_state_from_its_reported_properties()
        {
            DevCredential newRoot = DevPki.Root("CN=Radius Root 2,O=nf.Certs test", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
            string pem = System.IO.Path.Combine(_hub.Directory, "new-root.pem");
            System.IO.File.WriteAllText(pem, newRoot.Pem);
            string sha1 = newRoot.Certificate.Thumbprint;
            using MqttHubTransport a = await _hub.ConnectTransport("roll-a");
            using MqttHubTransport b = await _hub.ConnectTransport("roll-b");
            using MqttHubTransport c = await _hub.ConnectTransport("roll-c");
            const string fleet = "SELECT * FROM devices WHERE deviceId = 'roll-a' OR deviceId = 'roll-b' OR deviceId = 'roll-c'";

            var announce = Hub("rollout-root-ca", "--pem", pem, "--devices", fleet, "--json");
            Assert.Equal(0, announce.Code);
            var first = Json(announce.Out);
            int seq = (int)first["seq"]!;
            Assert.Equal(3, first["announcedNow"]!.AsArray().Count);
            var desired = (await _hub.Client.GetTwinAsync("roll-b"))["properties"]!["desired"]!["rootCaRollout"]!;
            Assert.Equal(seq, (int)desired["seq"]!);
            Assert.Equal("Network2", (string?)desired["network"]);
            Assert.Equal("RootCA2", (string?)desired["rootCaId"]);
            Assert.Equal(newRoot.Pem.Trim(), ((string)desired["certificate"]!).Trim());
            Assert.Null(desired["signature"]);

            // As the device reports it: a has RootCA2 and is on Network2; b finished (the new root moved onto RootCA1); c refused.
            Report(a, new JsonObject
            {
                ["certificates"] = new JsonObject { ["RootCA2"] = new JsonObject { ["type"] = "root", ["sha1"] = sha1.ToLowerInvariant() } },
                ["network"] = new JsonObject { ["connected"] = "Network2" },
                ["rootCaNotice"] = new JsonObject { ["status"] = "started", ["seq"] = seq, ["source"] = "twin" },
            });
            Report(b, new JsonObject
            {
                ["certificates"] = new JsonObject { ["RootCA1"] = new JsonObject { ["type"] = "root", ["sha1"] = sha1.ToLowerInvariant() } },
                ["network"] = new JsonObject { ["connected"] = "Network1" },
            });
            Report(c, new JsonObject { ["rootCaNotice"] = new JsonObject { ["status"] = "refused", ["seq"] = seq, ["reason"] = "bad signature" } });

            var again = Hub("rollout-root-ca", "--pem", pem, "--devices", fleet, "--sequence", seq.ToString(), "--json");
            Assert.Equal(0, again.Code);
            var report = Json(again.Out);
            Assert.Empty(report["announcedNow"]!.AsArray());
            string State(string id) => (string)report["devices"]!.AsArray().Single(d => (string?)d!["deviceId"] == id)!["state"]!;
            Assert.Equal("on-network", State("roll-a"));
            Assert.Equal("finished", State("roll-b"));
            Assert.Equal("failed", State("roll-c"));
            Assert.Contains("bad signature", again.Out);

            // --watch returns once every device has settled; a finishes while it watches.
            var watching = Task.Run(() => Hub("rollout-root-ca", "--pem", pem, "--devices", fleet, "--sequence", seq.ToString(), "--watch", "--interval", "1", "--json"));
            await Task.Run(() => Report(a, new JsonObject { ["certificates"] = new JsonObject { ["RootCA1"] = new JsonObject { ["sha1"] = sha1 }, ["RootCA2"] = null },
                ["network"] = new JsonObject { ["connected"] = "Network1" } }));
            var watched = await watching.WaitAsync(TimeSpan.FromMinutes(2));
            Assert.Equal(1, watched.Code);
            Assert.Equal("finished", (string)Json(watched.Out)["devices"]!.AsArray().Single(d => (string?)d!["deviceId"] == "roll-a")!["state"]!);
        }

        [Fact]
        public async Task A_rollout_signed_with_the_operator_key_carries_a_signature_over_the_documented_text()
        {
            using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            string keyPath = System.IO.Path.Combine(_hub.Directory, "operator.key");
            System.IO.File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
            DevCredential newRoot = DevPki.Root("CN=Radius Root 3,O=nf.Certs test", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
            string pem = System.IO.Path.Combine(_hub.Directory, "signed-root.pem");
            System.IO.File.WriteAllText(pem, newRoot.Pem);
            await _hub.Client.RegisterDeviceAsync("roll-signed", null);

            var r = Hub("rollout-root-ca", "--pem", pem, "--devices", "SELECT * FROM devices WHERE deviceId = 'roll-signed'", "--sequence", "9", "--sign-key", keyPath, "--json");
            Assert.Equal(0, r.Code);
            Assert.DoesNotContain("PRIVATE KEY", r.Out + r.Err);
            var notice = (await _hub.Client.GetTwinAsync("roll-signed"))["properties"]!["desired"]!["rootCaRollout"]!;
            string sha256 = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(newRoot.Der)).ToLowerInvariant();
            byte[] text = System.Text.Encoding.UTF8.GetBytes("nfcerts-root-ca-notice/1\nseq=9\nnetwork=Network2\nrootCaId=RootCA2\nsha256=" + sha256 + "\n");
            Assert.True(key.VerifyData(text, Convert.FromBase64String((string)notice["signature"]!),
                System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.DSASignatureFormat.Rfc3279DerSequence));

            System.IO.File.WriteAllText(keyPath, "not a key");
            var bad = Hub("rollout-root-ca", "--pem", pem, "--devices", "SELECT * FROM devices WHERE deviceId = 'roll-signed'", "--sequence", "10", "--sign-key", keyPath);
            Assert.Equal(1, bad.Code);
        }
    }
}
