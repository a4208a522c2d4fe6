using System;
using System.IO;

namespace NfCerts.NanoStandIn
{
    /// <summary>
    /// The board's internal LittleFS volume <c>I:</c>, kept in a temporary directory, with the behaviour of
    /// nanoFramework.System.IO.FileSystem (File.cs, FileStream.cs) that the firmware can observe.
    /// </summary>
    /// <remarks>
    /// <para>Quirks kept, because code written on desktop .NET trips over them on the board: <see cref="Move"/> onto an
    /// existing file throws <see cref="IOException"/> (no replace-by-rename); <see cref="Delete"/> of a missing file does
    /// nothing; a stream cannot seek past its end (<see cref="ArgumentException"/>) and cannot change its length
    /// (<see cref="NotImplementedException"/>); every write reaches the medium before the call returns; opening a missing
    /// file throws <see cref="IOException"/>. Paths are nanoFramework paths (<c>I:\dir\file</c>); any other drive is
    /// refused as the board would (no such volume).</para>
    /// <para>One drive per process, like one board: tests that use it run one at a time and start with <see cref="Format"/>.</para>
    /// </remarks>
    public static class NanoDrive
    {
        /// <summary>The drive letter and separator of the internal volume.</summary>
        public const string Prefix = "I:\\";

        private static readonly object Gate = new object();
        private static string? _root;
        private static long _bytesBeforeCut = -1;
        private static bool _powerLost;
        private static int _largestRead;

        /// <summary>The largest count passed to one FileStream.Read since <see cref="Format"/>: nanoFramework's
        /// FileStream.Read allocates a temporary array of that many bytes on every call.</summary>
        public static int LargestReadAllocation
        {
            get
            {
                lock (Gate)
                {
                    return _largestRead;
                }
            }
        }

        /// <summary>Lets <paramref name="bytes"/> more bytes be written, then loses power in the write that would pass
        /// them: that write is lost whole (LittleFS commits each synced write or none of it) and every later file
        /// operation throws <see cref="PowerCutException"/> until <see cref="PowerOn"/>.</summary>
        public static void ArmPowerCut(long bytes)
        {
            lock (Gate)
            {
                _bytesBeforeCut = bytes;
            }
        }

        /// <summary>The reboot after a power cut: the files stay as the cut left them.</summary>
        public static void PowerOn()
        {
            lock (Gate)
            {
                _powerLost = false;
                _bytesBeforeCut = -1;
            }
        }

        /// <summary>The host directory that holds the drive's files.</summary>
        public static string Root
        {
            get
            {
                lock (Gate)
                {
                    if (_root == null)
                    {
                        _root = Directory.CreateTempSubdirectory("nano-drive-I-").FullName;
                    }

                    return _root;
                }
            }
        }

        /// <summary>Empties the drive, as a fresh LittleFS format does.</summary>
        public static void Format()
        {
            lock (Gate)
            {
                _powerLost = false;
                _bytesBeforeCut = -1;
                _largestRead = 0;
                foreach (string entry in Directory.EnumerateFileSystemEntries(Root))
                {
                    if (Directory.Exists(entry))
                    {
                        Directory.Delete(entry, true);
                    }
                    else
                    {
                        System.IO.File.Delete(entry);
                    }
                }
            }
        }

        /// <summary>The host path of the nanoFramework path <paramref name="path"/>.</summary>
        /// <exception cref="IOException">The path is not on <c>I:</c>.</exception>
        public static string HostPath(string path)
        {
            ThrowIfOff();
            if (path == null)
            {
                throw new ArgumentNullException(nameof(path));
            }

            if (!path.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || path.Length == Prefix.Length)
            {
                throw new IOException("No such volume or file: " + path);
            }

            string relative = path.Substring(Prefix.Length).Replace('\\', Path.DirectorySeparatorChar);
            return Path.Combine(Root, relative);
        }

        /// <summary>File.Exists.</summary>
        public static bool Exists(string path)
        {
            return System.IO.File.Exists(HostPath(path));
        }

        /// <summary>File.Delete: a missing file is not an error.</summary>
        public static void Delete(string path)
        {
            string host = HostPath(path);
            if (System.IO.File.Exists(host))
            {
                System.IO.File.Delete(host);
            }
        }

        /// <summary>File.Move: throws when the destination exists (LittleFS rename is not used to replace).</summary>
        public static void Move(string source, string destination)
        {
            string from = HostPath(source);
            string to = HostPath(destination);
            if (!System.IO.File.Exists(from))
            {
                throw new IOException("File not found: " + source);
            }

            if (System.IO.File.Exists(to))
            {
                throw new IOException("File already exists: " + destination);
            }

            System.IO.File.Move(from, to);
        }

        /// <summary>File.Copy.</summary>
        public static void Copy(string source, string destination, bool overwrite)
        {
            System.IO.File.Copy(HostPath(source), HostPath(destination), overwrite);
        }

        /// <summary>Puts a file on the drive from the host, as nanoff's file deployment does.</summary>
        public static void Deploy(string hostSource, string destination)
        {
            System.IO.File.Copy(hostSource, HostPath(destination), true);
        }

        internal static void ThrowIfOff()
        {
            lock (Gate)
            {
                if (_powerLost)
                {
                    throw new PowerCutException();
                }
            }
        }

        // Called before a write of count bytes reaches the medium: false when the power goes in this write.
        internal static void BeforeWrite(int count)
        {
            lock (Gate)
            {
                ThrowIfOff();
                if (_bytesBeforeCut >= 0)
                {
                    if (count > _bytesBeforeCut)
                    {
                        _powerLost = true;
                        throw new PowerCutException();
                    }

                    _bytesBeforeCut -= count;
                }
            }
        }

        internal static void BeforeRead(int count)
        {
            lock (Gate)
            {
                ThrowIfOff();
                _largestRead = Math.Max(_largestRead, count);
            }
        }

        /// <summary>Opens a file as nanoFramework's FileStream constructor does.</summary>
        public static NanoFileStream Open(string path, FileMode mode, FileAccess access)
        {
            return new NanoFileStream(path, HostPath(path), mode, access);
        }
    }
}
