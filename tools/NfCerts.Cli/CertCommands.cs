using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography;
using System.Text.Json;
using NfCerts.Core.Certificates;
using NfCerts.Core.X509;

namespace NfCerts.Cli
{
    /// <summary><c>nfcerts cert ...</c>: inspect certificate files.</summary>
    internal static class CertCommands
    {
        public static Command Build(Ui ui)
        {
            var cert = new Command("cert", "Inspect certificate files").WithExamples("cert show device.pem");
            var file = Parameters.Text("FILE", "Certificate file, PEM or DER");
            var json = Parameters.Json();
            var show = new Command("show", "Certificate fields of a PEM or DER file") { file, json }
                .WithExamples("cert show device.pem", "cert show radius-root.der --json");
            show.SetAction(r => Show(r.GetValue(file)!, r.GetValue(json), ui.Out));
            cert.Add(show);
            return cert;
        }

        private static int Show(string path, bool json, TextWriter stdout)
        {
            byte[] input = ReadFile(path, 4 * CertStore.MaxCertificateSize);
            byte[] der;
            CertificateInfo info;
            try
            {
                der = PemOrDer.GetCertificateDer(input, 0, input.Length);
                info = CertificateInfo.Parse(der);
            }
            catch (CertificateFormatException e)
            {
                throw new CommandException(path + ": not a valid certificate: " + e.Message);
            }
            Print(stdout, Describe(info, der, null), json);
            return 0;
        }

        public static byte[] ReadFile(string path, int maxBytes)
        {
            try
            {
                var fi = new FileInfo(path);
                if (!fi.Exists)
                {
                    throw new CommandException(path + ": no such file");
                }
                if (fi.Length > maxBytes)
                {
                    throw new CommandException(path + ": " + fi.Length + " bytes is too large (at most " + maxBytes + ")");
                }
                return File.ReadAllBytes(path);
            }
            catch (IOException e)
            {
                throw new CommandException(path + ": " + e.Message);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new CommandException(path + ": " + e.Message);
            }
        }

        public static string Iso(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>The fields of a certificate in display order.</summary>
        public static List<KeyValuePair<string, object?>> Describe(CertificateInfo info, byte[] der, List<KeyValuePair<string, object?>>? extra)
        {
            var f = new List<KeyValuePair<string, object?>>();
            if (extra != null)
            {
                f.AddRange(extra);
            }
            f.Add(new("subject", info.Subject.Name));
            f.Add(new("issuer", info.Issuer.Name));
            f.Add(new("notBefore", Iso(info.NotBefore)));
            f.Add(new("notAfter", Iso(info.NotAfter)));
            f.Add(new("serial", info.SerialNumberHex));
            f.Add(new("sha1", CertStore.Hex(SHA1.HashData(der))));
            f.Add(new("sha256", CertStore.Hex(SHA256.HashData(der))));
            return f;
        }

        public static void Print(TextWriter stdout, List<KeyValuePair<string, object?>> fields, bool json)
        {
            if (json)
            {
                stdout.WriteLine(ToJson(fields));
                return;
            }
            foreach (var kv in fields)
            {
                stdout.WriteLine((kv.Key + ":").PadRight(12) + kv.Value);
            }
        }

        public static string ToJson(List<KeyValuePair<string, object?>> fields)
        {
            var d = new Dictionary<string, object?>();
            foreach (var kv in fields)
            {
                d[kv.Key] = kv.Value;
            }
            return JsonSerializer.Serialize(d, JsonOptions);
        }

        public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
    }
}
