using System;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using NfCerts.Cli;
using NfCerts.Hal.Host;
using NfCerts.Tests.Support;
using NfCerts.Tests.Wifi;
using Xunit;

namespace NfCerts.Tests.Cli
{
    /// <summary>`nfcerts wifi` on an image, and `wifi test` against a real FreeRADIUS server on 127.0.0.1.</summary>
    public sealed class WifiCliTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("nfcerts-wifi-cli-").FullName;
        private readonly string _img;

        public WifiCliTests()
        {
            _img = Path.Combine(_dir, "dev.img");
            Assert.Equal(0, Run("store", "init", _img, "--size", "131072").Code);
            File.WriteAllText(Path.Combine(_dir, "root1.pem"), WifiDevice.RootCa1.Pem);
            File.WriteAllText(Path.Combine(_dir, "c.pem"), WifiDevice.Client1.Pem);
            File.WriteAllText(Path.Combine(_dir, "c.key"), WifiDevice.Client1.Pkcs8Pem);
            Assert.Equal(0, Run("store", "install-root", _img, "RootCA1", Path.Combine(_dir, "root1.pem")).Code);
            Assert.Equal(0, Run("store", "install-client", _img, "ClientCert1", Path.Combine(_dir, "c.pem"), Path.Combine(_dir, "c.key")).Code);
            var add = Run("wifi", "add", _img, "--name", "Network1", "--ssid", "corp", "--security", "eap-tls",
                "--client-cert", "ClientCert1", "--root-ca", "RootCA1", "--identity", "device-001");
            Assert.True(add.Code == 0, add.Err);
        }

        public void Dispose() => Directory.Delete(_dir, true);

        private static (int Code, string Out, string Err) Run(params string[] args) => Nfcerts.Run(args);

        [Fact]
        public void AddListAndShowANetwork()
        {
            var (code, json, _) = Run("wifi", "show", _img, "Network1", "--json");
            Assert.Equal(0, code);
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            Assert.Equal("corp", r.GetProperty("ssid").GetString());
            Assert.Equal("eap-tls", r.GetProperty("security").GetString());
            Assert.Equal("ClientCert1", r.GetProperty("clientCertId").GetString());
            Assert.Equal("RootCA1", r.GetProperty("rootCaId").GetString());
            Assert.True(r.GetProperty("enabled").GetBoolean());
            Assert.Equal(0, Run("wifi", "add", _img, "--name", "Home", "--ssid", "home", "--security", "psk", "--psk", "hunter2hunter2").Code);
            var (lcode, list, _) = Run("wifi", "ls", _img);
            Assert.Equal(0, lcode);
            Assert.Contains("Network1", list);
            Assert.Contains("Home", list);
            Assert.DoesNotContain("hunter2", list);
            Assert.DoesNotContain("hunter2", Run("wifi", "show", _img, "Home", "--json").Out);
            Assert.Equal(1, Run("wifi", "add", _img, "--name", "Home", "--ssid", "x", "--security", "open").Code);
            Assert.Equal(2, Run("wifi", "add", _img, "--name", "X", "--ssid", "x", "--security", "eap-tls").Code);
            Assert.Equal(2, Run("wifi", "add", _img, "--name", "X", "--ssid", "x", "--security", "eap-tls", "--client-cert", "ClientCert1", "--root-ca", "RootCA1").Code);
            var longId = Run("wifi", "add", _img, "--name", "Long", "--ssid", "x", "--security", "eap-tls", "--client-cert", "ClientCert1",
                "--root-ca", "RootCA1", "--identity", new string('d', 200));
            Assert.Equal(0, longId.Code);
            Assert.Contains("over 127 bytes", longId.Out);
            Assert.Equal(1, Run("wifi", "show", _img, "Nope").Code);
        }

        [Fact]
        public void TestAuthenticatesAgainstARealRadiusServerAndClassifiesFailures()
        {
            var clientCas = new X509Certificate2Collection { WifiDevice.ClientCa.Certificate };
            using var server = FreeRadiusServer.StartNew(WifiDevice.Server1.WithKey, null, clientCas);
            var endpoint = FreeRadiusServer.Address + ":" + server.Port;
            var ok = Run("wifi", "test", _img, "Network1", "--radius", endpoint, "--secret", server.Secret, "--json");
            Assert.True(ok.Code == 0, ok.Out + ok.Err);
            using (var doc = JsonDocument.Parse(ok.Out))
            {
                Assert.True(doc.RootElement.GetProperty("success").GetBoolean());
                // The fields the hand-written CLI printed, in its order.
                Assert.Equal(new[] { "network", "success", "reason", "certDepth", "certSubject", "detail" },
                    System.Linq.Enumerable.Select(doc.RootElement.EnumerateObject(), p => p.Name));
            }

            // The site moves its RADIUS server to a certificate from another root: the image's Network1 would fail.
            server.ChangeServerCertificate(WifiDevice.Server2.WithKey);
            endpoint = FreeRadiusServer.Address + ":" + server.Port; // the fixture picks a free port on each start
            var bad = Run("wifi", "test", _img, "Network1", "--radius", endpoint, "--secret", server.Secret);
            Assert.Equal(1, bad.Code);
            Assert.Contains("invalid-root-ca", bad.Out);
            Assert.Contains("depth 0", bad.Out);
            Assert.Contains("CN=radius2.example.com", bad.Out);
            Assert.DoesNotContain("PRIVATE KEY", bad.Out + bad.Err);
        }

        [Fact]
        public void TestRefusesUsageErrors()
        {
            Assert.Equal(2, Run("wifi", "test", _img, "Network1", "--secret", "x").Code);
            Assert.Equal(2, Run("wifi", "test", _img, "Network1", "--radius", "127.0.0.1", "--secret", "x").Code);
            Assert.Equal(1, Run("wifi", "test", _img, "Missing", "--radius", "127.0.0.1:1812", "--secret", "x").Code);
        }
    }
}
