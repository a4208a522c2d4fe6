using System;
using System.Collections;
using NfCerts.Core.Certificates;
using NfCerts.Core.Json;
using NfCerts.Core.X509;
using NfCerts.Hal;

namespace NfCerts.Core.Hub
{
    /// <summary>
    /// The reported <c>certificates</c> map (<see cref="HealthReport"/>): one entry per certificate in the store, each
    /// entry's text kept from one report to the next while the certificate under its identifier is not written again.
    /// </summary>
    /// <remarks>
    /// <para>An entry is <c>{"type","subject","issuer","notBefore","notAfter","daysLeft","sha1","sha256"}</c>, or
    /// <c>{"error"}</c> when the certificate cannot be read. It is kept with the certificate's write stamp
    /// (<see cref="CertStore.GetCertificateStamp"/>, which changes whenever the store writes that certificate, compaction
    /// included) and its type (a client when it has a key), its <c>notAfter</c> and where <c>daysLeft</c> stands in the text.
    /// While both match, a report reads no flash, parses nothing and hashes nothing: only <c>daysLeft</c> is computed from
    /// the kept date and the clock, and the text is rewritten around it when it differs (once a day). A certificate whose
    /// stamp or type differ is read once (one read of its DER, one parse, SHA-1 and SHA-256 of the same bytes). An entry that
    /// could not be read is not kept: the next report tries again.</para>
    /// <para>What an unchanged entry says is what the certificate said when it was read: flash that decays under a
    /// certificate without any write shows at the certificate's next use (every connection reads it) and in the report after
    /// it is written again or after a reboot, not in the next report.</para>
    /// <para>Memory: kept, per certificate, one object of 10 fields and its text (about 500-900 characters, the same string
    /// the reported properties hold as meant, not a copy); ~1 KiB for a real store of 8 certificates beyond the text. Allocated
    /// per report with nothing changed: the identifiers (<see cref="CertStore.GetCertificateIdentifiers"/>, two short strings
    /// each) and two store keys per certificate, about 100 bytes a certificate; once a day the rewritten texts.</para>
    /// </remarks>
    internal sealed class CertificateHealth
    {
        private readonly ArrayList _entries = new ArrayList();
        private CertStore? _store;

        /// <summary>Sets every entry of <paramref name="map"/> in <paramref name="r"/> from <paramref name="store"/>.</summary>
        public void Refresh(ReportedProperties r, string map, CertStore store, IKeyVault vault, bool synced, DateTime now)
        {
            if (_store != store)
            {
                // Stamps are numbered per mounted log: another store's say nothing about this one's.
                _entries.Clear();
                _store = store;
            }
            string[] ids = store.GetCertificateIdentifiers();
            r.ClearMap(map);
            for (int i = 0; i < _entries.Count; i++)
            {
                ((Entry)_entries[i]!).Seen = false;
            }
            for (int i = 0; i < ids.Length; i++)
            {
                r.SetEntry(map, ids[i], Current(store, vault, ids[i], synced, now));
            }
            for (int i = _entries.Count - 1; i >= 0; i--)
            {
                if (!((Entry)_entries[i]!).Seen)
                {
                    _entries.RemoveAt(i);
                }
            }
        }

        private string Current(CertStore store, IKeyVault vault, string id, bool synced, DateTime now)
        {
            int at = Find(id);
            try
            {
                int stamp = store.GetCertificateStamp(id);
                bool client = store.GetCertificateType(id) == CertificateType.Client;
                Entry? e = at < 0 ? null : (Entry)_entries[at]!;
                if (e != null && e.Stamp == stamp && e.Client == client)
                {
                    e.Seen = true;
                    SetDays(e, synced, now);
                    return e.Json;
                }
                e = Read(store, vault, id, stamp, client, synced, now);
                if (at < 0)
                {
                    _entries.Add(e);
                }
                else
                {
                    _entries[at] = e;
                }
                return e.Json;
            }
            catch (CertStoreException ex)
            {
                if (at >= 0)
                {
                    _entries.RemoveAt(at);
                }
                var w = new JsonWriter().BeginObject();
                w.Name("error").Value(ex.Message);
                return w.EndObject().ToString();
            }
        }

        private static Entry Read(CertStore store, IKeyVault vault, string id, int stamp, bool client, bool synced, DateTime now)
        {
            byte[] der;
            CertificateInfo info = store.GetCertificateInfo(id, out der);
            var e = new Entry();
            e.Id = id;
            e.Stamp = stamp;
            e.Client = client;
            e.NotAfter = info.NotAfter;
            e.Synced = synced;
            e.Days = synced ? HealthReport.DaysLeft(info.NotAfter, now) : 0;
            e.Seen = true;
            var w = new JsonWriter().BeginObject();
            w.Name("type").Value(client ? "client" : "root");
            w.Name("subject").Value(info.Subject.ToString());
            w.Name("issuer").Value(info.Issuer.ToString());
            w.Name("notBefore").Value(CertificateInfo.FormatTime(info.NotBefore));
            w.Name("notAfter").Value(CertificateInfo.FormatTime(info.NotAfter));
            w.Name("daysLeft");
            e.DaysAt = w.Length;
            if (synced)
            {
                w.Value(e.Days);
            }
            else
            {
                w.Null();
            }
            e.DaysLength = w.Length - e.DaysAt;
            w.Name("sha1").Value(CertStore.Hex(vault.Sha1(der, 0, der.Length)));
            w.Name("sha256").Value(CertStore.Hex(vault.Sha256(der, 0, der.Length)));
            e.Json = w.EndObject().ToString();
            return e;
        }

        /// <summary>Rewrites the entry's <c>daysLeft</c> when it is no longer what the clock says.</summary>
        private static void SetDays(Entry e, bool synced, DateTime now)
        {
            long days = synced ? HealthReport.DaysLeft(e.NotAfter, now) : 0;
            if (synced == e.Synced && days == e.Days)
            {
                return;
            }
            string text = synced ? days.ToString() : "null";
            e.Json = e.Json.Substring(0, e.DaysAt) + text + e.Json.Substring(e.DaysAt + e.DaysLength);
            e.DaysLength = text.Length;
            e.Synced = synced;
            e.Days = days;
        }

        private int Find(string id)
        {
            for (int i = 0; i < _entries.Count; i++)
            {
                if (((Entry)_entries[i]!).Id == id)
                {
                    return i;
                }
            }
            return -1;
        }

        /// <summary>One certificate's entry as last read.</summary>
        private sealed class Entry
        {
            public string Id = "";
            public int Stamp;
            public bool Client;
            public DateTime NotAfter;
            public bool Synced;
            public long Days;
            public string Json = "";
            public int DaysAt;
            public int DaysLength;
            public bool Seen;
        }
    }
}
