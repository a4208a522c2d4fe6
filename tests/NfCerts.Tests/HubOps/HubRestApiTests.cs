using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Emulators.Hub;
using NfCerts.Emulators.Hub.Rest;
using NfCerts.Tests.Contracts;
using Xunit;

namespace NfCerts.Tests.HubOps
{
    /// <summary>The operator API over real HTTPS, through the REST client, against the running emulator.</summary>
    public sealed class HubRestApiTests : IClassFixture<HubServerFixture>
    {
        private readonly HubServerFixture _hub;

        public HubRestApiTests(HubServerFixture hub) => _hub = hub;

        private RestHubService Client => _hub.Client;

        [Fact]
        public async Task Devices_are_registered_by_CA_or_thumbprint_listed_and_removed()
        {
            string thumb = _hub.DeviceCertificate("reg-2").Certificate.Thumbprint;
            HubDeviceInfo byCa = await Client.RegisterDeviceAsync("reg-1", null);
            HubDeviceInfo byThumb = await Client.RegisterDeviceAsync("reg-2", thumb);
            Assert.Equal("certificateAuthority", byCa.Authentication);
            Assert.Equal("selfSigned", byThumb.Authentication);
            Assert.Equal(thumb, byThumb.Thumbprint, ignoreCase: true);
            Assert.Equal("selfSigned", (await Client.RegisterDeviceAsync("reg-2", thumb)).Authentication);

            var listed = await Client.ListDevicesAsync();
            Assert.Contains(listed, d => d.DeviceId == "reg-1" && !d.Connected);
            Assert.Contains(listed, d => d.DeviceId == "reg-2");

            await Client.DeleteDeviceAsync("reg-1");
            Assert.DoesNotContain(await Client.ListDevicesAsync(), d => d.DeviceId == "reg-1");
            var gone = await Assert.ThrowsAsync<HubServiceException>(() => Client.GetTwinAsync("reg-1"));
            Assert.Equal(404, gone.Status);
            Assert.Equal(404, (await Assert.ThrowsAsync<HubServiceException>(() => Client.DeleteDeviceAsync("reg-1"))).Status);
        }

        [Fact]
        public async Task A_registration_with_symmetric_keys_or_a_bad_thumbprint_is_refused_with_a_reason()
        {
            var sas = await Assert.ThrowsAsync<HubServiceException>(() => Raw(HttpMethodPut, "/devices/sas-1",
                new JsonObject { ["deviceId"] = "sas-1", ["authentication"] = new JsonObject { ["type"] = "sas" } }));
            Assert.Equal(400, sas.Status);
            Assert.Contains("X.509", sas.Message);
            var bad = await Assert.ThrowsAsync<HubServiceException>(() => Client.RegisterDeviceAsync("thumb-1", "not-hex"));
            Assert.Equal(400, bad.Status);
        }

        [Fact]
        public async Task A_twin_patch_with_a_stale_etag_fails_with_412_and_one_with_the_current_etag_applies()
        {
            await Client.RegisterDeviceAsync("twin-1", null);
            JsonObject before = await Client.GetTwinAsync("twin-1");
            string etag = (string)before["etag"]!;
            JsonObject after = await Client.PatchDesiredAsync("twin-1", new JsonObject { ["policy"] = "80%" }, etag);
            Assert.Equal("80%", (string?)after["properties"]!["desired"]!["policy"]);
            Assert.NotEqual(etag, (string?)after["etag"]);

            var stale = await Assert.ThrowsAsync<HubServiceException>(() => Client.PatchDesiredAsync("twin-1", new JsonObject { ["policy"] = "30d" }, etag));
            Assert.Equal(412, stale.Status);
            Assert.Equal("80%", (string?)(await Client.GetTwinAsync("twin-1"))["properties"]!["desired"]!["policy"]);

            JsonObject current = await Client.PatchDesiredAsync("twin-1", new JsonObject { ["policy"] = "30d" }, (string)after["etag"]!);
            Assert.Equal("30d", (string?)current["properties"]!["desired"]!["policy"]);
            JsonObject removed = await Client.PatchDesiredAsync("twin-1", new JsonObject { ["policy"] = null });
            Assert.Null(removed["properties"]!["desired"]!["policy"]);
        }

        [Fact]
        public async Task A_twin_read_over_HTTP_carries_its_etag_header_and_needs_an_api_version()
        {
            await Client.RegisterDeviceAsync("twin-2", null);
            using var http = Http();
            using var get = new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Get, "twins/twin-2?api-version=2021-04-12");
            get.Headers.TryAddWithoutValidation("Authorization", Client.Hub.Token(TimeSpan.FromMinutes(5)));
            using var ok = await http.SendAsync(get);
            var twin = JsonNode.Parse(await ok.Content.ReadAsStringAsync())!;
            Assert.Equal("\"" + (string)twin["etag"]! + "\"", ok.Headers.ETag!.Tag);

            using var noVersion = new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Get, "twins/twin-2");
            noVersion.Headers.TryAddWithoutValidation("Authorization", Client.Hub.Token(TimeSpan.FromMinutes(5)));
            using var refused = await http.SendAsync(noVersion);
            Assert.Equal(400, (int)refused.StatusCode);
        }

        [Fact]
        public async Task A_query_selects_twins_by_reported_properties_across_pages()
        {
            await using TestDevice a = await _hub.ConnectDevice("query-a");
            await using TestDevice b = await _hub.ConnectDevice("query-b");
            await a.ReportAsync(new JsonObject { ["site"] = "north" });
            await b.ReportAsync(new JsonObject { ["site"] = "south" });

            var north = await Client.QueryAsync("SELECT * FROM devices WHERE properties.reported.site = 'north'");
            Assert.Equal(new[] { "query-a" }, north.Select(t => (string)t["deviceId"]!).ToArray());
            var both = await Client.QueryAsync("SELECT * FROM devices WHERE deviceId = 'query-a' OR deviceId = 'query-b'");
            Assert.Equal(2, both.Count);

            var bad = await Assert.ThrowsAsync<HubServiceException>(() => Client.QueryAsync("SELECT deviceId FROM devices"));
            Assert.Equal(400, bad.Status);
        }

        [Fact]
        public async Task A_method_on_an_offline_device_is_404_and_one_the_device_does_not_answer_is_504()
        {
            await Client.RegisterDeviceAsync("method-off", null);
            var offline = await Assert.ThrowsAsync<HubServiceException>(() => Client.InvokeMethodAsync("method-off", "ping", null, TimeSpan.FromSeconds(5)));
            Assert.Equal(404, offline.Status);

            await using TestDevice device = await _hub.ConnectDevice("method-on");
            var answered = await Client.InvokeMethodAsync("method-on", "echo", new JsonObject { ["n"] = 7 }, TimeSpan.FromSeconds(60));
            Assert.Equal(200, answered.Status);
            Assert.Equal(7, (int)answered.Payload!["n"]!);

            device.OnMethod = (_, _) => null;
            var timeout = await Assert.ThrowsAsync<HubServiceException>(() => Client.InvokeMethodAsync("method-on", "echo", null, TimeSpan.FromSeconds(5)));
            Assert.Equal(504, timeout.Status);

            var tooShort = await Assert.ThrowsAsync<HubServiceException>(() => Client.InvokeMethodAsync("method-on", "echo", null, TimeSpan.FromSeconds(1)));
            Assert.Equal(400, tooShort.Status);
        }

        [Fact]
        public async Task A_C2D_message_sent_through_the_emulator_endpoint_reaches_the_device_with_its_properties()
        {
            await using TestDevice device = await _hub.ConnectDevice("c2d-1");
            await Client.SendC2dAsync("c2d-1", Encoding.UTF8.GetBytes("{\"hello\":1}"), new Dictionary<string, string> { ["kind"] = "rootCa" });
            Assert.True(RealTime.Eventually(() => !device.C2d.IsEmpty));
            device.C2d.TryPeek(out var message);
            Assert.Equal("{\"hello\":1}", message.Body);
            Assert.Contains("kind=rootCa", message.Topic);
        }

        [Fact]
        public async Task C2D_on_a_real_hub_says_it_needs_AMQP_and_sends_nothing()
        {
            using var real = new RestHubService(HubConnectionString.Parse(
                "HostName=contoso.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=" + Convert.ToBase64String(new byte[32])));
            Assert.False(real.Hub.IsEmulator);
            var e = await Assert.ThrowsAsync<NotSupportedException>(() => real.SendC2dAsync("d", new byte[1]));
            Assert.Contains("needs the AMQP service endpoint", e.Message);
        }

        [Fact]
        public async Task The_server_chain_switch_changes_what_new_TLS_connections_are_shown()
        {
            Assert.Equal("baltimore", (string?)(await Client.GetServerChainAsync())["current"]);
            Assert.Contains("Baltimore", IssuerRootSeenOn(_hub.Server.Api.Port));
            try
            {
                await Client.UseServerChainAsync("digicert-g2");
                Assert.Contains("DigiCert Global Root G2", IssuerRootSeenOn(_hub.Server.Api.Port));
                Assert.Contains("DigiCert Global Root G2", IssuerRootSeenOn(_hub.Server.Emulator.Port));
                var unknown = await Assert.ThrowsAsync<HubServiceException>(() => Client.UseServerChainAsync("nope"));
                Assert.Equal(400, unknown.Status);
            }
            finally
            {
                await Client.UseServerChainAsync("baltimore");
            }
        }

        /// <summary>The issuer of the intermediate the server at <paramref name="port"/> sends (that is, its root's name).</summary>
        private static string IssuerRootSeenOn(int port)
        {
            using var tcp = new TcpClient("127.0.0.1", port);
            X509Certificate2Collection sent = new();
            using var tls = new SslStream(tcp.GetStream(), false, (_, _, chain, _) =>
            {
                foreach (var e in chain!.ChainElements)
                {
                    sent.Add(X509CertificateLoader.LoadCertificate(e.Certificate.RawData));
                }
                return true;
            });
            tls.AuthenticateAsClient("localhost");
            return string.Join(" | ", sent.Select(c => c.Issuer));
        }

        private static readonly System.Net.Http.HttpMethod HttpMethodPut = System.Net.Http.HttpMethod.Put;

        private System.Net.Http.HttpClient Http()
        {
            var handler = new System.Net.Http.SocketsHttpHandler();
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, errors) => errors == SslPolicyErrors.None || errors == SslPolicyErrors.RemoteCertificateChainErrors;
            return new System.Net.Http.HttpClient(handler) { BaseAddress = Client.Hub.BaseAddress };
        }

        private async Task Raw(System.Net.Http.HttpMethod method, string path, JsonNode body)
        {
            using var http = Http();
            using var request = new System.Net.Http.HttpRequestMessage(method, path.TrimStart('/') + "?api-version=2021-04-12")
            {
                Content = new System.Net.Http.StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("Authorization", Client.Hub.Token(TimeSpan.FromMinutes(5)));
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                throw new HubServiceException((int)response.StatusCode, RestErrors.MessageOf(await response.Content.ReadAsStringAsync()) ?? "");
            }
        }
    }
}
