using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using NfCerts.Cli;
using NfCerts.Tests.Support;
using Xunit;

namespace NfCerts.Tests.Cli
{
    public sealed class CliTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("nfcerts-cli-").FullName;
        private static readonly Issued Ca = TestPki.Root("CLI Root");
        private static readonly Issued Client = TestPki.Client(Ca, "device-042");

        public void Dispose() => Directory.Delete(_dir, true);

        private string PathOf(string name) => Path.Combine(_dir, name);

        private static (int Code, string Out, string Err) Run(params string[] args) => Nfcerts.Run(args);

        private string Write(string name, string text)
        {
            File.WriteAllText(PathOf(name), text);
            return PathOf(name);
        }

        [Fact]
        public void HelpListsTheCommandGroups()
        {
            var (code, help, _) = Run("--help");
            Assert.Equal(0, code);
            foreach (var group in new[] { "cert", "store", "wifi", "bench", "completion" })
            {
                Assert.Matches(@"\n  " + group + @"\b", help);
            }
            Assert.Equal(2, Run("frobnicate").Code);
        }

        [Fact]
        public void CertShowPrintsTheFieldsAsJson()
        {
            var pem = Write("client.pem", Client.Pem);
            var (code, json, err) = Run("cert", "show", pem, "--json");
            Assert.True(code == 0, err);
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            Assert.Equal("CN=device-042", r.GetProperty("subject").GetString());
            Assert.Equal("CN=CLI Root,O=nf.Certs Test", r.GetProperty("issuer").GetString());
            Assert.Equal(Client.Certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), r.GetProperty("notAfter").GetString());
            Assert.Equal(Client.Certificate.SerialNumber.ToLowerInvariant().TrimStart('0'), r.GetProperty("serial").GetString()!.TrimStart('0'));
            Assert.Equal(Convert.ToHexString(SHA1.HashData(Client.Der)).ToLowerInvariant(), r.GetProperty("sha1").GetString());
            Assert.Equal(Convert.ToHexString(SHA256.HashData(Client.Der)).ToLowerInvariant(), r.GetProperty("sha256").GetString());
            // DER input works too, and plain output has the same values.
            File.WriteAllBytes(PathOf("client.der"), Client.Der);
            var (c2, text, _) = Run("cert", "show", PathOf("client.der"));
            Assert.Equal(0, c2);
            Assert.Contains("CN=device-042", text);
        }

        [Fact]
        public void StoreDeployFileWritesTheNanoffDescriptionForAStockBoardAndRefusesAnImageOfAnotherSize()
        {
            var small = PathOf("board.store");
            Assert.Equal(0, Run("store", "init", small, "--size", "64K", "--sector", "4096").Code);
            var json = PathOf("deploy.json");
            var (code, text, err) = Run("store", "deploy-file", small, "--port", "COM3", "--out", json);
            Assert.True(code == 0, err);
            Assert.Contains("nanoff --filedeployment", text);
            using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
            {
                Assert.Equal("COM3", doc.RootElement.GetProperty("SerialPort").GetString());
                var file = doc.RootElement.GetProperty("Files")[0];
                Assert.Equal(@"I:\nfcerts.flash", file.GetProperty("DestinationFilePath").GetString());
                Assert.Equal(Path.GetFullPath(small), file.GetProperty("SourceFilePath").GetString());
            }
            var big = PathOf("partition.img");
            Assert.Equal(0, Run("store", "init", big).Code);
            var refused = PathOf("refused.json");
            var (refusedCode, refusedOut, refusedErr) = Run("store", "deploy-file", big, "--out", refused);
            Assert.Equal(1, refusedCode);
            Assert.Equal("", refusedOut);
            Assert.StartsWith("nfcerts: ", refusedErr);
            Assert.Contains("--size 65536 --sector 4096", refusedErr);
            Assert.False(File.Exists(refused));
        }

        [Fact]
        public void CertShowRejectsGarbageWithExitCodeOne()
        {
            var bad = Write("bad.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
            var (code, _, err) = Run("cert", "show", bad);
            Assert.Equal(1, code);
            Assert.Contains("not a valid certificate", err);
            Assert.Equal(1, Run("cert", "show", PathOf("missing.pem")).Code);
        }

        [Fact]
        public void StoreLifecycleOnAnImage()
        {
            var img = PathOf("dev.img");
            Assert.Equal(0, Run("store", "init", img, "--size", "131072", "--sector", "4096").Code);
            Assert.Equal(131072, new FileInfo(img).Length);
            Assert.Equal(1, Run("store", "init", img).Code); // exists
            var ca = Write("ca.pem", Ca.Pem);
            var cert = Write("c.pem", Client.Pem);
            var key = Write("c.key", Client.Pkcs8Pem);
            Assert.Equal(0, Run("store", "install-root", img, "RootCA2", ca).Code);
            Assert.Equal(0, Run("store", "install-client", img, "ClientCert1", cert, key).Code);
            Assert.Equal(0, Run("store", "move", img, "RootCA2", "RootCA1").Code);
            var (code, json, _) = Run("store", "ls", img, "--json");
            Assert.Equal(0, code);
            using (var doc = JsonDocument.Parse(json))
            {
                var rows = doc.RootElement;
                Assert.Equal(2, rows.GetArrayLength());
                Assert.Equal("ClientCert1", rows[0].GetProperty("id").GetString());
                Assert.Equal("client", rows[0].GetProperty("type").GetString());
                Assert.Equal("RootCA1", rows[1].GetProperty("id").GetString());
                Assert.Equal("root-ca", rows[1].GetProperty("type").GetString());
            }
            var (scode, show, _) = Run("store", "show", img, "ClientCert1", "--json");
            Assert.Equal(0, scode);
            Assert.Contains("\"subject\": \"CN=device-042\"", show);
            Assert.DoesNotContain("PRIVATE", show);
            var (tcode, stats, _) = Run("store", "stats", img, "--json");
            Assert.Equal(0, tcode);
            using (var doc = JsonDocument.Parse(stats))
            {
                Assert.Equal(32, doc.RootElement.GetProperty("sectors").GetInt32());
                Assert.Equal(2, doc.RootElement.GetProperty("certificates").GetInt32());
                Assert.True(doc.RootElement.GetProperty("availableBytes").GetInt32() > 10000);
                Assert.True(doc.RootElement.GetProperty("programmedBytes").GetInt32() > Ca.Der.Length + Client.Der.Length);
            }
            Assert.Equal(0, Run("store", "rm", img, "ClientCert1").Code);
            var (_, after, _) = Run("store", "ls", img);
            Assert.DoesNotContain("ClientCert1", after);
            Assert.Contains("RootCA1", after);
        }

        [Fact]
        public void StoreErrorsAreReportedNotCrashedOn()
        {
            var img = PathOf("dev.img");
            Run("store", "init", img, "--size", "65536");
            var ca = Write("ca.pem", Ca.Pem);
            var (c1, _, e1) = Run("store", "install-root", img, "bad id!", ca);
            Assert.Equal(1, c1);
            Assert.Contains("InvalidIdentifier", e1);
            var (c2, _, e2) = Run("store", "move", img, "Nope", "Other");
            Assert.Equal(1, c2);
            Assert.Contains("NotFound", e2);
            var other = TestPki.Client(Ca, "other");
            var (c3, _, e3) = Run("store", "install-client", img, "C1", Write("c.pem", Client.Pem), Write("o.key", other.Pkcs8Pem));
            Assert.Equal(1, c3);
            Assert.Contains("KeyMismatch", e3);
            File.WriteAllBytes(PathOf("junk.img"), new byte[8192]);
            var (c4, _, e4) = Run("store", "ls", PathOf("junk.img"));
            Assert.Equal(1, c4);
            Assert.Contains("not an nf.Certs store image", e4);
            var grown = File.ReadAllBytes(img);
            File.WriteAllBytes(PathOf("grown.img"), grown.Concat(new byte[512]).ToArray());
            var (c5, _, e5) = Run("store", "ls", PathOf("grown.img"));
            Assert.Equal(1, c5);
            Assert.Contains("not an nf.Certs store image", e5);
            File.WriteAllBytes(PathOf("odd.img"), new byte[1000]);
            Assert.Equal(1, Run("store", "ls", PathOf("odd.img")).Code);
            Assert.Equal(2, Run("store", "ls").Code);
            Assert.Equal(2, Run("store", "init", PathOf("x.img"), "--sector", "3000").Code);
            Assert.Equal(2, Run("store", "ls", img, "--bogus").Code);
        }
    }
}
