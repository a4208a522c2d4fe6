using System;
using NfCerts.Core.Certificates;
using NfCerts.Hal;

namespace NfCerts.Core.Hub
{
    /// <summary>The timer side of the hub client: attempts, twin sync, reports, and the transport's events.</summary>
    public sealed partial class HubClient
    {
        private bool _dropPending;
        private bool _lastPublishAccepted;

        // ---- connect ----------------------------------------------------------------------------------

        private void OnConnectTimer(object? state)
        {
            bool drop;
            lock (_sync)
            {
                drop = _dropPending;
                _dropPending = false;
            }
            if (drop)
            {
                SafeDisconnect();
            }
            lock (_sync)
            {
                _status.NextAttemptUptime = TimeSpan.MaxValue;
                if (!_running || _connected)
                {
                    return;
                }
                if (!_radio.IsConnected)
                {
                    // No attempt without Wi-Fi: NetworkAvailable brings the next one; the poll is for a missed notice.
                    _status.WaitingForNetwork = true;
                    ScheduleAttempt(NetworkPoll);
                    return;
                }
                _status.WaitingForNetwork = false;
                _heartbeat.Begin(_clock.Uptime);
            }
            string error = "";
            bool refused = false;
            try
            {
                error = Attempt(out refused);
            }
            catch (Exception e)
            {
                // A handler or the store failed past their own handling: counted as a failed attempt.
                error = "the connect failed: " + e.Message;
            }
            Finish(error, refused);
        }

        /// <summary>Connects, GETs the twin, hands it to the handlers and reports. Empty on success, else why not.</summary>
        private string Attempt(out bool refused)
        {
            refused = false;
            byte[] certificate;
            HubConnectOptions options;
            try
            {
                options = BuildOptions(out certificate);
            }
            catch (CertStoreException e)
            {
                return "the client certificate '" + ClientCertId + "' cannot be used: " + e.Message;
            }
            try
            {
                _transport.Connect(options);
            }
            catch (HubException e)
            {
                refused = e.Failure == HubFailure.Refused;
                return (refused ? "the hub refused the device: " : "the connect failed: ") + e.Message;
            }
            finally
            {
                Array.Clear(options.ClientKey!, 0, options.ClientKey!.Length);
                options.ClientKey = null;
            }
            string twin;
            try
            {
                twin = _transport.GetTwin();
            }
            catch (HubException e)
            {
                // Without the twin the device would miss what changed while it was away: not connected yet.
                SafeDisconnect();
                return "the twin could not be read after connecting: " + e.Message;
            }
            lock (_sync)
            {
                if (!_running)
                {
                    return "";
                }
                _connected = true;
                _connectedCertificate = certificate;
            }
            lock (_handlerLock)
            {
                GuardedHandler(HandlerCall.Twin, twin, null, 0);
            }
            _lastPublishAccepted = Publish();
            return "";
        }

        private HubConnectOptions BuildOptions(out byte[] certificate)
        {
            var options = new HubConnectOptions();
            options.HostName = _settings.HostName;
            options.Port = _settings.Port;
            options.DeviceId = _settings.DeviceId;
            options.ModelId = _settings.ModelId;
            options.Timeout = OperationTimeout;
            lock (StoreLock)
            {
                certificate = _store.GetCertificate(ClientCertId);
                // The chain (leaf + intermediates), so that a hub trusting only the issuing root accepts the device.
                options.ClientCertificate = _store.GetCertificateChain(ClientCertId);
                options.TrustedRoots = _trust.GetRoots();
                options.ClientKey = _store.GetPrivateKey(ClientCertId);
            }
            return options;
        }

        private void Finish(string error, bool refused)
        {
            bool stopped;
            lock (_sync)
            {
                stopped = !_running;
                _heartbeat.End(_clock.Uptime, false);
                if (!stopped && error.Length == 0 && _connected)
                {
                    _status.Connects++;
                    if (_status.Connects > 1)
                    {
                        _status.Reconnects++;
                    }
                    _status.FailedAttempts = 0;
                    _status.LastError = "";
                    _heartbeat.Due(TimeSpan.MaxValue);
                    // A first patch that failed is offered again soon, not a period later.
                    ScheduleReport(_lastPublishAccepted ? ReportPeriod : BackoffAfter(1));
                }
                else if (!stopped && error.Length > 0)
                {
                    _connected = false;
                    _status.FailedAttempts++;
                    if (refused)
                    {
                        _status.Refusals++;
                    }
                    SetError(error);
                    ScheduleAttempt(BackoffAfter(_status.FailedAttempts));
                }
            }
            if (stopped)
            {
                SafeDisconnect();
                return;
            }
            if (error.Length == 0)
            {
                var c = Connected;
                if (c != null)
                {
                    c(this);
                }
            }
            else if (refused)
            {
                var h = HubRefused;
                if (h != null)
                {
                    h(this, _status.LastError);
                }
            }
        }

        // ---- reports ----------------------------------------------------------------------------------

        private void OnReportTimer(object? state)
        {
            lock (_sync)
            {
                if (!_running || !_connected)
                {
                    return;
                }
            }
            if (CertificateChanged())
            {
                Drop("the client certificate changed: reconnecting with the new one", TimeSpan.Zero);
                return;
            }
            bool accepted = Publish();
            lock (_sync)
            {
                if (_running && _connected)
                {
                    ScheduleReport(accepted ? ReportPeriod : BackoffAfter(1));
                }
            }
        }

        /// <summary>Sends the handlers' reported patch, if any; false when one was offered and not accepted.</summary>
        private bool Publish()
        {
            string? patch;
            lock (_handlerLock)
            {
                try
                {
                    lock (StoreLock)
                    {
                        patch = _handlers.TakeReportedPatch();
                    }
                }
                catch (Exception e)
                {
                    lock (_sync)
                    {
                        SetError("the reported properties could not be built: " + e.Message);
                    }
                    return false;
                }
            }
            if (patch == null)
            {
                return true;
            }
            bool accepted = false;
            string error = "";
            int version = -1;
            try
            {
                version = _transport.PatchReported(patch);
                accepted = true;
            }
            catch (HubException e)
            {
                error = "the reported patch was not accepted: " + e.Message;
            }
            lock (_sync)
            {
                if (accepted)
                {
                    _status.PatchesAccepted++;
                    _status.ReportedVersion = version;
                }
                else
                {
                    _status.PatchesFailed++;
                    SetError(error);
                }
            }
            lock (_handlerLock)
            {
                try
                {
                    lock (StoreLock)
                    {
                        _handlers.ReportedPatchSent(accepted);
                    }
                }
                catch (Exception)
                {
                    // The handlers' own bookkeeping; the next patch tells again.
                }
            }
            return accepted;
        }

        private bool CertificateChanged()
        {
            byte[]? now = null;
            try
            {
                lock (StoreLock)
                {
                    now = _store.GetCertificate(ClientCertId);
                }
            }
            catch (CertStoreException)
            {
                // No certificate to switch to: the connection goes on with the one it has.
                return false;
            }
            byte[]? was = _connectedCertificate;
            if (was == null || was.Length != now.Length)
            {
                return true;
            }
            for (int i = 0; i < was.Length; i++)
            {
                if (was[i] != now[i])
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>Closes the connection on the client's side and schedules the next attempt.</summary>
        private void Drop(string why, TimeSpan after)
        {
            lock (_sync)
            {
                _connected = false;
                _reportTimer.Cancel();
                SetError(why);
            }
            SafeDisconnect();
            lock (_sync)
            {
                if (_running)
                {
                    ScheduleAttempt(after);
                }
            }
        }

        private void SafeDisconnect()
        {
            try
            {
                _transport.Disconnect();
            }
            catch (Exception)
            {
                // Idempotent by contract.
            }
        }

        // ---- transport events (on the transport's thread) ---------------------------------------------------

        private void OnDisconnected(object sender, string reason)
        {
            lock (_sync)
            {
                if (!_running || !_connected)
                {
                    return;
                }
                _connected = false;
                _reportTimer.Cancel();
                SetError("the connection was lost: " + reason);
                // A hub restart drops a whole fleet at once: the jitter spreads the first reconnect too.
                ScheduleAttempt(BackoffAfter(1));
            }
        }

        private void OnLinkLost(object sender, WifiFailureReason reason)
        {
            lock (_sync)
            {
                if (!_running)
                {
                    return;
                }
                if (_connected)
                {
                    _connected = false;
                    _reportTimer.Cancel();
                    SetError("Wi-Fi was lost");
                    _dropPending = true;
                }
                ScheduleAttempt(TimeSpan.Zero);
            }
        }

        private void OnMessage(object sender, HubMessage message)
        {
            lock (_handlerLock)
            {
                GuardedHandler(HandlerCall.Message, message, null, 0);
            }
            RequestReport();
        }

        private void OnDesired(object sender, string patchJson, int version)
        {
            lock (_handlerLock)
            {
                GuardedHandler(HandlerCall.Desired, patchJson, null, version);
            }
            RequestReport();
        }

        private void OnMethod(object sender, HubMethodCall call)
        {
            lock (_handlerLock)
            {
                GuardedHandler(HandlerCall.Method, null, call, 0);
            }
            RequestReport();
        }

        private void RequestReport()
        {
            lock (_sync)
            {
                if (_running && _connected)
                {
                    ScheduleReport(TimeSpan.Zero);
                }
            }
        }

        /// <summary>One handler call under the handlers' lock (held by the caller) and the store's: the handlers write the
        /// store (notices, configuration, roots) while the renewal engine and the connection manager use it. An exception is
        /// recorded, never thrown into the transport.</summary>
        private void GuardedHandler(HandlerCall kind, object? arg, HubMethodCall? call, int version)
        {
            try
            {
                lock (StoreLock)
                {
                    switch (kind)
                    {
                        case HandlerCall.Twin:
                            _handlers.OnTwin((string)arg!);
                            break;
                        case HandlerCall.Message:
                            _handlers.OnMessage((HubMessage)arg!);
                            break;
                        case HandlerCall.Desired:
                            _handlers.OnDesiredPatch((string)arg!, version);
                            break;
                        default:
                            _handlers.OnMethod(call!);
                            break;
                    }
                }
            }
            catch (Exception e)
            {
                if (call != null)
                {
                    call.Status = 500;
                    call.ResponseJson = "{}";
                }
                lock (_sync)
                {
                    SetError("a hub handler failed: " + e.Message);
                }
            }
        }

        private enum HandlerCall
        {
            Twin = 0,
            Message = 1,
            Desired = 2,
            Method = 3,
        }
    }
}
