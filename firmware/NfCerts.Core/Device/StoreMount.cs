using System;
using NfCerts.Core.Storage;
using NfCerts.Hal;

namespace NfCerts.Core.Device
{
    /// <summary>
    /// Boot's rule for the store: mount it; format only a region that is new, never one that holds anything else.
    /// </summary>
    /// <remarks>
    /// <para>A region is new when every byte is erased (0xFF), or when the only bytes programmed are a torn first sector
    /// header of a format that power cut short: bits cleared from 0xFF towards the header <see cref="RecordLog.Format"/>
    /// writes, and no others. A region holding foreign or damaged data, a store of another geometry, or one that cannot be
    /// read, is not new: it is left exactly as it is, for a person (or a later mount) to recover.</para>
    /// <para>Memory: one 256-byte buffer for the scan, whatever the region's size.</para>
    /// </remarks>
    public static class StoreMount
    {
        private const int ScanChunk = 256;

        /// <summary>The mounted log, or null with <paramref name="problem"/> saying why (the region was not touched).
        /// <paramref name="formatted"/> is true when a new region was formatted.</summary>
        public static RecordLog? MountOrFormatNew(IFlash flash, int maxValueLength, out string problem, out bool formatted)
        {
            problem = "";
            formatted = false;
            string mountError;
            try
            {
                return RecordLog.Mount(flash, maxValueLength);
            }
            catch (Exception e)
            {
                // StorageException (no store, foreign geometry, corrupt), FlashException (a read error), or a bug that
                // damaged data reached: none of them may stop the boot.
                mountError = e.Message;
            }
            bool isNew;
            try
            {
                isNew = IsNewRegion(flash);
            }
            catch (Exception e)
            {
                problem = "the store cannot be mounted (" + mountError + ") nor read (" + e.Message + ")";
                return null;
            }
            if (!isNew)
            {
                problem = "the store cannot be mounted (" + mountError + "); the region holds data and is kept untouched";
                return null;
            }
            try
            {
                RecordLog.Format(flash, maxValueLength);
                formatted = true;
                return RecordLog.Mount(flash, maxValueLength);
            }
            catch (Exception e)
            {
                problem = "the new store could not be formatted: " + e.Message;
                return null;
            }
        }

        /// <summary>True when the region is erased but for, at most, a torn first sector header (see the remarks).</summary>
        public static bool IsNewRegion(IFlash flash)
        {
            byte[] header = RecordLog.BuildSectorHeader(flash.SectorSize, 1, 1);
            var buffer = new byte[ScanChunk];
            for (int address = 0; address < flash.Size; address += ScanChunk)
            {
                int n = flash.Size - address < ScanChunk ? flash.Size - address : ScanChunk;
                flash.Read(address, buffer, 0, n);
                for (int i = 0; i < n; i++)
                {
                    int at = address + i;
                    byte b = buffer[i];
                    if (at < header.Length ? (b & header[at]) != header[at] : b != 0xFF)
                    {
                        return false;
                    }
                }
            }
            return true;
        }
    }
}
