using System;
using System.Globalization;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Emulators.Hub.Rest;
using Xunit;

namespace NfCerts.Tests.HubOps
{
    /// <summary>The operator API checks shared access signatures as IoT Hub does: key, resource, expiry, presence.</summary>
    public sealed class SasAuthorizationTests : IClassFixture<HubServerFixture>
    {
        private readonly HubServerFixture _hub;

        public SasAuthorizationTests(HubServerFixture hub) => _hub = hub;

        private HubConnectionString Hub => _hub.Client.Hub;

        private static long In(TimeSpan t) => DateTimeOffset.UtcNow.Add(t).ToUnixTimeSeconds();

        /// <summary>The documented algorithm written out again, independently of <see cref="SasToken"/>: sr lower-case
        /// percent-encoded by Uri.EscapeDataString, HMAC-SHA256 over "sr\nse" with the decoded key.</summary>
        private static string Independent(string resource, string keyBase64, long se, string policy)
        {
            string sr = Uri.EscapeDataString(resource);
            using var hmac = new HMACSHA256(Convert.FromBase64String(keyBase64));
            string sig = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(sr + "\n" + se.ToString(CultureInfo.InvariantCulture))));
            return "SharedAccessSignature sr=" + sr + "&sig=" + Uri.EscapeDataString(sig) + "&se=" + se + "&skn=" + policy;
        }

        private async Task<(int Status, string Reason)> GetTwin(string? authorization, string deviceId = "sas-dev")
        {
            await _hub.Client.RegisterDeviceAsync(deviceId, null);
            var handler = new SocketsHttpHandler();
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            using var http = new HttpClient(handler) { BaseAddress = Hub.BaseAddress };
            using var request = new HttpRequestMessage(HttpMethod.Get, "twins/" + deviceId + "?api-version=2021-04-12");
            if (authorization != null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }
            using var response = await http.SendAsync(request);
            string body = await response.Content.ReadAsStringAsync();
            return ((int)response.StatusCode, RestErrors.MessageOf(body) ?? body);
        }

        [Fact]
        public async Task A_token_made_by_an_independent_implementation_of_the_documented_algorithm_is_accepted()
        {
            var (status, _) = await GetTwin(Independent(Hub.HostName, Hub.Key, In(TimeSpan.FromMinutes(10)), "iothubowner"));
            Assert.Equal(200, status);
        }

        [Fact]
        public async Task A_token_scoped_to_the_device_is_accepted_for_it_and_refused_for_another()
        {
            string own = Independent(Hub.HostName + "/devices/sas-dev", Hub.Key, In(TimeSpan.FromMinutes(10)), "iothubowner");
            Assert.Equal(200, (await GetTwin(own)).Status);
            var (status, reason) = await GetTwin(own, "sas-other");
            Assert.Equal(401, status);
            Assert.Contains("does not cover", reason);
        }

        [Fact]
        public async Task A_missing_header_is_401_with_a_reason()
        {
            var (status, reason) = await GetTwin(null);
            Assert.Equal(401, status);
            Assert.Contains("no Authorization header", reason);
        }

        [Fact]
        public async Task A_token_signed_with_the_wrong_key_is_401()
        {
            string wrongKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            var (status, reason) = await GetTwin(Independent(Hub.HostName, wrongKey, In(TimeSpan.FromMinutes(10)), "iothubowner"));
            Assert.Equal(401, status);
            Assert.Contains("signature does not match", reason);
            Assert.DoesNotContain(Hub.Key, reason);
        }

        [Fact]
        public async Task A_token_for_another_hub_is_401()
        {
            var (status, reason) = await GetTwin(Independent("otherhub.azure-devices.net", Hub.Key, In(TimeSpan.FromMinutes(10)), "iothubowner"));
            Assert.Equal(401, status);
            Assert.Contains("otherhub.azure-devices.net", reason);
        }

        [Fact]
        public async Task An_expired_token_is_401_even_with_the_right_key()
        {
            var (status, reason) = await GetTwin(Independent(Hub.HostName, Hub.Key, In(TimeSpan.FromSeconds(-5)), "iothubowner"));
            Assert.Equal(401, status);
            Assert.Contains("expired", reason);
        }

        [Fact]
        public async Task An_unknown_policy_or_a_token_without_a_signature_is_401()
        {
            Assert.Equal(401, (await GetTwin(Independent(Hub.HostName, Hub.Key, In(TimeSpan.FromMinutes(10)), "registryRead"))).Status);
            Assert.Equal(401, (await GetTwin("SharedAccessSignature sr=" + Uri.EscapeDataString(Hub.HostName) + "&se=" + In(TimeSpan.FromMinutes(10)) + "&skn=iothubowner")).Status);
            Assert.Equal(401, (await GetTwin("Bearer abc")).Status);
        }

        [Fact]
        public void The_authorizer_tells_a_resource_prefix_at_a_segment_boundary_from_a_longer_name()
        {
            string key = Convert.ToBase64String(new byte[32]);
            var auth = new SasAuthorizer(new System.Collections.Generic.Dictionary<string, string> { ["p"] = key });
            string token = SasToken.Create("hub/devices/dev1", "p", key, DateTimeOffset.UtcNow.AddMinutes(5));
            Assert.Null(auth.Check(token, "hub/devices/dev1"));
            Assert.Null(auth.Check(token, "HUB/devices/dev1/messages"));
            Assert.NotNull(auth.Check(token, "hub/devices/dev10"));
            Assert.NotNull(auth.Check(token, "hub"));
        }
    }
}
