using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Emulators.Hub.Rest;
using Xunit;

namespace NfCerts.Tests.DpsOps
{
    /// <summary>The DPS operator API has the shape of DPS's service REST API: enrollments by ID with ETags, the service's
    /// statuses and error bodies, specific reasons for bad bodies, and SAS authorisation.</summary>
    public sealed class DpsRestApiTests : IClassFixture<DpsOpsFixture>
    {
        private readonly DpsOpsFixture _f;

        public DpsRestApiTests(DpsOpsFixture f) => _f = f;

        [Fact]
        public async Task An_enrollment_group_is_created_read_listed_and_deleted_with_its_certificate_details_and_etag()
        {
            ApiAnswer put = await _f.Send(HttpMethod.Put, "enrollmentGroups/shape-group", DpsOpsFixture.Group("shape-group", _f.DeviceRoot.Pem));
            Assert.Equal(200, put.Status);
            Assert.Equal("shape-group", (string?)put.Body!["enrollmentGroupId"]);
            Assert.Equal("x509", (string?)put.Body["attestation"]!["type"]);
            JsonNode info = put.Body["attestation"]!["x509"]!["signingCertificates"]!["primary"]!["info"]!;
            Assert.Equal(_f.DeviceRoot.Certificate.Thumbprint, (string?)info["sha1Thumbprint"]);
            Assert.Equal(_f.DeviceRoot.Certificate.Subject, (string?)info["subjectName"]);
            Assert.Equal("enabled", (string?)put.Body["provisioningStatus"]);
            Assert.Equal("hashed", (string?)put.Body["allocationPolicy"]);
            Assert.Equal((string?)put.Body["etag"], put.Etag);
            Assert.True(DateTimeOffset.TryParse((string?)put.Body["createdDateTimeUtc"], out _));

            ApiAnswer get = await _f.Send(HttpMethod.Get, "enrollmentGroups/shape-group");
            Assert.Equal(200, get.Status);
            Assert.Equal(put.Etag, get.Etag);

            ApiAnswer query = await _f.Send(HttpMethod.Post, "enrollmentGroups/query", new JsonObject { ["query"] = "*" });
            Assert.Equal(200, query.Status);
            Assert.Contains(query.Body!.AsArray(), g => (string?)g!["enrollmentGroupId"] == "shape-group");

            Assert.Equal(204, (await _f.Send(HttpMethod.Delete, "enrollmentGroups/shape-group")).Status);
            ApiAnswer gone = await _f.Send(HttpMethod.Get, "enrollmentGroups/shape-group");
            Assert.Equal(404, gone.Status);
            Assert.Equal("404001", gone.ErrorCode);
            Assert.Equal(404001, (int?)gone.Body!["errorCode"]);
            Assert.Contains("no enrollment group 'shape-group'", gone.Message);
            Assert.Equal(404, (await _f.Send(HttpMethod.Delete, "enrollmentGroups/shape-group")).Status);
        }

        [Fact]
        public async Task An_individual_enrollment_takes_the_device_certificate_as_base64_DER_and_returns_its_thumbprint()
        {
            var device = _f.Device("shape-dev-1");
            var body = new JsonObject
            {
                ["registrationId"] = "shape-dev-1",
                ["attestation"] = new JsonObject
                {
                    ["type"] = "x509",
                    ["x509"] = new JsonObject { ["clientCertificates"] = new JsonObject { ["primary"] = new JsonObject { ["certificate"] = Convert.ToBase64String(device.Der) } } },
                },
                ["allocationPolicy"] = "static",
                ["iotHubs"] = new JsonArray("localhost"),
            };
            ApiAnswer put = await _f.Send(HttpMethod.Put, "enrollments/shape-dev-1", body);
            Assert.Equal(200, put.Status);
            Assert.Equal(device.Certificate.Thumbprint, (string?)put.Body!["attestation"]!["x509"]!["clientCertificates"]!["primary"]!["info"]!["sha1Thumbprint"]);
            Assert.Equal("localhost", (string?)put.Body["iotHubHostName"]);

            ApiAnswer list = await _f.Send(HttpMethod.Post, "enrollments/query", new JsonObject { ["query"] = "SELECT * FROM enrollments" });
            Assert.Contains(list.Body!.AsArray(), e => (string?)e!["registrationId"] == "shape-dev-1");
            Assert.Equal(204, (await _f.Send(HttpMethod.Delete, "enrollments/shape-dev-1")).Status);
            Assert.Equal(404, (await _f.Send(HttpMethod.Get, "enrollments/shape-dev-1")).Status);
        }

        [Fact]
        public async Task Etags_guard_replacing_and_deleting_an_enrollment()
        {
            JsonObject body = DpsOpsFixture.Group("etag-group", _f.DeviceRoot.Pem);
            ApiAnswer first = await _f.Send(HttpMethod.Put, "enrollmentGroups/etag-group", body);
            Assert.Equal(200, first.Status);

            ApiAnswer again = await _f.Send(HttpMethod.Put, "enrollmentGroups/etag-group", DpsOpsFixture.Group("etag-group", _f.DeviceRoot.Pem, "disabled"));
            Assert.Equal(409, again.Status);
            Assert.Contains("already exists", again.Message);

            ApiAnswer replaced = await _f.Send(HttpMethod.Put, "enrollmentGroups/etag-group", DpsOpsFixture.Group("etag-group", _f.DeviceRoot.Pem, "disabled"), ifMatch: first.Etag);
            Assert.Equal(200, replaced.Status);
            Assert.Equal("disabled", (string?)replaced.Body!["provisioningStatus"]);
            Assert.NotEqual(first.Etag, replaced.Etag);
            Assert.Equal((string?)first.Body!["createdDateTimeUtc"], (string?)replaced.Body["createdDateTimeUtc"]);

            ApiAnswer stale = await _f.Send(HttpMethod.Put, "enrollmentGroups/etag-group", body, ifMatch: first.Etag);
            Assert.Equal(412, stale.Status);
            Assert.Equal("412002", stale.ErrorCode);
            Assert.Equal(412, (await _f.Send(HttpMethod.Delete, "enrollmentGroups/etag-group", ifMatch: first.Etag)).Status);
            Assert.Equal("disabled", (string?)(await _f.Send(HttpMethod.Get, "enrollmentGroups/etag-group")).Body!["provisioningStatus"]);

            Assert.Equal(200, (await _f.Send(HttpMethod.Put, "enrollmentGroups/etag-group", body, ifMatch: "*")).Status);
            ApiAnswer current = await _f.Send(HttpMethod.Get, "enrollmentGroups/etag-group");
            Assert.Equal(204, (await _f.Send(HttpMethod.Delete, "enrollmentGroups/etag-group", ifMatch: current.Etag)).Status);
        }

        [Theory]
        [InlineData("{\"enrollmentGroupId\":", "the body is not valid JSON")]
        [InlineData("{\"enrollmentGroupId\":\"bad-body\",\"attestation\":{\"type\":\"tpm\",\"tpm\":{\"endorsementKey\":\"AA==\"}}}", "attestation type \"tpm\" is not supported")]
        [InlineData("{\"enrollmentGroupId\":\"other-id\",\"attestation\":{\"type\":\"x509\"}}", "is not 'bad-body', the one in the address")]
        [InlineData("{\"enrollmentGroupId\":\"bad-body\",\"attestation\":{\"type\":\"x509\",\"x509\":{}}}", "x509.signingCertificates.primary.certificate is required")]
        [InlineData("{\"attestation\":{\"type\":\"x509\",\"x509\":{\"signingCertificates\":{\"primary\":{\"certificate\":\"bm90IGEgY2VydA==\"}}}}}", "neither PEM nor base64 of a DER certificate")]
        [InlineData("{\"attestation\":{\"type\":\"x509\",\"x509\":{\"caReferences\":{\"primary\":\"my-ca\"}}}}", "caReferences")]
        public async Task A_bad_enrollment_group_body_is_refused_with_the_reason(string body, string reason)
        {
            ApiAnswer a = await _f.Send(HttpMethod.Put, "enrollmentGroups/bad-body", rawBody: body);
            Assert.Equal(400, a.Status);
            Assert.Equal("400004", a.ErrorCode);
            Assert.Contains(reason, a.Message);
            Assert.Equal(404, (await _f.Send(HttpMethod.Get, "enrollmentGroups/bad-body")).Status);
        }

        [Fact]
        public async Task Settings_the_emulator_cannot_honour_are_refused_with_the_reason()
        {
            Assert.Contains("is not a CA certificate", (await _f.Send(HttpMethod.Put, "enrollmentGroups/g-leaf", DpsOpsFixture.Group("g-leaf", _f.Device("leaf-1").Pem))).Message);
            Assert.Contains("provisioningStatus must be enabled or disabled", (await _f.Send(HttpMethod.Put, "enrollmentGroups/g-st", DpsOpsFixture.Group("g-st", _f.DeviceRoot.Pem, "paused"))).Message);
            Assert.Contains("allocationPolicy 'geoLatency' is not supported", (await _f.Send(HttpMethod.Put, "enrollmentGroups/g-geo", DpsOpsFixture.Group("g-geo", _f.DeviceRoot.Pem, null, "geoLatency"))).Message);
            Assert.Contains("'hub-z.example.net', which is not a linked hub (linked: localhost)",
                (await _f.Send(HttpMethod.Put, "enrollmentGroups/g-hub", DpsOpsFixture.Group("g-hub", _f.DeviceRoot.Pem, null, null, "hub-z.example.net"))).Message);
            Assert.Contains("static allocation needs exactly one hub", (await _f.Send(HttpMethod.Put, "enrollmentGroups/g-static", DpsOpsFixture.Group("g-static", _f.DeviceRoot.Pem, null, "static"))).Message);
            ApiAnswer noVersion = await _f.Send(HttpMethod.Get, "enrollmentGroups/anything", apiVersion: false);
            Assert.Equal(400, noVersion.Status);
            Assert.Contains("api-version", noVersion.Message);
            ApiAnswer query = await _f.Send(HttpMethod.Post, "enrollmentGroups/query", new JsonObject { ["query"] = "SELECT * FROM enrollmentGroups WHERE x = 1" });
            Assert.Equal(400, query.Status);
            Assert.Contains("answers only the query", query.Message);
        }

        [Fact]
        public async Task Requests_without_a_valid_shared_access_signature_are_401_with_the_reason()
        {
            HubConnectionString dps = _f.Dps;
            string other = Convert.ToBase64String(new byte[32]);
            var cases = new (string? Token, string Reason)[]
            {
                ("", "no Authorization header"),
                (SasToken.Create(dps.HostName, dps.PolicyName, other, DateTimeOffset.UtcNow.AddMinutes(5)), "signature does not match"),
                (SasToken.Create(dps.HostName, dps.PolicyName, dps.Key, DateTimeOffset.UtcNow.AddMinutes(-1)), "expired"),
                (SasToken.Create("other-dps.azure-devices-provisioning.net", dps.PolicyName, dps.Key, DateTimeOffset.UtcNow.AddMinutes(5)), "does not cover"),
                (SasToken.Create(dps.HostName, "iothubowner", dps.Key, DateTimeOffset.UtcNow.AddMinutes(5)), "unknown shared access policy 'iothubowner'"),
            };
            foreach (var (token, reason) in cases)
            {
                ApiAnswer a = await _f.Send(HttpMethod.Post, "enrollmentGroups/query", new JsonObject { ["query"] = "*" }, authorization: token);
                Assert.Equal(401, a.Status);
                Assert.Equal("401002", a.ErrorCode);
                Assert.Contains(reason, a.Message);
            }
            Assert.Equal(200, (await _f.Send(HttpMethod.Post, "enrollmentGroups/query", new JsonObject { ["query"] = "*" })).Status);
            Assert.Equal(401, (await _f.Send(HttpMethod.Put, "emulator/throttle", new JsonObject { ["requests"] = 5 }, authorization: "", apiVersion: false)).Status);
            Assert.Equal(0, _f.Server.Emulator.Throttling.Requests);
        }
    }
}
