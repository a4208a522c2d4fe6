using System;
using System.IO;
using System.Threading.Tasks;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Emulators.Hub.Rest;

namespace NfCerts.Cli
{
    /// <summary>
    /// The service an operator command talks to: a service connection string (IoT Hub's or DPS's, from an option or an
    /// environment variable) and the roots its HTTPS certificate must chain to (an emulator's own; a real service is checked
    /// against the system's roots).
    /// </summary>
    internal static class ServiceTarget
    {
        /// <param name="text">The connection string given, or null.</param>
        /// <param name="caFile">The roots file given, or null.</param>
        /// <param name="variable">The connection string's environment variable.</param>
        /// <param name="caVariable">The roots file's environment variable.</param>
        /// <param name="service">"hub" or "DPS", for the messages.</param>
        /// <param name="option">The connection string's option, e.g. <c>--hub</c>.</param>
        /// <param name="caOption">The roots file's option and what to pass, e.g. <c>--hub-ca PKI/hub-roots.pem</c>.</param>
        /// <param name="serve">The command that prints a connection string, e.g. <c>nfcerts hub serve</c>.</param>
        public static (HubConnectionString Target, X509Certificate2Collection? Roots) Resolve(string? text, string? caFile, string variable,
            string caVariable, string service, string option, string caOption, string serve)
        {
            text ??= Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(text))
            {
                throw new UsageException("no " + service + ": pass " + option + " CONNECTION_STRING or set " + variable + " (" + serve + " prints one)");
            }
            HubConnectionString target;
            try
            {
                target = HubConnectionString.Parse(text, service);
            }
            catch (FormatException e)
            {
                throw new UsageException(e.Message);
            }
            string? ca = caFile ?? Environment.GetEnvironmentVariable(caVariable);
            if (string.IsNullOrEmpty(ca))
            {
                if (target.IsEmulator)
                {
                    throw new UsageException("the emulator's certificate is under its own roots: pass " + caOption + " or set " + caVariable);
                }
                return (target, null);
            }
            var roots = new X509Certificate2Collection();
            try
            {
                roots.ImportFromPemFile(ca);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new CommandException("cannot read the " + service + "'s roots from " + ca + ": " + e.Message);
            }
            if (roots.Count == 0)
            {
                throw new CommandException("no certificate in " + ca);
            }
            return (target, roots);
        }

        /// <summary>Runs <paramref name="work"/> with <paramref name="client"/> (disposed after), turning the service's refusal
        /// (<typeparamref name="TRefusal"/>, with its status) and what the real service cannot do into the command's errors.</summary>
        public static int Run<TClient, TRefusal>(TClient client, string service, Func<TRefusal, int> status, Func<TClient, Task<int>> work)
            where TClient : IDisposable where TRefusal : Exception
        {
            using (client)
            {
                try
                {
                    return work(client).GetAwaiter().GetResult();
                }
                catch (TRefusal e)
                {
                    throw new CommandException("the " + service + " refused: " + status(e) + " " + e.Message);
                }
                catch (NotSupportedException e)
                {
                    throw new CommandException(e.Message);
                }
            }
        }

        /// <summary>Catches Ctrl+C and SIGTERM, then runs <paramref name="announce"/> (which prints where the server listens), then
        /// blocks until one of them comes: a stop sent as soon as the announcement is read is never missed.</summary>
        public static void WaitForStop(Action announce)
        {
            using var stop = new System.Threading.ManualResetEventSlim();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Set();
            };
            Console.CancelKeyPress += onCancel;
            using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true;
                stop.Set();
            });
            try
            {
                announce();
                stop.Wait();
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        }
    }
}
