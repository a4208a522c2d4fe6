using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Core.Renewal;
using NfCerts.Hal;
using NfCerts.Tests.Hub;
using NfCerts.Tests.HubEmulator;
using NfCerts.Tests.Wifi;
using Xunit;

namespace NfCerts.Tests.HubE2E
{
    /// <summary>What the hub holds about the device, and what the device refuses from the hub, over the wire.</summary>
    public sealed class ReportedAndHostileE2ETests
    {
        [Fact]
        public async Task The_reported_certificates_the_hub_stores_match_the_store_and_hold_no_key_material()
        {
            await using E2eDevice e = await E2eDevice.CreateAsync();
            e.BootConnected();

            JsonObject reported = e.ReportedWhen(r => r["certificates"] is JsonObject, "certificates");
            var store = e.D.Runtime.Store!;
            JsonObject certificates = reported["certificates"]!.AsObject();
            var ids = Enumerable.Range(0, store.GetCertificateCount()).Select(store.GetCertificateIdentifierAt).OrderBy(i => i).ToArray();
            Assert.Equal(new[] { "ClientCert1", "RootCA1" }, ids);
            Assert.Equal(ids, certificates.Select(p => p.Key).OrderBy(k => k).ToArray());
            foreach (string id in ids)
            {
                using var cert = X509CertificateLoader.LoadCertificate(store.GetCertificate(id));
                JsonObject c = certificates[id]!.AsObject();
                Assert.Equal(cert.Thumbprint, ((string)c["sha1"]!).ToUpperInvariant());
                Assert.Equal(Convert.ToHexString(SHA256.HashData(cert.RawData)), ((string)c["sha256"]!).ToUpperInvariant());
                Assert.Equal(cert.NotAfter.ToUniversalTime(), DateTime.Parse((string)c["notAfter"]!, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal), TimeSpan.FromSeconds(1));
                Assert.Equal(cert.Subject.Replace(", ", ","), (string)c["subject"]!);
            }
            string all = reported.ToJsonString();
            byte[] key = store.GetPrivateKey("ClientCert1");
            Assert.DoesNotContain("PRIVATE", all, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(key)[..24], all);
            Assert.DoesNotContain(Convert.ToHexString(key)[..24], all, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("\"key\"", all, StringComparison.OrdinalIgnoreCase);
        }

        public static TheoryData<string, string> Hostile()
        {
            string deep = new string('[', 200) + new string(']', 200);
            return new TheoryData<string, string>
            {
                { "{\"type\":\"rootCaNotice\",\"seq\":1,", "not valid JSON" },
                { deep, "deeper than 16" },
                { HubDevice.Notice(1, "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"), "not valid PEM" },
                { HubDevice.Notice(1, WifiDevice.Client1.Pem), "not a CA certificate" },
            };
        }

        [Theory]
        [MemberData(nameof(Hostile))]
        public async Task A_hostile_C2D_body_is_refused_with_its_reason_in_the_twin_and_the_store_unchanged(string body, string reason)
        {
            await using E2eDevice e = await E2eDevice.CreateAsync();
            e.BootConnected();
            e.ReportedWhen(r => r["certificates"] is JsonObject, "the first report");
            byte[] before = e.D.Flash.Snapshot();

            await RootCaNoticeE2ETests.SendNoticeAsync(e, body);

            JsonObject reported = e.ReportedWhen(r => r["lastMessage"] is JsonObject m && ((string?)m["reason"] ?? "").Contains(reason), reason);
            Assert.Equal("refused", (string)reported["lastMessage"]!["status"]!);
            Assert.Equal(before, e.D.Flash.Snapshot());
            Assert.False(e.D.Runtime.Store!.ContainsCertificate("RootCA2"));
            Assert.True(e.Client.Status.Connected, e.Client.Status.LastError);
        }

        [Fact]
        public async Task A_megabyte_C2D_body_is_refused_on_its_size_and_the_device_stays_connected()
        {
            await using E2eDevice e = await E2eDevice.CreateAsync();
            e.BootConnected();
            e.ReportedWhen(r => r["certificates"] is JsonObject, "the first report");
            byte[] before = e.D.Flash.Snapshot();
            var body = new byte[1 << 20];
            Array.Fill(body, (byte)'[');

            await e.Hub.Hub.SendC2dAsync(E2eDevice.DeviceId, body, new Dictionary<string, string> { ["type"] = "rootCaNotice" });

            JsonObject reported = e.ReportedWhen(r => r["lastMessage"] is JsonObject m && ((string?)m["reason"] ?? "").Contains("at most 16384"), "the size refusal");
            Assert.Contains("1048576 bytes", (string)reported["lastMessage"]!["reason"]!);
            Assert.Equal(before, e.D.Flash.Snapshot());
            Assert.True(e.Client.Status.Connected, e.Client.Status.LastError);
        }

        [Fact]
        public async Task Once_an_operator_key_is_set_through_the_twin_a_notice_with_a_wrong_signature_is_refused_over_the_wire()
        {
            await using E2eDevice e = await E2eDevice.CreateAsync();
            e.BootConnected();
            await e.Hub.Hub.PatchDesiredAsync(E2eDevice.DeviceId, new JsonObject { ["operatorKey"] = JsonNode.Parse(HubDevice.OperatorKey(1, HubDevice.Operator)) });
            e.ReportedWhen(r => r["operatorKey"] is JsonObject k && (int?)k["ac"] == 200, "the operator key's answer");
            byte[] before = e.D.Flash.Snapshot();

            await RootCaNoticeE2ETests.SendNoticeAsync(e, HubDevice.Notice(1, WifiDevice.RootCa2.Pem, HubDevice.Operator2));

            JsonObject reported = e.ReportedWhen(r => E2eDevice.Notice(r) is JsonObject n && (string?)n["status"] == "refused", "the refusal");
            Assert.Contains("does not verify", (string)E2eDevice.Notice(reported)!["reason"]!);
            Assert.Equal(before, e.D.Flash.Snapshot());

            await RootCaNoticeE2ETests.SendNoticeAsync(e, HubDevice.Notice(1, WifiDevice.RootCa2.Pem, HubDevice.Operator));
            e.ReportedWhen(r => E2eDevice.NoticeIs(r, "started", 1), "the signed notice started");
            Assert.Equal(WifiDevice.RootCa2.Der, e.D.Runtime.Store!.GetCertificate("RootCA2"));
        }

        [Fact]
        public async Task A_device_whose_certificate_CN_is_not_its_device_ID_is_refused_by_the_hub_and_says_so()
        {
            await using E2eDevice e = await E2eDevice.CreateAsync();
            // The store's ClientCert1 has CN device-001; the settings name another registered device.
            var log = NfCerts.Core.Storage.RecordLog.Mount(e.D.Flash, NfCerts.Core.Certificates.CertStore.MaxEntrySize);
            await e.Hub.Hub.RegisterDeviceAsync("device-002", null);
            new NfCerts.Core.Hub.HubSettings { HostName = "localhost", Port = e.Hub.Hub.Port, DeviceId = "device-002" }.Save(log);
            e.Boot();

            Assert.True(e.Until(() => e.Client.Status.Refusals > 0), "the hub did not refuse: " + e.Client.Status.LastError);
            Assert.False(e.Client.Status.Connected);
            Assert.Contains(e.Hub.Log, l => l.Contains("refused device-002") && l.Contains("CN 'device-001'"));
            Assert.NotEmpty(e.Client.Status.LastError);
        }
    }
}
