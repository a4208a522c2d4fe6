using System;

namespace NfCerts.Cli
{
    internal static class Program
    {
        private static int Main(string[] args)
        {
            return CommandLine.Run(args, Console.Out, Console.Error);
        }
    }
}
