using System;

namespace NfCerts.Cli
{
    /// <summary>The command line is wrong in a way the parser cannot see (a bad combination of values): exit code 2.</summary>
    internal sealed class UsageException : Exception
    {
        public UsageException(string message) : base(message) { }
    }

    /// <summary>The command failed for a reason the user can act on: exit code 1 with the message.</summary>
    internal sealed class CommandException : Exception
    {
        public CommandException(string message) : base(message) { }
    }
}
