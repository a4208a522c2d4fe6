using System;
using System.Text;
using NfCerts.Core.Storage;

namespace NfCerts.Core.Renewal
{
    /// <summary>Where the root CA rotation stands.</summary>
    public enum RootRotationStep
    {
        /// <summary>No rotation.</summary>
        Idle = 0,
        /// <summary>A notice with the new root CA was received and saved; RootCA2 and Network2 come next.</summary>
        NoticeReceived = 1,
        /// <summary>RootCA2 and Network2 are in place; waiting for the device to be on Network2.</summary>
        WaitingForNetwork2 = 2,
        /// <summary>The device was on Network2: RootCA2 moves onto RootCA1 and Network2 goes.</summary>
        Finishing = 3,
    }

    /// <summary>Where the client certificate rotation stands.</summary>
    public enum ClientRotationStep
    {
        /// <summary>No rotation in progress.</summary>
        Idle = 0,
        /// <summary>ClientCert2 is installed and Network1 points at it, not yet proved by a connection.</summary>
        Trial = 1,
        /// <summary>ClientCert2 connected: it moves onto ClientCert1 and Network1 points back at ClientCert1.</summary>
        Proven = 2,
    }

    /// <summary>
    /// The renewal engine's persistent state, one value in the flash log (key <c>"Jrenewal"</c>), rewritten atomically
    /// before and after each step. Layout (little-endian): version 1; root step; client step; client failures (u16);
    /// next client attempt, high-water wall clock and client install time (ticks, i64 each; 0 = none); renewals and
    /// rollbacks (u32 each); last result and last reason (u16 length + UTF-8 each, at most <see cref="MaxTextBytes"/>:
    /// longer text is cut at a character boundary when saved); pending root CA (u16 length + DER).
    /// </summary>
    /// <remarks>A value that fails its CRC or does not decode (unknown version, truncated, a step out of range) is set aside by
    /// <see cref="LoadOrSetAside"/> under <see cref="SetAsideKey"/>, never dropped, and the engine starts afresh from the
    /// store's certificates.</remarks>
    public sealed class RenewalJournal
    {
        /// <summary>Log key.</summary>
        public const string LogKey = "Jrenewal";
        /// <summary>Where a journal that cannot be read is kept for a person to inspect (the latest one only).</summary>
        public const string SetAsideKey = "Jrenewal.bad";
        /// <summary>Largest UTF-8 size of <see cref="LastResult"/> and of <see cref="LastReason"/> on flash.</summary>
        public const int MaxTextBytes = 240;
        private const byte Version = 1;
        private const int MinLength = 3 + 2 + 3 * 8 + 2 * 4 + 3 * 2;

        /// <summary>Root CA rotation step.</summary>
        public RootRotationStep Root;
        /// <summary>Client certificate rotation step.</summary>
        public ClientRotationStep Client;
        /// <summary>Failed client renewal attempts in a row.</summary>
        public int ClientFailures;
        /// <summary>Earliest wall-clock time (ticks) of the next client renewal attempt; 0 = none pending.</summary>
        public long NextClientAttemptTicks;
        /// <summary>Latest trusted wall-clock time seen (ticks): the clock never goes back behind it for decisions.</summary>
        public long HighWaterTicks;
        /// <summary>When the current ClientCert1 was installed by a renewal (ticks); 0 = unknown.</summary>
        public long ClientInstalledTicks;
        /// <summary>Completed client renewals.</summary>
        public int Renewals;
        /// <summary>Rolled-back client renewal attempts.</summary>
        public int Rollbacks;
        private string _lastResult = "";
        private string _lastReason = "";

        /// <summary>The last outcome ("renewed", "rolled back", "root CA rotated", ...); cut to <see cref="MaxTextBytes"/> chars.</summary>
        public string LastResult
        {
            get { return _lastResult; }
            set { _lastResult = BoundedText.Truncate(value, MaxTextBytes, "..."); }
        }

        /// <summary>Why, for failures; cut to <see cref="MaxTextBytes"/> chars (a reason often quotes a server).</summary>
        public string LastReason
        {
            get { return _lastReason; }
            set { _lastReason = BoundedText.Truncate(value, MaxTextBytes, "..."); }
        }
        /// <summary>The announced root CA (DER) while <see cref="Root"/> is <see cref="RootRotationStep.NoticeReceived"/>.</summary>
        public byte[] PendingRootCa = new byte[0];

        /// <summary>A field-by-field copy (change the copy, save it, then adopt it: memory never runs ahead of flash).</summary>
        public RenewalJournal Copy()
        {
            return Decode(Encode());
        }

        /// <summary>Reads the journal; a new one when there is none.</summary>
        public static RenewalJournal Load(RecordLog log)
        {
            byte[] d;
            if (!log.TryGet(LogKey, out d))
            {
                return new RenewalJournal();
            }
            return Decode(d);
        }

        /// <summary>Reads the journal; one that does not decode is moved to <see cref="SetAsideKey"/> and replaced by a new
        /// journal that says so, in one commit. <paramref name="problem"/> is then why; empty when the journal was fine.</summary>
        /// <exception cref="StorageException">The log cannot be read or written (not a problem of the journal's own bytes).</exception>
        public static RenewalJournal LoadOrSetAside(RecordLog log, out string problem)
        {
            problem = "";
            try
            {
                byte[] d;
                if (!log.TryGet(LogKey, out d))
                {
                    return new RenewalJournal();
                }
                return Decode(d);
            }
            catch (StorageException e)
            {
                // Its bytes fail their CRC (bit rot) or do not decode; anything else is the log's own failure.
                if (e.Error != StorageError.Corrupt)
                {
                    throw;
                }
                problem = e.Message;
            }
            var fresh = new RenewalJournal();
            fresh.LastResult = "renewal journal set aside";
            fresh.LastReason = problem + "; the old journal is kept under '" + SetAsideKey + "'";
            try
            {
                var t = log.Begin();
                t.Move(LogKey, SetAsideKey);
                t.Put(LogKey, fresh.Encode());
                t.Commit();
            }
            catch (StorageException e)
            {
                // Setting it aside failed (store full, flash failing): renewals still go on, from a journal kept in
                // memory until the next save replaces the bad one; the old bytes stay on flash for inspection till then.
                problem = problem + "; setting it aside failed (" + e.Message + ")";
                fresh.LastReason = problem;
            }
            return fresh;
        }

        /// <summary>Writes the journal in one atomic commit.</summary>
        public void Save(RecordLog log)
        {
            var t = log.Begin();
            t.Put(LogKey, Encode());
            t.Commit();
        }

        internal byte[] Encode()
        {
            var r = BoundedText.ToUtf8(LastResult, MaxTextBytes);
            var why = BoundedText.ToUtf8(LastReason, MaxTextBytes);
            var o = new byte[MinLength + r.Length + why.Length + PendingRootCa.Length];
            int p = 0;
            o[p++] = Version;
            o[p++] = (byte)Root;
            o[p++] = (byte)Client;
            p = PutU16(o, p, ClientFailures);
            p = PutI64(o, p, NextClientAttemptTicks);
            p = PutI64(o, p, HighWaterTicks);
            p = PutI64(o, p, ClientInstalledTicks);
            p = PutI32(o, p, Renewals);
            p = PutI32(o, p, Rollbacks);
            p = PutBytes(o, p, r);
            p = PutBytes(o, p, why);
            PutBytes(o, p, PendingRootCa);
            return o;
        }

        internal static RenewalJournal Decode(byte[] d)
        {
            var j = new RenewalJournal();
            if (d.Length < MinLength || d[0] != Version)
            {
                throw new StorageException(StorageError.Corrupt, "the renewal journal has an unknown format");
            }
            int p = 1;
            if (d[p] > (byte)RootRotationStep.Finishing || d[p + 1] > (byte)ClientRotationStep.Proven)
            {
                throw new StorageException(StorageError.Corrupt, "the renewal journal holds a step that does not exist");
            }
            j.Root = (RootRotationStep)d[p++];
            j.Client = (ClientRotationStep)d[p++];
            j.ClientFailures = d[p] | (d[p + 1] << 8);
            p += 2;
            j.NextClientAttemptTicks = GetI64(d, p);
            p += 8;
            j.HighWaterTicks = GetI64(d, p);
            p += 8;
            j.ClientInstalledTicks = GetI64(d, p);
            p += 8;
            j.Renewals = (int)GetI64Part(d, p, 4);
            p += 4;
            j.Rollbacks = (int)GetI64Part(d, p, 4);
            p += 4;
            byte[] b;
            p = GetBytes(d, p, out b);
            j.LastResult = b.Length == 0 ? "" : Encoding.UTF8.GetString(b, 0, b.Length);
            p = GetBytes(d, p, out b);
            j.LastReason = b.Length == 0 ? "" : Encoding.UTF8.GetString(b, 0, b.Length);
            p = GetBytes(d, p, out b);
            j.PendingRootCa = b;
            if (p != d.Length || j.Renewals < 0 || j.Rollbacks < 0)
            {
                throw new StorageException(StorageError.Corrupt, "the renewal journal has bytes beyond its fields or negative counts");
            }
            return j;
        }

        private static int PutU16(byte[] o, int p, int v)
        {
            o[p] = (byte)v;
            o[p + 1] = (byte)(v >> 8);
            return p + 2;
        }

        private static int PutI32(byte[] o, int p, int v)
        {
            for (int i = 0; i < 4; i++)
            {
                o[p + i] = (byte)(v >> (8 * i));
            }
            return p + 4;
        }

        private static int PutI64(byte[] o, int p, long v)
        {
            for (int i = 0; i < 8; i++)
            {
                o[p + i] = (byte)(v >> (8 * i));
            }
            return p + 8;
        }

        private static int PutBytes(byte[] o, int p, byte[] b)
        {
            p = PutU16(o, p, b.Length);
            Array.Copy(b, 0, o, p, b.Length);
            return p + b.Length;
        }

        private static long GetI64(byte[] d, int p)
        {
            return GetI64Part(d, p, 8);
        }

        private static long GetI64Part(byte[] d, int p, int n)
        {
            long v = 0;
            for (int i = n - 1; i >= 0; i--)
            {
                v = (v << 8) | d[p + i];
            }
            return v;
        }

        private static int GetBytes(byte[] d, int p, out byte[] b)
        {
            if (p + 2 > d.Length)
            {
                throw new StorageException(StorageError.Corrupt, "the renewal journal is truncated");
            }
            int n = d[p] | (d[p + 1] << 8);
            p += 2;
            if (p + n > d.Length)
            {
                throw new StorageException(StorageError.Corrupt, "the renewal journal is truncated");
            }
            b = new byte[n];
            Array.Copy(d, p, b, 0, n);
            return p + n;
        }
    }
}
