using System;
using System.Threading;
using NfCerts.Core.Certificates;
using NfCerts.Core.Est;
using NfCerts.Core.Hub;
using NfCerts.Core.Provisioning;
using NfCerts.Core.Renewal;
using NfCerts.Core.Storage;
using NfCerts.Core.Wifi;

namespace NfCerts.Core.Device
{
    /// <summary>The runtime's provisioning: the first boot's EST enrollment and DPS registration, reprovisioning when the
    /// hub refuses the device or the operator asks, and the hub client following the assignment.</summary>
    public sealed partial class DeviceRuntime
    {
        /// <summary>The provisioning driver (EST enrollment of the identity, DPS); null in safe mode, and on a device with
        /// neither EST settings and an issuer nor DPS settings and an MQTT transport.</summary>
        public ProvisioningDriver? Provisioning
        {
            get { return _provisioning; }
        }

        /// <summary>The driver when the store asks for one: EST settings (and an issuer) to enroll a missing identity, or
        /// DPS settings (and the HAL's MQTT transport) to find the hub; a fault and null when it cannot be set up.</summary>
        private ProvisioningDriver? CreateProvisioning(RecordLog log, CertStore store, ICertificateIssuer? issuer)
        {
            try
            {
                bool est = issuer != null && log.Contains(EstSettings.LogKey);
                DpsProvisioner? dps = null;
                if (_hal.Mqtt != null && log.Contains(DpsSettings.LogKey))
                {
                    DpsPause pause = _options.DpsPause ?? new DpsPause(Sleep);
                    var client = new DpsClient(_hal.Mqtt, _hal.Clock, pause, _options.Dps);
                    dps = new DpsProvisioner(log, store, client, _hal.Clock);
                }
                if (!est && dps == null)
                {
                    return null;
                }
                var driver = new ProvisioningDriver(log, store, _radio, _hal.Clock, _hal.Timers, _manager!.SyncRoot, _seed,
                    _options.Renewal.ClientCert1, est ? issuer : null, dps);
                driver.HubAssigned += OnHubAssigned;
                driver.IdentityEnrolled += OnIdentityEnrolled;
                _manager.Connected += OnWifiUpForProvisioning;
                _faults.Clear(ProvisioningDriver.Component);
                return driver;
            }
            catch (Exception e)
            {
                _faults.Report(ProvisioningDriver.Component, "provisioning could not be set up: " + e.Message);
                return null;
            }
        }

        private static void Sleep(TimeSpan span)
        {
            Thread.Sleep((int)span.TotalMilliseconds);
        }

        private void StopProvisioning()
        {
            ProvisioningDriver? driver = _provisioning;
            if (driver == null)
            {
                return;
            }
            driver.Stop();
            driver.HubAssigned -= OnHubAssigned;
            driver.IdentityEnrolled -= OnIdentityEnrolled;
            if (_manager != null)
            {
                _manager.Connected -= OnWifiUpForProvisioning;
            }
            _provisioning = null;
        }

        /// <summary>The supervisor watches what is open now (again after the hub client was replaced).</summary>
        private void Supervise()
        {
            _supervisor.Clear();
            if (_manager != null)
            {
                _supervisor.Add(new ConnectionWatch(_manager, _radio));
            }
            if (_engine != null)
            {
                _supervisor.Add(new RenewalWatch(_engine));
            }
            if (_provisioning != null)
            {
                _supervisor.Add(new ProvisioningWatch(_provisioning));
            }
            if (_hub != null)
            {
                _supervisor.Add(new HubWatch(_hub));
            }
        }

        /// <summary>The identity just enrolled dates the EST CA's clock: the renewal engine's clock judge takes it.</summary>
        private void OnIdentityEnrolled(object sender, DateTime notBefore)
        {
            RenewalEngine? engine = _engine;
            if (engine != null && sender == _provisioning)
            {
                engine.CertificateIssued(notBefore);
            }
        }

        private void OnWifiUpForProvisioning(object sender, string configName)
        {
            ProvisioningDriver? driver = _provisioning;
            if (driver != null)
            {
                driver.NetworkAvailable();
            }
        }

        /// <summary>Provisioning settled on a hub: a client for another hub (or none yet) is replaced by one for this hub;
        /// the same hub after a registration is tried now (DPS has just registered the device there).</summary>
        /// <remarks>All or nothing: the new client is built first, and a client that cannot be built (the fault says why)
        /// leaves the old one running and wired as it was. Once built, the old client is unwired and the new one wired in one
        /// step under the lock; the old one is then disconnected outside it (its transport may take its whole timeout), and
        /// the new one starts only after that, unless the runtime was stopped or the client replaced meanwhile.</remarks>
        private void OnHubAssigned(object sender, HubSettings settings, bool registered)
        {
            HubClient? old;
            lock (_sync)
            {
                if (_state != DeviceState.Running || _log == null || sender != _provisioning)
                {
                    return;
                }
                old = _hub;
                if (old != null && old.Settings.HostName == settings.HostName && old.Settings.DeviceId == settings.DeviceId)
                {
                    if (registered)
                    {
                        old.NetworkAvailable();
                    }
                    return;
                }
                HubClient? next = BuildHub(_log, settings);
                if (next == null)
                {
                    return;
                }
                if (old != null)
                {
                    DetachHub(old);
                    _retiring++;
                }
                AttachHub(next);
                Supervise();
            }
            if (old != null)
            {
                Retire(old);
            }
            else
            {
                lock (_sync)
                {
                    StartReplacement();
                }
            }
        }

        /// <summary>Makes <paramref name="hub"/> the runtime's client and wires its events (once: it is new). Under the lock.</summary>
        private void AttachHub(HubClient hub)
        {
            hub.HubRefused += OnHubRefused;
            hub.Connected += OnHubConnected;
            _hub = hub;
            _hubStarted = false;
        }

        /// <summary>Unwires the runtime's client; it is no longer the runtime's (the caller stops it). Under the lock.</summary>
        private void DetachHub(HubClient hub)
        {
            hub.HubRefused -= OnHubRefused;
            hub.Connected -= OnHubConnected;
            _hub = null;
            _hubStarted = false;
        }

        /// <summary>Stops a client that was detached (and counted in <see cref="_retiring"/>) under the lock, outside it; then
        /// the current client starts if it waited for this one.</summary>
        private void Retire(HubClient hub)
        {
            try
            {
                hub.Stop();
            }
            finally
            {
                lock (_sync)
                {
                    _retiring--;
                    if (_state == DeviceState.Running)
                    {
                        StartReplacement();
                    }
                }
            }
        }

        /// <summary>A client that replaced another: the new hub's twin has none of what the old one was told, then it starts.
        /// Under the lock.</summary>
        private void StartReplacement()
        {
            if (_hub == null || _hubStarted || _retiring > 0)
            {
                return;
            }
            var handlers = _handlers as HubHandlers;
            ConnectionManager? manager = _manager;
            if (handlers != null && manager != null)
            {
                lock (manager.SyncRoot)
                {
                    handlers.ForgetReported();
                }
            }
            StartHubIfIdle();
            StartGuarded(new ComponentStarter(_supervisor.Start), "supervisor", "the supervisor did not start: ");
        }

        /// <summary>Starts the runtime's client unless it has started or another client is still being stopped. Under the
        /// lock.</summary>
        private void StartHubIfIdle()
        {
            HubClient? hub = _hub;
            if (hub == null || _hubStarted || _retiring > 0)
            {
                return;
            }
            _hubStarted = true;
            StartGuarded(new ComponentStarter(hub.Start), HubComponent, "the hub client did not start: ");
        }

        /// <summary>The hub refused the device or does not know it: DPS again, with the reason kept and reported.</summary>
        private void OnHubRefused(object sender, string reason)
        {
            ProvisioningDriver? driver = _provisioning;
            if (driver != null && sender == _hub)
            {
                driver.RequestReprovision(reason, true);
            }
        }

        private void OnHubConnected(object sender)
        {
            ProvisioningDriver? driver = _provisioning;
            if (driver != null && sender == _hub)
            {
                driver.HubConnected();
            }
        }

        private string OnReprovisionMethod(string reason)
        {
            ProvisioningDriver? driver = _provisioning;
            return driver == null ? "this device is not provisioned through DPS" : driver.RequestReprovision(reason, false);
        }
    }
}
