using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Est;
using NfCerts.Core.Hub;
using NfCerts.Core.Renewal;
using NfCerts.Core.Storage;
using NfCerts.Core.Timing;
using NfCerts.Core.Wifi;
using NfCerts.Hal;

namespace NfCerts.Core.Device
{
    /// <summary>
    /// The device, once: mounts the store, opens the certificate store and the Wi-Fi configuration, keeps the device
    /// connected, runs the renewal flows and supervises them, on whatever HAL it is given (the nanoFramework HAL in the
    /// device image, the host HAL in tests and the emulator).
    /// </summary>
    /// <remarks>
    /// <para>It never boot-loops: <see cref="Start"/> does not throw. A store that cannot be mounted is never formatted
    /// unless the region is new (<see cref="StoreMount"/>); like a Wi-Fi configuration that cannot be read, it is kept
    /// untouched, reported in <see cref="GetFaults"/>, and the device stays in <see cref="DeviceState.SafeMode"/>, trying
    /// again every <see cref="DeviceOptions.MountRetry"/>. Without a store the device has no networks to join: safe mode
    /// keeps it alive and able to report, and picks up as soon as the store reads again.</para>
    /// <para>The radio is used through <see cref="BoundedRadio"/>, so that a driver that hangs in a connect holds no lock.</para>
    /// <para>A renewal engine that does not start (a journal that cannot be written) does not stop the connection manager:
    /// the <see cref="Supervisor"/> restarts it.</para>
    /// <para>Locks, in the one order they may be taken when more than one is needed: the runtime's own lock (its entry
    /// points: <see cref="Start"/>, <see cref="Stop"/>, the hub swap's bookkeeping), then a hub client's handler lock, then
    /// the store's lock (<see cref="ConnectionManager.SyncRoot"/>: the renewal engine's lock, <see cref="HubClient.StoreLock"/>
    /// and the provisioning driver's store lock are this one object), then the leaf locks that never wait for another
    /// (a hub client's or the provisioning driver's state, the supervisor's list, the fault list). Every write to the store
    /// is made under the store's lock. No network I/O runs under the runtime's lock: a hub client that is replaced or
    /// stopped is disconnected after the lock is released (a disconnect may take the transport's whole timeout).</para>
    /// </remarks>
    public sealed partial class DeviceRuntime
    {
        /// <summary>Fault component of the store.</summary>
        public const string StoreComponent = "store";
        /// <summary>Fault component of the Wi-Fi configuration.</summary>
        public const string WifiComponent = "wifi";

        /// <summary>Fault component of the hub connection's setup (settings, handlers).</summary>
        public const string HubComponent = "hub";

        /// <summary>Fault component of the private keys' protection at rest.</summary>
        public const string KeysComponent = "keys";
        /// <summary>Log key of the per-device seed that spreads a fleet's retries and check times.</summary>
        public const string SeedKey = "Dseed";

        private readonly DeviceHal _hal;
        private readonly DeviceOptions _options;
        private readonly FaultList _faults;
        private readonly Supervisor _supervisor;
        private readonly OneShotTimer _retry;
        private readonly BoundedRadio _radio;
        private readonly object _sync = new object();
        private DeviceState _state;
        private IFlash? _flash;
        private RecordLog? _log;
        private CertStore? _store;
        private WifiConfig? _wifi;
        private ConnectionManager? _manager;
        private RenewalEngine? _engine;
        private HubTrust? _hubTrust;
        private HubClient? _hub;
        private IHubHandlers? _handlers;
        private ProvisioningDriver? _provisioning;
        private uint _seed;
        // Hub clients being stopped outside the lock (a swap's old client, Stop's client): the next one starts only after,
        // so that two clients never use the one transport at once.
        private int _retiring;
        private bool _hubStarted;

        /// <summary>Creates the runtime; nothing runs until <see cref="Start"/>.</summary>
        public DeviceRuntime(DeviceHal hal, DeviceOptions? options)
        {
            if (hal == null)
            {
                throw new ArgumentNullException("hal");
            }
            _hal = hal;
            _options = options ?? new DeviceOptions();
            _faults = new FaultList(hal.Clock);
            _supervisor = new Supervisor(hal.Clock, hal.Timers, _options.SupervisorPeriod, _faults);
            _retry = new OneShotTimer(hal.Timers, OnRetry);
            _radio = new BoundedRadio(hal.Radio, RadioGrace);
        }

        /// <summary>How long beyond a request's own timeout a radio connect may take before it counts as hung.</summary>
        public static readonly TimeSpan RadioGrace = TimeSpan.FromSeconds(10);

        /// <summary>Raised when a fault is reported (for the device's log; the hub publishes <see cref="GetFaults"/>).</summary>
        public event DeviceFaultHandler? FaultReported
        {
            add { _faults.Reported += value; }
            remove { _faults.Reported -= value; }
        }

        /// <summary>Where the device stands.</summary>
        public DeviceState State
        {
            get
            {
                lock (_sync)
                {
                    return _state;
                }
            }
        }

        /// <summary>The current faults, bounded (<see cref="FaultList"/>).</summary>
        public DeviceFault[] GetFaults()
        {
            return _faults.ToArray();
        }

        /// <summary>Reports a fault from outside the runtime (the timer service, a driver).</summary>
        public void ReportFault(string component, string message)
        {
            _faults.Report(component, message);
        }

        /// <summary>The supervisor of the components.</summary>
        public Supervisor Supervisor
        {
            get { return _supervisor; }
        }

        /// <summary>The mounted store's log; null in safe mode without a store.</summary>
        public RecordLog? Log
        {
            get { return _log; }
        }

        /// <summary>The certificate store; null in safe mode without a store.</summary>
        public CertStore? Store
        {
            get { return _store; }
        }

        /// <summary>The Wi-Fi configuration; null in safe mode.</summary>
        public WifiConfig? Wifi
        {
            get { return _wifi; }
        }

        /// <summary>The connection manager; null in safe mode.</summary>
        public ConnectionManager? Connection
        {
            get { return _manager; }
        }

        /// <summary>The renewal engine; null in safe mode.</summary>
        public RenewalEngine? Renewal
        {
            get { return _engine; }
        }

        /// <summary>The roots trusted for the hub's TLS chain; null in safe mode.</summary>
        public HubTrust? HubTrust
        {
            get { return _hubTrust; }
        }

        /// <summary>The hub client; null in safe mode, without a hub transport in the HAL, or without hub settings in the
        /// store (<see cref="HubSettings.StoreKey"/>).</summary>
        public HubClient? Hub
        {
            get { return _hub; }
        }

        /// <summary>The hub handlers (root CA notices, twin configuration, methods, health); null in safe mode.</summary>
        public IHubHandlers? HubHandlers
        {
            get { return _handlers; }
        }

        /// <summary>The per-device seed (kept in the store under <see cref="SeedKey"/>).</summary>
        public uint DeviceSeed
        {
            get { return _seed; }
        }

        /// <summary>Boots the device. Never throws: what cannot be opened is reported and retried.</summary>
        public void Start()
        {
            lock (_sync)
            {
                if (_state != DeviceState.Stopped)
                {
                    return;
                }
                Open();
            }
        }

        /// <summary>Stops every component and timer.</summary>
        /// <remarks>The hub client is disconnected after the runtime's lock is released, so that a disconnect that takes the
        /// transport's whole timeout holds up no other entry point.</remarks>
        public void Stop()
        {
            HubClient? hub;
            lock (_sync)
            {
                _retry.Cancel();
                hub = StopComponents();
                _state = DeviceState.Stopped;
                if (hub != null)
                {
                    _retiring++;
                }
            }
            if (hub != null)
            {
                Retire(hub);
            }
        }

        private void OnRetry(object? state)
        {
            lock (_sync)
            {
                if (_state == DeviceState.SafeMode)
                {
                    Open();
                }
            }
        }

        /// <summary>Mount, open, start; on a failure, safe mode.</summary>
        private void Open()
        {
            try
            {
                OpenComponents();
            }
            catch (Exception e)
            {
                // Nothing above is meant to throw (bad options, a bug): still no boot loop.
                EnterSafeMode("runtime", "the device could not start: " + e.Message);
            }
        }

        private void OpenComponents()
        {
            string problem;
            RecordLog? log = MountStore(out problem);
            if (log == null)
            {
                EnterSafeMode(StoreComponent, problem);
                return;
            }
            _faults.Clear(StoreComponent);
            _log = log;
            _store = new CertStore(log, _hal.KeyVault);
            SealKeys(_store);
            _seed = ReadOrMakeSeed(log);
            try
            {
                _wifi = new WifiConfig(log, _radio);
            }
            catch (Exception e)
            {
                EnterSafeMode(WifiComponent, "the Wi-Fi configuration cannot be read (" + e.Message + "); it is kept untouched");
                return;
            }
            _faults.Clear(WifiComponent);
            _manager = new ConnectionManager(_wifi, _store, _radio, _hal.Clock, _hal.Timers, _seed);
            ICertificateIssuer? issuer = CreateIssuer(_store);
            _engine = new RenewalEngine(log, _store, _wifi, _manager, issuer, _hal.Clock, _hal.Timers, _options.Renewal, _seed);
            _hubTrust = new HubTrust(log, _hal.Clock);
            _provisioning = CreateProvisioning(log, _store, issuer);
            _handlers = CreateHandlers(log, _store, _wifi, _engine, _hubTrust);
            // Wired once per open, whatever becomes of the hub client (they look at the current one).
            _manager.Connected += OnWifiConnected;
            _engine.StepReached += OnRenewalStep;
            HubClient? hub = BuildHub(log, null);
            if (hub != null)
            {
                AttachHub(hub);
            }
            Supervise();
            // Recovery first (a trial certificate is rolled back before the manager connects with it).
            StartGuarded(new ComponentStarter(_engine.Start), "renewal", "the renewal engine did not start: ");
            ReportJournal(_engine);
            // A root CA notice saved before a reboot or power cut is acted on now, hub or no hub.
            StartGuarded(new ComponentStarter(ResumeNotices), HubComponent, "a saved root CA notice could not be resumed: ");
            StartGuarded(new ComponentStarter(_manager.Start), "connection", "the connection manager did not start: ");
            StartHubIfIdle();
            if (_provisioning != null)
            {
                // On its timer: the boot never waits for EST or DPS.
                StartGuarded(new ComponentStarter(_provisioning.Start), ProvisioningDriver.Component, "provisioning did not start: ");
            }
            StartGuarded(new ComponentStarter(_supervisor.Start), "supervisor", "the supervisor did not start: ");
            _state = DeviceState.Running;
        }

        /// <summary>Seals the keys a desktop tool left in clear (and erases their clear copies); reports a device that
        /// cannot seal, so that an operator knows a dump of its flash shows its keys.</summary>
        private void SealKeys(CertStore store)
        {
            try
            {
                store.SealPendingKeys();
                bool clearKeys = store.HasClearKeys();
                if (clearKeys && !_hal.KeyVault.CanSealKeys)
                {
                    _faults.Report(KeysComponent, "private keys are stored unsealed: this firmware has no device key (stock firmware or no eFuse key)");
                }
                else if (clearKeys)
                {
                    _faults.Report(KeysComponent, "some private keys could not be sealed (store full or key refused by the vault): they stay in clear; retried at the next boot");
                }
                else if (store.PurgeOwed)
                {
                    _faults.Report(KeysComponent, "clear copies of sealed keys are still on flash (the store is too full to erase them): retried at the next boot");
                }
                else
                {
                    _faults.Clear(KeysComponent);
                }
            }
            catch (Exception e)
            {
                // The keys stay as they were (clear or sealed, never lost); the device goes on with them.
                _faults.Report(KeysComponent, "sealing the private keys failed: " + e.Message);
            }
        }

        private RecordLog? MountStore(out string problem)
        {
            if (_flash == null)
            {
                try
                {
                    _flash = _hal.OpenFlash();
                }
                catch (Exception e)
                {
                    problem = "the store's flash region cannot be opened: " + e.Message;
                    return null;
                }
            }
            bool formatted;
            return StoreMount.MountOrFormatNew(_flash, CertStore.MaxEntrySize, out problem, out formatted);
        }

        private void EnterSafeMode(string component, string problem)
        {
            HubClient? hub = StopComponents();
            if (hub != null)
            {
                // Only when opening failed past the hub's start (a bug): not started, or not connected yet.
                hub.Stop();
            }
            _state = DeviceState.SafeMode;
            _faults.Report(component, problem);
            try
            {
                _retry.Schedule(_options.MountRetry);
            }
            catch (Exception e)
            {
                _faults.Report("timers", "the retry timer could not be started: " + e.Message);
            }
        }

        /// <summary>Stops what is open; returns the hub client, unwired but not yet stopped (the caller stops it, outside
        /// the lock where it can).</summary>
        private HubClient? StopComponents()
        {
            _supervisor.Stop();
            _supervisor.Clear();
            StopProvisioning();
            // The hub first: a notice arriving now must not reach an engine that has stopped.
            HubClient? hub = _hub;
            if (hub != null)
            {
                DetachHub(hub);
            }
            if (_manager != null)
            {
                _manager.Connected -= OnWifiConnected;
            }
            if (_engine != null)
            {
                _engine.StepReached -= OnRenewalStep;
            }
            var handlers = _handlers as HubHandlers;
            if (handlers != null)
            {
                handlers.ConfigChanged -= OnConfigChanged;
            }
            if (_engine != null)
            {
                _engine.Stop();
            }
            if (_manager != null)
            {
                _manager.Stop();
            }
            _hub = null;
            _handlers = null;
            _hubTrust = null;
            _engine = null;
            _manager = null;
            _wifi = null;
            _store = null;
            _log = null;
            return hub;
        }

        /// <summary>The device's hub handlers (or the test's, <see cref="DeviceOptions.HubHandlers"/>); a fault and null when
        /// they cannot be set up.</summary>
        private IHubHandlers? CreateHandlers(RecordLog log, CertStore store, WifiConfig wifi, RenewalEngine engine, HubTrust trust)
        {
            try
            {
                HubHandlersFactory? factory = _options.HubHandlers;
                if (factory != null)
                {
                    return factory(this);
                }
                var context = new HubContext(log, store, wifi, engine, _options.Renewal, _hal.KeyVault, _hal.Clock);
                context.Trust = trust;
                context.Faults = new FaultSource(GetFaults);
                context.FirmwareVersion = _options.FirmwareVersion;
                if (_provisioning != null)
                {
                    context.Provisioning = new ProvisioningReport(_provisioning.ReportJson);
                    context.Reprovision = new ReprovisionRequest(OnReprovisionMethod);
                }
                var handlers = new HubHandlers(context);
                handlers.ConfigChanged += OnConfigChanged;
                return handlers;
            }
            catch (Exception e)
            {
                _faults.Report(HubComponent, "the hub handlers could not be set up: " + e.Message);
                return null;
            }
        }

        /// <summary>The HAL's issuer, else EST over the HAL's TLS (it reads <see cref="EstSettings"/> from the store at every
        /// renewal, so settings written later by a tool or the twin apply); null without either.</summary>
        private ICertificateIssuer? CreateIssuer(CertStore store)
        {
            if (_hal.Issuer != null)
            {
                return _hal.Issuer;
            }
            return _hal.Tls == null ? null : new EstIssuer(store, _hal.KeyVault, _hal.Tls, _hal.Clock);
        }

        /// <summary>The twin's EST URL and label go into the EST settings the issuer reads (the rest stay as provisioned).</summary>
        private void OnConfigChanged(object? sender, EventArgs e)
        {
            var handlers = sender as HubHandlers;
            RecordLog? log = _log;
            ConnectionManager? manager = _manager;
            if (handlers == null || log == null || manager == null)
            {
                return;
            }
            try
            {
                // The store's lock (the one the connection manager and the hub client take), never the runtime's.
                lock (manager.SyncRoot)
                {
                    // The twin's values override what was provisioned only where it gives one (empty = not set there).
                    string url = handlers.Config.EstUrl;
                    string label = handlers.Config.EstLabel;
                    EstSettings? kept = EstSettings.Load(log);
                    if (kept == null && url.Length == 0)
                    {
                        return;
                    }
                    EstSettings settings = kept ?? new EstSettings();
                    string newUrl = url.Length > 0 ? url : settings.Url;
                    string newLabel = label.Length > 0 ? label : settings.Label;
                    if (settings.Url == newUrl && settings.Label == newLabel)
                    {
                        return;
                    }
                    settings.Url = newUrl;
                    settings.Label = newLabel;
                    settings.Save(log);
                }
            }
            catch (Exception ex)
            {
                _faults.Report("est", "the EST settings from the twin could not be kept: " + ex.Message);
            }
        }

        private void ResumeNotices()
        {
            var handlers = _handlers as HubHandlers;
            ConnectionManager? manager = _manager;
            if (handlers != null && manager != null)
            {
                // The engine's timers are live: the store is shared, so under its lock.
                lock (manager.SyncRoot)
                {
                    handlers.ResumePending();
                }
            }
        }

        /// <summary>Builds the hub client, when the HAL has a transport and the store has valid settings (or
        /// <paramref name="given"/> ones); a fault and null otherwise (except for a device that was never given a hub). Wires
        /// nothing: <see cref="AttachHub"/> does, once the client exists.</summary>
        private HubClient? BuildHub(RecordLog log, HubSettings? given)
        {
            if (_hal.Hub == null || _manager == null || _engine == null || _store == null || _hubTrust == null)
            {
                return null;
            }
            try
            {
                HubSettings settings;
                string problem;
                if (given != null)
                {
                    settings = given;
                }
                else if (!HubSettings.TryLoad(log, out settings, out problem))
                {
                    if (problem.Length > 0)
                    {
                        _faults.Report(HubComponent, "the hub settings cannot be used (" + problem + "); they are kept untouched");
                    }
                    return null;
                }
                if (_handlers == null)
                {
                    return null;
                }
                if (settings.ModelId.Length == 0)
                {
                    settings.ModelId = NfCerts.Core.Hub.HubHandlers.ModelId;
                }
                HubBuildProbe? probe = BeforeHubBuild;
                if (probe != null)
                {
                    probe(settings);
                }
                var hub = new HubClient(_hal.Hub, _handlers, settings, _store, _hubTrust, _radio, _hal.Clock, _hal.Timers, _seed);
                hub.StoreLock = _manager.SyncRoot;
                hub.ClientCertId = _options.Renewal.ClientCert1;
                hub.ReportPeriod = _options.HubReportPeriod;
                _faults.Clear(HubComponent);
                return hub;
            }
            catch (Exception e)
            {
                _faults.Report(HubComponent, "the hub client could not be set up: " + e.Message);
                return null;
            }
        }

        /// <summary>Tests only: runs before each hub client is built; what it throws stands for what the board's allocator
        /// throws when the heap is exhausted, so that a test can show that a swap which cannot build its client changes
        /// nothing.</summary>
        internal HubBuildProbe? BeforeHubBuild { get; set; }

        /// <summary>See <see cref="BeforeHubBuild"/>.</summary>
        internal delegate void HubBuildProbe(HubSettings settings);

        private void OnWifiConnected(object sender, string configName)
        {
            RenewalEngine? engine = _engine;
            if (engine != null)
            {
                engine.NetworkConnected(configName);
            }
            HubClient? hub = _hub;
            if (hub != null)
            {
                hub.NetworkAvailable();
            }
        }

        /// <summary>A renewal that moved a certificate into ClientCert1 (or rolled one back): the hub connection follows.</summary>
        private void OnRenewalStep(object sender, string step)
        {
            HubClient? hub = _hub;
            if (hub != null && (step == "Client.6.MoveClientCert2" || step == "Client.7.Rollback" || step == "Client.7.ReloadConfig"))
            {
                hub.CheckClientCertificate();
            }
        }

        private void StartGuarded(ComponentStarter start, string component, string what)
        {
            try
            {
                start();
            }
            catch (Exception e)
            {
                _faults.Report(component, what + e.Message);
            }
        }

        private void ReportJournal(RenewalEngine engine)
        {
            string problem = engine.Status.JournalSetAside;
            if (problem.Length > 0)
            {
                _faults.Report("journal", "the renewal journal was set aside under '" + RenewalJournal.SetAsideKey + "': " + problem);
            }
        }

        /// <summary>A per-device number, made once and kept in the store; 0 (the components' default) if it cannot be kept.</summary>
        private uint ReadOrMakeSeed(RecordLog log)
        {
            try
            {
                byte[] b;
                if (!log.TryGet(SeedKey, out b) || b.Length != 4)
                {
                    b = new byte[4];
                    new Random().NextBytes(b);
                    var t = log.Begin();
                    t.Put(SeedKey, b);
                    t.Commit();
                }
                return (uint)(b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24));
            }
            catch (Exception e)
            {
                _faults.Report(StoreComponent, "the device seed cannot be kept: " + e.Message);
                return 0;
            }
        }

        private delegate void ComponentStarter();
    }
}
