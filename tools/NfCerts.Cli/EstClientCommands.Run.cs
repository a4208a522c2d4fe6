using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using NfCerts.Core.Certificates;
using NfCerts.Core.Est;
using NfCerts.Core.Renewal;
using NfCerts.Core.X509;
using NfCerts.Hal;
using NfCerts.Hal.Host;

namespace NfCerts.Cli
{
    internal static partial class EstClientCommands
    {
        /// <summary>How long to wait after a 202 that names no Retry-After.</summary>
        private static readonly TimeSpan DefaultRetry = TimeSpan.FromSeconds(10);

        private static int RunIssue(Ui ui, ParseResult r, ServerOptions so, IssueOptions io, Operation op)
        {
            string? certFile = r.GetValue(so.Cert);
            string? subject = r.GetValue(io.Subject);
            string? outCert = r.GetValue(io.OutCert);
            string? outKey = r.GetValue(io.OutKey);
            string? outChain = r.GetValue(io.OutChain);
            string? image = r.GetValue(io.Store);
            string? id = r.GetValue(io.Id);
            bool keepKey = op == Operation.Reenroll && r.GetValue(io.KeepKey);
            if (keepKey && r.GetValue(io.RotateKey))
            {
                throw new UsageException("--rotate-key and --keep-key exclude each other");
            }
            if (op == Operation.Reenroll && certFile == null)
            {
                throw new UsageException("reenroll authenticates with the current certificate: give --cert and --key");
            }
            if (certFile == null && r.GetValue(so.User) == null)
            {
                throw new UsageException("no credential: give --user (HTTP Basic) or --cert and --key (a bootstrap certificate)");
            }
            if (certFile == null && subject == null)
            {
                throw new UsageException("--subject is needed when there is no --cert to take it from");
            }
            CheckOutputs(outCert, outKey, outChain, image, id, keepKey);

            using Session session = Session.Open(ui, r, so, forCaCerts: false);
            var settings = new EstSettings
            {
                Url = r.GetValue(so.Server)!,
                Label = r.GetValue(so.Label) ?? "",
                User = session.User ?? "",
                Password = session.Password ?? "",
                TrustAnchorIds = session.AnchorIds,
                BootstrapCertificateId = op != Operation.Reenroll && session.HasCredential ? Session.CredentialId : "",
                KeyAlgorithm = r.GetValue(io.KeyType) == "rsa-2048" ? NfCerts.Hal.KeyAlgorithm.Rsa2048 : NfCerts.Hal.KeyAlgorithm.EcP256,
                RotateKey = !keepKey,
                ServerKeyGeneration = op == Operation.ServerKeyGen,
                Subject = subject ?? "",
            };
            if (op == Operation.Reenroll)
            {
                session.CheckCredentialValidNow(certFile!);
            }
            var issuer = new EstIssuer(session.Store, settings, session.Vault, new HostTlsConnector(session.Clock), session.Clock)
            {
                Timeout = so.TimeoutOf(r),
            };
            var request = new IssueRequest { CurrentCertificateId = op == Operation.Reenroll ? Session.CredentialId : "" };
            IssuedCredential? issued = IssueWaiting(ui, issuer, request, r.GetValue(io.Wait), r.GetValue(so.Json), op, session);
            if (issued == null)
            {
                return DeferredExitCode;
            }
            byte[] leaf;
            var written = new List<string>();
            try
            {
                leaf = CertStore.DecodeCertificate(issued.Certificate);
                if (outCert != null)
                {
                    written.AddRange(IssuedFiles.Write(leaf, issuer.LastChain, issued.PrivateKey, outCert, outKey, outChain));
                }
                if (image != null)
                {
                    using StoreCommands.Session s = StoreCommands.Open(image, true);
                    // The renewal engine's install: certificate, chain and key in one commit.
                    s.Store.InstallClientCertificate(id!, issued.Chain == null ? leaf : CertificateChain.Join(leaf, issued.Chain), issued.PrivateKey, null);
                    written.Add(image + " (" + id + ")");
                }
            }
            finally
            {
                // Also when a file or the image could not be written.
                Array.Clear(issued.PrivateKey, 0, issued.PrivateKey.Length);
            }
            Report(ui, r.GetValue(so.Json), op, leaf, issuer, !keepKey, written);
            return 0;
        }

        /// <summary>Issues, retrying a deferral (202) while <paramref name="wait"/> lasts; null when it ends deferred.</summary>
        private static IssuedCredential? IssueWaiting(Ui ui, EstIssuer issuer, IssueRequest request, TimeSpan? wait, bool json, Operation op, Session session)
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    return issuer.Issue(request);
                }
                catch (EstException e) when (e.Error == EstError.Deferred)
                {
                    TimeSpan delay = e.RetryAfter > TimeSpan.Zero ? e.RetryAfter : DefaultRetry;
                    long seconds = (long)Math.Ceiling(delay.TotalSeconds);
                    if (wait == null || waited.Elapsed + delay > wait.Value)
                    {
                        ui.Error.WriteLine("nfcerts: the server accepted the request for later (202 Accepted): retry after " + seconds
                            + " s" + (wait == null ? ", or run again with --wait DURATION" : ", beyond --wait") + " (exit code " + DeferredExitCode + ")");
                        if (json)
                        {
                            ui.Out.WriteLine(CertCommands.ToJson(new List<KeyValuePair<string, object?>>
                            {
                                new("status", "deferred"),
                                new("operation", OperationName(op)),
                                new("retryAfterSeconds", seconds),
                            }));
                        }
                        return null;
                    }
                    ui.Error.WriteLine("nfcerts: the server deferred the request (202 Accepted); retrying in " + seconds + " s");
                    Thread.Sleep(delay);
                }
                catch (EstException e)
                {
                    throw new CommandException(Describe(e, session));
                }
            }
        }

        private static void CheckOutputs(string? outCert, string? outKey, string? outChain, string? image, string? id, bool keepKey)
        {
            if (outCert == null && image == null)
            {
                throw new UsageException("say where the certificate goes: --out-cert FILE (with --out-key) or --store IMAGE --id ID");
            }
            if ((outKey != null || outChain != null) && outCert == null)
            {
                throw new UsageException("--out-key and --out-chain go with --out-cert");
            }
            if (outCert != null && outKey == null && !keepKey)
            {
                throw new UsageException("--out-key is needed: the certificate's new private key would be kept nowhere");
            }
            if ((image == null) != (id == null))
            {
                throw new UsageException("--store and --id go together");
            }
            if (id != null && !CertStore.IsValidIdentifier(id))
            {
                throw new UsageException("--id must be 1-16 characters of A-Z, a-z, 0-9, '.', '_' and '-', not '" + id + "'");
            }
            if (image != null)
            {
                // Refuse a missing or foreign image before asking the server for anything.
                StoreCommands.Open(image, true).Dispose();
            }
            foreach (string? f in new[] { outCert, outKey, outChain })
            {
                string? dir = f == null ? null : Path.GetDirectoryName(Path.GetFullPath(f));
                if (dir != null && !Directory.Exists(dir))
                {
                    throw new CommandException(f + ": no such directory " + dir);
                }
            }
        }

        private static void Report(Ui ui, bool json, Operation op, byte[] leaf, EstIssuer issuer, bool newKey, List<string> written)
        {
            CertificateInfo info = CertificateInfo.Parse(leaf);
            var fields = new List<KeyValuePair<string, object?>> { new("operation", OperationName(op)) };
            fields.AddRange(CertCommands.Describe(info, leaf, null));
            fields.Add(new("key", KeyName(info) + (newKey ? (op == Operation.ServerKeyGen ? " (generated by the server)" : " (new)") : " (kept)")));
            fields.Add(new("intermediates", issuer.LastChain.Length));
            fields.Add(new("written", written));
            fields.Add(new("note", Note(issuer.LastNote)));
            if (json)
            {
                ui.Out.WriteLine(CertCommands.ToJson(fields));
                return;
            }
            ui.Out.WriteLine((op == Operation.Reenroll ? "re-enrolled " : "enrolled ") + info.Subject.Name);
            foreach (var kv in fields)
            {
                if (kv.Key == "operation" || kv.Key == "subject")
                {
                    continue;
                }
                string value = kv.Value is List<string> l ? string.Join(", ", l) : Convert.ToString(kv.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                if (value.Length > 0)
                {
                    ui.Out.WriteLine("  " + (kv.Key + ":").PadRight(15) + value);
                }
            }
        }

        /// <summary>The issuer's note in the command's words: the credential is --cert, and the EST CA set it keeps lives only
        /// in the session's scratch store.</summary>
        private static string Note(string note) => string.Join("; ", note.Split("; ")
            .Where(n => !n.StartsWith("EST CA certificates refreshed", StringComparison.Ordinal))
            .Select(n => n.Replace("'" + Session.CredentialId + "'", "--cert", StringComparison.Ordinal)));

        private static string OperationName(Operation op) => op switch
        {
            Operation.Enroll => "simpleenroll",
            Operation.Reenroll => "simplereenroll",
            _ => "serverkeygen",
        };

        internal static string KeyName(CertificateInfo info) =>
            info.CurveName != null ? "ECDSA " + info.CurveName
            : info.PublicKeyAlgorithmOid == CsrAttributes.RsaEncryptionOid ? "RSA " + info.PublicKeySize
            : info.PublicKeyAlgorithmName + " " + info.PublicKeySize;

        /// <summary>An EST failure as the person at the terminal needs it: what failed and what to check.</summary>
        private static string Describe(EstException e, Session session)
        {
            if (e.Error == EstError.Tls && e.TlsFailure == TlsFailure.ServerCertificateNotTrusted)
            {
                return "refused the EST server " + session.Endpoint.Host + ":" + session.Endpoint.Port + ": its TLS certificate does not chain to "
                    + session.TrustSource + " (" + e.Message + "); nothing was written";
            }
            string hint = e.Status == 401 ? (session.User == null ? " (the server wants credentials: --user, or --cert and --key)" : " (the server refused the credentials)") : "";
            return "EST " + e.Message + hint + "; nothing was written";
        }
    }
}
