using System;

namespace NfCerts.Core.Storage
{
    /// <summary>Why a <see cref="RecordLog"/> operation failed.</summary>
    public enum StorageError
    {
        /// <summary>The region holds no valid store (never formatted, or not this format).</summary>
        NotFormatted = 1,
        /// <summary>The region's geometry cannot hold a store (too few or too small sectors, unsupported write alignment).</summary>
        BadGeometry = 2,
        /// <summary>The change does not fit, even after reclaiming every dropped record. Nothing was written.</summary>
        NoSpace = 3,
        /// <summary>A key or value is outside the format's limits. Nothing was written.</summary>
        InvalidArgument = 4,
        /// <summary>The key does not exist. Nothing was written.</summary>
        NotFound = 5,
        /// <summary>Stored data fails its CRC (bit rot or an outside writer).</summary>
        Corrupt = 6,
        /// <summary>A flash operation failed while committing; the in-memory view may differ from the flash. Mount again.</summary>
        MountRequired = 7,
    }

    /// <summary>A storage operation failed; <see cref="Error"/> says why.</summary>
    public class StorageException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public StorageException(StorageError error, string message) : base(message)
        {
            Error = error;
        }

        /// <summary>Creates the exception with the exception that caused it.</summary>
        public StorageException(StorageError error, string message, Exception inner) : base(message, inner)
        {
            Error = error;
        }

        /// <summary>Why it failed.</summary>
        public StorageError Error { get; private set; }
    }
}
