using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NfCerts.Tests.Cli;
using NfCerts.Tests.Est.Server;
using NfCerts.Tests.X509;
using Xunit;

namespace NfCerts.Tests.Est.Cli
{
    /// <summary>Runs <c>nfcerts est ...</c> client commands against an <see cref="EstServerFixture"/>, in a temporary directory
    /// holding the files a user would pass (the server's <c>cacerts.pem</c>, the bootstrap certificate and key).</summary>
    internal sealed class EstClientCli : IDisposable
    {
        private readonly OpenSsl.TempDir _dir = new();

        public EstClientCli(EstServerFixture est)
        {
            Est = est;
            File.WriteAllText(Path("bootstrap.pem"), est.Bootstrap.Pem);
            File.WriteAllText(Path("bootstrap.key"), est.Bootstrap.KeyPem);
        }

        public EstServerFixture Est { get; }

        public string Server => "https://127.0.0.1:" + Est.Server.Port;

        public string Trust => Est.Server.CaFile;

        public string Path(string name) => _dir.File(name);

        /// <summary>nfcerts with <c>--server</c> and <c>--trust</c> added after the command's words.</summary>
        public (int Code, string Out, string Err) Run(string command, params string[] args) =>
            Nfcerts.Run(new[] { "est", command, "--server", Server, "--trust", Trust }.Concat(args).ToArray());

        /// <summary>Enrolls with Basic into <c>NAME.pem</c> and <c>NAME.key</c>.</summary>
        public void EnrollBasic(string name, params string[] more)
        {
            var (code, _, err) = Run("enroll", new[] { "--user", EstServerFixture.User, "--password", EstServerFixture.Password,
                "--subject", "CN=device-001", "--out-cert", Path(name + ".pem"), "--out-key", Path(name + ".key") }.Concat(more).ToArray());
            Assert.True(code == 0, err);
        }

        /// <summary>The public key of a certificate file, as openssl prints it (PEM).</summary>
        public static string CertificatePublicKey(string pem) => OpenSsl.Ok(null, "x509", "-in", pem, "-noout", "-pubkey");

        /// <summary>The public key of a private key file, as openssl derives it (PEM).</summary>
        public static string KeyPublicKey(string key) => OpenSsl.Ok(null, "pkey", "-in", key, "-pubout");

        /// <summary>The files in the directory, for "nothing was written" checks.</summary>
        public IReadOnlyList<string> Files() => Directory.GetFiles(_dir.Path).Select(System.IO.Path.GetFileName).OrderBy(f => f).ToList()!;

        public void Dispose() => _dir.Dispose();
    }
}
