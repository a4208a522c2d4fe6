using System;
using System.IO;

namespace NfCerts.Nano.Tests
{
    /// <summary>The repository the tests were built in (the output folder lies inside it).</summary>
    internal static class Repo
    {
        /// <summary>The folder that holds nf.Certs.sln.</summary>
        public static string Root
        {
            get
            {
                var dir = new DirectoryInfo(AppContext.BaseDirectory);
                while (dir != null && !File.Exists(Path.Combine(dir.FullName, "nf.Certs.sln")))
                {
                    dir = dir.Parent;
                }

                return dir?.FullName ?? throw new InvalidOperationException("nf.Certs.sln not found above " + AppContext.BaseDirectory);
            }
        }
    }
}
