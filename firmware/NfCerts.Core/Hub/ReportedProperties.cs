using System.Collections;
using NfCerts.Core.Json;

namespace NfCerts.Core.Hub
{
    /// <summary>
    /// The reported properties as the device means them, and as the hub last accepted them: <see cref="TakePatch"/> gives
    /// only the difference, bounded in size.
    /// </summary>
    /// <remarks>
    /// <para>A member is either a value (JSON text, compared and sent whole) or a map (an object of entries compared one by
    /// one; an entry that went away is sent as <c>null</c>, which deletes it from the twin).</para>
    /// <para>A patch holds at most <see cref="MaxPatchChars"/> characters: members (or map entries) that do not fit wait
    /// for the next patch. Until <see cref="Sent"/> says the hub accepted it, nothing counts as reported; a refused patch
    /// is offered again (recomputed: the newest values win).</para>
    /// <para>RAM: two copies of the document's text (meant and accepted), each bounded by what the members hold
    /// (<see cref="HealthReport"/> bounds them: about 6 KiB for a full store).</para>
    /// </remarks>
    public sealed class ReportedProperties
    {
        /// <summary>Largest patch, in characters.</summary>
        public const int MaxPatchChars = 8192;

        // name -> string (a value's JSON) or Hashtable (a map: key -> JSON), with the names' order kept apart.
        private readonly Hashtable _meant = new Hashtable();
        private Hashtable _accepted = new Hashtable();
        private readonly ArrayList _order = new ArrayList();
        private readonly Hashtable _mapOrder = new Hashtable();
        private ArrayList _inFlight = new ArrayList();

        /// <summary>Sets a value member to <paramref name="json"/> (a JSON value's text).</summary>
        public void Set(string name, string json)
        {
            Remember(name);
            _meant[name] = json;
        }

        /// <summary>Sets one entry of a map member.</summary>
        public void SetEntry(string map, string key, string json)
        {
            Hashtable m = Map(map);
            ArrayList order = (ArrayList)_mapOrder[map]!;
            if (!order.Contains(key))
            {
                order.Add(key);
            }
            m[key] = json;
        }

        /// <summary>Removes every entry of a map member (before setting the current ones again).</summary>
        public void ClearMap(string map)
        {
            Map(map).Clear();
            ((ArrayList)_mapOrder[map]!).Clear();
        }

        /// <summary>The whole document as meant (for <c>getHealth</c>).</summary>
        public string Document()
        {
            var w = new JsonWriter();
            w.BeginObject();
            for (int i = 0; i < _order.Count; i++)
            {
                string name = (string)_order[i]!;
                w.Name(name);
                object v = _meant[name]!;
                if (v is string)
                {
                    w.Raw((string)v);
                    continue;
                }
                w.BeginObject();
                ArrayList keys = (ArrayList)_mapOrder[name]!;
                for (int k = 0; k < keys.Count; k++)
                {
                    w.Name((string)keys[k]!).Raw((string)((Hashtable)v)[keys[k]!]!);
                }
                w.EndObject();
            }
            return w.EndObject().ToString();
        }

        /// <summary>Forgets what the hub accepted, so that the next patch is the whole document (<c>reportNow</c>, or a
        /// twin whose reported section is unknown).</summary>
        public void ForgetAccepted()
        {
            _accepted = new Hashtable();
        }

        /// <summary>The patch from what the hub accepted to what is meant, or null when they agree.</summary>
        public string? TakePatch()
        {
            _inFlight = new ArrayList();
            var w = new JsonWriter();
            w.BeginObject();
            for (int i = 0; i < _order.Count; i++)
            {
                string name = (string)_order[i]!;
                object v = _meant[name]!;
                object? was = _accepted[name];
                if (v is string)
                {
                    string s = (string)v;
                    if (was is string && (string)was == s)
                    {
                        continue;
                    }
                    if (w.Length + name.Length + s.Length + 8 > MaxPatchChars)
                    {
                        continue;
                    }
                    w.Name(name).Raw(s);
                    _inFlight.Add(new string[] { name, "", s });
                    continue;
                }
                TakeMap(w, name, (Hashtable)v, was as Hashtable);
            }
            w.EndObject();
            return _inFlight.Count == 0 ? null : w.ToString();
        }

        /// <summary>Whether the hub accepted the patch last taken.</summary>
        public void Sent(bool accepted)
        {
            if (accepted)
            {
                for (int i = 0; i < _inFlight.Count; i++)
                {
                    var e = (string[])_inFlight[i]!;
                    if (e[1].Length == 0)
                    {
                        _accepted[e[0]] = e[2];
                        continue;
                    }
                    Hashtable? m = _accepted[e[0]] as Hashtable;
                    if (m == null)
                    {
                        m = new Hashtable();
                        _accepted[e[0]] = m;
                    }
                    if (e[2] == null)
                    {
                        m.Remove(e[1]);
                    }
                    else
                    {
                        m[e[1]] = e[2];
                    }
                }
            }
            _inFlight = new ArrayList();
        }

        private void TakeMap(JsonWriter w, string name, Hashtable meant, Hashtable? was)
        {
            bool open = false;
            ArrayList keys = (ArrayList)_mapOrder[name]!;
            for (int k = 0; k < keys.Count; k++)
            {
                string key = (string)keys[k]!;
                string s = (string)meant[key]!;
                if (was != null && was[key] is string && (string)was[key]! == s)
                {
                    continue;
                }
                open = Entry(w, name, key, s, open);
            }
            if (was != null)
            {
                foreach (DictionaryEntry e in was)
                {
                    if (!meant.Contains(e.Key))
                    {
                        open = Entry(w, name, (string)e.Key, null, open);
                    }
                }
            }
            if (open)
            {
                w.EndObject();
            }
        }

        private bool Entry(JsonWriter w, string name, string key, string? json, bool open)
        {
            int cost = (open ? 0 : name.Length + 6) + key.Length + (json == null ? 4 : json.Length) + 8;
            if (w.Length + cost > MaxPatchChars)
            {
                return open;
            }
            if (!open)
            {
                w.Name(name).BeginObject();
            }
            w.Name(key);
            if (json == null)
            {
                w.Null();
            }
            else
            {
                w.Raw(json);
            }
            _inFlight.Add(new string?[] { name, key, json });
            return true;
        }

        private void Remember(string name)
        {
            if (!_order.Contains(name))
            {
                _order.Add(name);
            }
        }

        private Hashtable Map(string name)
        {
            Remember(name);
            Hashtable? m = _meant[name] as Hashtable;
            if (m == null)
            {
                m = new Hashtable();
                _meant[name] = m;
                _mapOrder[name] = new ArrayList();
            }
            return m;
        }
    }
}
