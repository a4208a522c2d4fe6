using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using NfCerts.Core.Certificates;
using NfCerts.Core.Est;
using NfCerts.Core.Renewal;
using NfCerts.Core.Storage;
using NfCerts.Emulators.Est;
using NfCerts.Hal.Host;

namespace NfCerts.Cli
{
    /// <summary>
    /// <c>nfcerts bench est</c>: enrollments per second an in-process EST server sustains on this machine, with ECDSA P-256
    /// and RSA 2048 requests, each over a fresh TLS connection (a new HttpClient and handler per request, Basic auth), from
    /// one client and from several at once; and the time per request. CSRs are made before the clock starts.
    /// </summary>
    internal static class EstBenchmark
    {
        internal sealed record Row(string KeyType, int Clients, int Enrollments, double PerSecond, double MedianMs, double P95Ms);

        /// <summary>The device's own EST client (<see cref="EstIssuer"/> over the host TLS connector): one re-enrollment is
        /// /cacerts + /csrattrs + /simplereenroll on one kept TLS connection, a new P-256 key and request each time; the
        /// connections per re-enrollment are counted at the server.</summary>
        internal sealed record ClientFigure(int Reenrollments, double MedianMs, double P95Ms, double ConnectionsPerReenrollment);

        internal sealed record Figures(List<Row> Server, ClientFigure Client);

        public static Command Command(Ui ui)
        {
            var count = new Option<int>("--count") { Description = "Enrollments per key type and client count", HelpName = "N", DefaultValueFactory = _ => 40 };
            var clients = new Option<int>("--clients") { Description = "Parallel clients of the second run (default: the processor count)", HelpName = "N", DefaultValueFactory = _ => Math.Max(2, Environment.ProcessorCount) };
            var rsaCa = new Option<bool>("--rsa-ca") { Description = "Sign with an RSA 2048 CA instead of ECDSA P-256" };
            var json = Parameters.Json();
            var est = new Command("est", "EST server: enrollments per second with ECDSA P-256 and RSA 2048 requests over fresh TLS connections, and the time per request")
            {
                count, clients, rsaCa, json,
            }.WithExamples("bench est", "bench est --count 100 --clients 4 --json");
            est.SetAction(r =>
            {
                int n = r.GetValue(count);
                int c = r.GetValue(clients);
                if (n < 1 || c < 1)
                {
                    throw new UsageException("--count and --clients must be at least 1");
                }
                // Off the caller's synchronization context: a synchronous caller (a test runner's thread) must not deadlock the awaits.
                Figures figures = Task.Run(() => Run(n, c, r.GetValue(rsaCa))).GetAwaiter().GetResult();
                Print(figures, n, r.GetValue(rsaCa), r.GetValue(json), ui.Out);
                return 0;
            });
            return est;
        }

        internal static async Task<Figures> Run(int count, int clients, bool rsaCa)
        {
            string dir = Directory.CreateTempSubdirectory("nfcerts-bench-est-").FullName;
            try
            {
                await using var server = new EstServer(new EstServerOptions { Directory = dir, User = "estuser", Password = "estpwd", Rsa = rsaCa });
                await server.StartAsync();
                X509Certificate2 root = X509CertificateLoader.LoadCertificate(server.Ca.Root.RawData);
                Uri uri = new(server.BaseUri() + "/simpleenroll");
                var rows = new List<Row>();
                foreach (bool rsa in new[] { false, true })
                {
                    byte[][] csrs = Enumerable.Range(0, 2 * count + 2).Select(_ => Csr(rsa)).ToArray();
                    await EnrollAsync(uri, root, csrs[^1]); // warm-up: JIT, first handshake
                    await EnrollAsync(uri, root, csrs[^2]);
                    foreach (int parallel in new[] { 1, clients })
                    {
                        int offset = parallel == 1 ? 0 : count;
                        var times = new double[count];
                        var watch = Stopwatch.StartNew();
                        int next = -1;
                        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
                        {
                            int i;
                            while ((i = System.Threading.Interlocked.Increment(ref next)) < count)
                            {
                                long t0 = Stopwatch.GetTimestamp();
                                await EnrollAsync(uri, root, csrs[offset + i]);
                                times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                            }
                        }));
                        double seconds = watch.Elapsed.TotalSeconds;
                        Array.Sort(times);
                        rows.Add(new Row(rsa ? "RSA 2048" : "ECDSA P-256", parallel, count, count / seconds, Median(times), P95(times)));
                    }
                }
                return new Figures(rows, DeviceClient(server, Math.Max(5, count / 4)));
            }
            finally
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }

        private static double Median(double[] sorted) => sorted[sorted.Length / 2];

        private static double P95(double[] sorted) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * 0.95) - 1)];

        /// <summary>The device's client as the renewal engine runs it: a store on the NOR flash model with the EST root as
        /// explicit anchor, enrolled once with Basic, then <paramref name="count"/> re-enrollments with the current
        /// certificate, timed one by one.</summary>
        private static ClientFigure DeviceClient(EstServer server, int count)
        {
            var vault = new HostKeyVault();
            var clock = new SystemClock();
            var flash = new NorFlash(64 * 4096, 4096);
            RecordLog.Format(flash, CertStore.MaxEntrySize);
            var store = new CertStore(RecordLog.Mount(flash, CertStore.MaxEntrySize), vault);
            store.InstallRootCACertificate("EstRoot", server.Ca.Root.RawData);
            var settings = new EstSettings
            {
                Url = server.BaseUri().GetLeftPart(UriPartial.Authority),
                TrustAnchorIds = new[] { "EstRoot" },
                User = "estuser",
                Password = "estpwd",
                Subject = "CN=bench-device",
            };
            var issuer = new EstIssuer(store, settings, vault, new HostTlsConnector(clock), clock);
            var current = new IssueRequest { CurrentCertificateId = "ClientCert1" };
            IssuedCredential first = issuer.Issue(current);
            store.InstallClientCertificate("ClientCert1", first.Certificate, first.PrivateKey, null);
            issuer.Issue(current); // warm-up of the re-enrollment path
            var times = new double[count];
            int connections = server.ConnectionCount;
            for (int i = 0; i < count; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                issuer.Issue(current);
                times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
            if (server.RequestCount("simplereenroll") < count + 1)
            {
                throw new CommandException("the device client did not re-enroll during the benchmark");
            }
            connections = server.ConnectionCount - connections;
            Array.Sort(times);
            return new ClientFigure(count, Median(times), P95(times), (double)connections / count);
        }

        private static byte[] Csr(bool rsa)
        {
            if (rsa)
            {
                using RSA key = RSA.Create(2048);
                return new CertificateRequest("CN=bench-device", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();
            }
            using ECDsa ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return new CertificateRequest("CN=bench-device", ec, HashAlgorithmName.SHA256).CreateSigningRequest();
        }

        /// <summary>One enrollment on a connection of its own: a new handler, so a new TCP connection and TLS handshake.</summary>
        private static async Task EnrollAsync(Uri uri, X509Certificate2 root, byte[] csr)
        {
            using var handler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (_, cert, _, errors) => EstTrust.ServerChainsTo(root, cert, errors),
                },
            };
            using var http = new HttpClient(handler);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("estuser:estpwd")));
            var body = new ByteArrayContent(Encoding.ASCII.GetBytes(Convert.ToBase64String(csr)));
            body.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs10");
            using HttpResponseMessage r = await http.PostAsync(uri, body);
            if (!r.IsSuccessStatusCode)
            {
                throw new CommandException("the EST server answered " + (int)r.StatusCode + " during the benchmark");
            }
            await r.Content.ReadAsByteArrayAsync();
        }

        private static void Print(Figures figures, int count, bool rsaCa, bool json, TextWriter stdout)
        {
            if (json)
            {
                stdout.WriteLine(JsonSerializer.Serialize(figures, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
                return;
            }
            List<Row> rows = figures.Server;
            stdout.WriteLine("EST server, " + count + " enrollments per row, a fresh TLS connection each (HTTP Basic), CA " + (rsaCa ? "RSA 2048" : "ECDSA P-256")
                + ", " + Environment.ProcessorCount + " processors shared by server and clients:");
            stdout.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0,-12} {1,8} {2,14} {3,11} {4,9}", "request key", "clients", "enrollments/s", "median ms", "p95 ms"));
            foreach (Row r in rows)
            {
                stdout.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0,-12} {1,8} {2,14:F1} {3,11:F1} {4,9:F1}", r.KeyType, r.Clients, r.PerSecond, r.MedianMs, r.P95Ms));
            }
            ClientFigure c = figures.Client;
            stdout.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "Device EST client (EstIssuer, ECDSA P-256): {0:F1} ms median, {1:F1} ms p95 per re-enrollment (/cacerts + /csrattrs + /simplereenroll, {3:0.#} TLS connection(s) each, counted at the server), {2} runs",
                c.MedianMs, c.P95Ms, c.Reenrollments, c.ConnectionsPerReenrollment));
        }
    }
}
