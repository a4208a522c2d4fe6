using System;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NfCerts.Core.Certificates;
using NfCerts.Core.Est;
using NfCerts.Core.Storage;
using NfCerts.Core.X509;
using NfCerts.Hal;
using NfCerts.Hal.Host;

namespace NfCerts.Cli
{
    internal static partial class EstClientCommands
    {
        /// <summary>
        /// What one client command works with: the endpoint, the trust anchors (explicit, or fetched once by bootstrap) and
        /// the credentials, held the way the device holds them: in a certificate store on a NOR flash model in memory, so
        /// that <see cref="EstIssuer"/> runs exactly as on the device. Nothing of it is written anywhere.
        /// </summary>
        internal sealed class Session : IDisposable
        {
            /// <summary>The store ID of the TLS client credential (bootstrap, or current for re-enrollment).</summary>
            public const string CredentialId = "Credential";
            private const int MaxAnchors = 64;

            private readonly NorFlash _flash;

            private Session(EstEndpoint endpoint)
            {
                Endpoint = endpoint;
                // 1 MiB: room for a large --trust bundle, the credential and the EST CA set the issuer keeps.
                _flash = new NorFlash(256 * 4096, 4096);
                RecordLog.Format(_flash, CertStore.MaxEntrySize);
                Store = new CertStore(RecordLog.Mount(_flash, CertStore.MaxEntrySize), Vault);
            }

            public EstEndpoint Endpoint { get; }
            public HostKeyVault Vault { get; } = new();
            public SystemClock Clock { get; } = new();
            public CertStore Store { get; }
            public string[] AnchorIds { get; private set; } = Array.Empty<string>();
            public byte[][] Anchors { get; private set; } = Array.Empty<byte[]>();
            /// <summary>Where the anchors came from, for messages: the --trust files or the bootstrap.</summary>
            public string TrustSource { get; private set; } = "";
            public bool Bootstrapped { get; private set; }
            public bool HasCredential { get; private set; }
            public string? User { get; private set; }
            public string? Password { get; private set; }

            /// <summary>Checks the options, loads the trust anchors (or runs the bootstrap) and the credential.</summary>
            public static Session Open(Ui ui, ParseResult r, ServerOptions so, bool forCaCerts)
            {
                string[] trust = r.GetValue(so.Trust) ?? Array.Empty<string>();
                bool once = r.GetValue(so.Bootstrap);
                string? fingerprint = r.GetValue(so.Fingerprint);
                string? certFile = r.GetValue(so.Cert);
                string? keyFile = r.GetValue(so.Key);
                if ((certFile == null) != (keyFile == null))
                {
                    throw new UsageException("--cert and --key go together");
                }
                if (trust.Length > 0 && once)
                {
                    throw new UsageException("--trust and --trust-cacerts-once exclude each other");
                }
                if (fingerprint != null && !once)
                {
                    throw new UsageException("--ca-fingerprint goes with --trust-cacerts-once");
                }
                if (trust.Length == 0 && !once)
                {
                    throw new UsageException("the EST server cannot be authenticated: give --trust PEM (the EST CA certificates), or fetch and check them first with "
                        + "'nfcerts est cacerts --server URL --trust-cacerts-once --out est-ca.pem'");
                }
                if (once && !forCaCerts && fingerprint == null)
                {
                    throw new UsageException("--trust-cacerts-once sends credentials only to a CA checked out of band: add --ca-fingerprint SHA256 "
                        + "(as 'nfcerts est cacerts --trust-cacerts-once' prints it), or use --trust");
                }
                EstEndpoint endpoint;
                try
                {
                    endpoint = EstEndpoint.Parse(r.GetValue(so.Server)!, r.GetValue(so.Label));
                }
                catch (EstException e)
                {
                    throw new UsageException(e.Message);
                }
                ReadPassword(ui, r, so, out string? user, out string? password);
                var s = new Session(endpoint) { User = user, Password = password };
                try
                {
                    byte[][] anchors = once ? BootstrapCaCerts.Fetch(ui, endpoint, so.TimeoutOf(r), fingerprint) : LoadAnchors(trust);
                    s.InstallAnchors(anchors);
                    s.Bootstrapped = once;
                    s.TrustSource = once ? "the CA certificates fetched by --trust-cacerts-once" : "--trust " + string.Join(", ", trust);
                    if (certFile != null)
                    {
                        s.InstallCredential(certFile, keyFile!);
                    }
                    return s;
                }
                catch
                {
                    s.Dispose();
                    throw;
                }
            }

            /// <summary>An EST client of the endpoint with the session's anchors and credentials.</summary>
            public EstClient Client(TimeSpan timeout)
            {
                var client = new EstClient(new HostTlsConnector(Clock), Clock, Endpoint, Anchors) { Timeout = timeout, User = User, Password = Password };
                if (HasCredential)
                {
                    client.ClientCertificate = Store.GetCertificateChain(CredentialId);
                    client.ClientKey = Store.GetPrivateKey(CredentialId);
                }
                return client;
            }

            /// <summary>Refuses a current certificate that is not valid now: re-enrollment needs a valid one.</summary>
            public void CheckCredentialValidNow(string certFile)
            {
                CertificateInfo info = Store.GetCertificateInfo(CredentialId);
                DateTime now = Clock.UtcNow;
                if (info.NotAfter <= now || info.NotBefore > now + EstCertificateCheck.ClockSlack)
                {
                    throw new CommandException(certFile + " is not valid now (" + CertCommands.Iso(info.NotBefore) + " to " + CertCommands.Iso(info.NotAfter)
                        + "): re-enrollment needs the current certificate; enroll again with a bootstrap credential ('nfcerts est enroll')");
                }
            }

            private void InstallAnchors(byte[][] anchors)
            {
                if (anchors.Length > MaxAnchors)
                {
                    throw new CommandException("more than " + MaxAnchors + " trust anchors: give the EST CA's certificates, not a whole system bundle");
                }
                var ids = new string[anchors.Length];
                for (int i = 0; i < anchors.Length; i++)
                {
                    ids[i] = "Trust" + (i + 1);
                    Store.InstallRootCACertificate(ids[i], anchors[i]);
                }
                AnchorIds = ids;
                Anchors = anchors;
            }

            private void InstallCredential(string certFile, string keyFile)
            {
                byte[] cert = CertCommands.ReadFile(certFile, 2 * CertificateChain.MaxChainInputSize);
                byte[] key = CertCommands.ReadFile(keyFile, 4 * CertStore.MaxKeySize);
                try
                {
                    Store.InstallClientCertificate(CredentialId, cert, key, null);
                }
                catch (CertStoreException e)
                {
                    throw new CommandException(certFile + " with " + keyFile + ": " + e.Message);
                }
                finally
                {
                    Array.Clear(key, 0, key.Length);
                }
                HasCredential = true;
            }

            private static byte[][] LoadAnchors(string[] files)
            {
                var all = new System.Collections.Generic.List<byte[]>();
                foreach (string f in files)
                {
                    byte[] data = CertCommands.ReadFile(f, 1 << 20);
                    int before = all.Count;
                    if (data.Length > 0 && data[0] == 0x30)
                    {
                        all.Add(CertStore.DecodeCertificate(data));
                    }
                    else
                    {
                        var c = new X509Certificate2Collection();
                        try
                        {
                            c.ImportFromPem(Encoding.ASCII.GetString(data));
                        }
                        catch (System.Security.Cryptography.CryptographicException e)
                        {
                            throw new CommandException(f + ": not a PEM certificate file (" + e.Message + ")");
                        }
                        foreach (X509Certificate2 x in c)
                        {
                            all.Add(x.RawData);
                        }
                    }
                    if (all.Count == before)
                    {
                        throw new CommandException(f + ": holds no certificate");
                    }
                }
                return all.ToArray();
            }

            private static void ReadPassword(Ui ui, ParseResult r, ServerOptions so, out string? user, out string? password)
            {
                user = r.GetValue(so.User);
                password = r.GetValue(so.Password);
                if (user == null)
                {
                    if (password != null)
                    {
                        throw new UsageException("--password goes with --user");
                    }
                    return;
                }
                if (user.Contains(':'))
                {
                    throw new UsageException("an HTTP Basic user cannot contain ':'");
                }
                password ??= Environment.GetEnvironmentVariable(PasswordEnvironment);
                if (password != null)
                {
                    return;
                }
                if (Console.IsInputRedirected || !ReferenceEquals(ui.Error, Console.Error) || Console.IsErrorRedirected)
                {
                    throw new UsageException("no password for --user " + user + ": give --password, set $" + PasswordEnvironment + ", or run on a terminal to be asked");
                }
                password = Prompt(ui, "EST password for " + user + ": ");
            }

            /// <summary>Reads a line from the terminal without echoing it.</summary>
            private static string Prompt(Ui ui, string question)
            {
                ui.Error.Write(question);
                ui.Error.Flush();
                var typed = new StringBuilder();
                while (true)
                {
                    ConsoleKeyInfo k = Console.ReadKey(intercept: true);
                    if (k.Key == ConsoleKey.Enter)
                    {
                        break;
                    }
                    if (k.Key == ConsoleKey.Backspace)
                    {
                        if (typed.Length > 0)
                        {
                            typed.Length--;
                        }
                    }
                    else if (!char.IsControl(k.KeyChar))
                    {
                        typed.Append(k.KeyChar);
                    }
                }
                ui.Error.WriteLine();
                return typed.ToString();
            }

            public void Dispose()
            {
                Clock.Dispose();
                _flash.Dispose();
            }
        }
    }
}
