using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Net;
using System.Text.Json;
using NfCerts.Core.Certificates;
using NfCerts.Core.Wifi;
using NfCerts.Hal;
using NfCerts.Hal.Host;

namespace NfCerts.Cli
{
    /// <summary><c>nfcerts wifi ...</c>: the Wi-Fi networks in a flash image, and a real EAP-TLS check of one.</summary>
    internal static class WifiCommands
    {
        public static Command Build(Ui ui)
        {
            var wifi = new Command("wifi", "The Wi-Fi networks in a store image, and a real EAP-TLS check of one")
                .WithExamples("wifi ls device.img", "wifi test device.img Network1 --radius 127.0.0.1:1812 --secret s3cret");
            wifi.Add(LsCommand(ui));
            wifi.Add(AddCommand(ui));
            wifi.Add(ShowCommand(ui));
            wifi.Add(TestCommand(ui));
            return wifi;
        }

        private static Command LsCommand(Ui ui)
        {
            var image = Parameters.Image();
            var json = Parameters.Json();
            var ls = new Command("ls", "List the networks stored in an image") { image, json }
                .WithExamples("wifi ls device.img", "wifi ls device.img --json");
            ls.SetAction(r => Ls(r.GetValue(image)!, r.GetValue(json), ui));
            return ls;
        }

        private static Command AddCommand(Ui ui)
        {
            var image = Parameters.Image();
            var name = Parameters.Value("--name", "N", "Configuration name of the network, e.g. Network1", required: true);
            var ssid = Parameters.Value("--ssid", "S", "SSID of the access point", required: true);
            var security = Parameters.Choice(new Option<string>("--security")
            {
                Description = "Security of the network",
                DefaultValueFactory = _ => "eap-tls",
            }, "open", "psk", "eap-tls");
            var psk = Parameters.Value("--psk", "P", "Pre-shared key (with --security psk)");
            var clientCert = Parameters.Value("--client-cert", "ID", "Store identifier of the client certificate (EAP-TLS)");
            clientCert.CompletionSources.Add(c => StoreCommands.CertificateIds(c.ParseResult.GetValue(image)));
            var rootCa = Parameters.Value("--root-ca", "ID", "Store identifier of the RADIUS server's root CA (EAP-TLS)");
            rootCa.CompletionSources.Add(c => StoreCommands.CertificateIds(c.ParseResult.GetValue(image)));
            var identity = Parameters.Value("--identity", "I", "EAP identity (EAP-TLS; the ESP32 takes 1 to 127 bytes)");
            var domain = Parameters.Value("--domain", "D", "Server domain the RADIUS certificate must match (EAP-TLS)");
            var disabled = new Option<bool>("--disabled") { Description = "Store the network disabled" };
            var add = new Command("add", "Add a network and save the configuration")
                { image, name, ssid, security, psk, clientCert, rootCa, identity, domain, disabled }
                .WithExamples(
                    "wifi add device.img --name Network1 --ssid corp --security eap-tls --client-cert ClientCert1 --root-ca RootCA1 --identity device-001",
                    "wifi add device.img --name Home --ssid home --security psk --psk 'long passphrase'");
            add.SetAction(r => Add(r.GetValue(image)!, r.GetValue(name)!, r.GetValue(ssid)!, ParseSecurity(r.GetValue(security)!), r.GetValue(psk),
                r.GetValue(clientCert), r.GetValue(rootCa), r.GetValue(identity), r.GetValue(domain), r.GetValue(disabled), ui.Out));
            return add;
        }

        private static Command ShowCommand(Ui ui)
        {
            var image = Parameters.Image();
            var configName = Parameters.Text("CONFIGNAME", "Configuration name of the network");
            configName.CompletionSources.Add(c => NetworkNames(c.ParseResult.GetValue(image)));
            var json = Parameters.Json();
            var show = new Command("show", "One network's settings (the PSK is never printed)") { image, configName, json }
                .WithExamples("wifi show device.img Network1", "wifi show device.img Network1 --json");
            show.SetAction(r => Show(r.GetValue(image)!, r.GetValue(configName)!, r.GetValue(json), ui.Out));
            return show;
        }

        private static Command TestCommand(Ui ui)
        {
            var image = Parameters.Image();
            var configName = Parameters.Text("CONFIGNAME", "Configuration name of an EAP-TLS network");
            configName.CompletionSources.Add(c => NetworkNames(c.ParseResult.GetValue(image)));
            var radius = Parameters.Value("--radius", "HOST:PORT", "The RADIUS server to authenticate against", required: true);
            var secret = Parameters.Value("--secret", "SECRET", "Its RADIUS shared secret", required: true);
            var json = Parameters.Json();
            var test = new Command("test", "A real EAP-TLS authentication with the network's certificates, through eapol_test; exit 0 only on success")
                { image, configName, radius, secret, json }
                .WithExamples("wifi test device.img Network1 --radius 127.0.0.1:1812 --secret s3cret");
            test.SetAction(r => Test(r.GetValue(image)!, r.GetValue(configName)!, r.GetValue(radius)!, r.GetValue(secret)!, r.GetValue(json), ui.Out));
            return test;
        }

        private static int Ls(string image, bool json, Ui ui)
        {
                        var stdout = ui.Out;
                        using var s = StoreCommands.Open(image, false);
                        var config = Config(s);
                        var rows = new List<Dictionary<string, object?>>();
                        for (int i = 0; i < config.GetStoredNetworkCount(); i++)
                        {
                            rows.Add(Describe(i, config.GetNetwork(i)));
                        }
                        if (json)
                        {
                            stdout.WriteLine(JsonSerializer.Serialize(rows, CertCommands.JsonOptions));
                        }
                        else if (rows.Count == 0)
                        {
                            stdout.WriteLine("(no networks)");
                        }
                        else
                        {
                            var table = Ui.Table("ID", "NAME", "SECURITY", "ENABLED", "SSID");
                            foreach (var r in rows)
                            {
                                Ui.AddRow(table, r["id"], r["configName"], r["security"], (bool)r["enabled"]! ? "yes" : "no", r["ssid"]);
                            }
                            ui.Console.Write(table);
                        }
                        return 0;
        }

        private static int Show(string image, string configName, bool json, TextWriter stdout)
        {
                        using var s = StoreCommands.Open(image, false);
                        var config = Config(s);
                        int id = Lookup(config, configName);
                        var d = Describe(id, config.GetNetwork(id));
                        if (json)
                        {
                            stdout.WriteLine(JsonSerializer.Serialize(d, CertCommands.JsonOptions));
                        }
                        else
                        {
                            foreach (var kv in d)
                            {
                                stdout.WriteLine((kv.Key + ":").PadRight(16) + kv.Value);
                            }
                        }
                        return 0;
        }

        private static int Add(string image, string name, string ssid, WifiSecurity security, string? psk, string? clientCert, string? rootCa,
            string? identity, string? domain, bool disabled, TextWriter stdout)
        {
                        if (security == WifiSecurity.Wpa2Psk && psk == null)
                        {
                            throw new UsageException("--security psk needs --psk");
                        }
                        if (security == WifiSecurity.Wpa2EapTls && (clientCert == null || rootCa == null || identity == null))
                        {
                            throw new UsageException("--security eap-tls needs --client-cert, --root-ca and --identity");
                        }
                        using var s = StoreCommands.Open(image, true);
                        var config = Config(s);
                        try
                        {
                            config.GetNetworkIdByConfigName(name);
                            throw new CommandException("a network named '" + name + "' already exists");
                        }
                        catch (WifiConfigException e) when (e.Error == WifiConfigError.NotFound)
                        {
                        }
                        int id = config.AddNetwork();
                        config.SetConfigName(id, name);
                        config.SetSsid(id, ssid);
                        config.SetSecurityType(id, security);
                        if (psk != null) config.SetPsk(id, psk);
                        if (clientCert != null) config.SetClientCertStoreIdentifier(id, clientCert);
                        if (rootCa != null) config.SetRootCACertStoreIdentifier(id, rootCa);
                        if (identity != null) config.SetClientIdentity(id, identity);
                        if (domain != null) config.SetServerDomain(id, domain);
                        config.SetNetworkEnabled(id, !disabled);
                        config.PersistConfig();
                        // The ESP32 station (esp_eap_client_set_identity) takes 1-127 bytes; the reference platform allows 254.
                        if (identity != null && System.Text.Encoding.UTF8.GetByteCount(identity) > 127)
                        {
                            stdout.WriteLine("warning: an EAP identity over 127 bytes is refused by the ESP32 station");
                        }
                        if (domain != null && System.Text.Encoding.UTF8.GetByteCount(domain) > 127)
                        {
                            stdout.WriteLine("warning: a server domain over 127 bytes is refused by the ESP32 station");
                        }
                        foreach (var certId in new[] { clientCert, rootCa })
                        {
                            if (certId != null && !s.Store.ContainsCertificate(certId))
                            {
                                stdout.WriteLine("warning: certificate '" + certId + "' is not in the store yet");
                            }
                        }
                        stdout.WriteLine("added network " + name);
                        return 0;
        }

        private static int Test(string image, string configName, string radius, string secret, bool json, TextWriter stdout)
        {
                        var (host, port) = ParseEndpoint(radius);
                        using var s = StoreCommands.Open(image, false);
                        var config = Config(s);
                        int id = Lookup(config, configName);
                        var net = config.GetNetwork(id);
                        if (net.Security != WifiSecurity.Wpa2EapTls)
                        {
                            throw new CommandException("'" + configName + "' is not an EAP-TLS network");
                        }
                        var result = Authenticate(s.Store, net, host, port, secret);
                        var d = new Dictionary<string, object?>
                        {
                            ["network"] = net.ConfigName,
                            ["success"] = result.Success,
                            ["reason"] = ReasonName(result.Reason),
                            ["certDepth"] = result.CertDepth,
                            ["certSubject"] = result.CertSubject,
                            ["detail"] = result.Detail,
                        };
                        if (json)
                        {
                            stdout.WriteLine(JsonSerializer.Serialize(d, CertCommands.JsonOptions));
                        }
                        else if (result.Success)
                        {
                            stdout.WriteLine("success: " + net.ConfigName + " authenticated against " + radius);
                        }
                        else
                        {
                            stdout.WriteLine("failed: " + ReasonName(result.Reason)
                                + (result.CertDepth >= 0 ? " (certificate at depth " + result.CertDepth + ": " + result.CertSubject + ")" : "")
                                + (string.IsNullOrEmpty(result.Detail) ? "" : "\n  " + result.Detail));
                        }
                        return result.Success ? 0 : 1;
        }

        /// <summary>The EAP-TLS material of <paramref name="net"/> from the store, run through eapol_test.</summary>
        private static WifiConnectResult Authenticate(CertStore store, WifiNetwork net, string host, int port, string secret)
        {
            foreach (var certId in new[] { net.ClientCertId, net.RootCaId })
            {
                if (!store.ContainsCertificate(certId))
                {
                    throw new CommandException("certificate '" + certId + "' named by network '" + net.ConfigName + "' is not in the store");
                }
            }
            if (EapolTestSupplicant.FindExecutable("eapol_test") == null)
            {
                throw new CommandException("eapol_test is not installed (Debian package eapoltest)");
            }
            var request = new WifiConnectRequest
            {
                Ssid = net.Ssid,
                Security = WifiSecurity.Wpa2EapTls,
                EapIdentity = net.ClientIdentity,
                ClientCertificate = store.GetCertificateChain(net.ClientCertId),
                ClientKey = store.GetPrivateKey(net.ClientCertId),
                TrustedRoots = new[] { store.GetCertificate(net.RootCaId) },
                ServerDomain = net.ServerDomain.Length > 0 ? net.ServerDomain : null,
                Timeout = TimeSpan.FromSeconds(10),
            };
            return new EapolTestSupplicant(host, port, secret).Authenticate(request);
        }

        /// <summary>The network names in an image, for tab completion: none when it is missing or not a store image.</summary>
        private static IEnumerable<string> NetworkNames(string? image)
        {
            var names = new List<string>();
            try
            {
                using var s = StoreCommands.Open(image ?? "", false);
                var config = Config(s);
                for (int i = 0; i < config.GetStoredNetworkCount(); i++)
                {
                    names.Add(config.GetNetwork(i).ConfigName);
                }
            }
            catch (Exception e) when (e is CommandException || e is WifiConfigException || e is NfCerts.Core.Storage.StorageException)
            {
            }
            return names;
        }

        private static WifiConfig Config(StoreCommands.Session s) => new WifiConfig(s.Log, new SimulatedRadio(new SystemClock()));

        private static int Lookup(WifiConfig config, string name)
        {
            try
            {
                return config.GetNetworkIdByConfigName(name);
            }
            catch (WifiConfigException)
            {
                throw new CommandException("no network named '" + name + "' in the image");
            }
        }

        private static Dictionary<string, object?> Describe(int id, WifiNetwork n) => new()
        {
            ["id"] = id,
            ["configName"] = n.ConfigName,
            ["ssid"] = n.Ssid,
            ["security"] = SecurityName(n.Security),
            ["enabled"] = n.Enabled,
            ["clientCertId"] = n.ClientCertId,
            ["rootCaId"] = n.RootCaId,
            ["identity"] = n.ClientIdentity,
            ["serverDomain"] = n.ServerDomain,
            ["hasPsk"] = n.Psk.Length > 0,
        };

        private static WifiSecurity ParseSecurity(string s) => s switch
        {
            "open" => WifiSecurity.Open,
            "psk" => WifiSecurity.Wpa2Psk,
            "eap-tls" => WifiSecurity.Wpa2EapTls,
            _ => throw new UsageException("--security must be open, psk or eap-tls"),
        };

        private static string SecurityName(WifiSecurity s) => s switch
        {
            WifiSecurity.Open => "open",
            WifiSecurity.Wpa2Psk => "psk",
            _ => "eap-tls",
        };

        public static string ReasonName(WifiFailureReason r) => r switch
        {
            WifiFailureReason.None => "none",
            WifiFailureReason.NetworkNotFound => "network-not-found",
            WifiFailureReason.AuthenticationFailed => "authentication-failed",
            WifiFailureReason.ServerCertificateNotTrusted => "invalid-root-ca",
            WifiFailureReason.ClientCertificateRejected => "invalid-client-auth",
            WifiFailureReason.Timeout => "timeout",
            WifiFailureReason.LinkLost => "link-lost",
            WifiFailureReason.RadioError => "radio-error",
            WifiFailureReason.NotSupportedByFirmware => "not-supported-by-firmware",
            _ => "invalid-request",
        };

        private static (string, int) ParseEndpoint(string s)
        {
            int colon = s.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(s[(colon + 1)..], out int port) || port < 1 || port > 65535)
            {
                throw new UsageException("--radius must be HOST:PORT, not '" + s + "'");
            }
            var host = s[..colon].Trim('[', ']');
            if (!IPAddress.TryParse(host, out _))
            {
                try
                {
                    host = Dns.GetHostAddresses(host)[0].ToString();
                }
                catch (Exception e) when (e is System.Net.Sockets.SocketException || e is IndexOutOfRangeException)
                {
                    throw new CommandException("cannot resolve '" + host + "'");
                }
            }
            return (host, port);
        }
    }
}
