using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// The desktop Wi-Fi station: an <see cref="IWifiRadio"/> in an environment of <see cref="AccessPoint"/>s. Open and
    /// WPA2-PSK networks are judged here; WPA2-EAP-TLS networks run a real EAP-TLS authentication through the access
    /// point's <see cref="IEapAuthenticator"/>, with certificate validity judged at <see cref="WorldUtc"/> (for authenticators
    /// that can, see <see cref="IEapAuthenticator.UsesSuppliedTime"/>); the device side skips the dates when the request says
    /// its clock is not synchronised (<see cref="WifiConnectRequest.CheckServerCertificateTime"/>).
    /// </summary>
    /// <remarks>
    /// <para>Outcomes of <see cref="Connect"/>, in the order they are checked: an unusable request (bad SSID, PSK of the
    /// wrong length, an EAP-TLS request without client certificate, key or roots) gives
    /// <see cref="WifiFailureReason.InvalidRequest"/> without touching any access point; no access point with the SSID on
    /// the air, or only ones with another security type, gives <see cref="WifiFailureReason.NetworkNotFound"/>; a wrong PSK
    /// gives <see cref="WifiFailureReason.AuthenticationFailed"/>; EAP-TLS gives what the authenticator says. When several
    /// access points carry the SSID, the first one added that is up and of the right security type is used.</para>
    /// <para>Every call of <see cref="Connect"/> is counted per SSID (<see cref="GetAttemptCount"/>) and its non-secret
    /// fields are kept in <see cref="LastRequest"/>.</para>
    /// <para><see cref="IWifiRadio.LinkLost"/> is raised synchronously, outside any lock, on the thread that made the link
    /// drop: <see cref="DropLink"/>, <see cref="AccessPoint.IsUp"/> set to false, or <see cref="RemoveAccessPoint"/>.
    /// A handler may call <see cref="Connect"/>.</para>
    /// <para>Thread-safe. Connect attempts are serialised (one station, one attempt at a time); <see cref="Disconnect"/>
    /// does not wait for an attempt under way, and an attempt that a Disconnect overtook reports
    /// <see cref="WifiFailureReason.RadioError"/> and leaves the link down.</para>
    /// </remarks>
    public sealed class SimulatedRadio : IWifiRadio, IDisposable
    {
        private readonly IClock _clock;

        /// <summary>The time the access points' servers judge certificates at: a virtual clock's true time (servers keep
        /// correct clocks even when the device's is wrong or unsynchronised), else the clock's own time.</summary>
        public DateTime WorldUtc
        {
            get { return _clock is VirtualClock v ? v.TrueUtc : _clock.UtcNow; }
        }
        private readonly object _connectGate = new object();
        private readonly object _gate = new object();
        private readonly List<AccessPoint> _accessPoints = new List<AccessPoint>();
        private readonly Dictionary<string, int> _attempts = new Dictionary<string, int>(StringComparer.Ordinal);
        private AccessPoint? _connected;
        private long _generation;
        private int _totalAttempts;
        private WifiRequestRecord? _lastRequest;
        private WifiConnectResult? _lastResult;

        /// <summary>Creates a radio with no access points in range.</summary>
        public SimulatedRadio(IClock clock)
        {
            ArgumentNullException.ThrowIfNull(clock);
            _clock = clock;
        }

        /// <inheritdoc/>
        public event WifiLinkLostHandler? LinkLost;

        /// <inheritdoc/>
        public bool IsConnected
        {
            get { lock (_gate) { return _connected != null; } }
        }

        /// <summary>The access point of the current link, or null.</summary>
        public AccessPoint? ConnectedAccessPoint
        {
            get { lock (_gate) { return _connected; } }
        }

        /// <summary>The access points in range, in the order they were added.</summary>
        public IReadOnlyList<AccessPoint> AccessPoints
        {
            get { lock (_gate) { return _accessPoints.ToArray(); } }
        }

        /// <summary>The number of <see cref="Connect"/> calls so far, for every SSID.</summary>
        public int TotalAttempts
        {
            get { lock (_gate) { return _totalAttempts; } }
        }

        /// <summary>The non-secret fields of the last request passed to <see cref="Connect"/>, or null.</summary>
        public WifiRequestRecord? LastRequest
        {
            get { lock (_gate) { return _lastRequest; } }
        }

        /// <summary>The result of the last <see cref="Connect"/>, or null.</summary>
        public WifiConnectResult? LastResult
        {
            get { lock (_gate) { return _lastResult; } }
        }

        /// <summary>Brings <paramref name="accessPoint"/> into range (if it is not already).</summary>
        public void AddAccessPoint(AccessPoint accessPoint)
        {
            ArgumentNullException.ThrowIfNull(accessPoint);
            lock (_gate)
            {
                if (_accessPoints.Contains(accessPoint))
                {
                    return;
                }
                _accessPoints.Add(accessPoint);
            }
            accessPoint.UpChanged += OnAccessPointUpChanged;
        }

        /// <summary>Takes <paramref name="accessPoint"/> out of range; a link to it is lost. False if it was not in range.</summary>
        public bool RemoveAccessPoint(AccessPoint accessPoint)
        {
            ArgumentNullException.ThrowIfNull(accessPoint);
            bool lost;
            lock (_gate)
            {
                if (!_accessPoints.Remove(accessPoint))
                {
                    return false;
                }
                lost = DropIfConnectedTo(accessPoint);
            }
            accessPoint.UpChanged -= OnAccessPointUpChanged;
            if (lost)
            {
                RaiseLinkLost();
            }
            return true;
        }

        /// <summary>The number of <see cref="Connect"/> calls for <paramref name="ssid"/> so far.</summary>
        public int GetAttemptCount(string ssid)
        {
            ArgumentNullException.ThrowIfNull(ssid);
            lock (_gate)
            {
                return _attempts.TryGetValue(ssid, out int n) ? n : 0;
            }
        }

        /// <summary>Drops the current link as interference would, raising <see cref="LinkLost"/>. False when there was no link.</summary>
        public bool DropLink()
        {
            bool lost;
            lock (_gate)
            {
                lost = _connected != null;
                if (lost)
                {
                    _connected = null;
                    _generation++;
                }
            }
            if (lost)
            {
                RaiseLinkLost();
            }
            return lost;
        }

        /// <inheritdoc/>
        public WifiConnectResult Connect(WifiConnectRequest request)
        {
            if (request == null)
            {
                throw new ArgumentException("the request is null", nameof(request));
            }
            lock (_connectGate)
            {
                long generation;
                lock (_gate)
                {
                    _connected = null;
                    generation = ++_generation;
                    _attempts[request.Ssid ?? ""] = (_attempts.TryGetValue(request.Ssid ?? "", out int n) ? n : 0) + 1;
                    _totalAttempts++;
                    _lastRequest = new WifiRequestRecord(request, _clock.UtcNow);
                }
                var result = Attempt(request, generation);
                lock (_gate)
                {
                    _lastResult = result;
                }
                return result;
            }
        }

        /// <inheritdoc/>
        public void Disconnect()
        {
            lock (_gate)
            {
                _connected = null;
                _generation++;
            }
        }

        /// <summary>Stops listening to the access points' state.</summary>
        public void Dispose()
        {
            AccessPoint[] aps;
            lock (_gate)
            {
                aps = _accessPoints.ToArray();
                _connected = null;
            }
            foreach (var ap in aps)
            {
                ap.UpChanged -= OnAccessPointUpChanged;
            }
        }

        internal static bool IsValidSsid(string? ssid)
        {
            if (string.IsNullOrEmpty(ssid))
            {
                return false;
            }
            return Encoding.UTF8.GetByteCount(ssid) <= 32;
        }

        private WifiConnectResult Attempt(WifiConnectRequest request, long generation)
        {
            var invalid = CheckRequest(request);
            if (invalid != null)
            {
                return invalid;
            }
            var ap = Find(request, out string? notFound);
            if (ap == null)
            {
                return new WifiConnectResult(WifiFailureReason.NetworkNotFound, -1, null, notFound);
            }
            WifiConnectResult result;
            switch (request.Security)
            {
                case WifiSecurity.Open:
                    result = Success("associated (open)");
                    break;
                case WifiSecurity.Wpa2Psk:
                    result = PskMatches(ap.Psk!, request.Psk!)
                        ? Success("associated (WPA2-PSK)")
                        : new WifiConnectResult(WifiFailureReason.AuthenticationFailed, -1, null, "4-way handshake failed: wrong passphrase");
                    break;
                default:
                    ap.CountAuthentication();
                    try
                    {
                        result = ap.Authenticator!.Authenticate(request, WorldUtc);
                    }
                    catch (Exception e)
                    {
                        // The authenticators report failures as results; anything thrown is a fault of the radio environment.
                        result = new WifiConnectResult(WifiFailureReason.RadioError, -1, null, "authenticator failed: " + e.GetType().Name + ": " + e.Message);
                    }
                    break;
            }
            if (!result.Success)
            {
                return result;
            }
            lock (_gate)
            {
                if (generation != _generation)
                {
                    return new WifiConnectResult(WifiFailureReason.RadioError, -1, null, "disconnected while the attempt was under way");
                }
                if (!ap.IsUp || !_accessPoints.Contains(ap))
                {
                    return new WifiConnectResult(WifiFailureReason.NetworkNotFound, -1, null, "the access point went away during authentication");
                }
                _connected = ap;
            }
            return result;
        }

        private static WifiConnectResult Success(string detail)
        {
            return new WifiConnectResult(WifiFailureReason.None, -1, null, detail);
        }

        private static WifiConnectResult? CheckRequest(WifiConnectRequest request)
        {
            if (!IsValidSsid(request.Ssid))
            {
                return Invalid("an SSID is 1-32 bytes of UTF-8");
            }
            switch (request.Security)
            {
                case WifiSecurity.Open:
                    return null;
                case WifiSecurity.Wpa2Psk:
                    return request.Psk == null || request.Psk.Length < 8 || request.Psk.Length > 63
                        ? Invalid("a WPA2-PSK passphrase is 8-63 characters")
                        : null;
                case WifiSecurity.Wpa2EapTls:
                    return EapCredentials.CheckEapTlsRequest(request);
                default:
                    return Invalid("unknown security type " + (int)request.Security);
            }
        }

        private static WifiConnectResult Invalid(string detail)
        {
            return new WifiConnectResult(WifiFailureReason.InvalidRequest, -1, null, detail);
        }

        private AccessPoint? Find(WifiConnectRequest request, out string? notFound)
        {
            AccessPoint? otherSecurity = null;
            lock (_gate)
            {
                foreach (var ap in _accessPoints)
                {
                    if (ap.Ssid != request.Ssid || !ap.IsUp)
                    {
                        continue;
                    }
                    if (ap.Security == request.Security)
                    {
                        notFound = null;
                        return ap;
                    }
                    otherSecurity ??= ap;
                }
            }
            notFound = otherSecurity != null
                ? "'" + request.Ssid + "' is on the air with " + Name(otherSecurity.Security) + ", not " + Name(request.Security)
                : "no access point with SSID '" + request.Ssid + "' is on the air";
            return null;
        }

        private static string Name(WifiSecurity security)
        {
            switch (security)
            {
                case WifiSecurity.Open: return "open";
                case WifiSecurity.Wpa2Psk: return "WPA2-PSK";
                case WifiSecurity.Wpa2EapTls: return "WPA2-EAP-TLS";
                default: return "security " + (int)security;
            }
        }

        private static bool PskMatches(string expected, string given)
        {
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));
        }

        private void OnAccessPointUpChanged(object? sender, EventArgs e)
        {
            var ap = (AccessPoint)sender!;
            bool lost;
            lock (_gate)
            {
                lost = !ap.IsUp && DropIfConnectedTo(ap);
            }
            if (lost)
            {
                RaiseLinkLost();
            }
        }

        private bool DropIfConnectedTo(AccessPoint ap)
        {
            if (_connected != ap)
            {
                return false;
            }
            _connected = null;
            _generation++;
            return true;
        }

        private void RaiseLinkLost()
        {
            LinkLost?.Invoke(this, WifiFailureReason.LinkLost);
        }
    }
}
