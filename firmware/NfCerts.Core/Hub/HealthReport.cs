using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Device;
using NfCerts.Core.Json;
using NfCerts.Core.Renewal;
using NfCerts.Core.Wifi;
using NfCerts.Core.X509;

namespace NfCerts.Core.Hub
{
    /// <summary>
    /// The device's health as reported properties: certificate inventory, network, renewal, store, firmware, faults.
    /// Never key material: a certificate is described by its names, validity and thumbprints only. One instance per device
    /// (the hub handlers'): it keeps what the certificates say between reports (<see cref="CertificateHealth"/>).
    /// </summary>
    /// <remarks>
    /// <para>Bounds: the store holds at most 24 entries of names up to 300 characters each, so <c>certificates</c> is
    /// at most about 24 x 900 characters in theory and ~4 KiB for a real device (5-8 certificates); the other members are a
    /// few hundred characters (reasons are bounded by <see cref="RenewalEngine.MaxReasonChars"/>, faults by
    /// <see cref="FaultList"/>). A patch is further bounded by <see cref="ReportedProperties.MaxPatchChars"/>.</para>
    /// <para>Memory budget, on desktop .NET as <c>nfcerts bench health</c> measures it on a store of 8 certificates (the
    /// RADIUS roots, a client identity with its intermediate, a bootstrap identity, the EST root, three hub roots). Kept
    /// between reports, by <see cref="CertificateHealth"/> and <see cref="ReportedProperties"/> together: the document's
    /// text once plus about 100 bytes per member and entry; budget 16 KiB, measured 8.4 KB (UTF-16 text: nanoFramework
    /// keeps strings in UTF-8, about half). Allocated by a report while the store is unchanged: budget 8 KiB, measured
    /// 6.0 KB (the small members' texts, rebuilt and compared every time, and the store's identifiers), with no flash read,
    /// parse or hash. A report after a certificate changed adds one read of that certificate (its DER, one parse, two
    /// hashes: ~11 KB for a 600-byte certificate); the first report after a boot reads them all (~97 KB for the 8, one
    /// certificate live at a time). Before the cache every report read each certificate three times: 103 KB allocated
    /// and 19 KB of flash read per report, 15.4 KB kept.</para>
    /// </remarks>
    public sealed class HealthReport
    {
        /// <summary>Reported member names.</summary>
        public const string Certificates = "certificates", Network = "network", Renewal = "renewal", Store = "store",
            Firmware = "firmwareVersion", Faults = "faults", Provisioning = "provisioning";

        private readonly CertificateHealth _certificates = new CertificateHealth();

        /// <summary>Writes the current health into <paramref name="r"/>.</summary>
        public void Refresh(ReportedProperties r, HubContext c)
        {
            _certificates.Refresh(r, Certificates, c.Store, c.Vault, c.Clock.IsSynchronized, c.Clock.UtcNow);
            r.Set(Network, NetworkJson(c.Wifi));
            r.Set(Renewal, RenewalJson(c.Engine.Status));
            r.Set(Store, StoreJson(c));
            r.Set(Firmware, JsonWriter.Quote(c.FirmwareVersion));
            if (c.Provisioning != null)
            {
                r.Set(Provisioning, c.Provisioning());
            }
            r.ClearMap(Faults);
            DeviceFault[] faults = c.Faults == null ? new DeviceFault[0] : c.Faults();
            for (int i = 0; i < faults.Length; i++)
            {
                var w = new JsonWriter().BeginObject();
                w.Name("message").Value(faults[i].Message).Name("count").Value(faults[i].Count);
                r.SetEntry(Faults, faults[i].Component, w.EndObject().ToString());
            }
        }

        /// <summary>Whole days from <paramref name="now"/> to <paramref name="notAfter"/>, rounded down (negative once expired).</summary>
        public static long DaysLeft(DateTime notAfter, DateTime now)
        {
            long t = (notAfter - now).Ticks;
            long d = t / TimeSpan.TicksPerDay;
            return t < 0 && t % TimeSpan.TicksPerDay != 0 ? d - 1 : d;
        }

        private static string NetworkJson(WifiConfig wifi)
        {
            var w = new JsonWriter().BeginObject();
            string connected = wifi.ConnectedConfigName;
            w.Name("connected").Value(connected);
            int id;
            if (connected.Length > 0 && wifi.TryGetConnectedNetworkId(out id))
            {
                WifiDiagnostics d = wifi.GetNetworkDiagnostics(id);
                w.Name("ssid").Value(wifi.GetNetwork(id).Ssid);
                Diagnostics(w, d);
            }
            else
            {
                // Not connected: what the last attempt of the first network said is the most useful clue.
                int n = wifi.GetStoredNetworkCount();
                if (n > 0)
                {
                    Diagnostics(w, wifi.GetNetworkDiagnostics(0));
                }
            }
            return w.EndObject().ToString();
        }

        private static void Diagnostics(JsonWriter w, WifiDiagnostics d)
        {
            w.Name("diagnostics").BeginObject();
            w.Name("error").Value(NetworkError(d.Error));
            w.Name("certError").Value(CertError(d.CertError));
            w.Name("certDepth").Value(d.CertDepth);
            w.Name("certSubject").Value(d.CertSubject);
            w.EndObject();
        }

        /// <summary>The reported <c>renewal</c> member (also <c>checkNow</c>'s answer).</summary>
        public static string RenewalJson(RenewalStatus s)
        {
            var w = new JsonWriter().BeginObject();
            w.Name("state").Value(State(s.State));
            w.Name("lastResult").Value(s.LastResult);
            w.Name("lastReason").Value(s.LastReason);
            w.Name("nextCheck").Value(s.NextCheckUtc == DateTime.MinValue ? "" : CertificateInfo.FormatTime(s.NextCheckUtc));
            w.Name("clockTrusted").Value(s.ClockTrusted);
            w.Name("clockLagSeconds").Value(s.ClockLag.Ticks / TimeSpan.TicksPerSecond);
            w.Name("renewals").Value(s.Renewals);
            w.Name("rollbacks").Value(s.Rollbacks);
            return w.EndObject().ToString();
        }

        private static string StoreJson(HubContext c)
        {
            uint[] erases = c.Log.GetEraseCounts();
            uint max = 0, min = uint.MaxValue;
            for (int i = 0; i < erases.Length; i++)
            {
                max = erases[i] > max ? erases[i] : max;
                min = erases[i] < min ? erases[i] : min;
            }
            var w = new JsonWriter().BeginObject();
            w.Name("freeBytes").Value(c.Store.GetAvailableSpace());
            w.Name("capacityBytes").Value(c.Log.CapacityBytes);
            w.Name("maxErases").Value((long)max);
            w.Name("minErases").Value(erases.Length == 0 ? 0L : (long)min);
            return w.EndObject().ToString();
        }

        /// <summary>The reported name of a renewal state.</summary>
        public static string State(RenewalState s)
        {
            switch (s)
            {
                case RenewalState.WaitingForNetwork2: return "waitingForNetwork2";
                case RenewalState.Renewing: return "renewing";
                case RenewalState.RolledBack: return "rolledBack";
                case RenewalState.Failed: return "failed";
                default: return "idle";
            }
        }

        private static string NetworkError(WifiNetworkError e)
        {
            switch (e)
            {
                case WifiNetworkError.ConnectionFailed: return "ConnectionFailed";
                case WifiNetworkError.NetworkNotFound: return "NetworkNotFound";
                case WifiNetworkError.AuthenticationFailed: return "AuthenticationFailed";
                default: return "None";
            }
        }

        private static string CertError(WifiCertError e)
        {
            switch (e)
            {
                case WifiCertError.CertificateNotFound: return "CertificateNotFound";
                case WifiCertError.InvalidRootCA: return "InvalidRootCA";
                case WifiCertError.InvalidClientAuth: return "InvalidClientAuth";
                default: return "None";
            }
        }
    }
}
