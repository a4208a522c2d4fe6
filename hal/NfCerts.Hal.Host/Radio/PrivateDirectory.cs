using System;
using System.IO;
using System.Security.Cryptography;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// A directory only the current user can enter (0700), holding files only the current user can read (0600: they are
    /// created with that mode, never widened), removed with everything in it on <see cref="Dispose"/>.
    /// </summary>
    internal sealed class PrivateDirectory : IDisposable
    {
        private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        private const UnixFileMode FileMode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

        private PrivateDirectory(string path)
        {
            FullPath = path;
        }

        /// <summary>The directory's absolute path.</summary>
        public string FullPath { get; }

        /// <summary>Creates a fresh directory named <paramref name="prefix"/> and random characters in <paramref name="parent"/> (the system temp directory when null).</summary>
        public static PrivateDirectory Create(string? parent, string prefix)
        {
            var root = parent ?? Path.GetTempPath();
            Directory.CreateDirectory(root);
            while (true)
            {
                var path = Path.Combine(root, prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant());
                if (Directory.Exists(path))
                {
                    continue;
                }
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(path);
                }
                else
                {
                    Directory.CreateDirectory(path, DirectoryMode);
                }
                return new PrivateDirectory(path);
            }
        }

        /// <summary>Writes a new file (mode 0600) and returns its path.</summary>
        public string WriteFile(string name, byte[] content)
        {
            var path = Path.Combine(FullPath, name);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = FileMode600;
            }
            using (var fs = new FileStream(path, options))
            {
                fs.Write(content, 0, content.Length);
            }
            return path;
        }

        /// <summary>Removes the directory and its files.</summary>
        public void Dispose()
        {
            try
            {
                Directory.Delete(FullPath, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // Already gone.
            }
        }
    }
}
