using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace NfCerts.Tests.X509
{
    /// <summary>Runs the real openssl binary (Debian's openssl package) as the reference the reader is held to.</summary>
    internal static class OpenSsl
    {
        private static readonly Lazy<string> Binary = new(() =>
        {
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':'))
            {
                string candidate = Path.Combine(dir, "openssl");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("openssl is not installed (apt-get install openssl): the X.509 tests compare against it");
        });

        public sealed record Result(int ExitCode, string Stdout, string Stderr);

        /// <summary>Runs openssl with the arguments, feeding <paramref name="stdin"/>; bounded to 60 s.</summary>
        public static Result Run(byte[]? stdin, params string[] args)
        {
            var start = new ProcessStartInfo(Binary.Value)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.Latin1,
            };
            foreach (string a in args)
            {
                start.ArgumentList.Add(a);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (stdin != null)
            {
                process.StandardInput.BaseStream.Write(stdin);
            }

            process.StandardInput.Close();
            if (!process.WaitForExit(60000))
            {
                process.Kill();
                throw new TimeoutException("openssl " + string.Join(' ', args) + " did not finish in 60 s");
            }

            return new Result(process.ExitCode, stdout.Result, stderr.Result);
        }

        /// <summary>Runs openssl and fails the test if it fails.</summary>
        public static string Ok(byte[]? stdin, params string[] args)
        {
            Result r = Run(stdin, args);
            Assert.True(r.ExitCode == 0, "openssl " + string.Join(' ', args) + " failed: " + r.Stderr);
            return r.Stdout;
        }

        /// <summary>The fields openssl prints for a DER certificate.</summary>
        public sealed class Fields
        {
            public string Subject = "";
            public string Issuer = "";
            public string Serial = "";
            public DateTime NotBefore;
            public DateTime NotAfter;
            public int Version;
            public string PublicKeyAlgorithm = "";
            public int? PublicKeyBits;
            public string? NistCurve;
            public string? Asn1CurveOid;
            public bool? IsCa;
            public int? PathLength;
        }

        public static Fields Describe(byte[] der)
        {
            string text = Ok(der, "x509", "-inform", "DER", "-noout", "-subject", "-issuer", "-serial", "-startdate", "-enddate",
                "-nameopt", "RFC2253", "-text");
            var f = new Fields();
            string[] lines = text.Replace("\\\n", "").Split('\n');
            bool inBasicConstraints = false;
            foreach (string raw in lines)
            {
                string line = raw.TrimEnd('\r');
                string trimmed = line.Trim();
                if (line.StartsWith("subject=", StringComparison.Ordinal)) f.Subject = line.Substring(8);
                else if (line.StartsWith("issuer=", StringComparison.Ordinal)) f.Issuer = line.Substring(7);
                else if (line.StartsWith("serial=", StringComparison.Ordinal)) f.Serial = line.Substring(7);
                else if (line.StartsWith("notBefore=", StringComparison.Ordinal)) f.NotBefore = ParseTime(line.Substring(10));
                else if (line.StartsWith("notAfter=", StringComparison.Ordinal)) f.NotAfter = ParseTime(line.Substring(9));
                else if (trimmed.StartsWith("Version: ", StringComparison.Ordinal)) f.Version = int.Parse(trimmed.Substring(9).Split(' ')[0], CultureInfo.InvariantCulture);
                else if (trimmed.StartsWith("Public Key Algorithm: ", StringComparison.Ordinal)) f.PublicKeyAlgorithm = trimmed.Substring(22);
                else if (trimmed.StartsWith("NIST CURVE: ", StringComparison.Ordinal)) f.NistCurve = trimmed.Substring(12);
                else if (trimmed.StartsWith("ASN1 OID: ", StringComparison.Ordinal)) f.Asn1CurveOid = trimmed.Substring(10);
                else if (trimmed.StartsWith("X509v3 Basic Constraints", StringComparison.Ordinal)) inBasicConstraints = true;
                else if (inBasicConstraints)
                {
                    inBasicConstraints = false;
                    foreach (string part in trimmed.Split(", "))
                    {
                        if (part == "CA:TRUE") f.IsCa = true;
                        else if (part == "CA:FALSE") f.IsCa = false;
                        else if (part.StartsWith("pathlen:", StringComparison.Ordinal)) f.PathLength = int.Parse(part.Substring(8), CultureInfo.InvariantCulture);
                    }
                }

                Match bits = Regex.Match(trimmed, @"Public-Key: \((\d+) bit\)");
                if (bits.Success && f.PublicKeyBits == null)
                {
                    f.PublicKeyBits = int.Parse(bits.Groups[1].Value, CultureInfo.InvariantCulture);
                }
            }

            return f;
        }

        /// <summary>Parses openssl's "Jan  1 00:00:00 2020 GMT" (any year, 0 to 9999).</summary>
        public static DateTime ParseTime(string text)
        {
            string[] parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(parts.Length == 5 && parts[4] == "GMT", "unexpected openssl time: " + text);
            int month = Array.IndexOf(new[] { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" }, parts[0]) + 1;
            int day = int.Parse(parts[1], CultureInfo.InvariantCulture);
            string[] hms = parts[2].Split(':');
            int year = int.Parse(parts[3], CultureInfo.InvariantCulture);
            // The reader clamps to nanoFramework's DateTime range; do the same with openssl's value.
            if (year < 1601)
            {
                return new DateTime(1601, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            }

            if (year > 3000)
            {
                return new DateTime(3000, 12, 31, 23, 59, 59, DateTimeKind.Utc);
            }

            return new DateTime(year, month, day, int.Parse(hms[0], CultureInfo.InvariantCulture), int.Parse(hms[1], CultureInfo.InvariantCulture),
                int.Parse(hms[2], CultureInfo.InvariantCulture), DateTimeKind.Utc);
        }

        /// <summary>A temporary directory removed on dispose.</summary>
        public sealed class TempDir : IDisposable
        {
            public TempDir()
            {
                Path = Directory.CreateTempSubdirectory("nfcerts-x509-").FullName;
            }

            public string Path { get; }

            public string File(string name) => System.IO.Path.Combine(Path, name);

            public void Dispose()
            {
                try
                {
                    Directory.Delete(Path, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
