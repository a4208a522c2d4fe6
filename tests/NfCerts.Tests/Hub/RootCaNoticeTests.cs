using System;
using System.Linq;
using System.Text.Json.Nodes;
using NfCerts.Core.Hub;
using NfCerts.Core.Renewal;
using NfCerts.Tests.Support;
using NfCerts.Tests.Wifi;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.Hub
{
    public class RootCaNoticeTests
    {
        private readonly ITestOutputHelper _out;

        public RootCaNoticeTests(ITestOutputHelper output) => _out = output;

        private static readonly string Ca2 = WifiDevice.RootCa2.Pem;

        private static void AssertRotationStarted(HubDevice d)
        {
            Assert.Equal(WifiDevice.RootCa2.Der, d.R.W.Store.GetCertificate("RootCA2"));
            Assert.True(d.R.OnFlash().HasNetwork2);
            Assert.Equal(RenewalState.WaitingForNetwork2, d.R.Engine.Status.State);
        }

        [Fact]
        public void AValidC2dNoticeIsSavedBeforeTheRotationStarts()
        {
            using var d = new HubDevice();
            bool savedFirst = false;
            d.R.CutAtStep = step =>
            {
                if (step == "Root.2.NoticeReceived")
                {
                    savedFirst = d.R.W.Log.Contains(RootCaNotices.PendingKey);
                }
                return false;
            };
            d.C2d(HubDevice.Notice(1, Ca2));
            Assert.True(savedFirst, "the notice reached the engine before it was in the store");
            AssertRotationStarted(d);
            Assert.False(d.R.W.Log.Contains(RootCaNotices.PendingKey), "the saved copy outlived its hand-over");
            var reported = d.Report()!;
            Assert.Equal("started", (string)reported["rootCaNotice"]!["status"]!);
            Assert.Equal(1, (long)reported["rootCaNotice"]!["seq"]!);
            Assert.Equal("waitingForNetwork2", (string)reported["renewal"]!["state"]!);
            _out.WriteLine("C2D body: " + HubDevice.Notice(1, Ca2).Substring(0, 120) + "...");
        }

        [Fact]
        public void ANoticeSavedButNotActedOnIsResumedAtBoot()
        {
            using var d = new HubDevice();
            // Power goes the moment the engine is handed the notice, before it writes anything.
            d.R.CutAtStep = step => step == "Root.2.NoticeReceived";
            Assert.ThrowsAny<Exception>(() => d.C2d(HubDevice.Notice(1, Ca2)));
            d.R.CutAtStep = null;
            var outcome = d.Reboot();
            Assert.NotNull(outcome);
            Assert.Equal(NoticeStatus.Started, outcome!.Status);
            Assert.Equal("boot", outcome.Source);
            AssertRotationStarted(d);
            Assert.Null(d.Reboot());
        }

        [Fact]
        public void APowerCutAtEveryWriteFromReceiptOnLosesNothingThatTheTwinAlsoCarries()
        {
            int runs = 0, lostC2d = 0, resumed = 0;
            for (int n = 0; ; n++)
            {
                using var d = new HubDevice();
                d.R.W.Flash.ArmPowerCut(n, seed: 3000 + n);
                try
                {
                    d.C2d(HubDevice.Notice(4, Ca2));
                }
                catch (Exception)
                {
                    // The cut surfaces as a flash failure.
                }
                runs++;
                bool cut = d.R.W.Flash.PowerCuts > 0;
                d.R.W.Flash.Disarm();
                if (!cut)
                {
                    AssertRotationStarted(d);
                    break;
                }
                var outcome = d.Reboot();
                if (outcome != null)
                {
                    resumed++;
                }
                bool saved = outcome != null || d.R.Engine.Journal.Root != RootRotationStep.Idle;
                if (!saved)
                {
                    // The C2D was acknowledged and is gone; the operator's durable copy in the twin closes the window.
                    lostC2d++;
                    d.H.OnTwin(HubDevice.Twin(9, new JsonObject { ["rootCaRollout"] = JsonNode.Parse(HubDevice.Notice(4, Ca2, type: false)) }));
                }
                try
                {
                    AssertRotationStarted(d);
                }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"power cut after write n={n} (seed {3000 + n}): {e.Message}");
                }
                Assert.True(n < 300, "the flow never completed");
            }
            _out.WriteLine($"{runs} runs: C2D lost before the save in {lostC2d} (picked up from the twin), resumed at boot in {resumed}");
            Assert.True(lostC2d > 0 && resumed > 0, "the cuts did not cover both sides of the save");
        }

        [Fact]
        public void RepeatsAndReplaysAreIgnoredWithTheirReasonAndWriteNothing()
        {
            using var d = new HubDevice();
            d.C2d(HubDevice.Notice(5, Ca2));
            d.Report();
            (string body, string reason)[] cases =
            {
                (HubDevice.Notice(5, Ca2), "already accepted (seq 5)"),
                (HubDevice.Notice(3, Ca2), "seq 3 is not newer than the last accepted 5"),
                (HubDevice.Notice(4, WifiDevice.RootCa1.Pem), "seq 4 is not newer than the last accepted 5"),
                (HubDevice.Notice(6, Ca2), "already being rotated in"),
            };
            foreach (var (body, reason) in cases)
            {
                var before = d.Flash();
                d.C2d(body);
                Assert.Equal(before, d.Flash());
                var r = d.Report()!;
                Assert.Equal("ignored", (string)r["rootCaNotice"]!["status"]!);
                Assert.Contains(reason, (string)r["rootCaNotice"]!["reason"]!);
            }
            using var fresh = new HubDevice();
            var snapshot = fresh.Flash();
            fresh.C2d(HubDevice.Notice(1, WifiDevice.RootCa1.Pem));
            Assert.Equal(snapshot, fresh.Flash());
            Assert.Contains("already installed as RootCA1", (string)fresh.Report()!["rootCaNotice"]!["reason"]!);
        }

        public static TheoryData<string, string, string> Hostile()
        {
            var client = TestPki.Client(WifiDevice.ClientCa, "not-a-ca");
            string deep = new string('[', 40) + new string(']', 40);
            return new TheoryData<string, string, string>
            {
                { "{\"seq\":1,", "type=rootCaNotice", "not valid JSON" },
                { deep, "type=rootCaNotice", "deeper than 16" },
                { "{\"seq\":1,\"seq\":2,\"certificate\":\"x\"}", "type=rootCaNotice", "duplicate member 'seq'" },
                { HubDevice.Notice(1, "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"), "type=rootCaNotice", "not valid PEM" },
                { HubDevice.Notice(1, Ca2 + "\n" + WifiDevice.RootCa1.Pem), "type=rootCaNotice", "it has 2 PEM blocks" },
                { HubDevice.Notice(1, client.Pkcs8Pem), "type=rootCaNotice", "not PRIVATE KEY" },
                { HubDevice.Notice(1, client.Pem), "type=rootCaNotice", "not a CA certificate" },
                { HubDevice.Notice(0, Ca2), "type=rootCaNotice", "'seq' must be an integer" },
                { HubDevice.Notice(1, Ca2, network: "Network7"), "type=rootCaNotice", "through network 'Network2', not 'Network7'" },
                { HubDevice.Notice(1, Ca2, id: "Root CA!"), "type=rootCaNotice", "is not a store ID" },
                { "{\"type\":\"rootCaNotice\",\"seq\":1,\"certificate\":\"x\",\"extra\":1}", "", "has no member 'extra'" },
                { "{\"seq\":1}", "type=formatDisk", "unknown message type 'formatDisk'" },
                { "[]", "", "unknown message type ''" },
            };
        }

        [Theory]
        [MemberData(nameof(Hostile))]
        public void HostileMessagesAreRefusedWithAReasonAndChangeNothing(string body, string properties, string reason)
        {
            using var d = new HubDevice();
            var before = d.Flash();
            d.C2d(body, properties);
            Assert.Equal(before, d.Flash());
            Assert.Equal(RootRotationStep.Idle, d.R.Engine.Journal.Root);
            var r = d.Report()!;
            Assert.Equal("refused", (string)r["lastMessage"]!["status"]!);
            Assert.Contains(reason, (string)r["lastMessage"]!["reason"]!);
            Assert.DoesNotContain("PRIVATE KEY-----", string.Join("", d.Wire));
        }

        [Fact]
        public void AMegabyteBodyIsRefusedOnItsSizeAlone()
        {
            using var d = new HubDevice();
            var before = d.Flash();
            var body = new byte[1 << 20];
            Array.Fill(body, (byte)'[');
            d.C2d(body);
            Assert.Equal(before, d.Flash());
            Assert.Contains("1048576 bytes; at most 16384", (string)d.Report()!["lastMessage"]!["reason"]!);
        }

        [Fact]
        public void OnceAnOperatorKeyIsSetOnlyNoticesSignedWithItAreTaken()
        {
            using var d = new HubDevice();
            d.H.OnDesiredPatch(new JsonObject { ["operatorKey"] = JsonNode.Parse(HubDevice.OperatorKey(1, HubDevice.Operator)), ["$version"] = 2 }.ToJsonString(), 2);
            var ack = d.Report()!["operatorKey"]!;
            Assert.Equal(200, (int)ack["ac"]!);
            Assert.Equal(2, (int)ack["av"]!);
            (string body, string reason)[] refused =
            {
                (HubDevice.Notice(1, Ca2), "unsigned"),
                (HubDevice.Notice(1, Ca2, HubDevice.Operator2), "does not verify"),
                // Signed, then altered: a signature over another sequence number.
                (HubDevice.Notice(1, Ca2, HubDevice.Operator).Replace("\"seq\":1", "\"seq\":2"), "does not verify"),
            };
            foreach (var (body, reason) in refused)
            {
                var before = d.Flash();
                d.C2d(body);
                Assert.Equal(before, d.Flash());
                Assert.Contains(reason, (string)d.Report()!["rootCaNotice"]!["reason"]!);
            }
            d.C2d(HubDevice.Notice(1, Ca2, HubDevice.Operator));
            Assert.Equal("started", (string)d.Report()!["rootCaNotice"]!["status"]!);
            AssertRotationStarted(d);
        }

        [Fact]
        public void AKeyChangeMustBeSignedByTheCurrentKeyAndNewer()
        {
            using var d = new HubDevice();
            void Patch(string key, int version) => d.H.OnDesiredPatch(new JsonObject { ["operatorKey"] = JsonNode.Parse(key), ["$version"] = version }.ToJsonString(), version);
            Patch(HubDevice.OperatorKey(1, HubDevice.Operator), 2);
            d.Report();
            (string key, string reason)[] refused =
            {
                (HubDevice.OperatorKey(2, HubDevice.Operator2), "must be signed by the current one"),
                (HubDevice.OperatorKey(2, HubDevice.Operator2, signedBy: HubDevice.Operator2), "does not verify with the current key"),
                (HubDevice.OperatorKey(1, HubDevice.Operator2, signedBy: HubDevice.Operator), "not newer than the kept key's 1"),
                ("null", "cannot be removed"),
                (HubDevice.OperatorKey(2, TestPki.Root("RSA Operator", rsa: true), signedBy: HubDevice.Operator), "ECDSA P-256"),
            };
            int v = 3;
            foreach (var (key, reason) in refused)
            {
                var before = d.Flash();
                Patch(key, v++);
                var ack = d.Report()!["operatorKey"]!;
                Assert.Equal(400, (int)ack["ac"]!);
                Assert.Contains(reason, (string)ack["ad"]!);
                // Only the applied $version moved.
                Assert.Equal(1, new OperatorKey(d.R.W.Log, new NfCerts.Hal.Host.HostKeyVault()).Sequence);
            }
            Patch(HubDevice.OperatorKey(2, HubDevice.Operator2, signedBy: HubDevice.Operator), v++);
            Assert.Equal(200, (int)d.Report()!["operatorKey"]!["ac"]!);
            // Kept across a reboot: the new key is the one notices must be signed with.
            d.Reboot();
            d.C2d(HubDevice.Notice(1, Ca2, HubDevice.Operator));
            Assert.Contains("does not verify", (string)d.Report()!["rootCaNotice"]!["reason"]!);
            d.C2d(HubDevice.Notice(1, Ca2, HubDevice.Operator2));
            AssertRotationStarted(d);
        }

        [Fact]
        public void ATwinNoticeReachesADeviceThatWasOfflineFromTheFullTwin()
        {
            using var d = new HubDevice();
            // The operator set it while the device was off: only the full twin GET after connecting carries it.
            string twin = HubDevice.Twin(7, new JsonObject { ["rootCaRollout"] = JsonNode.Parse(HubDevice.Notice(2, Ca2, type: false)) });
            d.H.OnTwin(twin);
            AssertRotationStarted(d);
            var r = d.Report()!;
            Assert.Equal(200, (int)r["rootCaRollout"]!["ac"]!);
            Assert.Equal(7, (int)r["rootCaRollout"]!["av"]!);
            Assert.Equal(2, (int)r["rootCaRollout"]!["value"]!["seq"]!);
            Assert.Equal("twin", (string)r["rootCaNotice"]!["source"]!);
            // The same twin after a reconnect or reboot is not applied again.
            var before = d.Flash();
            d.H.OnTwin(twin);
            Assert.Equal(before, d.Flash());
            d.Reboot();
            before = d.Flash();
            d.H.OnTwin(twin);
            Assert.Equal(before, d.Flash());
        }
    }
}
