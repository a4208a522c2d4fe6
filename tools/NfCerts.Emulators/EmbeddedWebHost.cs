using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NfCerts.Emulators;

/// <summary>The ASP.NET Core host as the emulators embed it (the EST server, the hub's and DPS's REST APIs): a slim
/// builder with no logging, no configuration watched for changes and no hold on the process's signals.</summary>
internal static class EmbeddedWebHost
{
    /// <summary>A builder for one embedded server. Its content root is the program's directory, not the current one, and
    /// <c>hostBuilder:reloadConfigOnChange</c> is off: the default would watch the current directory's whole tree for an
    /// appsettings.json (one inotify watch per subdirectory, per server, for as long as it runs: thousands when a fleet
    /// rehearsal is started in a home or /tmp, and a run that fails once the user's inotify limit is reached). Nothing is
    /// configured from files: every setting comes from the server's options.</summary>
    public static WebApplicationBuilder CreateBuilder()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = new[] { "--hostBuilder:reloadConfigOnChange=false" },
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        // The process that embeds the server owns its signals. The generic host's console lifetime would take SIGINT and
        // SIGTERM, cancel them and stop nothing, since the host is started rather than run; runtimes that stop at the first
        // handler that cancels would then never call the embedder's own (a Ctrl+C in 'nfcerts est serve', a test run or
        // 'nfcerts demo' lost), and a process that registers none would no longer end on Ctrl+C at all.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        return builder;
    }

    /// <summary>A host lifetime that leaves the process's signals alone: the embedder stops the server.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
