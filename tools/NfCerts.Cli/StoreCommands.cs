using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Text.Json;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Core.X509;
using NfCerts.Hal.Host;

namespace NfCerts.Cli
{
    /// <summary><c>nfcerts store ...</c>: the certificate store in a flash image file.</summary>
    internal static class StoreCommands
    {
        public const int DefaultSize = 256 * 1024;
        public const int DefaultSector = 4096;

        public static Command Build(Ui ui)
        {
            var store = new Command("store", "Build and edit certificate-store flash images")
                .WithExamples("store init device.img", "store ls device.img");
            store.Add(InitCommand(ui));
            store.Add(LsCommand(ui));
            store.Add(ShowCommand(ui));
            store.Add(InstallRootCommand(ui));
            store.Add(InstallClientCommand(ui));
            store.Add(MoveCommand(ui));
            store.Add(RmCommand(ui));
            store.Add(StatsCommand(ui));
            store.Add(DeployFileCommand(ui));
            return store;
        }

        private static Command InitCommand(Ui ui)
        {
            var image = Parameters.Image();
            var size = Parameters.Bytes("--size", DefaultSize, "Image size, a whole number of sectors (256K is the ESP32 partition)");
            var sector = Parameters.Bytes("--sector", DefaultSector, "Flash sector size, a power of two from 512 to 65536");
            var init = new Command("init", "Create an empty store image") { image, size, sector }
                .WithExamples("store init device.img", "store init small.img --size 64K --sector 4096");
            init.SetAction(r => Init(r.GetValue(image)!, r.GetValue(size), r.GetValue(sector), ui.Out));
            return init;
        }

        private static Command LsCommand(Ui ui)
        {
            var image = Parameters.Image();
            var json = Parameters.Json();
            var ls = new Command("ls", "List identifiers, types, subjects and expiry") { image, json }
                .WithExamples("store ls device.img", "store ls device.img --json");
            ls.SetAction(r => Ls(r.GetValue(image)!, r.GetValue(json), ui));
            return ls;
        }

        private static Command ShowCommand(Ui ui)
        {
            var image = Parameters.Image();
            var id = Parameters.Text("ID", "Certificate identifier, e.g. RootCA1 or ClientCert1");
            id.CompletionSources.Add(c => CertificateIds(c.ParseResult.GetValue(image)));
            var json = Parameters.Json();
            var show = new Command("show", "Show one entry's certificate fields") { image, id, json }
                .WithExamples("store show device.img ClientCert1", "store show device.img RootCA1 --json");
            show.SetAction(r => Show(r.GetValue(image)!, r.GetValue(id)!, r.GetValue(json), ui.Out));
            return show;
        }

        private static Command InstallRootCommand(Ui ui)
        {
            var image = Parameters.Image();
            var id = Parameters.Text("ID", "Identifier to install under, e.g. RootCA1");
            var cert = Parameters.Text("CERT", "Root CA certificate file, PEM or DER, holding exactly one certificate");
            var installRoot = new Command("install-root", "Install or replace a root CA certificate") { image, id, cert }
                .WithExamples("store install-root device.img RootCA1 radius-root.pem");
            installRoot.SetAction(r => InstallRoot(r.GetValue(image)!, r.GetValue(id)!, r.GetValue(cert)!, ui.Out));
            return installRoot;
        }

        private static Command InstallClientCommand(Ui ui)
        {
            var image = Parameters.Image();
            var id = Parameters.Text("ID", "Identifier to install under, e.g. ClientCert1");
            var cert = Parameters.Text("CERT", "Client certificate file, PEM or DER: the device's certificate, optionally followed by its intermediates (leaf first, at most 4 in all)");
            var key = Parameters.Text("KEY", "Its private key file, PEM or DER (PKCS#8, PKCS#1 or SEC1)");
            var password = Parameters.Value("--password", "P", "Password of an encrypted PKCS#8 key");
            var installClient = new Command("install-client", "Install or replace a client certificate and its private key")
                { image, id, cert, key, password }
                .WithExamples("store install-client device.img ClientCert1 device.pem device.key",
                    "store install-client device.img ClientCert1 device-chain.pem device.key");
            installClient.SetAction(r => InstallClient(r.GetValue(image)!, r.GetValue(id)!, r.GetValue(cert)!, r.GetValue(key)!, r.GetValue(password), ui.Out));
            return installClient;
        }

        private static Command MoveCommand(Ui ui)
        {
            var image = Parameters.Image();
            var src = Parameters.Text("SRC", "Identifier to rename");
            src.CompletionSources.Add(c => CertificateIds(c.ParseResult.GetValue(image)));
            var dst = Parameters.Text("DST", "New identifier; an entry already there is replaced");
            var move = new Command("move", "Rename SRC to DST atomically, replacing DST") { image, src, dst }
                .WithExamples("store move device.img RootCA2 RootCA1");
            move.SetAction(r => Move(r.GetValue(image)!, r.GetValue(src)!, r.GetValue(dst)!, ui.Out));
            return move;
        }

        private static Command RmCommand(Ui ui)
        {
            var image = Parameters.Image();
            var id = Parameters.Text("ID", "Identifier to delete");
            id.CompletionSources.Add(c => CertificateIds(c.ParseResult.GetValue(image)));
            var rm = new Command("rm", "Delete an entry") { image, id }
                .WithExamples("store rm device.img ClientCert2");
            rm.SetAction(r => Remove(r.GetValue(image)!, r.GetValue(id)!, ui.Out));
            return rm;
        }

        private static Command StatsCommand(Ui ui)
        {
            var image = Parameters.Image();
            var json = Parameters.Json();
            var stats = new Command("stats", "Free space, bytes programmed in live sectors, erases per sector") { image, json }
                .WithExamples("store stats device.img", "store stats device.img --json");
            stats.SetAction(r => Stats(r.GetValue(image)!, r.GetValue(json), ui));
            return stats;
        }

        private static Command DeployFileCommand(Ui ui)
        {
            var image = Parameters.Image();
            var port = Parameters.Value("--port", "PORT", "The board's serial port (COM3, /dev/ttyUSB0); omitted, give it to nanoff as --serialport");
            var output = Parameters.Value("--out", "FILE", "The nanoff file-deployment description to write", required: true);
            var deploy = new Command("deploy-file", "Write the nanoff --filedeployment description that puts a store image on a stock-firmware board's I: drive (the image must be 64K with 4096-byte sectors)") { image, port, output }
                .WithExamples("store deploy-file device.store --port COM3 --out deploy.json");
            deploy.SetAction(r => FileDeployment.Write(r.GetValue(image)!, r.GetValue(port), r.GetValue(output)!, ui.Out));
            return deploy;
        }

        private static int Init(string image, int size, int sector, TextWriter stdout)
        {
            Init(image, size, sector);
            stdout.WriteLine("initialised " + image + ": " + size + " bytes, " + sector + "-byte sectors");
            return 0;
        }

        private static int Ls(string image, bool json, Ui ui)
        {
            using var s = Open(image, false);
            List(s.Store, ui, json);
            return 0;
        }

        private static int Show(string image, string id, bool json, TextWriter stdout)
        {
            using var s = Open(image, false);
            var store = s.Store;
            var der = store.GetCertificate(id);
            var extra = new List<KeyValuePair<string, object?>>
            {
                new("id", id),
                new("type", TypeName(store.GetCertificateType(id))),
            };
            CertCommands.Print(stdout, CertCommands.Describe(store.GetCertificateInfo(id), der, extra), json);
            return 0;
        }

        private static int InstallRoot(string image, string id, string certFile, TextWriter stdout)
        {
            // Read a whole bundle (ca-certificates.crt is 200 KiB), so that it is refused for what it is, not for its size.
            var cert = CertCommands.ReadFile(certFile, MaxBundleFile);
            int count = CountCertificates(cert);
            if (count > 1)
            {
                throw new CommandException(certFile + ": install-root expects one certificate; the file holds " + count
                    + " (split the bundle and install each root under its own ID)");
            }
            using var s = Open(image, true);
            s.Store.InstallRootCACertificate(id, cert);
            stdout.WriteLine("installed root CA " + id);
            return 0;
        }

        private static int InstallClient(string image, string id, string certFile, string keyFile, string? password, TextWriter stdout)
        {
            var cert = CertCommands.ReadFile(certFile, 2 * CertificateChain.MaxChainInputSize);
            var key = CertCommands.ReadFile(keyFile, 4 * CertStore.MaxKeySize);
            using var s = Open(image, true);
            s.Store.InstallClientCertificate(id, cert, key, password);
            int chain = s.Store.GetCertificateChainCount(id);
            stdout.WriteLine("installed client certificate " + id + (chain > 1 ? " with " + (chain - 1) + (chain == 2 ? " intermediate" : " intermediates") : ""));
            return 0;
        }

        private const int MaxBundleFile = 1 << 20;

        /// <summary>Certificates in a file; 1 when it cannot be counted (the store then says what is wrong with it).</summary>
        private static int CountCertificates(byte[] file)
        {
            try
            {
                return CertificateChain.Count(file);
            }
            catch (CertificateFormatException)
            {
                return 1;
            }
        }

        private static int Move(string image, string src, string dst, TextWriter stdout)
        {
            using var s = Open(image, true);
            s.Store.MoveCertificate(src, dst);
            stdout.WriteLine("moved " + src + " to " + dst);
            return 0;
        }

        private static int Remove(string image, string id, TextWriter stdout)
        {
            using var s = Open(image, true);
            s.Store.DeleteCertificate(id);
            stdout.WriteLine("deleted " + id);
            return 0;
        }

        private static int Stats(string image, bool json, Ui ui)
        {
            using var s = Open(image, false);
            Stats(s, ui, json);
            return 0;
        }

        /// <summary>The identifiers in an image, for tab completion: none when it is missing or not a store image.</summary>
        internal static IEnumerable<string> CertificateIds(string? image)
        {
            var ids = new List<string>();
            try
            {
                using var s = Open(image ?? "", false);
                for (int i = 0; i < s.Store.GetCertificateCount(); i++)
                {
                    ids.Add(s.Store.GetCertificateIdentifierAt(i));
                }
            }
            catch (Exception e) when (e is CommandException || e is StorageException || e is CertStoreException)
            {
            }
            return ids;
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

        private static void List(CertStore store, Ui ui, bool json)
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
                ui.Out.WriteLine(JsonSerializer.Serialize(rows, CertCommands.JsonOptions));
                return;
            }
            if (n == 0)
            {
                ui.Out.WriteLine("(empty)");
                return;
            }
            // The key's state at rest is for people (the JSON keeps its fields): sealed, or pending the device's seal.
            var table = Ui.Table("ID", "TYPE", "KEY", "NOT AFTER", "SUBJECT");
            foreach (var r in rows)
            {
                Ui.AddRow(table, r["id"], r["type"], KeyState(store, (string)r["id"]!), r["notAfter"], r["subject"]);
            }
            ui.Console.Write(table);
        }

        /// <summary>How the entry's private key lies in the image: "-" for a root CA.</summary>
        private static string KeyState(CertStore store, string id) => store.GetKeyProtection(id) switch
        {
            KeyProtection.None => "-",
            KeyProtection.Sealed => "sealed",
            KeyProtection.PendingSeal => "pending seal",
            KeyProtection.Unsealed => "unsealed",
            _ => "unreadable",
        };

        private static void Stats(Session s, Ui ui, bool json)
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
                ui.Out.WriteLine(JsonSerializer.Serialize(d, CertCommands.JsonOptions));
                return;
            }
            var table = Ui.Table("FIELD", "VALUE");
            foreach (var kv in d)
            {
                Ui.AddRow(table, kv.Key, kv.Value is uint[] e ? string.Join(" ", e) : kv.Value);
            }
            ui.Console.Write(table);
        }
    }
}
