using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using NfCerts.Cli;

namespace NfCerts.Tests.Cli
{
    /// <summary>Runs nfcerts in-process with captured streams, or as the real program with its streams redirected.</summary>
    internal static class Nfcerts
    {
        /// <summary>What a script sees: neither stream is a terminal, whatever the environment says.</summary>
        public static readonly Terminal Redirected = TerminalOf(false, false);

        public static Terminal TerminalOf(bool stdout, bool stderr, params (string Name, string Value)[] env)
        {
            var vars = new Dictionary<string, string>(StringComparer.Ordinal) { ["TERM"] = "xterm-256color" };
            foreach (var (name, value) in env)
            {
                vars[name] = value;
            }
            return new Terminal { StdoutIsTerminal = stdout, StderrIsTerminal = stderr, Environment = n => vars.GetValueOrDefault(n) };
        }

        public static (int Code, string Out, string Err) Run(params string[] args) => Run(Redirected, args);

        public static (int Code, string Out, string Err) Run(Terminal terminal, params string[] args)
        {
            var o = new StringWriter();
            var e = new StringWriter();
            int code = CommandLine.Run(args, o, e, terminal);
            return (code, o.ToString(), e.ToString());
        }

        /// <summary>The command tree as the program builds it, over throwaway writers.</summary>
        public static RootCommand Tree() => CommandLine.Build(new Ui(TextWriter.Null, TextWriter.Null, Redirected));

        /// <summary>Every command with the words that reach it ("store", "ls"), the root first.</summary>
        public static IEnumerable<(string[] Path, Command Command)> Walk(Command command, string[]? path = null)
        {
            path ??= Array.Empty<string>();
            yield return (path, command);
            foreach (var sub in command.Subcommands)
            {
                foreach (var x in Walk(sub, [.. path, sub.Name]))
                {
                    yield return x;
                }
            }
        }

        /// <summary>The nfcerts executable the build copied beside the tests.</summary>
        public static string Executable => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "nfcerts.exe" : "nfcerts");

        /// <summary>Runs the real program; <paramref name="setup"/> may change its environment. Waits at most
        /// <paramref name="timeoutSeconds"/> (60 s unless told).</summary>
        public static (int Code, string Out, string Err) Process(string fileName, IEnumerable<string> args, Action<ProcessStartInfo>? setup = null, int timeoutSeconds = 60)
        {
            var psi = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }
            setup?.Invoke(psi);
            using var p = System.Diagnostics.Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(timeoutSeconds * 1000))
            {
                p.Kill(true);
                throw new TimeoutException(fileName + " did not finish in " + timeoutSeconds + " s");
            }
            return (p.ExitCode, stdout, stderr.Result);
        }
    }
}
