using System;
using System.Collections.Generic;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// Objects by a content key (a digest), each referred to weakly: a lookup finds the one instance some holder still keeps,
    /// else one is made and kept for the next. Dead entries are swept whenever the table has doubled since the last sweep, so
    /// its size is bounded by twice the live objects (and 64). Thread-safe.
    /// </summary>
    /// <typeparam name="T">Immutable objects safe to share between holders and threads.</typeparam>
    internal sealed class WeakTable<T>
        where T : class
    {
        private const int FirstSweep = 64;
        private readonly object _gate = new object();
        private readonly Dictionary<string, WeakReference<T>> _table = new(StringComparer.Ordinal);
        private int _sweepAt = FirstSweep;

        /// <summary>The live object under <paramref name="key"/>, or the one <paramref name="make"/> makes (outside the
        /// lock; when two threads make one at once, the first kept is returned to both).</summary>
        public T GetOrMake(string key, Func<T> make)
        {
            lock (_gate)
            {
                if (_table.TryGetValue(key, out WeakReference<T>? found) && found.TryGetTarget(out T? live))
                {
                    return live;
                }
            }
            T made = make();
            lock (_gate)
            {
                if (_table.TryGetValue(key, out WeakReference<T>? raced) && raced.TryGetTarget(out T? first))
                {
                    return first;
                }
                _table[key] = new WeakReference<T>(made);
                if (_table.Count >= _sweepAt)
                {
                    Sweep();
                }
            }
            return made;
        }

        private void Sweep()
        {
            var dead = new List<string>();
            foreach (KeyValuePair<string, WeakReference<T>> entry in _table)
            {
                if (!entry.Value.TryGetTarget(out _))
                {
                    dead.Add(entry.Key);
                }
            }
            foreach (string key in dead)
            {
                _table.Remove(key);
            }
            _sweepAt = Math.Max(FirstSweep, _table.Count * 2);
        }
    }
}
