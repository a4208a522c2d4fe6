using System;
using System.Collections.Generic;
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
        public const string Usage =
            "  wifi ls IMAGE [--json]          list the networks stored in an image\n" +
            "  wifi add IMAGE --name N --ssid S [--security open|psk|eap-tls] [--psk P]\n" +
            "           [--client-cert ID] [--root-ca ID] [--identity I] [--domain D] [--disabled]\n" +
            "                                  add a network and save the configuration\n" +
            "  wifi show IMAGE CONFIGNAME [--json]\n" +
            "                                  one network's settings (the PSK is never printed)\n" +
            "  wifi test IMAGE CONFIGNAME --radius HOST:PORT --secret SECRET [--json]\n" +
            "                                  a real EAP-TLS authentication with the network's certificates,\n" +
            "                                  through eapol_test; exit 0 only on success\n";

        public static readonly string[] ValuedOptions =
            { "--name", "--ssid", "--security", "--psk", "--client-cert", "--root-ca", "--identity", "--domain", "--radius", "--secret" };

        public static int Run(Args a, TextWriter stdout)
        {
            var sub = a[0];
            switch (sub)
            {
                case "ls":
                    {
                        bool json = a.Flag("--json");
                        a.Done(2, 2);
                        using var s = StoreCommands.Open(a[1], false);
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
                            stdout.WriteLine("ID  " + "NAME".PadRight(17) + "SECURITY".PadRight(9) + "ENABLED  " + "SSID");
                            foreach (var r in rows)
                            {
                                stdout.WriteLine(r["id"]!.ToString()!.PadRight(4) + ((string)r["configName"]!).PadRight(17) + ((string)r["security"]!).PadRight(9)
                                    + ((bool)r["enabled"]! ? "yes" : "no").PadRight(9) + r["ssid"]);
                            }
                        }
                        return 0;
                    }
                case "show":
                    {
                        bool json = a.Flag("--json");
                        a.Done(3, 3);
                        using var s = StoreCommands.Open(a[1], false);
                        var config = Config(s);
                        int id = Lookup(config, a[2]);
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
                case "add":
                    {
                        var name = a.Value("--name") ?? throw new UsageException("wifi add needs --name");
                        var ssid = a.Value("--ssid") ?? throw new UsageException("wifi add needs --ssid");
                        var security = ParseSecurity(a.Value("--security") ?? "eap-tls");
                        var psk = a.Value("--psk");
                        var clientCert = a.Value("--client-cert");
                        var rootCa = a.Value("--root-ca");
                        var identity = a.Value("--identity");
                        var domain = a.Value("--domain");
                        bool disabled = a.Flag("--disabled");
                        a.Done(2, 2);
                        if (security == WifiSecurity.Wpa2Psk && psk == null)
                        {
                            throw new UsageException("--security psk needs --psk");
                        }
                        if (security == WifiSecurity.Wpa2EapTls && (clientCert == null || rootCa == null || identity == null))
                        {
                            throw new UsageException("--security eap-tls needs --client-cert, --root-ca and --identity");
                        }
                        using var s = StoreCommands.Open(a[1], true);
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
                case "test":
                    {
                        var radius = a.Value("--radius") ?? throw new UsageException("wifi test needs --radius HOST:PORT");
                        var secret = a.Value("--secret") ?? throw new UsageException("wifi test needs --secret");
                        bool json = a.Flag("--json");
                        a.Done(3, 3);
                        var (host, port) = ParseEndpoint(radius);
                        using var s = StoreCommands.Open(a[1], false);
                        var config = Config(s);
                        int id = Lookup(config, a[2]);
                        var net = config.GetNetwork(id);
                        if (net.Security != WifiSecurity.Wpa2EapTls)
                        {
                            throw new CommandException("'" + a[2] + "' is not an EAP-TLS network");
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
                default:
                    throw new UsageException("unknown command 'wifi " + sub + "'");
            }
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
                ClientCertificate = store.GetCertificate(net.ClientCertId),
                ClientKey = store.GetPrivateKey(net.ClientCertId),
                TrustedRoots = new[] { store.GetCertificate(net.RootCaId) },
                ServerDomain = net.ServerDomain.Length > 0 ? net.ServerDomain : null,
                Timeout = TimeSpan.FromSeconds(10),
            };
            return new EapolTestSupplicant(host, port, secret).Authenticate(request);
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
