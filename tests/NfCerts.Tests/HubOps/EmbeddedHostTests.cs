using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NfCerts.Emulators.Dps;
using NfCerts.Emulators.Hub;
using NfCerts.Tests.Est.Server;
using Xunit;

namespace NfCerts.Tests.HubOps
{
    /// <summary>The emulators' embedded HTTPS servers (EST, the hub's and DPS's operator APIs) watch no directory: ASP.NET
    /// Core's default watches the current directory's whole tree for configuration files, an inotify watch per
    /// subdirectory for as long as a server runs (thousands for a demo started in a home or /tmp; a run that fails once the
    /// user's inotify limit is reached).</summary>
    public class EmbeddedHostTests
    {
        [Fact]
        public async Task StartingTheEmulatorsServersAddsNoInotifyWatch()
        {
            string dir = Directory.CreateTempSubdirectory("nfcerts-embedded-").FullName;
            try
            {
                long before = InotifyWatches();
                await using var est = await EstServerFixture.StartAsync();
                await using HubServer hub = await HubServer.StartAsync(new HubServerOptions
                {
                    PkiDirectory = Path.Combine(dir, "hub-pki"),
                    StatePath = Path.Combine(dir, "hub-state.json"),
                });
                await using DpsServer dps = await DpsServer.StartAsync(new DpsServerOptions { Directory = Path.Combine(dir, "dps") });
                Assert.Equal(before, InotifyWatches());
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        /// <summary>The inotify watches this process holds, over all its inotify descriptors (Linux's /proc fdinfo).</summary>
        private static long InotifyWatches()
        {
            long watches = 0;
            foreach (string fd in Directory.GetFiles("/proc/self/fd"))
            {
                var link = new FileInfo(fd).LinkTarget;
                if (link == "anon_inode:inotify")
                {
                    string info = Path.Combine("/proc/self/fdinfo", Path.GetFileName(fd));
                    try
                    {
                        watches += File.ReadLines(info).Count(l => l.StartsWith("inotify ", StringComparison.Ordinal));
                    }
                    catch (IOException)
                    {
                        // closed in the meantime: it holds no watch any more
                    }
                }
            }
            return watches;
        }
    }
}
