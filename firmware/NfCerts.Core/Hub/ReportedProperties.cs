using System.Collections;
using NfCerts.Core.Json;

namespace NfCerts.Core.Hub
{
    /// <summary>
    /// The reported properties as the device means them, and which of them the hub last accepted: <see cref="TakePatch"/>
    /// gives only the difference, bounded in size.
    /// </summary>
    /// <remarks>
    /// <para>A member is either a value (JSON text, compared and sent whole) or a map (an object of entries compared one by
    /// one; an entry that went away is sent as <c>null</c>, which deletes it from the twin).</para>
    /// <para>A patch holds at most <see cref="MaxPatchChars"/> characters: members (or map entries) that do not fit wait
    /// for the next patch. Until <see cref="Sent"/> says the hub accepted it, nothing counts as reported; a refused patch
    /// is offered again (recomputed: the newest values win).</para>
    /// <para>What was sent is kept as a version, not as text: each member and entry counts its changes (a value set to the
    /// text it already has is no change) and remembers the count the hub accepted, so a patch holds exactly what changed
    /// since, whatever was set in between. An entry that went away is kept, without its text, until its deletion is
    /// accepted.</para>
    /// <para>RAM: the document's text as meant, once (<see cref="HealthReport"/> bounds it: about 6 KiB for a full store;
    /// the certificates' texts are the very strings <see cref="CertificateHealth"/> keeps), plus one object of 8 fields per
    /// member and per entry (about 100 bytes on nanoFramework: a device reports about 10 members and 10 entries), and an
    /// <c>ArrayList</c> per map; no hashtables, so nothing is boxed. Nothing of what was sent grows with its size. A patch
    /// with nothing to send allocates nothing.</para>
    /// </remarks>
    public sealed class ReportedProperties
    {
        /// <summary>Largest patch, in characters.</summary>
        public const int MaxPatchChars = 8192;

        private const int None = -1;      // Sent: the twin has no such property as far as the device knows
        private const int Deletion = -2;  // Flight: the patch in flight deletes the entry

        // Members in the order first set. A map's entries: those meant first (0 .. Meant-1, in the order set since the last
        // ClearMap), then those that went away.
        private readonly ArrayList _members = new ArrayList();

        /// <summary>Sets a value member to <paramref name="json"/> (a JSON value's text).</summary>
        public void Set(string name, string json)
        {
            Item m = Member(name, false);
            Change(m, json);
        }

        /// <summary>Sets one entry of a map member.</summary>
        public void SetEntry(string map, string key, string json)
        {
            Item m = Member(map, true);
            ArrayList entries = m.Entries!;
            int at = Find(entries, key);
            Item e;
            if (at < 0)
            {
                e = new Item(key);
                entries.Insert(m.Meant, e);
                m.Meant++;
            }
            else
            {
                e = (Item)entries[at]!;
                if (at >= m.Meant)
                {
                    entries.RemoveAt(at);
                    entries.Insert(m.Meant, e);
                    m.Meant++;
                }
            }
            Change(e, json);
        }

        /// <summary>Removes every entry of a map member (before setting the current ones again).</summary>
        public void ClearMap(string map)
        {
            Member(map, true).Meant = 0;
        }

        /// <summary>The whole document as meant (for <c>getHealth</c>).</summary>
        public string Document()
        {
            var w = new JsonWriter();
            w.BeginObject();
            for (int i = 0; i < _members.Count; i++)
            {
                var m = (Item)_members[i]!;
                if (m.Entries == null)
                {
                    w.Name(m.Name).Raw(m.Json!);
                    continue;
                }
                w.Name(m.Name).BeginObject();
                for (int k = 0; k < m.Meant; k++)
                {
                    var e = (Item)m.Entries[k]!;
                    w.Name(e.Name).Raw(e.Json!);
                }
                w.EndObject();
            }
            return w.EndObject().ToString();
        }

        /// <summary>Forgets what the hub accepted, so that the next patch is the whole document (<c>reportNow</c>, or a
        /// twin whose reported section is unknown).</summary>
        public void ForgetAccepted()
        {
            for (int i = 0; i < _members.Count; i++)
            {
                var m = (Item)_members[i]!;
                m.Sent = None;
                if (m.Entries != null)
                {
                    for (int k = 0; k < m.Entries.Count; k++)
                    {
                        ((Item)m.Entries[k]!).Sent = None;
                    }
                }
            }
        }

        /// <summary>The patch from what the hub accepted to what is meant, or null when they agree.</summary>
        public string? TakePatch()
        {
            if (!Settle())
            {
                return null;
            }
            var w = new JsonWriter();
            w.BeginObject();
            bool any = false;
            for (int i = 0; i < _members.Count; i++)
            {
                var m = (Item)_members[i]!;
                if (m.Entries != null)
                {
                    any |= TakeMap(w, m);
                    continue;
                }
                string s = m.Json!;
                if (m.Sent == m.Version || w.Length + m.Name.Length + s.Length + 8 > MaxPatchChars)
                {
                    continue;
                }
                w.Name(m.Name).Raw(s);
                m.Flight = m.Version;
                any = true;
            }
            w.EndObject();
            return any ? w.ToString() : null;
        }

        /// <summary>Whether the hub accepted the patch last taken.</summary>
        public void Sent(bool accepted)
        {
            for (int i = 0; i < _members.Count; i++)
            {
                var m = (Item)_members[i]!;
                Land(m, accepted);
                if (m.Entries != null)
                {
                    for (int k = 0; k < m.Entries.Count; k++)
                    {
                        Land((Item)m.Entries[k]!, accepted);
                    }
                }
            }
        }

        /// <summary>Before a patch: forgets the patch before it, drops the text of entries that went away (a deletion to
        /// send) and the entries the twin no longer has. True when something is to be sent.</summary>
        private bool Settle()
        {
            bool pending = false;
            for (int i = 0; i < _members.Count; i++)
            {
                var m = (Item)_members[i]!;
                m.Flight = None;
                if (m.Entries == null)
                {
                    pending |= m.Sent != m.Version;
                    continue;
                }
                for (int k = m.Entries.Count - 1; k >= 0; k--)
                {
                    var e = (Item)m.Entries[k]!;
                    e.Flight = None;
                    if (k >= m.Meant)
                    {
                        Change(e, null);
                        if (e.Sent == None)
                        {
                            m.Entries.RemoveAt(k);
                            continue;
                        }
                    }
                    pending |= e.Sent != e.Version;
                }
            }
            return pending;
        }

        private static bool TakeMap(JsonWriter w, Item m)
        {
            bool open = false;
            for (int k = 0; k < m.Entries!.Count; k++)
            {
                var e = (Item)m.Entries[k]!;
                if (e.Sent == e.Version)
                {
                    continue;
                }
                string? json = e.Json;
                int cost = (open ? 0 : m.Name.Length + 6) + e.Name.Length + (json == null ? 4 : json.Length) + 8;
                if (w.Length + cost > MaxPatchChars)
                {
                    continue;
                }
                if (!open)
                {
                    w.Name(m.Name).BeginObject();
                    open = true;
                }
                w.Name(e.Name);
                if (json == null)
                {
                    w.Null();
                    e.Flight = Deletion;
                }
                else
                {
                    w.Raw(json);
                    e.Flight = e.Version;
                }
            }
            if (open)
            {
                w.EndObject();
            }
            return open;
        }

        private static void Land(Item x, bool accepted)
        {
            if (accepted && x.Flight != None)
            {
                x.Sent = x.Flight == Deletion ? None : x.Flight;
            }
            x.Flight = None;
        }

        /// <summary>Sets the text; a different text is a new version.</summary>
        private static void Change(Item x, string? json)
        {
            if (x.Json == json)
            {
                return;
            }
            x.Json = json;
            // Versions count from 0; after 2^31 changes (millennia of reports) they wrap past the two markers.
            x.Version = x.Version == int.MaxValue ? 0 : x.Version + 1;
        }

        private Item Member(string name, bool map)
        {
            int at = Find(_members, name);
            if (at >= 0)
            {
                return (Item)_members[at]!;
            }
            var m = new Item(name);
            if (map)
            {
                m.Entries = new ArrayList();
                m.Json = "";
            }
            _members.Add(m);
            return m;
        }

        private static int Find(ArrayList items, string name)
        {
            for (int i = 0; i < items.Count; i++)
            {
                if (((Item)items[i]!).Name == name)
                {
                    return i;
                }
            }
            return -1;
        }

        /// <summary>A member or a map's entry.</summary>
        private sealed class Item
        {
            public Item(string name)
            {
                Name = name;
            }

            public readonly string Name;
            /// <summary>The meant text; null for an entry that went away (or a value not set yet).</summary>
            public string? Json;
            /// <summary>Changes of <see cref="Json"/> so far.</summary>
            public int Version = -1;
            /// <summary>The version the hub accepted, or <see cref="None"/>.</summary>
            public int Sent = None;
            /// <summary>The version in the patch last taken, <see cref="Deletion"/>, or <see cref="None"/>.</summary>
            public int Flight = None;
            /// <summary>A map's entries; null for a value.</summary>
            public ArrayList? Entries;
            /// <summary>A map's entries meant: the first ones.</summary>
            public int Meant;
        }
    }
}
