using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Hal.Host;

namespace NfCerts.Cli
{
    /// <summary><c>nfcerts store ...</c>: the certificate store in a flash image file.</summary>
    internal static class StoreCommands
    {
        public const string Usage =
            "  store init IMAGE [--size BYTES] [--sector BYTES]\n" +
            "                                  create an empty store image (default 256K, 4096-byte sectors)\n" +
            "  store ls IMAGE [--json]         list identifiers, types, subjects and expiry\n" +
            "  store show IMAGE ID [--json]    one entry's certificate fields\n" +
            "  store install-root IMAGE ID CERT\n" +
            "                                  install or replace a root CA certificate (PEM or DER)\n" +
            "  store install-client IMAGE ID CERT KEY [--password P]\n" +
            "                                  install or replace a client certificate and its private key\n" +
            "  store move IMAGE SRC DST        rename SRC to DST atomically, replacing DST\n" +
            "  store rm IMAGE ID               delete an entry\n" +
            "  store stats IMAGE [--json]      free space, bytes programmed in live sectors, erases per sector\n";

        public const int DefaultSize = 256 * 1024;
        public const int DefaultSector = 4096;

        public static int Run(Args a, TextWriter stdout)
        {
            var sub = a[0];
            switch (sub)
            {
                case "init":
                    {
                        int size = a.Int("--size", DefaultSize);
                        int sector = a.Int("--sector", DefaultSector);
                        a.Done(2, 2);
                        Init(a[1], size, sector);
                        stdout.WriteLine("initialised " + a[1] + ": " + size + " bytes, " + sector + "-byte sectors");
                        return 0;
                    }
                case "ls":
                    {
                        bool json = a.Flag("--json");
                        a.Done(2, 2);
                        using var s = Open(a[1], false);
                        List(s.Store, stdout, json);
                        return 0;
                    }
                case "show":
                    {
                        bool json = a.Flag("--json");
                        a.Done(3, 3);
                        using var s = Open(a[1], false);
                        var store = s.Store;
                        var id = a[2];
                        var der = store.GetCertificate(id);
                        var extra = new List<KeyValuePair<string, object?>>
                        {
                            new("id", id),
                            new("type", TypeName(store.GetCertificateType(id))),
                        };
                        CertCommands.Print(stdout, CertCommands.Describe(store.GetCertificateInfo(id), der, extra), json);
                        return 0;
                    }
                case "install-root":
                    {
                        a.Done(4, 4);
                        var cert = CertCommands.ReadFile(a[3], 4 * CertStore.MaxCertificateSize);
                        using var s = Open(a[1], true);
                        s.Store.InstallRootCACertificate(a[2], cert);
                        stdout.WriteLine("installed root CA " + a[2]);
                        return 0;
                    }
                case "install-client":
                    {
                        var password = a.Value("--password");
                        a.Done(5, 5);
                        var cert = CertCommands.ReadFile(a[3], 4 * CertStore.MaxCertificateSize);
                        var key = CertCommands.ReadFile(a[4], 4 * CertStore.MaxKeySize);
                        using var s = Open(a[1], true);
                        s.Store.InstallClientCertificate(a[2], cert, key, password);
                        stdout.WriteLine("installed client certificate " + a[2]);
                        return 0;
                    }
                case "move":
                    {
                        a.Done(4, 4);
                        using var s = Open(a[1], true);
                        s.Store.MoveCertificate(a[2], a[3]);
                        stdout.WriteLine("moved " + a[2] + " to " + a[3]);
                        return 0;
                    }
                case "rm":
                    {
                        a.Done(3, 3);
                        using var s = Open(a[1], true);
                        s.Store.DeleteCertificate(a[2]);
                        stdout.WriteLine("deleted " + a[2]);
                        return 0;
                    }
                case "stats":
                    {
                        bool json = a.Flag("--json");
                        a.Done(2, 2);
                        using var s = Open(a[1], false);
                        Stats(s, stdout, json);
                        return 0;
                    }
                default:
                    throw new UsageException("unknown command 'store " + sub + "'");
            }
        }

        public static string TypeName(CertificateType t) => t == CertificateType.RootCA ? "root-ca" : "client";

        private static void Init(string path, int size, int sector)
        {
            if (sector < 512 || sector > 65536 || (sector & (sector - 1)) != 0)
            {
                throw new UsageException("--sector must be a power of two from 512 to 65536");
            }
            if (size % sector != 0)
            {
                throw new UsageException("--size must be a whole number of sectors");
            }
            if (File.Exists(path))
            {
                throw new CommandException(path + ": already exists (remove it first)");
            }
            NorFlash flash;
            try
            {
                flash = NorFlash.CreateImage(path, size, sector);
            }
            catch (IOException e)
            {
                throw new CommandException(path + ": " + e.Message);
            }
            using (flash)
            {
                try
                {
                    RecordLog.Format(flash, CertStore.MaxEntrySize);
                }
                catch (StorageException e)
                {
                    flash.Dispose();
                    File.Delete(path);
                    throw new CommandException(e.Message);
                }
            }
        }

        /// <summary>An open image: the flash file, the log and the store over it.</summary>
        internal sealed class Session : IDisposable
        {
            public required NorFlash Flash { get; init; }
            public required RecordLog Log { get; init; }
            public required CertStore Store { get; init; }
            public void Dispose() => Flash.Dispose();
        }

        internal static Session Open(string path, bool writable)
        {
            if (!File.Exists(path))
            {
                throw new CommandException(path + ": no such image");
            }
            int sector;
            try
            {
                using (var probe = NorFlash.OpenImage(path, 512, writable: false))
                {
                    sector = RecordLog.ProbeSectorSize(probe);
                }
            }
            catch (InvalidDataException)
            {
                throw new CommandException(path + ": not an nf.Certs store image (size is not a multiple of 512 bytes)");
            }
            catch (IOException e)
            {
                throw new CommandException(path + ": " + e.Message);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new CommandException(path + ": " + e.Message);
            }
            if (sector == 0)
            {
                throw new CommandException(path + ": not an nf.Certs store image (no valid sector header; create one with 'nfcerts store init')");
            }
            NorFlash flash;
            try
            {
                flash = NorFlash.OpenImage(path, sector, writable);
            }
            catch (InvalidDataException)
            {
                throw new CommandException(path + ": not an nf.Certs store image (its size is not a whole number of its " + sector + "-byte sectors)");
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new CommandException(path + ": " + e.Message);
            }
            try
            {
                var log = RecordLog.Mount(flash, CertStore.MaxEntrySize);
                return new Session { Flash = flash, Log = log, Store = new CertStore(log, new HostKeyVault()) };
            }
            catch (StorageException e)
            {
                flash.Dispose();
                throw new CommandException(path + ": " + e.Message);
            }
        }

        private static void List(CertStore store, TextWriter stdout, bool json)
        {
            int n = store.GetCertificateCount();
            var rows = new List<Dictionary<string, object?>>();
            for (int i = 0; i < n; i++)
            {
                var id = store.GetCertificateIdentifierAt(i);
                var row = new Dictionary<string, object?> { ["id"] = id, ["type"] = TypeName(store.GetCertificateType(id)) };
                try
                {
                    var info = store.GetCertificateInfo(id);
                    row["subject"] = info.Subject.Name;
                    row["notAfter"] = CertCommands.Iso(info.NotAfter);
                }
                catch (CertStoreException e)
                {
                    // One damaged entry is listed as such; the others are still shown.
                    row["subject"] = "(unreadable: " + e.Message + ")";
                    row["notAfter"] = "-";
                    row["error"] = e.Message;
                }
                rows.Add(row);
            }
            if (json)
            {
                stdout.WriteLine(JsonSerializer.Serialize(rows, CertCommands.JsonOptions));
                return;
            }
            if (n == 0)
            {
                stdout.WriteLine("(empty)");
                return;
            }
            stdout.WriteLine("ID".PadRight(17) + "TYPE".PadRight(8) + "NOT AFTER".PadRight(21) + "SUBJECT");
            foreach (var r in rows)
            {
                stdout.WriteLine(((string)r["id"]!).PadRight(17) + ((string)r["type"]!).PadRight(8) + ((string)r["notAfter"]!).PadRight(21) + r["subject"]);
            }
        }

        private static void Stats(Session s, TextWriter stdout, bool json)
        {
            var log = s.Log;
            var erases = log.GetEraseCounts();
            var d = new Dictionary<string, object?>
            {
                ["sizeBytes"] = s.Flash.Size,
                ["sectorBytes"] = s.Flash.SectorSize,
                ["sectors"] = s.Flash.SectorCount,
                ["freeSectors"] = log.FreeSectors,
                ["reserveSectors"] = log.ReserveSectors,
                ["certificates"] = s.Store.GetCertificateCount(),
                ["capacityBytes"] = log.CapacityBytes,
                ["usedBytes"] = log.FootprintBytes,
                ["programmedBytes"] = log.WrittenBytes,
                ["availableBytes"] = s.Store.GetAvailableSpace(),
                ["mountBytesRead"] = log.MountBytesRead,
                // From the sector headers and, for reclaimed sectors, the compaction records (SPEC.md, "Mount" step 6).
                ["erasesPerSector"] = erases,
            };
            if (json)
            {
                stdout.WriteLine(JsonSerializer.Serialize(d, CertCommands.JsonOptions));
                return;
            }
            foreach (var kv in d)
            {
                if (kv.Value is uint[] e)
                {
                    stdout.WriteLine("erasesPerSector: " + string.Join(" ", e));
                }
                else
                {
                    stdout.WriteLine(kv.Key + ": " + kv.Value);
                }
            }
        }
    }
}
