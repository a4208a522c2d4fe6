using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NfCerts.Core.Provisioning;
using NfCerts.Tests.Cli;
using Xunit;

namespace NfCerts.Tests.DpsOps
{
    /// <summary><c>nfcerts dps ...</c> run in-process against a running DPS emulator, with devices registering over MQTT.</summary>
    public sealed class DpsCliTests : IClassFixture<DpsOpsFixture>, IDisposable
    {
        private readonly DpsOpsFixture _f;
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "nfcerts-dpscli-" + Guid.NewGuid().ToString("N"));

        public DpsCliTests(DpsOpsFixture f)
        {
            _f = f;
            Directory.CreateDirectory(_dir);
        }

        private (int Code, string Out, string Err) Dps(params string[] args)
            => Nfcerts.Run(["dps", .. args, "--connection-string", _f.Server.ConnectionString, "--dps-ca", _f.Server.RootPath]);

        private string Pem(string name, string pem)
        {
            string path = Path.Combine(_dir, name);
            File.WriteAllText(path, pem);
            return path;
        }

        [Fact]
        public async Task A_group_added_from_the_command_line_provisions_a_device_whose_registration_is_then_listed_shown_and_removed()
        {
            string ca = Pem("est-ca.pem", _f.DeviceRoot.Pem);
            var add = Dps("enrollment", "add", "cli-group", "--ca", ca);
            Assert.Equal(0, add.Code);
            Assert.Contains("enrolled group cli-group (enabled, hashed", add.Out);

            var ls = Dps("enrollment", "ls", "--json");
            Assert.Equal(0, ls.Code);
            JsonNode listed = Assert.Single(JsonNode.Parse(ls.Out)!["enrollmentGroups"]!.AsArray(), g => (string?)g!["enrollmentGroupId"] == "cli-group")!;
            Assert.Equal(_f.DeviceRoot.Certificate.Thumbprint, (string?)listed["attestation"]!["x509"]!["signingCertificates"]!["primary"]!["info"]!["sha1Thumbprint"]);
            Assert.Contains("cli-group", Dps("enrollment", "ls").Out);

            DpsResult r = await Task.Run(() => _f.Register(_f.Device("cli-dev-1")));
            Assert.Equal(DpsOutcome.Assigned, r.Outcome);

            var regs = Dps("registrations", "--json");
            Assert.Equal(0, regs.Code);
            JsonNode reg = Assert.Single(JsonNode.Parse(regs.Out)!.AsArray(), s => (string?)s!["registrationId"] == "cli-dev-1")!;
            Assert.Equal("assigned", (string?)reg["status"]);
            Assert.Equal("cli-group", (string?)reg["enrollmentGroupId"]);
            Assert.Contains("cli-dev-1", Dps("registrations", "ls", "--group", "cli-group").Out);
            var show = Dps("registrations", "show", "cli-dev-1");
            Assert.Equal(0, show.Code);
            Assert.Equal("localhost", (string?)JsonNode.Parse(show.Out)!["assignedHub"]);

            Assert.Equal(0, Dps("registrations", "rm", "cli-dev-1").Code);
            var gone = Dps("registrations", "show", "cli-dev-1");
            Assert.Equal(1, gone.Code);
            Assert.Contains("404 no registration 'cli-dev-1'", gone.Err);

            var disabled = Dps("enrollment", "add", "cli-group", "--ca", ca, "--disabled", "--json");
            Assert.Equal(0, disabled.Code);
            Assert.Equal("disabled", (string?)JsonNode.Parse(disabled.Out)!["provisioningStatus"]);
            Assert.Equal(DpsOutcome.Disabled, (await Task.Run(() => _f.Register(_f.Device("cli-dev-2")))).Outcome);

            Assert.Equal(0, Dps("enrollment", "rm", "cli-group").Code);
            var again = Dps("enrollment", "rm", "cli-group");
            Assert.Equal(1, again.Code);
            Assert.Contains("404", again.Err);
        }

        [Fact]
        public async Task Individual_enrollments_by_certificate_or_thumbprint_assign_the_device_statically()
        {
            var byCert = _f.Device("cli-ind-1", _f.OtherRoot);
            var add = Dps("enrollment", "add", "cli-ind-1", "--cert", Pem("cli-ind-1.pem", byCert.Pem), "--allocation", "static", "--hub", "localhost");
            Assert.Equal(0, add.Code);
            var byThumb = _f.Device("cli-ind-2", _f.OtherRoot);
            Assert.Equal(0, Dps("enrollment", "add", "cli-ind-2", "--thumbprint", byThumb.Certificate.Thumbprint.ToLowerInvariant()).Code);

            Assert.Equal(DpsOutcome.Assigned, (await Task.Run(() => _f.Register(byCert))).Outcome);
            Assert.Equal(DpsOutcome.Assigned, (await Task.Run(() => _f.Register(byThumb))).Outcome);
            Assert.Equal(DpsOutcome.Refused, (await Task.Run(() => _f.Register(_f.Device("cli-ind-2", _f.OtherRoot)))).Outcome);

            var regs = JsonNode.Parse(Dps("registrations", "--json").Out)!.AsArray();
            Assert.Contains(regs, s => (string?)s!["registrationId"] == "cli-ind-1" && (string?)s["status"] == "assigned");
            var ls = Dps("enrollment", "ls");
            Assert.Contains("individual", ls.Out);
            Assert.Contains(byThumb.Certificate.Thumbprint, ls.Out);

            var mismatch = Dps("enrollment", "add", "some-other-id", "--cert", Pem("cli-ind-1b.pem", byCert.Pem));
            Assert.Equal(1, mismatch.Code);
            Assert.Contains("is not the registration ID 'some-other-id'", mismatch.Err);
            Assert.Equal(0, Dps("enrollment", "rm", "cli-ind-1", "--individual").Code);
            Assert.Equal(0, Dps("enrollment", "rm", "cli-ind-2", "--individual", "--json").Code);
        }

        [Fact]
        public void The_emulator_switches_are_set_and_read_from_the_command_line()
        {
            var on = Dps("emulator", "throttle", "--requests", "7", "--retry-after", "30");
            Assert.Equal(0, on.Code);
            Assert.Contains("throttling the next 7 requests (retry-after 30 s)", on.Out);
            Assert.Equal((7, 30), _f.Server.Emulator.Throttling);
            Assert.Equal(0, Dps("emulator", "throttle", "--requests", "0").Code);
            Assert.Equal(0, _f.Server.Emulator.Throttling.Requests);
            var status = Dps("emulator", "status");
            Assert.Equal(0, status.Code);
            Assert.Equal(_f.Server.Emulator.IdScope, (string?)JsonNode.Parse(status.Out)!["idScope"]);
        }

        [Fact]
        public void Usage_mistakes_are_exit_2_and_refusals_exit_1_with_the_reason()
        {
            var none = Dps("enrollment", "add", "x");
            Assert.Equal(2, none.Code);
            Assert.Contains("give one of --ca", none.Err);
            var both = Dps("enrollment", "add", "x", "--ca", "a.pem", "--thumbprint", "00");
            Assert.Equal(2, both.Code);
            Assert.Equal(2, Dps("enrollment", "add", "x", "--ca", "a.pem", "--allocation", "geoLatency").Code);
            var noTarget = Nfcerts.Run("dps", "enrollment", "ls", "--connection-string", "HostName=127.0.0.1:1");
            Assert.Equal(2, noTarget.Code);
            Assert.Contains("the DPS connection string has no SharedAccessKeyName", noTarget.Err);
            var noCa = Nfcerts.Run("dps", "enrollment", "ls", "--connection-string", _f.Server.ConnectionString);
            Assert.Equal(2, noCa.Code);
            Assert.Contains("--dps-ca", noCa.Err);
            var missing = Dps("enrollment", "add", "x", "--ca", Path.Combine(_dir, "missing.pem"));
            Assert.Equal(1, missing.Code);
            Assert.Contains("cannot read", missing.Err);
            var bad = Dps("enrollment", "add", "x", "--thumbprint", "not-hex");
            Assert.Equal(1, bad.Code);
            Assert.Contains("40 hex digits", bad.Err);
            Assert.DoesNotContain(_f.Dps.Key, noCa.Err + missing.Err + bad.Err);
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_dir, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
