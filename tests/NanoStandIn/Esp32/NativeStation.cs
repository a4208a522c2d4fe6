using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using NfCerts.Hal;
using NfCerts.Hal.Host;

namespace NfCerts.Esp32
{
    /// <summary>
    /// Stand-in for firmware/native/esp32/managed/NativeStation.cs, with the behaviour of src/nfcerts_station.cpp: a
    /// profile is built field by field and checked at <see cref="Connect"/> (ESP-IDF's limits), the attempt runs in the
    /// background while the managed side polls, a link that drops is reported once as a link loss, and a link dropped
    /// by <see cref="Disconnect"/> or <see cref="Abort"/> is not. The air is the host's <see cref="SimulatedRadio"/>.
    /// </summary>
    public static class NativeStation
    {
        /// <summary>Profile field: SSID, UTF-8.</summary>
        public const int FieldSsid = 1;
        /// <summary>Profile field: WPA2 passphrase, ASCII.</summary>
        public const int FieldPsk = 2;
        /// <summary>Profile field: EAP identity, UTF-8.</summary>
        public const int FieldIdentity = 3;
        /// <summary>Profile field: one trusted root, DER; set once per root.</summary>
        public const int FieldTrustedRoot = 4;
        /// <summary>Profile field: client certificate, DER.</summary>
        public const int FieldClientCertificate = 5;
        /// <summary>Profile field: client private key, DER.</summary>
        public const int FieldClientKey = 6;
        /// <summary>Profile field: password of an encrypted client key.</summary>
        public const int FieldKeyPassword = 7;
        /// <summary>Profile field: DNS name the RADIUS server's certificate must carry.</summary>
        public const int FieldServerDomain = 8;

        /// <summary>State: no link and no attempt.</summary>
        public const int StateIdle = 0;
        /// <summary>State: an attempt is under way.</summary>
        public const int StateConnecting = 1;
        /// <summary>State: the link is up and has an IP address.</summary>
        public const int StateConnected = 2;

        /// <summary>Index in the <see cref="Poll"/> array: the state.</summary>
        public const int StatusState = 0;
        /// <summary>Index: the attempt's WifiFailureReason value, or -1 while pending.</summary>
        public const int StatusResult = 1;
        /// <summary>Index: the ESP-IDF disconnect reason behind the result or the link loss.</summary>
        public const int StatusEspReason = 2;
        /// <summary>Index: the mbedTLS handshake error the supplicant logged, or 0.</summary>
        public const int StatusTlsError = 3;
        /// <summary>Index: the WifiFailureReason of a link loss not reported before, or 0.</summary>
        public const int StatusLinkLost = 4;
        /// <summary>Length of the <see cref="Poll"/> array.</summary>
        public const int StatusLength = 5;

        private const int EspNoApFound = 201;
        private const int EspHandshakeTimeout = 15;
        private const int EspBeaconTimeout = 200;
        private const int EspAuthFail = 202;

        private static readonly object Gate = new object();
        private static SimulatedRadio? _air;
        private static int _security = -1;
        private static Dictionary<int, byte[]> _fields = new Dictionary<int, byte[]>();
        private static List<byte[]> _roots = new List<byte[]>();
        private static int _state = StateIdle;
        private static int _result = -1;
        private static int _espReason;
        private static int _linkLost;
        private static long _generation;

        /// <summary>Connect attempts started so far.</summary>
        public static int AttemptsStarted { get; private set; }

        /// <summary>Starts a profile of the given WifiSecurity value. Returns a WifiFailureReason value (0 = ok).</summary>
        public static int ProfileBegin(int security)
        {
            NativeLibrary.Require();
            lock (Gate)
            {
                _fields = new Dictionary<int, byte[]>();
                _roots = new List<byte[]>();
                _security = security >= 0 && security <= 2 ? security : -1;
                return _security < 0 ? (int)WifiFailureReason.InvalidRequest : 0;
            }
        }

        /// <summary>Sets one field of the profile (a native copy is taken). Returns a WifiFailureReason value.</summary>
        public static int ProfileSet(int field, byte[] value)
        {
            NativeLibrary.Require();
            if (value == null || field < FieldSsid || field > FieldServerDomain)
            {
                return (int)WifiFailureReason.InvalidRequest;
            }

            lock (Gate)
            {
                if (field == FieldTrustedRoot)
                {
                    _roots.Add((byte[])value.Clone());
                }
                else
                {
                    _fields[field] = (byte[])value.Clone();
                }

                return 0;
            }
        }

        /// <summary>Drops any link and starts connecting with the profile. Returns a WifiFailureReason value; on
        /// RadioError, <paramref name="espError"/>[0] receives ESP-IDF's error code.</summary>
        public static int Connect(int[] espError)
        {
            NativeLibrary.Require();
            if (espError.Length < 1)
            {
                throw new IndexOutOfRangeException();
            }

            WifiConnectRequest? request;
            long generation;
            SimulatedRadio air;
            lock (Gate)
            {
                request = Profile();
                if (request == null)
                {
                    return (int)WifiFailureReason.InvalidRequest;
                }

                air = _air ?? throw new InvalidOperationException("the board is not reset");
                generation = ++_generation;
                air.Disconnect();
                _state = StateConnecting;
                _result = -1;
                _espReason = 0;
                _linkLost = 0;
                AttemptsStarted++;
            }

            new Thread(() => Attempt(air, request, generation)) { IsBackground = true }.Start();
            return 0;
        }

        /// <summary>Drops the link or the attempt; not reported as a link loss.</summary>
        public static void Disconnect()
        {
            NativeLibrary.Require();
            Drop(-1);
        }

        /// <summary>Gives up the attempt: its result becomes Timeout.</summary>
        public static void Abort()
        {
            NativeLibrary.Require();
            Drop((int)WifiFailureReason.Timeout);
        }

        /// <summary>Fills <paramref name="status"/> (<see cref="StatusLength"/> entries) and consumes the link loss.</summary>
        public static void Poll(int[] status)
        {
            NativeLibrary.Require();
            if (status.Length < StatusLength)
            {
                throw new IndexOutOfRangeException();
            }

            lock (Gate)
            {
                status[StatusState] = _state;
                status[StatusResult] = _result;
                status[StatusEspReason] = _espReason;
                status[StatusTlsError] = 0;
                status[StatusLinkLost] = _linkLost;
                _linkLost = 0;
            }
        }

        internal static void Reset()
        {
            lock (Gate)
            {
                if (_air != null)
                {
                    _air.LinkLost -= OnLinkLost;
                }

                _air = null;
                _generation++;
                _state = StateIdle;
                _result = -1;
                _espReason = 0;
                _linkLost = 0;
                _security = -1;
                AttemptsStarted = 0;
            }
        }

        internal static void Attach(SimulatedRadio air)
        {
            lock (Gate)
            {
                _air = air;
                air.LinkLost += OnLinkLost;
            }
        }

        private static void Drop(int result)
        {
            SimulatedRadio? air;
            lock (Gate)
            {
                air = _air;
                _generation++;
                if (_state == StateConnecting && result >= 0)
                {
                    _result = result;
                }

                _state = StateIdle;
            }

            air?.Disconnect();
        }

        private static void Attempt(SimulatedRadio air, WifiConnectRequest request, long generation)
        {
            WifiConnectResult outcome = air.Connect(request);
            lock (Gate)
            {
                if (generation != _generation)
                {
                    return; // overtaken by a disconnect, an abort or a newer attempt
                }

                _state = outcome.Success ? StateConnected : StateIdle;
                _result = (int)outcome.Reason;
                _espReason = EspReason(outcome.Reason);
            }
        }

        private static void OnLinkLost(object sender, WifiFailureReason reason)
        {
            lock (Gate)
            {
                if (_state == StateConnected)
                {
                    _state = StateIdle;
                    _linkLost = (int)WifiFailureReason.LinkLost;
                    _espReason = EspBeaconTimeout;
                }
            }
        }

        private static int EspReason(WifiFailureReason reason)
        {
            switch (reason)
            {
                case WifiFailureReason.None: return 0;
                case WifiFailureReason.NetworkNotFound: return EspNoApFound;
                case WifiFailureReason.AuthenticationFailed: return EspHandshakeTimeout;
                default: return EspAuthFail;
            }
        }

        // The checks of StationConnect: ESP-IDF's field limits (wifi_sta_config_t, esp_eap_client.h).
        private static WifiConnectRequest? Profile()
        {
            byte[] ssid = Field(FieldSsid);
            if (_security < 0 || ssid.Length == 0 || ssid.Length > 32)
            {
                return null;
            }

            var request = new WifiConnectRequest { Ssid = Encoding.UTF8.GetString(ssid), Security = (WifiSecurity)_security };
            if (request.Security == WifiSecurity.Wpa2Psk)
            {
                byte[] psk = Field(FieldPsk);
                if (psk.Length < 8 || psk.Length > 63)
                {
                    return null;
                }

                request.Psk = Encoding.ASCII.GetString(psk);
            }
            else if (request.Security == WifiSecurity.Wpa2EapTls)
            {
                byte[] identity = Field(FieldIdentity);
                byte[] domain = Field(FieldServerDomain);
                if (identity.Length == 0 || identity.Length > 127 || domain.Length > 127 || _roots.Count == 0 ||
                    Field(FieldClientCertificate).Length == 0 || Field(FieldClientKey).Length == 0)
                {
                    return null;
                }

                request.EapIdentity = Encoding.UTF8.GetString(identity);
                request.ClientCertificate = Field(FieldClientCertificate);
                request.ClientKey = Field(FieldClientKey);
                request.TrustedRoots = _roots.ToArray();
                request.ServerDomain = domain.Length == 0 ? null : Encoding.UTF8.GetString(domain);
            }

            return request;
        }

        private static byte[] Field(int field)
        {
            return _fields.TryGetValue(field, out byte[]? value) ? value : Array.Empty<byte>();
        }
    }
}
