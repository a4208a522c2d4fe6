using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Timing;
using NfCerts.Hal;

namespace NfCerts.Core.Wifi
{
    /// <summary>Raised when the device has joined a network.</summary>
    public delegate void WifiConnectedHandler(object sender, string configName);

    /// <summary>
    /// Keeps the device on a network without help: tries the enabled networks (the last one that worked first, then
    /// the others in ID order), records why each failed, and retries with capped exponential backoff and a per-device
    /// jitter after a failed pass, after link loss and after <see cref="WifiConfig.ReloadConfig"/>.
    /// </summary>
    /// <remarks>
    /// This is what makes a duplicate network a fallback: when the RADIUS server's certificate no longer chains to
    /// Network1's root CA, Network1 fails with <see cref="WifiCertError.InvalidRootCA"/> and the manager moves on to
    /// Network2, whose root CA is the new one. Timers run on uptime, so wall-clock jumps do not disturb it.
    /// </remarks>
    public sealed class ConnectionManager
    {
        private readonly WifiConfig _config;
        private readonly CertStore _store;
        private readonly IWifiRadio _radio;
        private readonly IClock _clock;
        private readonly ITimers _timers;
        private readonly uint _seed;
        private readonly object _sync = new object();
        private readonly OneShotTimer _timer;
        private string _lastGood = "";
        private int _failedPasses;
        private bool _running;
        private readonly Heartbeat _heartbeat = new Heartbeat();

        /// <summary>Creates the manager; <paramref name="deviceSeed"/> spreads a fleet's retries (use a hash of the device ID).</summary>
        public ConnectionManager(WifiConfig config, CertStore store, IWifiRadio radio, IClock clock, ITimers timers, uint deviceSeed)
        {
            if (config == null || store == null || radio == null || clock == null || timers == null)
            {
                throw new ArgumentNullException("config");
            }
            _config = config;
            _store = store;
            _radio = radio;
            _clock = clock;
            _timers = timers;
            _seed = deviceSeed == 0 ? 0x9E3779B9u : deviceSeed;
            _timer = new OneShotTimer(timers, OnTimer);
            InitialBackoff = TimeSpan.FromSeconds(5);
            MaxBackoff = TimeSpan.FromMinutes(10);
        }

        /// <summary>Delay before the first retry (before jitter). Default 5 s.</summary>
        public TimeSpan InitialBackoff;
        /// <summary>Longest delay between passes. Default 10 minutes.</summary>
        public TimeSpan MaxBackoff;

        /// <summary>Raised after a successful connection.</summary>
        public event WifiConnectedHandler? Connected;

        /// <summary>The lock the manager holds while it touches the configuration, the store and the radio. Other
        /// components that use them from other threads (the renewal engine, a C2D handler) lock this same object, so
        /// that WifiConfig, CertStore and the flash log, which are not thread-safe, see one caller at a time.</summary>
        public object SyncRoot
        {
            get { return _sync; }
        }

        /// <summary>Config name of the network that last worked, or empty.</summary>
        public string LastGoodConfigName
        {
            get { return _lastGood; }
        }

        /// <summary>Passes in a row that found no network.</summary>
        public int FailedPasses
        {
            get { return _failedPasses; }
        }

        /// <summary>Signs of life for a supervisor, readable while a pass is in progress: running, in a pass (busy), and the
        /// last activity (start, or start or end of a pass). A disconnected manager whose last activity is older than
        /// <see cref="MaxBackoff"/> has lost its retry timer.</summary>
        public Heartbeat Heartbeat
        {
            get { return _heartbeat; }
        }

        /// <summary>Starts keeping the device connected: a pass now, then as needed.</summary>
        public void Start()
        {
            lock (_sync)
            {
                if (_running)
                {
                    return;
                }
                _running = true;
                _heartbeat.Started(_clock.Uptime, true);
                _radio.LinkLost += OnLinkLost;
                _config.Reloaded += OnReloaded;
                _timer.Schedule(TimeSpan.Zero);
            }
        }

        /// <summary>Stops reconnecting (the link stays as it is).</summary>
        public void Stop()
        {
            lock (_sync)
            {
                _running = false;
                _heartbeat.Stopped();
                _radio.LinkLost -= OnLinkLost;
                _config.Reloaded -= OnReloaded;
                _timer.Cancel();
            }
        }

        /// <summary>One pass over the enabled networks, now. True when connected afterwards.</summary>
        public bool ConnectNow()
        {
            lock (_sync)
            {
                if (_radio.IsConnected && _config.ConnectedConfigName.Length > 0)
                {
                    return true;
                }
                _heartbeat.Begin(_clock.Uptime);
                try
                {
                    int[] order = Order();
                    for (int i = 0; i < order.Length; i++)
                    {
                        if (TryNetworkGuarded(order[i]))
                        {
                            _failedPasses = 0;
                            return true;
                        }
                    }
                    _failedPasses++;
                    return false;
                }
                finally
                {
                    _heartbeat.End(_clock.Uptime, false);
                }
            }
        }

        /// <summary>Delay before the pass after <paramref name="failedPasses"/> failed ones: InitialBackoff × 2^n capped at
        /// MaxBackoff, scaled by a deterministic per-device factor in [0.5, 1.0).</summary>
        public TimeSpan BackoffAfter(int failedPasses)
        {
            return DeviceJitter.CappedBackoff(InitialBackoff, MaxBackoff, failedPasses, _seed);
        }

        // ---- internals ---------------------------------------------------------------------------------

        private int[] Order()
        {
            int count = _config.GetStoredNetworkCount();
            var order = new int[count];
            int n = 0;
            int first = -1;
            if (_lastGood.Length > 0)
            {
                for (int i = 0; i < count; i++)
                {
                    var net = _config.GetNetwork(i);
                    if (net.ConfigName == _lastGood && Usable(net))
                    {
                        first = i;
                        order[n++] = i;
                    }
                }
            }
            for (int i = 0; i < count; i++)
            {
                if (i != first && Usable(_config.GetNetwork(i)))
                {
                    order[n++] = i;
                }
            }
            var result = new int[n];
            Array.Copy(order, result, n);
            return result;
        }

        private static bool Usable(WifiNetwork n)
        {
            return n.Enabled && n.Ssid.Length > 0;
        }

        /// <summary>One network's attempt; an exception (a store read error, the driver) counts as that network failing,
        /// so the pass goes on to the next network.</summary>
        private bool TryNetworkGuarded(int id)
        {
            try
            {
                return TryNetwork(id);
            }
            catch (Exception e)
            {
                var d = new WifiDiagnostics();
                d.Attempted = true;
                d.Error = WifiNetworkError.ConnectionFailed;
                d.Reason = WifiFailureReason.RadioError;
                d.Detail = "the attempt failed: " + e.Message;
                d.AttemptUptime = _clock.Uptime;
                try
                {
                    _config.RecordDiagnostics(id, d);
                }
                catch (Exception)
                {
                }
                return false;
            }
        }

        private bool TryNetwork(int id)
        {
            var net = _config.GetNetwork(id);
            var d = new WifiDiagnostics();
            d.Attempted = true;
            d.AttemptUtc = _clock.UtcNow;
            d.ClockSynchronized = _clock.IsSynchronized;
            d.AttemptUptime = _clock.Uptime;
            var request = new WifiConnectRequest();
            request.Ssid = net.Ssid;
            request.Security = net.Security;
            if (net.Security == WifiSecurity.Wpa2Psk)
            {
                request.Psk = net.Psk;
            }
            else if (net.Security == WifiSecurity.Wpa2EapTls && !LoadCertificates(net, request, d))
            {
                _config.RecordDiagnostics(id, d);
                return false;
            }
            var result = _radio.Connect(request);
            d.Reason = result.Reason;
            d.Detail = result.Detail ?? "";
            d.CertDepth = result.CertDepth;
            d.CertSubject = result.CertSubject ?? "";
            switch (result.Reason)
            {
                case WifiFailureReason.None:
                    d.Error = WifiNetworkError.None;
                    break;
                case WifiFailureReason.NetworkNotFound:
                    d.Error = WifiNetworkError.NetworkNotFound;
                    break;
                case WifiFailureReason.ServerCertificateNotTrusted:
                    d.Error = WifiNetworkError.AuthenticationFailed;
                    d.CertError = WifiCertError.InvalidRootCA;
                    break;
                case WifiFailureReason.ClientCertificateRejected:
                    d.Error = WifiNetworkError.AuthenticationFailed;
                    d.CertError = WifiCertError.InvalidClientAuth;
                    break;
                case WifiFailureReason.AuthenticationFailed:
                    d.Error = WifiNetworkError.AuthenticationFailed;
                    break;
                default:
                    d.Error = WifiNetworkError.ConnectionFailed;
                    break;
            }
            _config.RecordDiagnostics(id, d);
            if (!result.Success)
            {
                return false;
            }
            _config.SetConnected(id);
            _lastGood = net.ConfigName;
            var h = Connected;
            if (h != null)
            {
                h(this, net.ConfigName);
            }
            return true;
        }

        /// <summary>Fills the EAP-TLS material from the store; false (with diagnostics) when a certificate is missing.</summary>
        private bool LoadCertificates(WifiNetwork net, WifiConnectRequest request, WifiDiagnostics d)
        {
            string missing = "";
            if (net.ClientCertId.Length == 0 || !_store.ContainsCertificate(net.ClientCertId)
                || _store.GetCertificateType(net.ClientCertId) != CertificateType.Client)
            {
                missing = "client certificate '" + net.ClientCertId + "'";
            }
            else if (net.RootCaId.Length == 0 || !_store.ContainsCertificate(net.RootCaId))
            {
                missing = "root CA '" + net.RootCaId + "'";
            }
            if (missing.Length > 0)
            {
                d.Error = WifiNetworkError.ConnectionFailed;
                d.CertError = WifiCertError.CertificateNotFound;
                d.Reason = WifiFailureReason.InvalidRequest;
                d.Detail = missing + " is not in the certificate store";
                return false;
            }
            try
            {
                request.ClientCertificate = _store.GetCertificateChain(net.ClientCertId);
                request.ClientKey = _store.GetPrivateKey(net.ClientCertId);
                request.TrustedRoots = new byte[][] { _store.GetCertificate(net.RootCaId) };
            }
            catch (CertStoreException e)
            {
                d.Error = WifiNetworkError.ConnectionFailed;
                d.CertError = WifiCertError.CertificateNotFound;
                d.Reason = WifiFailureReason.InvalidRequest;
                d.Detail = e.Message;
                return false;
            }
            request.EapIdentity = net.ClientIdentity;
            // Without a synchronised clock the device cannot judge dates (it reads 1970 until SNTP runs, which needs the
            // network): it still checks the chain's signatures and trust.
            request.CheckServerCertificateTime = _clock.IsSynchronized;
            request.ServerDomain = net.ServerDomain.Length > 0 ? net.ServerDomain : null;
            return true;
        }

        private void OnLinkLost(object sender, WifiFailureReason reason)
        {
            lock (_sync)
            {
                _config.SetConnected(-1);
                _heartbeat.Touch(_clock.Uptime);
                if (_running)
                {
                    _timer.Schedule(TimeSpan.Zero);
                }
            }
        }

        private void OnReloaded(object sender)
        {
            lock (_sync)
            {
                if (_running)
                {
                    _timer.Schedule(TimeSpan.Zero);
                }
            }
        }

        private void OnTimer(object? state)
        {
            lock (_sync)
            {
                bool connected = false;
                try
                {
                    connected = !_running || ConnectNow();
                }
                finally
                {
                    // Whatever happened, a disconnected device keeps trying.
                    if (!connected && _running)
                    {
                        _timer.Schedule(BackoffAfter(_failedPasses));
                    }
                }
            }
        }
    }
}
