using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using NfCerts.Emulators.Est;
using Xunit;

namespace NfCerts.Tests.Est.Server
{
    /// <summary>What tests and the fleet rehearsal switch at runtime (lifetime, 202, 503, faults), and what a restart keeps.</summary>
    public sealed class EstServerControlTests
    {
        [Fact]
        public async Task The_lifetime_is_honoured_down_to_minutes_and_can_change_at_runtime()
        {
            var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(1234567));
            await using var est = await EstServerFixture.StartAsync((dir, ca) => new EstServerOptions
            {
                Directory = dir, User = EstServerFixture.User, Password = EstServerFixture.Password, Clock = clock, Lifetime = TimeSpan.FromMinutes(10),
            });
            X509Certificate2 first = await EstServerEnrollTests.EnrollAsync(est, "CN=device-001");
            est.Server.Controls.Lifetime = TimeSpan.FromDays(1);
            X509Certificate2 second = await EstServerEnrollTests.EnrollAsync(est, "CN=device-001");

            // The lifetime counts from the moment of issue (whole seconds); NotBefore lies the default hour's backdating earlier.
            var issued = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);
            Assert.Equal(issued - TimeSpan.FromHours(1), first.NotBefore.ToUniversalTime());
            Assert.Equal(issued + TimeSpan.FromMinutes(10), first.NotAfter.ToUniversalTime());
            Assert.Equal(issued + TimeSpan.FromDays(1), second.NotAfter.ToUniversalTime());
            Assert.Equal(first.NotAfter.ToUniversalTime(), est.Server.Log.ReadAll()[0].NotAfter.UtcDateTime);
        }

        [Fact]
        public async Task NotBefore_is_backdated_an_hour_by_default_and_the_backdating_can_be_set_and_changed_at_runtime()
        {
            var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
            await using var est = await EstServerFixture.StartAsync((dir, ca) => new EstServerOptions
            {
                Directory = dir, User = EstServerFixture.User, Password = EstServerFixture.Password, Clock = clock, Backdate = TimeSpan.Zero,
            });
            Assert.Equal(TimeSpan.FromHours(1), new EstServerOptions { Directory = est.Directory }.Backdate);
            Assert.Equal(TimeSpan.Zero, est.Server.Controls.Backdate);
            X509Certificate2 none = await EstServerEnrollTests.EnrollAsync(est, "CN=device-001");
            est.Server.Controls.Backdate = TimeSpan.FromMinutes(90);
            X509Certificate2 backdated = await EstServerEnrollTests.EnrollAsync(est, "CN=device-001");
            // A CA dating certificates in the future (a fault for clients' tests).
            est.Server.Controls.Backdate = -TimeSpan.FromDays(2);
            X509Certificate2 future = await EstServerEnrollTests.EnrollAsync(est, "CN=device-001");

            DateTime now = clock.Now.UtcDateTime;
            Assert.Equal(now, none.NotBefore.ToUniversalTime());
            Assert.Equal(now - TimeSpan.FromMinutes(90), backdated.NotBefore.ToUniversalTime());
            Assert.Equal(now + TimeSpan.FromDays(2), future.NotBefore.ToUniversalTime());
            // The lifetime counts from the moment of issue, or from a later NotBefore.
            Assert.All(new[] { none, backdated }, c => Assert.Equal(now + TimeSpan.FromDays(1), c.NotAfter.ToUniversalTime()));
            Assert.Equal(now + TimeSpan.FromDays(3), future.NotAfter.ToUniversalTime());
            Assert.Equal(backdated.NotBefore.ToUniversalTime(), est.Server.Log.ReadAll()[1].NotBefore.UtcDateTime);
        }

        [Fact]
        public async Task A_deferred_enrollment_is_202_with_retry_after_and_the_retry_is_issued()
        {
            await using var est = await EstServerFixture.StartAsync();
            est.Server.Controls.DeferNext(1, retryAfterSeconds: 30);
            using HttpClient http = est.Client(basic: true);
            byte[] csr = EstServerFixture.Csr("CN=device-001", out _);
            using HttpResponseMessage later = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(csr));
            Assert.Equal(HttpStatusCode.Accepted, later.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(30), later.Headers.RetryAfter!.Delta);
            Assert.Equal(0, later.Content.Headers.ContentLength);
            Assert.Empty(est.Server.Log.ReadAll());

            using HttpResponseMessage now = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(csr));
            Assert.Equal(HttpStatusCode.OK, now.StatusCode);
            Assert.Single(est.Server.Log.ReadAll());
        }

        [Fact]
        public async Task Requests_above_the_rate_get_503_with_retry_after()
        {
            await using var est = await EstServerFixture.StartAsync();
            // A window far longer than the requests take on a loaded machine, so that the count is not a race.
            est.Server.Controls.SetRateLimit(3, TimeSpan.FromMinutes(5), retryAfterSeconds: 7);
            using HttpClient http = est.Client();
            var codes = new HttpStatusCode[5];
            HttpResponseMessage? last = null;
            for (int i = 0; i < codes.Length; i++)
            {
                last?.Dispose();
                last = await http.GetAsync(est.Uri("cacerts"));
                codes[i] = last.StatusCode;
            }

            Assert.Equal(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable }, codes);
            Assert.Equal(TimeSpan.FromSeconds(7), last!.Headers.RetryAfter!.Delta);
            est.Server.Controls.SetRateLimit(0);
            using HttpResponseMessage again = await http.GetAsync(est.Uri("cacerts"));
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            last.Dispose();
        }

        [Fact]
        public async Task Faults_apply_to_the_named_operation_for_the_given_count()
        {
            await using var est = await EstServerFixture.StartAsync();
            est.Server.Controls.SetFault(EstFault.InternalError, 1, "simpleenroll");
            using HttpClient http = est.Client(basic: true);
            using HttpResponseMessage cacerts = await http.GetAsync(est.Uri("cacerts"));
            using HttpResponseMessage failed = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out _)));
            using HttpResponseMessage ok = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out _)));

            Assert.Equal(HttpStatusCode.OK, cacerts.StatusCode);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        [Fact]
        public async Task A_cut_connection_leaves_the_client_with_a_short_body()
        {
            await using var est = await EstServerFixture.StartAsync();
            est.Server.Controls.SetFault(EstFault.CutConnection);
            using HttpClient http = est.Client();
            await Assert.ThrowsAnyAsync<Exception>(async () => await (await http.GetAsync(est.Uri("cacerts"))).Content.ReadAsByteArrayAsync());
        }

        [Fact]
        public async Task A_slow_body_arrives_in_pieces_and_whole()
        {
            await using var est = await EstServerFixture.StartAsync();
            est.Server.Controls.SlowDelay = TimeSpan.FromMilliseconds(5);
            est.Server.Controls.SetFault(EstFault.SlowBody, 1);
            using HttpClient http = est.Client();
            using HttpResponseMessage r = await http.GetAsync(est.Uri("cacerts"));
            Assert.Equal(est.Server.Ca.Root.Thumbprint, EstServerFixture.Certificates(await r.Content.ReadAsByteArrayAsync()).Single().Thumbprint);
        }

        [Theory]
        [InlineData(EstFault.WrongSubject)]
        [InlineData(EstFault.WrongKey)]
        [InlineData(EstFault.ForeignCa)]
        public async Task Wrong_certificate_faults_answer_a_certificate_a_careful_client_must_refuse(EstFault fault)
        {
            await using var est = await EstServerFixture.StartAsync();
            est.Server.Controls.SetFault(fault, 1, "simpleenroll");
            using HttpClient http = est.Client(basic: true);
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simpleenroll"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out var key)));
            X509Certificate2 leaf = EstServerFixture.Certificates(await r.Content.ReadAsByteArrayAsync()).Single();

            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(fault != EstFault.WrongSubject, leaf.Subject == "CN=device-001");
            Assert.Equal(fault != EstFault.WrongKey, leaf.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()));
            Assert.Equal(fault != EstFault.ForeignCa, EstServerEnrollTests.Chains(leaf, est.Server.Ca.Root));
        }

        [Theory]
        [InlineData(EstFault.WrongContentType, "text/plain")]
        [InlineData(EstFault.MalformedBody, "application/pkcs7-mime")]
        public async Task Body_faults_bend_the_answer(EstFault fault, string contentType)
        {
            await using var est = await EstServerFixture.StartAsync();
            est.Server.Controls.SetFault(fault);
            using HttpClient http = est.Client();
            using HttpResponseMessage r = await http.GetAsync(est.Uri("cacerts"));
            Assert.Equal(contentType, r.Content.Headers.ContentType!.MediaType);
            byte[] body = await r.Content.ReadAsByteArrayAsync();
            if (fault == EstFault.MalformedBody)
            {
                Assert.ThrowsAny<Exception>(() => EstServerFixture.Certificates(body));
            }
        }

        [Fact]
        public async Task A_restart_keeps_the_ca_and_the_issued_log()
        {
            await using var est = await EstServerFixture.StartAsync();
            X509Certificate2 before = await EstServerEnrollTests.EnrollAsync(est, "CN=device-001");
            string root = est.Server.Ca.Root.Thumbprint;
            string server = est.Server.Ca.Server.Thumbprint;
            await est.RestartAsync();
            X509Certificate2 after = await EstServerEnrollTests.EnrollAsync(est, "CN=device-002");

            Assert.Equal(root, est.Server.Ca.Root.Thumbprint);
            Assert.Equal(server, est.Server.Ca.Server.Thumbprint);
            Assert.True(EstServerEnrollTests.Chains(before, est.Server.Ca.Root));
            Assert.Equal(new[] { "CN=device-001", "CN=device-002" }, est.Server.Log.ReadAll().Select(r => r.Subject));
            Assert.Equal(new[] { before.SerialNumber, after.SerialNumber }, EstIssuedLog.Read(est.Directory).Select(r => r.Serial));
            Assert.True(File.Exists(Path.Combine(est.Directory, "config.json")));
            Assert.DoesNotContain(EstServerFixture.Password, File.ReadAllText(Path.Combine(est.Directory, "config.json")));

            // The certificate issued before the restart still authenticates a re-enrollment after it.
            using HttpClient http = est.Client(before);
            using HttpResponseMessage r = await http.PostAsync(est.Uri("simplereenroll"), EstServerFixture.Body(EstServerFixture.Csr("CN=device-001", out _)));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
    }
}
