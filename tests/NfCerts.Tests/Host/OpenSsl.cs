using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace NfCerts.Tests.Host
{
    /// <summary>Runs the real <c>openssl</c> command line as an independent judge of what the host crypto produces.</summary>
    internal static class OpenSsl
    {
        public sealed record Result(int ExitCode, string StdOut, string StdErr);

        public static Result Run(params string[] arguments)
        {
            var start = new ProcessStartInfo("openssl")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start.");
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(30_000))
            {
                process.Kill();
                throw new TimeoutException("openssl " + arguments[0] + " did not finish within 30 s.");
            }

            return new Result(process.ExitCode, stdout.Result, stderr.Result);
        }

        /// <summary>Runs openssl and fails with its error output (never key material: openssl does not print keys
        /// unless asked to) when it exits non-zero.</summary>
        public static string Ok(params string[] arguments)
        {
            Result result = Run(arguments);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"openssl {arguments[0]} failed ({result.ExitCode}): {result.StdErr}");
            }

            return result.StdOut;
        }
    }

    /// <summary>A private temporary directory (mode 0700) deleted with everything in it on dispose.</summary>
    internal sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Path = Directory.CreateTempSubdirectory("nfcerts-host-").FullName;
            if (!OperatingSystem.IsWindows())
            {
                System.IO.File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        public string Path { get; }

        public string PathOf(string name) => System.IO.Path.Combine(Path, name);

        /// <summary>Writes a public file.</summary>
        public string Write(string name, byte[] content)
        {
            string path = PathOf(name);
            System.IO.File.WriteAllBytes(path, content);
            return path;
        }

        /// <summary>Writes a secret (a private key) that only the owner can read: the file is created 0600.</summary>
        public string WriteSecret(string name, byte[] content)
        {
            string path = PathOf(name);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(path, options))
            {
                stream.Write(content);
            }

            return path;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // Best effort; the directory is private.
            }
        }
    }
}
