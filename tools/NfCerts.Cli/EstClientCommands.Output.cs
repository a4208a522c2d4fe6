using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using NfCerts.Core.Certificates;
using NfCerts.Core.Est;
using NfCerts.Core.X509;

namespace NfCerts.Cli
{
    internal static partial class EstClientCommands
    {
        private static int RunCaCerts(Ui ui, ParseResult r, ServerOptions so, string? output)
        {
            using Session session = Session.Open(ui, r, so, forCaCerts: true);
            byte[][] cas;
            try
            {
                // The bootstrap has just fetched them (and checked the server against them).
                if (session.Bootstrapped)
                {
                    cas = session.Anchors;
                }
                else
                {
                    using EstClient client = session.Client(so.TimeoutOf(r));
                    cas = client.GetCaCerts();
                }
            }
            catch (EstException e)
            {
                throw new CommandException(Describe(e, session));
            }
            string pem = Pem(cas);
            if (output != null)
            {
                IssuedFiles.Replace(new[] { (output, pem, false) });
            }
            if (r.GetValue(so.Json))
            {
                var list = new List<Dictionary<string, object?>>();
                foreach (byte[] der in cas)
                {
                    var d = new Dictionary<string, object?>();
                    foreach (var kv in CertCommands.Describe(CertificateInfo.Parse(der), der, null))
                    {
                        d[kv.Key] = kv.Value;
                    }
                    d["pem"] = Pem(new[] { der });
                    list.Add(d);
                }
                ui.Out.WriteLine(JsonSerializer.Serialize(list, CertCommands.JsonOptions));
                return 0;
            }
            // Without --out the PEM is stdout, so the summary goes to stderr.
            TextWriter summary = output == null ? ui.Error : ui.Out;
            if (output == null)
            {
                ui.Out.Write(pem);
            }
            foreach (byte[] der in cas)
            {
                summary.WriteLine("CA " + CertificateInfo.Parse(der).Subject.Name + "  SHA-256 " + BootstrapCaCerts.Colons(CertStore.Hex(SHA256.HashData(der))));
            }
            if (output != null)
            {
                ui.Out.WriteLine("wrote " + cas.Length + " CA certificate" + (cas.Length == 1 ? "" : "s") + " to " + output);
            }
            return 0;
        }

        private static int RunCsrAttrs(Ui ui, ParseResult r, ServerOptions so)
        {
            using Session session = Session.Open(ui, r, so, forCaCerts: false);
            CsrAttributes attrs;
            try
            {
                using EstClient client = session.Client(so.TimeoutOf(r));
                attrs = client.GetCsrAttributes();
            }
            catch (EstException e)
            {
                throw new CommandException(Describe(e, session));
            }
            var list = new List<Dictionary<string, object?>>();
            foreach (CsrAttribute a in attrs.Entries)
            {
                var values = new List<string>();
                // An extensionRequest holds Extensions (given whole) or, as many servers send it, the bare OIDs of the extensions.
                foreach (byte[] extension in a.Oid == CsrAttributes.ExtensionRequestOid ? Extensions(attrs) : Array.Empty<byte[]>())
                {
                    values.Add(Named(new DerReader(extension).ReadSequence().ReadOid()));
                }
                if (values.Count == 0)
                {
                    foreach (byte[] v in a.Values)
                    {
                        values.Add(v.Length > 0 && v[0] == 0x06 ? Named(new DerReader(v).ReadOid()) : Convert.ToHexString(v).ToLowerInvariant());
                    }
                }
                list.Add(new Dictionary<string, object?> { ["oid"] = a.Oid, ["name"] = NameOf(a.Oid), ["values"] = values });
            }
            if (r.GetValue(so.Json))
            {
                ui.Out.WriteLine(JsonSerializer.Serialize(list, CertCommands.JsonOptions));
                return 0;
            }
            if (list.Count == 0)
            {
                ui.Out.WriteLine("(none: the server asks for nothing in particular)");
            }
            foreach (var a in list)
            {
                var values = (List<string>)a["values"]!;
                ui.Out.WriteLine(a["name"] + " (" + a["oid"] + ")" + (values.Count == 0 ? "" : ": " + string.Join(", ", values)));
            }
            return 0;
        }

        private static byte[][] Extensions(CsrAttributes attrs)
        {
            try
            {
                return attrs.ExtensionRequest;
            }
            catch (CertificateFormatException)
            {
                return Array.Empty<byte[]>();
            }
        }

        private static string Named(string oid)
        {
            string? name = NameOf(oid);
            return name == null ? oid : name + " (" + oid + ")";
        }

        private static string? NameOf(string oid)
        {
            switch (oid)
            {
                case CsrAttributes.ChallengePasswordOid: return "challengePassword";
                case CsrAttributes.ExtensionRequestOid: return "extensionRequest";
                case CsrAttributes.EcPublicKeyOid: return "ecPublicKey";
                case CsrAttributes.RsaEncryptionOid: return "rsaEncryption";
                case CsrAttributes.P256Oid: return "P-256";
            }
            try
            {
                string? friendly = Oid.FromOidValue(oid, OidGroup.All).FriendlyName;
                return string.IsNullOrEmpty(friendly) ? null : friendly;
            }
            catch (CryptographicException)
            {
                return null;
            }
        }

        private static string Pem(byte[][] ders)
        {
            var b = new StringBuilder();
            foreach (byte[] der in ders)
            {
                b.Append(PemEncoding.WriteString("CERTIFICATE", der)).Append('\n');
            }
            return b.ToString();
        }

        /// <summary>The PEM files of an issued credential, each replaced whole (written beside, then renamed over).</summary>
        internal static class IssuedFiles
        {
            /// <summary>Writes the certificate, the key (0600) and the intermediates; returns what it wrote, for the report.</summary>
            public static List<string> Write(byte[] leaf, byte[][] intermediates, byte[] key, string outCert, string? outKey, string? outChain)
            {
                var files = new List<(string Path, string Text, bool Secret)> { (outCert, Pem(new[] { leaf }), false) };
                var written = new List<string> { outCert };
                if (outKey != null)
                {
                    files.Add((outKey, KeyPem(leaf, key), true));
                    written.Add(outKey + " (mode 0600)");
                }
                if (outChain != null)
                {
                    files.Add((outChain, Pem(intermediates), false));
                    written.Add(outChain);
                }
                Replace(files);
                return written;
            }

            /// <summary>Writes every file beside its target first, then renames them over the targets, so a failure leaves
            /// the old files as they were. Secret files are created with mode 0600 (owner read/write only).</summary>
            public static void Replace(IEnumerable<(string Path, string Text, bool Secret)> files)
            {
                var staged = new List<(string Temp, string Path)>();
                try
                {
                    foreach (var (path, text, secret) in files)
                    {
                        string temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "." + Path.GetFileName(path) + "." + Environment.ProcessId + ".tmp");
                        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                        if (!OperatingSystem.IsWindows())
                        {
                            options.UnixCreateMode = secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
                        }
                        using (var stream = new FileStream(temp, options))
                        {
                            staged.Add((temp, path));
                            byte[] bytes = Encoding.ASCII.GetBytes(text);
                            stream.Write(bytes, 0, bytes.Length);
                        }
                    }
                    foreach (var (temp, path) in staged)
                    {
                        File.Move(temp, path, overwrite: true);
                    }
                    staged.Clear();
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw new CommandException("cannot write the output files: " + e.Message);
                }
                finally
                {
                    foreach (var (temp, _) in staged)
                    {
                        File.Delete(temp);
                    }
                }
            }

            /// <summary>The key as PKCS#8 PEM, whichever DER encoding it came in (the certificate says its algorithm).</summary>
            private static string KeyPem(byte[] leaf, byte[] key)
            {
                using X509Certificate2 cert = X509CertificateLoader.LoadCertificate(leaf);
                using ECDsa? ec = cert.GetECDsaPublicKey();
                using AsymmetricAlgorithm alg = ec != null ? ECDsa.Create() : RSA.Create();
                try
                {
                    alg.ImportPkcs8PrivateKey(key, out _);
                }
                catch (CryptographicException)
                {
                    if (alg is ECDsa e)
                    {
                        e.ImportECPrivateKey(key, out _);
                    }
                    else
                    {
                        ((RSA)alg).ImportRSAPrivateKey(key, out _);
                    }
                }
                return alg.ExportPkcs8PrivateKeyPem() + "\n";
            }
        }
    }
}
