using System;
using System.Collections;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Hal;

namespace NfCerts.Core.Wifi
{
    /// <summary>Raised after <see cref="WifiConfig.ReloadConfig"/> has dropped the connection.</summary>
    public delegate void WifiConfigReloadedHandler(object sender);

    /// <summary>
    /// The device's Wi-Fi networks with the reference platform's <c>WifiConfig_*</c> semantics.
    /// </summary>
    /// <remarks>
    /// <para>Setters act on the in-memory configuration at once; <see cref="PersistConfig"/> writes the whole
    /// configuration in one atomic commit of the flash log; <see cref="ReloadConfig"/> discards unsaved changes,
    /// re-reads the configuration, and drops the connection so that the next connection uses the current networks and
    /// certificates (required after any certificate store change).</para>
    /// <para>Network IDs are positions in the list: they change when networks are added or forgotten, on reload and on
    /// reboot. Look a network up by config name (<see cref="GetNetworkIdByConfigName"/>) each time.</para>
    /// <para>The configuration is stored under log key <c>"Wnetworks"</c>. Not thread-safe: callers serialise access
    /// (the firmware runs it on one thread).</para>
    /// </remarks>
    public sealed class WifiConfig
    {
        /// <summary>Longest config name.</summary>
        public const int MaxConfigNameLength = 16;
        /// <summary>Longest EAP identity.</summary>
        public const int MaxIdentityLength = 254;
        /// <summary>Log key of the persisted configuration.</summary>
        public const string LogKey = "Wnetworks";

        private readonly RecordLog _log;
        private readonly IWifiRadio _radio;
        private ArrayList _networks = new ArrayList();
        private readonly Hashtable _diagnostics = new Hashtable();
        private string _connected = "";
        private int _connectedIndex = -1;

        /// <summary>Loads the persisted configuration (none: no networks).</summary>
        public WifiConfig(RecordLog log, IWifiRadio radio)
        {
            if (log == null)
            {
                throw new ArgumentNullException("log");
            }
            if (radio == null)
            {
                throw new ArgumentNullException("radio");
            }
            _log = log;
            _radio = radio;
            _networks = Load();
        }

        /// <summary>Raised after a reload has dropped the connection; the connection manager reconnects.</summary>
        public event WifiConfigReloadedHandler? Reloaded;

        /// <summary>Number of networks (saved or not).</summary>
        public int GetStoredNetworkCount()
        {
            return _networks.Count;
        }

        /// <summary>Adds an unconfigured, disabled open network and returns its ID.</summary>
        public int AddNetwork()
        {
            _networks.Add(new WifiNetwork());
            return _networks.Count - 1;
        }

        /// <summary>Adds an independent copy of network <paramref name="networkId"/> under <paramref name="newConfigName"/>;
        /// the copy starts disabled. Returns its ID.</summary>
        public int AddDuplicateNetwork(int networkId, string newConfigName)
        {
            var source = Get(networkId);
            CheckConfigName(newConfigName);
            RequireUniqueName(newConfigName, -1);
            var copy = source.Clone();
            copy.ConfigName = newConfigName;
            copy.Enabled = false;
            _networks.Add(copy);
            return _networks.Count - 1;
        }

        /// <summary>Removes network <paramref name="networkId"/>; the IDs of later networks shift down by one.
        /// Forgetting the connected network disconnects.</summary>
        public void ForgetNetworkById(int networkId)
        {
            var n = Get(networkId);
            bool wasConnected = _connectedIndex == networkId;
            _networks.RemoveAt(networkId);
            _diagnostics.Remove(n.ConfigName);
            if (wasConnected)
            {
                _radio.Disconnect();
                SetConnected(-1);
            }
            else if (_connectedIndex > networkId)
            {
                _connectedIndex--;
            }
        }

        /// <summary>The ID of the network named <paramref name="configName"/>.</summary>
        public int GetNetworkIdByConfigName(string configName)
        {
            for (int i = 0; i < _networks.Count; i++)
            {
                if (((WifiNetwork)_networks[i]!).ConfigName == configName)
                {
                    return i;
                }
            }
            throw new WifiConfigException(WifiConfigError.NotFound, "no network named '" + configName + "'");
        }

        /// <summary>The ID of the network the device is connected to; fails with NotConnected when there is none.</summary>
        public int GetConnectedNetworkId()
        {
            if (_connectedIndex < 0 || !_radio.IsConnected)
            {
                throw new WifiConfigException(WifiConfigError.NotConnected, "the device is not connected to a network");
            }
            return _connectedIndex;
        }

        /// <summary>True when connected; <paramref name="networkId"/> is then the connected network's ID.</summary>
        public bool TryGetConnectedNetworkId(out int networkId)
        {
            networkId = _radio.IsConnected ? _connectedIndex : -1;
            return networkId >= 0;
        }

        /// <summary>The diagnostics of the last attempt on network <paramref name="networkId"/>.</summary>
        public WifiDiagnostics GetNetworkDiagnostics(int networkId)
        {
            var n = Get(networkId);
            var d = _diagnostics[Key(n, networkId)] as WifiDiagnostics;
            return d ?? new WifiDiagnostics();
        }

        /// <summary>A copy of network <paramref name="networkId"/>'s settings.</summary>
        public WifiNetwork GetNetwork(int networkId)
        {
            return Get(networkId).Clone();
        }

        /// <summary>Sets the SSID (1-32 bytes of UTF-8).</summary>
        public void SetSsid(int networkId, string ssid)
        {
            var n = Get(networkId);
            int bytes = ssid == null ? 0 : System.Text.Encoding.UTF8.GetBytes(ssid).Length;
            if (bytes < 1 || bytes > 32)
            {
                throw new WifiConfigException(WifiConfigError.InvalidArgument, "an SSID must be 1-32 bytes");
            }
            n.Ssid = ssid!;
        }

        /// <summary>Sets the security type.</summary>
        public void SetSecurityType(int networkId, WifiSecurity security)
        {
            var n = Get(networkId);
            if (security != WifiSecurity.Open && security != WifiSecurity.Wpa2Psk && security != WifiSecurity.Wpa2EapTls)
            {
                throw new WifiConfigException(WifiConfigError.InvalidArgument, "unknown security type " + (int)security);
            }
            n.Security = security;
        }

        /// <summary>Sets the WPA2 passphrase (8-63 printable ASCII characters, or 64 hex digits).</summary>
        public void SetPsk(int networkId, string psk)
        {
            var n = Get(networkId);
            if (!ValidPsk(psk))
            {
                throw new WifiConfigException(WifiConfigError.InvalidArgument, "a PSK must be 8-63 printable ASCII characters or 64 hex digits");
            }
            n.Psk = psk;
        }

        /// <summary>Sets the config name (1-16 characters of <c>[A-Za-z0-9._-]</c>, unique).</summary>
        public void SetConfigName(int networkId, string configName)
        {
            var n = Get(networkId);
            CheckConfigName(configName);
            RequireUniqueName(configName, networkId);
            var d = _diagnostics[Key(n, networkId)];
            _diagnostics.Remove(Key(n, networkId));
            n.ConfigName = configName;
            if (d != null)
            {
                _diagnostics[configName] = d;
            }
        }

        /// <summary>Names the certificate store entry holding the client certificate and key (EAP-TLS).</summary>
        public void SetClientCertStoreIdentifier(int networkId, string certId)
        {
            var n = Get(networkId);
            CheckCertId(certId);
            n.ClientCertId = certId;
        }

        /// <summary>Names the certificate store entry holding the RADIUS server's root CA (EAP-TLS).</summary>
        public void SetRootCACertStoreIdentifier(int networkId, string certId)
        {
            var n = Get(networkId);
            CheckCertId(certId);
            n.RootCaId = certId;
        }

        /// <summary>Sets the EAP identity (up to 254 characters).</summary>
        public void SetClientIdentity(int networkId, string identity)
        {
            var n = Get(networkId);
            if (identity == null || identity.Length > MaxIdentityLength)
            {
                throw new WifiConfigException(WifiConfigError.InvalidArgument, "an EAP identity must have at most " + MaxIdentityLength + " characters");
            }
            n.ClientIdentity = identity;
        }

        /// <summary>Requires the server certificate to carry this DNS name; empty turns the check off.</summary>
        public void SetServerDomain(int networkId, string domain)
        {
            var n = Get(networkId);
            if (domain == null || domain.Length > 253 || domain.IndexOf(' ') >= 0)
            {
                throw new WifiConfigException(WifiConfigError.InvalidArgument, "a server domain must be a DNS name of at most 253 characters");
            }
            n.ServerDomain = domain;
        }

        /// <summary>Enables or disables network <paramref name="networkId"/>. Disabling the connected network disconnects.</summary>
        public void SetNetworkEnabled(int networkId, bool enabled)
        {
            var n = Get(networkId);
            n.Enabled = enabled;
            if (!enabled && _connectedIndex == networkId)
            {
                _radio.Disconnect();
                SetConnected(-1);
            }
        }

        /// <summary>Writes the whole configuration in one atomic commit.</summary>
        public void PersistConfig()
        {
            try
            {
                var t = _log.Begin();
                t.Put(LogKey, WifiConfigCodec.Encode(_networks));
                t.Commit();
            }
            catch (StorageException e)
            {
                throw new WifiConfigException(WifiConfigError.StorageFailure, "the Wi-Fi configuration could not be saved: " + e.Message, e);
            }
        }

        /// <summary>Discards unsaved changes, re-reads the saved configuration, and drops the connection so that the next
        /// connection uses the current networks and certificates.</summary>
        public void ReloadConfig()
        {
            _networks = Load();
            _radio.Disconnect();
            SetConnected(-1);
            var h = Reloaded;
            if (h != null)
            {
                h(this);
            }
        }

        // ---- for the connection manager ------------------------------------------------------------

        /// <summary>Config name of the connected network, or empty.</summary>
        public string ConnectedConfigName
        {
            get { return _radio.IsConnected ? _connected : ""; }
        }

        internal void SetConnected(int networkId)
        {
            _connectedIndex = networkId;
            _connected = networkId >= 0 ? ((WifiNetwork)_networks[networkId]!).ConfigName : "";
        }

        internal void RecordDiagnostics(int networkId, WifiDiagnostics d)
        {
            _diagnostics[Key(Get(networkId), networkId)] = d;
        }

        // ---- internals ---------------------------------------------------------------------------------

        private static string Key(WifiNetwork n, int id)
        {
            return n.ConfigName.Length > 0 ? n.ConfigName : "#" + id;
        }

        private ArrayList Load()
        {
            byte[] data;
            bool found;
            try
            {
                found = _log.TryGet(LogKey, out data);
            }
            catch (StorageException e)
            {
                throw new WifiConfigException(WifiConfigError.StorageFailure, "the Wi-Fi configuration cannot be read: " + e.Message, e);
            }
            return found ? WifiConfigCodec.Decode(data) : new ArrayList();
        }

        private WifiNetwork Get(int networkId)
        {
            if (networkId < 0 || networkId >= _networks.Count)
            {
                throw new WifiConfigException(WifiConfigError.NotFound, "no network with ID " + networkId + " (there are " + _networks.Count + ")");
            }
            return (WifiNetwork)_networks[networkId]!;
        }

        private void RequireUniqueName(string name, int except)
        {
            for (int i = 0; i < _networks.Count; i++)
            {
                if (i != except && ((WifiNetwork)_networks[i]!).ConfigName == name)
                {
                    throw new WifiConfigException(WifiConfigError.AlreadyExists, "a network named '" + name + "' already exists");
                }
            }
        }

        private static void CheckConfigName(string name)
        {
            if (name == null || name.Length > MaxConfigNameLength || !CertStore.IsValidIdentifier(name))
            {
                throw new WifiConfigException(WifiConfigError.InvalidArgument, "a config name must be 1-" + MaxConfigNameLength + " characters of A-Z a-z 0-9 . _ -");
            }
        }

        private static void CheckCertId(string certId)
        {
            if (!CertStore.IsValidIdentifier(certId))
            {
                throw new WifiConfigException(WifiConfigError.InvalidArgument, "a certificate ID must be 1-" + CertStore.MaxIdentifierLength + " characters of A-Z a-z 0-9 . _ -");
            }
        }

        private static bool ValidPsk(string psk)
        {
            if (psk == null)
            {
                return false;
            }
            if (psk.Length == 64)
            {
                for (int i = 0; i < 64; i++)
                {
                    char c = psk[i];
                    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
                    {
                        return false;
                    }
                }
                return true;
            }
            if (psk.Length < 8 || psk.Length > 63)
            {
                return false;
            }
            for (int i = 0; i < psk.Length; i++)
            {
                if (psk[i] < ' ' || psk[i] > '~')
                {
                    return false;
                }
            }
            return true;
        }
    }
}
