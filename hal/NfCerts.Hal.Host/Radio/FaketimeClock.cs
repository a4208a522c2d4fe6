using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// The wall clock of child processes, set from here through libfaketime (Debian package <c>faketime</c>): a process
    /// started with <see cref="ApplyTo"/> sees the time last given to <see cref="Set"/>, running on from there at the real
    /// rate, even if it was set while the process runs; its monotonic clock stays real. FreeRADIUS and eapol_test judge
    /// certificate validity on the wall clock (OpenSSL's <c>time()</c>), so this is how they judge it at a simulated world's
    /// time.
    /// </summary>
    /// <remarks>
    /// <para>What this relies on, from libfaketime 0.9.10's README (Debian's <c>/usr/share/doc/libfaketime/README.gz</c>,
    /// sections 4a, 4d and 4e), and checked here with freeradius 3.2.1 and eapol_test 2.10:
    /// <c>LD_PRELOAD=libfaketime.so.1</c> replaces the time calls of a dynamically linked program;
    /// <c>FAKETIME_TIMESTAMP_FILE</c> names a file holding one line in <c>FAKETIME</c>'s syntax, where <c>+N</c> or
    /// <c>-N</c> is an offset in seconds from the real time; the file is cached for 10 seconds unless
    /// <c>FAKETIME_NO_CACHE=1</c>, with which every time call reads it (so a running server follows each new setting);
    /// a <c>FAKETIME</c> variable would take priority over the file, so it is removed; and
    /// <c>FAKETIME_DONT_FAKE_MONOTONIC=1</c> leaves <c>CLOCK_MONOTONIC</c> alone, so timeouts and event loops keep
    /// measuring real time however far the wall clock jumps.</para>
    /// <para>An offset, not a fixed date: a fixed date stops the clock (README 4b), which would stall the server's timers.
    /// The file is replaced by a rename, so a reader sees the previous line or the new one, never half a write. libfaketime
    /// 0.9.10 used this way (no <c>faketime</c> wrapper) leaves nothing in <c>/dev/shm</c>, even for a killed process.</para>
    /// <para>Thread-safe; the last <see cref="Set"/> wins.</para>
    /// </remarks>
    public sealed class FaketimeClock
    {
        private static readonly string[] LibraryDirectories =
        {
            "/usr/lib/x86_64-linux-gnu/faketime",
            "/usr/lib/aarch64-linux-gnu/faketime",
            "/usr/lib/faketime",
            "/usr/local/lib/faketime",
        };

        private readonly object _gate = new object();
        private DateTime? _utc;

        /// <summary>A clock kept in <paramref name="timestampFile"/> for processes that preload <paramref name="library"/>.</summary>
        public FaketimeClock(string library, string timestampFile)
        {
            ArgumentException.ThrowIfNullOrEmpty(library);
            ArgumentException.ThrowIfNullOrEmpty(timestampFile);
            Library = library;
            TimestampFile = timestampFile;
        }

        /// <summary>The libfaketime library preloaded into the processes.</summary>
        public string Library { get; }

        /// <summary>The file the processes read their offset from.</summary>
        public string TimestampFile { get; }

        /// <summary>The time last set (UTC), or null before the first <see cref="Set"/>.</summary>
        public DateTime? LastSet
        {
            get { lock (_gate) { return _utc; } }
        }

        /// <summary>The installed <c>libfaketime.so.1</c>, or null when the Debian package faketime is not installed.</summary>
        public static string? FindLibrary()
        {
            foreach (var dir in LibraryDirectories)
            {
                var candidate = Path.Combine(dir, "libfaketime.so.1");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
            return null;
        }

        /// <summary>From now on the processes' wall clock reads <paramref name="utc"/>, and runs on from there.</summary>
        public void Set(DateTime utc)
        {
            var target = utc.Kind == DateTimeKind.Local ? utc.ToUniversalTime() : DateTime.SpecifyKind(utc, DateTimeKind.Utc);
            lock (_gate)
            {
                long offset = (long)Math.Round((target - DateTime.UtcNow).TotalSeconds);
                string line = (offset >= 0 ? "+" : "") + offset.ToString(CultureInfo.InvariantCulture) + "\n";
                string temp = TimestampFile + ".new";
                File.WriteAllText(temp, line, new UTF8Encoding(false));
                File.Move(temp, TimestampFile, overwrite: true);
                _utc = target;
            }
        }

        /// <summary>Makes the process <paramref name="start"/> describes run on this clock.</summary>
        /// <exception cref="InvalidOperationException">No time was <see cref="Set"/> yet.</exception>
        public void ApplyTo(ProcessStartInfo start)
        {
            ArgumentNullException.ThrowIfNull(start);
            if (LastSet == null)
            {
                throw new InvalidOperationException("set the faked time before starting a process on it");
            }
            var env = start.Environment;
            env.TryGetValue("LD_PRELOAD", out string? preload);
            env["LD_PRELOAD"] = string.IsNullOrEmpty(preload) ? Library : Library + ":" + preload;
            env["FAKETIME_TIMESTAMP_FILE"] = TimestampFile;
            env["FAKETIME_NO_CACHE"] = "1";
            env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1";
            env.Remove("FAKETIME");
        }
    }
}
