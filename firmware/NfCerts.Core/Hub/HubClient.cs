using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Renewal;
using NfCerts.Core.Timing;
using NfCerts.Hal;

namespace NfCerts.Core.Hub
{
    /// <summary>
    /// The hub connection's life, over <see cref="IHubTransport"/> and <see cref="IHubHandlers"/> only: connects with the
    /// client certificate from the store while Wi-Fi is up, reconnects with capped exponential backoff and a per-device
    /// jitter (nanoFramework's DeviceClient has none), GETs the full twin after every connect (desired patches sent while
    /// offline are not replayed), routes the transport's events to the handlers, and publishes their reported patch after
    /// each event, after each connect, every <see cref="ReportPeriod"/> and on <see cref="ReportNow"/>.
    /// </summary>
    /// <remarks>
    /// <para>Threads: the work that blocks on the network (connect, GET twin, PATCH reported) runs only on the client's timer
    /// callbacks, which <see cref="ITimers"/> runs one at a time, and never under a lock; the transport's events are handed
    /// to the handlers on the transport's thread under the handlers' lock, and only ask for a report on the timer. So a
    /// transport that delivers a reply and an event on one receive thread never waits for the client.</para>
    /// <para>Locks, in this order when more than one is held: the handlers' lock, then <see cref="StoreLock"/>, then the
    /// client's own state lock, which is held only for bookkeeping and never while another lock is taken or the network
    /// is used. Every call into <see cref="IHubHandlers"/> is made under the first two, since the handlers write the store.</para>
    /// <para>Credentials: the certificate and key of <see cref="ClientCertId"/> are read from the store (under
    /// <see cref="StoreLock"/>) for each connect only; the key is zeroed as soon as <see cref="IHubTransport.Connect"/>
    /// returns. When the store's certificate differs from the one the connection was made with (a renewal replaced it),
    /// the client reconnects with the new one.</para>
    /// <para>Memory: one copy of the connected leaf certificate (to notice a renewal) and the roots' DER during a connect.</para>
    /// </remarks>
    public sealed partial class HubClient
    {
        /// <summary>Longest error kept in the status.</summary>
        public const int MaxErrorChars = 200;

        private readonly IHubTransport _transport;
        private readonly IHubHandlers _handlers;
        private readonly HubSettings _settings;
        private readonly CertStore _store;
        private readonly HubTrust _trust;
        private readonly IWifiRadio _radio;
        private readonly IClock _clock;
        private readonly uint _seed;
        private readonly object _sync = new object();
        private readonly object _handlerLock = new object();
        private readonly OneShotTimer _connectTimer;
        private readonly OneShotTimer _reportTimer;
        private readonly Heartbeat _heartbeat = new Heartbeat();
        private readonly HubClientStatus _status = new HubClientStatus();
        private bool _running;
        private bool _connected;
        private byte[]? _connectedCertificate;

        /// <summary>Creates the client; nothing runs until <see cref="Start"/>. <paramref name="radio"/> tells whether Wi-Fi
        /// is up; <paramref name="deviceSeed"/> spreads a fleet's reconnects (the runtime's device seed).</summary>
        public HubClient(IHubTransport transport, IHubHandlers handlers, HubSettings settings, CertStore store, HubTrust trust,
            IWifiRadio radio, IClock clock, ITimers timers, uint deviceSeed)
        {
            if (transport == null || handlers == null || settings == null || store == null || trust == null || radio == null
                || clock == null || timers == null)
            {
                throw new ArgumentNullException("transport");
            }
            string problem = settings.Validate();
            if (problem.Length > 0)
            {
                throw new ArgumentException(problem);
            }
            _transport = transport;
            _handlers = handlers;
            _settings = settings;
            _store = store;
            _trust = trust;
            _radio = radio;
            _clock = clock;
            _seed = deviceSeed == 0 ? 0x9E3779B9u : deviceSeed;
            _connectTimer = new OneShotTimer(timers, OnConnectTimer);
            _reportTimer = new OneShotTimer(timers, OnReportTimer);
            StoreLock = new object();
        }

        /// <summary>Store ID of the client certificate (the renewal options' ClientCert1). Default <c>ClientCert1</c>.</summary>
        public string ClientCertId = "ClientCert1";
        /// <summary>The lock every user of the store takes (the connection manager's <c>SyncRoot</c>); the handlers are called
        /// under it. Set before <see cref="Start"/>.</summary>
        public object StoreLock;
        /// <summary>Delay after the first failed attempt, before jitter. Default 5 s; doubles per failure.</summary>
        public TimeSpan InitialBackoff = TimeSpan.FromSeconds(5);
        /// <summary>Longest delay between attempts, before jitter. Default 30 minutes.</summary>
        public TimeSpan MaxBackoff = TimeSpan.FromMinutes(30);
        /// <summary>How often the reported patch is offered while connected. Default 15 minutes.</summary>
        public TimeSpan ReportPeriod = TimeSpan.FromMinutes(15);
        /// <summary>How often a client waiting for Wi-Fi looks again if no network-up notice came. Default 1 minute.</summary>
        public TimeSpan NetworkPoll = TimeSpan.FromMinutes(1);
        /// <summary>Timeout of each transport operation. Default 30 s.</summary>
        public TimeSpan OperationTimeout = TimeSpan.FromSeconds(30);

        /// <summary>Raised when the hub refused the device (its certificate): the hook for DPS re-provisioning.</summary>
        public event HubRefusedHandler? HubRefused;
        /// <summary>Raised after each connect, once the twin went to the handlers.</summary>
        public event HubConnectedHandler? Connected;

        /// <summary>Signs of life for a supervisor (<c>HubWatch</c>): busy during an attempt or a report, and when the next
        /// attempt is due.</summary>
        public Heartbeat Heartbeat
        {
            get { return _heartbeat; }
        }

        /// <summary>The settings the client connects with.</summary>
        public HubSettings Settings
        {
            get { return _settings; }
        }

        /// <summary>A copy of the connection's status.</summary>
        public HubClientStatus Status
        {
            get
            {
                lock (_sync)
                {
                    var s = new HubClientStatus();
                    s.Connected = _connected && _transport.IsConnected;
                    s.LastError = _status.LastError;
                    s.Connects = _status.Connects;
                    s.Reconnects = _status.Reconnects;
                    s.FailedAttempts = _status.FailedAttempts;
                    s.Refusals = _status.Refusals;
                    s.NextAttemptUptime = _status.NextAttemptUptime;
                    s.WaitingForNetwork = _status.WaitingForNetwork;
                    s.PatchesAccepted = _status.PatchesAccepted;
                    s.PatchesFailed = _status.PatchesFailed;
                    s.ReportedVersion = _status.ReportedVersion;
                    return s;
                }
            }
        }

        /// <summary>Starts: an attempt now (if Wi-Fi is up), then as needed.</summary>
        public void Start()
        {
            lock (_sync)
            {
                if (_running)
                {
                    return;
                }
                _running = true;
                _transport.MessageReceived += OnMessage;
                _transport.DesiredPropertiesChanged += OnDesired;
                _transport.MethodCalled += OnMethod;
                _transport.Disconnected += OnDisconnected;
                _radio.LinkLost += OnLinkLost;
                _heartbeat.Started(_clock.Uptime, true);
                ScheduleAttempt(TimeSpan.Zero);
            }
        }

        /// <summary>Stops and disconnects.</summary>
        public void Stop()
        {
            lock (_sync)
            {
                if (!_running)
                {
                    return;
                }
                _running = false;
                _connected = false;
                _connectTimer.Cancel();
                _reportTimer.Cancel();
                _status.NextAttemptUptime = TimeSpan.MaxValue;
                _transport.MessageReceived -= OnMessage;
                _transport.DesiredPropertiesChanged -= OnDesired;
                _transport.MethodCalled -= OnMethod;
                _transport.Disconnected -= OnDisconnected;
                _radio.LinkLost -= OnLinkLost;
                _heartbeat.Stopped();
            }
            try
            {
                _transport.Disconnect();
            }
            catch (Exception)
            {
                // Idempotent by contract; a driver that throws on close is already closed.
            }
        }

        /// <summary>Wi-Fi is up (the connection manager joined a network): a waiting or backing-off client tries now.</summary>
        public void NetworkAvailable()
        {
            lock (_sync)
            {
                if (_running && !_connected)
                {
                    _status.FailedAttempts = 0;
                    ScheduleAttempt(TimeSpan.Zero);
                }
            }
        }

        /// <summary>Publishes the handlers' reported patch now (if connected).</summary>
        public void ReportNow()
        {
            lock (_sync)
            {
                if (_running && _connected)
                {
                    ScheduleReport(TimeSpan.Zero);
                }
            }
        }

        /// <summary>Looks at the store's client certificate now: a connection made with another one is dropped and made
        /// again with the new one. The runtime calls this after a renewal; the periodic report does too.</summary>
        public void CheckClientCertificate()
        {
            lock (_sync)
            {
                if (_running && _connected)
                {
                    ScheduleReport(TimeSpan.Zero);
                }
            }
        }

        /// <summary>The delay before the attempt after <paramref name="failures"/> failed ones: InitialBackoff × 2^(n-1)
        /// capped at MaxBackoff, scaled by the device's factor in [0.5, 1.0) (0 failures: no delay).</summary>
        public TimeSpan BackoffAfter(int failures)
        {
            if (failures <= 0)
            {
                return TimeSpan.Zero;
            }
            return DeviceJitter.CappedBackoff(InitialBackoff, MaxBackoff, failures, _seed);
        }

        /// <summary>Schedules the next attempt after <paramref name="after"/>; under <see cref="_sync"/>.</summary>
        /// <remarks>A timer service that refuses (out of timers) is recorded, not thrown into the transport's or radio's
        /// thread: with no attempt due, <c>HubWatch</c> restarts the client.</remarks>
        private void ScheduleAttempt(TimeSpan after)
        {
            try
            {
                _connectTimer.Schedule(after);
                _status.NextAttemptUptime = _clock.Uptime + after;
            }
            catch (Exception e)
            {
                _status.NextAttemptUptime = TimeSpan.MaxValue;
                SetError("the reconnect timer could not be started: " + e.Message);
            }
            _heartbeat.Due(_status.NextAttemptUptime);
        }

        /// <summary>Schedules a report after <paramref name="after"/>; under <see cref="_sync"/>. A refused timer only delays
        /// the report to the next event or connect.</summary>
        private void ScheduleReport(TimeSpan after)
        {
            try
            {
                _reportTimer.Schedule(after);
            }
            catch (Exception e)
            {
                SetError("the report timer could not be started: " + e.Message);
            }
        }

        private void SetError(string error)
        {
            _status.LastError = BoundedText.Truncate(error, MaxErrorChars, "...");
        }
    }
}
