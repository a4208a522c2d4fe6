using System;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using NfCerts.Emulators.Est;
using NfCerts.Emulators.Pki;

namespace NfCerts.Tests.Est.Server
{
    /// <summary>
    /// An <see cref="EstServer"/> on 127.0.0.1 (a free port) in a temporary directory, with the seed's Basic credentials
    /// (<c>estuser</c>/<c>estpwd</c>), a bootstrap CA and a bootstrap device certificate it issued, and desktop clients
    /// (HttpClient over a fresh TLS connection) that trust the server's root. Start it with <see cref="StartAsync"/>; dispose
    /// stops the server and deletes the directory. For other tests too (the EST client's integration tests).
    /// </summary>
    public sealed class EstServerFixture : IAsyncDisposable
    {
        public const string User = "estuser";
        public const string Password = "estpwd";

        private readonly Func<string, DevCredential, EstServerOptions> _options;
        private readonly bool _ownsDirectory;

        private EstServerFixture(string directory, bool ownsDirectory, Func<string, DevCredential, EstServerOptions> options)
        {
            Directory = directory;
            _ownsDirectory = ownsDirectory;
            _options = options;
            DateTimeOffset now = DateTimeOffset.UtcNow;
            BootstrapCa = DevPki.Root("CN=Bootstrap CA,O=nf.Certs Factory", now.AddDays(-1), now.AddYears(5));
            Bootstrap = DevPki.Client(BootstrapCa, "CN=device-001", now.AddDays(-1), now.AddYears(5));
        }

        /// <summary>The server's directory (CA, log, config).</summary>
        public string Directory { get; }

        /// <summary>The CA of the bootstrap certificates the server accepts for /simpleenroll.</summary>
        public DevCredential BootstrapCa { get; }

        /// <summary>A bootstrap certificate for <c>CN=device-001</c> (installed at manufacture).</summary>
        public DevCredential Bootstrap { get; }

        /// <summary>The running server (replaced by <see cref="RestartAsync"/>).</summary>
        public EstServer Server { get; private set; } = null!;

        /// <summary>Starts a server. <paramref name="options"/> builds its options from the directory and the bootstrap CA;
        /// by default Basic <c>estuser</c>/<c>estpwd</c>, the bootstrap CA, 1-day certificates.</summary>
        public static async Task<EstServerFixture> StartAsync(Func<string, DevCredential, EstServerOptions>? options = null, string? directory = null)
        {
            bool owns = directory == null;
            directory ??= System.IO.Directory.CreateTempSubdirectory("nfcerts-est-").FullName;
            var f = new EstServerFixture(directory, owns, options ?? Default);
            await f.StartServerAsync();
            return f;
        }

        /// <summary>The default options: Basic estuser/estpwd, the bootstrap CA, 1-day certificates, no labels.</summary>
        public static EstServerOptions Default(string directory, DevCredential bootstrapCa) => new()
        {
            Directory = directory,
            User = User,
            Password = Password,
            BootstrapCas = new[] { X509CertificateLoader.LoadCertificate(bootstrapCa.Der) },
        };

        /// <summary>Stops the server and starts a new one on the same directory (a new port).</summary>
        public async Task RestartAsync()
        {
            await Server.StopAsync();
            await StartServerAsync();
        }

        private async Task StartServerAsync()
        {
            Server = new EstServer(_options(Directory, BootstrapCa));
            await Server.StartAsync();
        }

        /// <summary><c>https://127.0.0.1:PORT/.well-known/est[/LABEL]/OPERATION</c>.</summary>
        public Uri Uri(string operation, string? label = null) => new(Server.BaseUri(label) + "/" + operation);

        /// <summary>An HttpClient that trusts the EST root only, presents <paramref name="clientCertificate"/> (with its key)
        /// when given, sends Basic estuser/estpwd when <paramref name="basic"/>, and opens a new TLS connection per request.</summary>
        public HttpClient Client(X509Certificate2? clientCertificate = null, bool basic = false, SslProtocols protocols = SslProtocols.None)
        {
            X509Certificate2 root = X509CertificateLoader.LoadCertificate(Server.Ca.Root.RawData);
            var handler = new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.Zero,
                SslOptions = new SslClientAuthenticationOptions
                {
                    EnabledSslProtocols = protocols,
                    RemoteCertificateValidationCallback = (_, cert, _, errors) => TrustsRoot(root, cert, errors),
                    ClientCertificates = clientCertificate == null ? null : new X509CertificateCollection { clientCertificate },
                },
            };
            var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.ConnectionClose = true;
            if (basic)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Password)));
            }
            return client;
        }

        /// <summary>True when the server's certificate chains to <paramref name="root"/> and names the host.</summary>
        public static bool TrustsRoot(X509Certificate2 root, X509Certificate? presented, SslPolicyErrors errors)
        {
            if (presented == null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.CustomTrustStore.Add(root);
            return chain.Build(X509CertificateLoader.LoadCertificate(presented.GetRawCertData()));
        }

        /// <summary>A PKCS#10 request (DER) for <paramref name="subject"/> with a new ECDSA P-256 (or RSA 2048) key.</summary>
        public static byte[] Csr(string subject, out AsymmetricAlgorithm key, bool rsa = false, Action<CertificateRequest>? edit = null)
        {
            key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
            CertificateRequest req = key is ECDsa ec
                ? new CertificateRequest(subject, ec, HashAlgorithmName.SHA256)
                : new CertificateRequest(subject, (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            edit?.Invoke(req);
            return req.CreateSigningRequest();
        }

        /// <summary>The body of an enrollment: base64 of <paramref name="csrDer"/> as <c>application/pkcs10</c>.</summary>
        public static ByteArrayContent Body(byte[] csrDer)
        {
            var content = new ByteArrayContent(Encoding.ASCII.GetBytes(Convert.ToBase64String(csrDer, Base64FormattingOptions.InsertLineBreaks)));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs10");
            return content;
        }

        /// <summary>The certificates of a base64 certs-only PKCS#7 body (a SET: in no promised order).</summary>
        public static X509Certificate2Collection Certificates(byte[] base64Body)
        {
            var cms = new System.Security.Cryptography.Pkcs.SignedCms();
            cms.Decode(Convert.FromBase64String(Encoding.ASCII.GetString(base64Body)));
            return cms.Certificates;
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            if (_ownsDirectory)
            {
                try
                {
                    System.IO.Directory.Delete(Directory, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
