using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using NfCerts.Core.Provisioning;
using NfCerts.Emulators.Dps;
using NfCerts.Emulators.Dps.Rest;
using NfCerts.Emulators.Hub.Rest;
using NfCerts.Emulators.Pki;
using NfCerts.Hal.Host;
using NfCerts.Hal.Host.Mqtt;
using Xunit;

namespace NfCerts.Tests.DpsOps
{
    /// <summary>An answer of the operator API as a client sees it on the wire.</summary>
    public sealed record ApiAnswer(int Status, JsonNode? Body, string? Etag, string? ErrorCode)
    {
        public string Message => (string?)Body?["message"] ?? "";
    }

    /// <summary>A real <c>dps serve</c> composition (device endpoint over MQTT/TLS, operator API over HTTPS, an embedded hub)
    /// on free 127.0.0.1 ports with its files in a temporary directory; an EST-like device CA (root → issuing CA → devices);
    /// the REST client, raw HTTPS for the API's shape, and devices that register through the core's DpsClient.</summary>
    public sealed class DpsOpsFixture : IAsyncLifetime
    {
        public static readonly DateTimeOffset From = DateTimeOffset.UtcNow.AddDays(-1);
        public static readonly DateTimeOffset To = DateTimeOffset.UtcNow.AddYears(1);

        public string Directory { get; } = Path.Combine(Path.GetTempPath(), "nfcerts-dpsops-" + Guid.NewGuid().ToString("N"));
        public DevCredential DeviceRoot { get; } = DevPki.Root("CN=EST Device Root CA,O=nf.Certs test", From, To);
        public DevCredential DeviceIssuing { get; }
        public DevCredential OtherRoot { get; } = DevPki.Root("CN=Some Other CA,O=nf.Certs test", From, To);
        public DpsServer Server { get; private set; } = null!;
        public RestDpsService Client { get; private set; } = null!;
        public X509Certificate2 Root { get; private set; } = null!;
        private HttpClient _http = null!;

        public DpsOpsFixture()
        {
            DeviceIssuing = DevPki.Intermediate(DeviceRoot, "CN=EST Issuing CA,O=nf.Certs test", From, To);
        }

        public HubConnectionString Dps => Client.Dps;

        public async Task InitializeAsync()
        {
            Server = await DpsServer.StartAsync(new DpsServerOptions { Directory = Directory });
            Root = X509Certificate2.CreateFromPem(File.ReadAllText(Server.RootPath));
            Client = new RestDpsService(HubConnectionString.Parse(Server.ConnectionString), new X509Certificate2Collection(Root));
            var handler = new SocketsHttpHandler();
            var roots = new X509Certificate2Collection(Root);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, c, chain, errors) => RestTrust.TrustedBy(roots, c as X509Certificate2, chain, errors);
            _http = new HttpClient(handler) { BaseAddress = Dps.BaseAddress, Timeout = TimeSpan.FromSeconds(100) };
        }

        /// <summary>A device certificate issued by the issuing CA (or <paramref name="issuer"/>), CN = <paramref name="cn"/>.</summary>
        public DevCredential Device(string cn, DevCredential? issuer = null) => DevPki.Client(issuer ?? DeviceIssuing, "CN=" + cn, From, To);

        /// <summary>The device registers over MQTT/TLS with the core's DPS client, sending the issuing CA after its leaf
        /// unless it was issued by another CA; every pause DPS asked for is recorded in <paramref name="pauses"/>.</summary>
        public DpsResult Register(DevCredential identity, List<TimeSpan>? pauses = null)
        {
            using var mqtt = new MqttNetTransport();
            using var clock = new SystemClock();
            var client = new DpsClient(mqtt, clock, span =>
            {
                pauses?.Add(span);
                Thread.Sleep(span);
            }, new DpsClientOptions { ReplyTimeout = TimeSpan.FromSeconds(30), TotalTimeout = TimeSpan.FromMinutes(2) });
            byte[] chain = identity.Certificate.Issuer == DeviceIssuing.Certificate.Subject ? identity.Der.Concat(DeviceIssuing.Der).ToArray() : identity.Der;
            byte[] key = identity.Certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKey();
            return client.Register("localhost", Server.Emulator.Port, Server.Emulator.IdScope, chain, key, new[] { Root.RawData });
        }

        /// <summary>One request to the operator API with a valid token (or <paramref name="authorization"/>) and the api-version.</summary>
        public async Task<ApiAnswer> Send(HttpMethod method, string path, JsonNode? body = null, string? ifMatch = null, string? authorization = null,
            string? rawBody = null, bool apiVersion = true)
        {
            string url = path + (apiVersion ? (path.Contains('?') ? "&" : "?") + "api-version=" + DpsRestApi.ApiVersion : "");
            using var request = new HttpRequestMessage(method, url);
            request.Headers.TryAddWithoutValidation("Authorization", authorization ?? Dps.Token(TimeSpan.FromMinutes(10)));
            if (ifMatch != null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", "\"" + ifMatch + "\"");
            }
            string? content = rawBody ?? body?.ToJsonString();
            if (content != null)
            {
                request.Content = new StringContent(content, Encoding.UTF8, "application/json");
            }
            using HttpResponseMessage response = await _http.SendAsync(request);
            string text = await response.Content.ReadAsStringAsync();
            string? code = response.Headers.TryGetValues("x-ms-error-code", out var codes) ? codes.Single() : null;
            return new ApiAnswer((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers.ETag?.Tag.Trim('"'), code);
        }

        /// <summary>The body of an enrollment group PUT for the CA <paramref name="certificate"/> (PEM or base64).</summary>
        public static JsonObject Group(string id, string certificate, string? status = null, string? allocation = null, params string[] hubs)
        {
            var o = new JsonObject
            {
                ["enrollmentGroupId"] = id,
                ["attestation"] = new JsonObject
                {
                    ["type"] = "x509",
                    ["x509"] = new JsonObject { ["signingCertificates"] = new JsonObject { ["primary"] = new JsonObject { ["certificate"] = certificate } } },
                },
            };
            if (status != null) o["provisioningStatus"] = status;
            if (allocation != null) o["allocationPolicy"] = allocation;
            if (hubs.Length > 0) o["iotHubs"] = new JsonArray(hubs.Select(h => (JsonNode)h).ToArray());
            return o;
        }

        public async Task DisposeAsync()
        {
            _http.Dispose();
            Client.Dispose();
            await Server.DisposeAsync();
            try
            {
                System.IO.Directory.Delete(Directory, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
