using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Wifi;
using NfCerts.Core.X509;

namespace NfCerts.Core.Renewal
{
    /// <summary>
    /// The device's <see cref="IRenewalEffects"/>: the seed's calls on the certificate store (<c>InstallClientCertificate</c>,
    /// <c>MoveCertificate</c>, ...), the Wi-Fi configuration (<c>SetClientCertStoreIdentifier</c>, <c>PersistConfig</c>,
    /// <c>ReloadConfig</c>, ...), the connection manager and the issuer, under the IDs of <see cref="RenewalOptions"/>. It
    /// decides nothing and keeps no state; the crash rules are those of the interface.
    /// </summary>
    public sealed class RenewalDriver : IRenewalEffects
    {
        private readonly CertStore _store;
        private readonly WifiConfig _wifi;
        private readonly ConnectionManager _manager;
        private readonly ICertificateIssuer? _issuer;
        private readonly RenewalOptions _options;

        /// <summary>Creates the driver. <paramref name="issuer"/> may be null: the device has no way to get a new client
        /// certificate yet (<see cref="Issue"/> then throws).</summary>
        public RenewalDriver(CertStore store, WifiConfig wifi, ConnectionManager manager, ICertificateIssuer? issuer, RenewalOptions options)
        {
            if (store == null || wifi == null || manager == null || options == null)
            {
                throw new ArgumentNullException("store");
            }
            _store = store;
            _wifi = wifi;
            _manager = manager;
            _issuer = issuer;
            _options = options;
        }

        /// <inheritdoc />
        public object SyncRoot
        {
            get { return _manager.SyncRoot; }
        }

        /// <inheritdoc />
        public event RenewalStepHandler? StepReached;

        // ---- reads ----------------------------------------------------------------------------------

        /// <inheritdoc />
        public void ReadClientFacts(RenewalFacts facts)
        {
            DateTime notBefore;
            DateTime notAfter;
            facts.HasClientCertificate = TryGetClientValidity(out notBefore, out notAfter);
            facts.NotBefore = notBefore;
            facts.NotAfter = notAfter;
            facts.HasIssuer = _issuer != null;
            facts.OnNetwork1 = IsConnectedTo(_options.Network1);
        }

        /// <inheritdoc />
        public bool TryGetClientValidity(out DateTime notBefore, out DateTime notAfter)
        {
            return TryGetValidity(_options.ClientCert1, out notBefore, out notAfter);
        }

        /// <inheritdoc />
        public bool TryGetRootValidity(out DateTime notBefore, out DateTime notAfter)
        {
            return TryGetValidity(_options.RootCa1, out notBefore, out notAfter);
        }

        /// <inheritdoc />
        public byte[] GetClientCertificate()
        {
            return _store.GetCertificate(_options.ClientCert1);
        }

        /// <inheritdoc />
        public bool HoldsRootCa(byte[] der, bool asRootCa2)
        {
            string id = asRootCa2 ? _options.RootCa2 : _options.RootCa1;
            return _store.ContainsCertificate(id) && SameBytes(_store.GetCertificate(id), der);
        }

        /// <inheritdoc />
        public bool HasNetwork(string configName)
        {
            return NetworkId(configName) >= 0;
        }

        /// <inheritdoc />
        public bool IsConnectedTo(string configName)
        {
            int connected;
            int id = NetworkId(configName);
            return id >= 0 && _wifi.TryGetConnectedNetworkId(out connected) && connected == id;
        }

        // ---- client certificate rotation -------------------------------------------------------------

        /// <inheritdoc />
        public IssuedCredential Issue(IssueRequest request)
        {
            if (_issuer == null)
            {
                throw new IssuerException("no certificate issuer configured", false, TimeSpan.Zero);
            }
            return _issuer.Issue(request);
        }

        /// <inheritdoc />
        public bool InstallCandidate(IssuedCredential issued, out string refusal)
        {
            refusal = "";
            try
            {
                _store.InstallClientCertificate(_options.ClientCert2, WithChain(issued), issued.PrivateKey, null);
            }
            catch (CertStoreException e)
            {
                if (e.Error == CertStoreError.StorageFailure)
                {
                    throw;
                }
                refusal = e.Message;
                return false;
            }
            int n1 = NetworkId(_options.Network1);
            _wifi.SetClientCertStoreIdentifier(n1, _options.ClientCert2);
            // ReloadConfig discards unsaved changes (reference semantics): the trial pointer is persisted, and the
            // journal rolls it back if a reboot comes before the connection has proved ClientCert2.
            _wifi.PersistConfig();
            return true;
        }

        /// <inheritdoc />
        public bool TryCandidate(out string reason)
        {
            Step("Client.5.ReloadConfig");
            _wifi.ReloadConfig();
            Step("Client.6.CheckConnection");
            reason = "";
            for (int i = 0; i < _options.TrialConnectAttempts; i++)
            {
                if (_manager.ConnectNow() && IsConnectedTo(_options.Network1))
                {
                    return true;
                }
                var d = _wifi.GetNetworkDiagnostics(NetworkId(_options.Network1));
                reason = "Network1 did not connect with " + _options.ClientCert2 + ": " + DescribeDiagnostics(d);
                if (d.CertError != WifiCertError.None || _wifi.ConnectedConfigName.Length > 0)
                {
                    // The certificate itself is refused (or the device is on another network): no point retrying now.
                    return false;
                }
            }
            return false;
        }

        /// <inheritdoc />
        public void PromoteCandidate()
        {
            Step("Client.6.MoveClientCert2");
            if (_store.ContainsCertificate(_options.ClientCert2))
            {
                _store.MoveCertificate(_options.ClientCert2, _options.ClientCert1);
            }
            Step("Client.6.ReenableNetwork1");
            int n1 = NetworkId(_options.Network1);
            _wifi.SetNetworkEnabled(n1, false);
            _wifi.SetClientCertStoreIdentifier(n1, _options.ClientCert1);
            _wifi.SetNetworkEnabled(n1, true);
            _wifi.PersistConfig();
        }

        /// <inheritdoc />
        public void RollBackCandidate()
        {
            Step("Client.7.Rollback");
            int n1 = NetworkId(_options.Network1);
            if (n1 >= 0)
            {
                _wifi.SetClientCertStoreIdentifier(n1, _options.ClientCert1);
                _wifi.PersistConfig();
            }
            if (_store.ContainsCertificate(_options.ClientCert2))
            {
                _store.DeleteCertificate(_options.ClientCert2);
            }
        }

        // ---- root CA rotation -----------------------------------------------------------------------

        /// <inheritdoc />
        public void PrepareRootCa(byte[] rootCa)
        {
            Step("Root.3.InstallRootCA2");
            _store.InstallRootCACertificate(_options.RootCa2, rootCa);
            Step("Root.4.AddDuplicateNetwork");
            int n2 = NetworkId(_options.Network2);
            if (n2 < 0)
            {
                int n1 = NetworkId(_options.Network1);
                if (n1 < 0)
                {
                    throw new InvalidOperationException("there is no network '" + _options.Network1 + "' to duplicate");
                }
                n2 = _wifi.AddDuplicateNetwork(n1, _options.Network2);
            }
            _wifi.SetRootCACertStoreIdentifier(n2, _options.RootCa2);
            _wifi.SetNetworkEnabled(n2, true);
            _wifi.PersistConfig();
        }

        /// <inheritdoc />
        public void PromoteRootCa()
        {
            Step("Root.6.MoveRootCA2");
            if (_store.ContainsCertificate(_options.RootCa2))
            {
                _store.MoveCertificate(_options.RootCa2, _options.RootCa1);
            }
            Step("Root.6.ReloadConfig");
            _wifi.ReloadConfig();
            Step("Root.6.ForgetNetwork2");
            int n2 = NetworkId(_options.Network2);
            if (n2 >= 0)
            {
                _wifi.ForgetNetworkById(n2);
            }
            _wifi.PersistConfig();
        }

        // ---- connection -----------------------------------------------------------------------------

        /// <inheritdoc />
        public void ReloadConfig()
        {
            _wifi.ReloadConfig();
        }

        /// <inheritdoc />
        public void Connect()
        {
            _manager.ConnectNow();
        }

        // ---- helpers --------------------------------------------------------------------------------

        /// <summary>True when the two byte arrays are equal.</summary>
        internal static bool SameBytes(byte[] a, byte[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }
            return true;
        }

        private void Step(string name)
        {
            var h = StepReached;
            if (h != null)
            {
                h(this, name);
            }
        }

        private bool TryGetValidity(string id, out DateTime notBefore, out DateTime notAfter)
        {
            notBefore = DateTime.MinValue;
            notAfter = DateTime.MinValue;
            if (!_store.ContainsCertificate(id))
            {
                return false;
            }
            var info = _store.GetCertificateInfo(id);
            notBefore = info.NotBefore;
            notAfter = info.NotAfter;
            return true;
        }

        private int NetworkId(string configName)
        {
            try
            {
                return _wifi.GetNetworkIdByConfigName(configName);
            }
            catch (WifiConfigException)
            {
                return -1;
            }
        }

        /// <summary>The issued certificate followed by the issuer's chain, as the store installs a chain.</summary>
        /// <exception cref="CertStoreException">The certificate is unusable (as the install would report).</exception>
        private static byte[] WithChain(IssuedCredential issued)
        {
            byte[]? chain = issued.Chain;
            if (chain == null || chain.Length == 0)
            {
                return issued.Certificate;
            }
            return CertificateChain.Join(CertStore.DecodeCertificate(issued.Certificate), chain);
        }

        private static string DescribeDiagnostics(WifiDiagnostics d)
        {
            string s;
            switch (d.CertError)
            {
                case WifiCertError.InvalidClientAuth:
                    s = "the server rejected the client certificate";
                    break;
                case WifiCertError.InvalidRootCA:
                    s = "the server's certificate is not trusted";
                    break;
                case WifiCertError.CertificateNotFound:
                    s = "a certificate is missing from the store";
                    break;
                default:
                    s = d.Error == WifiNetworkError.NetworkNotFound ? "network not found"
                        : d.Error == WifiNetworkError.AuthenticationFailed ? "authentication failed" : "connection failed";
                    break;
            }
            return d.Detail.Length > 0 ? s + " (" + d.Detail + ")" : s;
        }
    }
}
