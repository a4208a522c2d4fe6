using System;
using System.Collections.Generic;

namespace NfCerts.Cli
{
    /// <summary>A command line split into positionals, flags and valued options.</summary>
    internal sealed class Args
    {
        private readonly List<string> _positional = new();
        private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);

        /// <param name="args">The words after the command name.</param>
        /// <param name="valued">Options that take a value (e.g. "--size").</param>
        public Args(IEnumerable<string> args, params string[] valued)
        {
            var takesValue = new HashSet<string>(valued, StringComparer.Ordinal);
            using var e = args.GetEnumerator();
            while (e.MoveNext())
            {
                var a = e.Current;
                if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
                {
                    string name = a, value = "";
                    int eq = a.IndexOf('=');
                    if (eq > 0)
                    {
                        name = a[..eq];
                        value = a[(eq + 1)..];
                    }
                    else if (takesValue.Contains(a))
                    {
                        if (!e.MoveNext())
                        {
                            throw new UsageException(a + " needs a value");
                        }
                        value = e.Current;
                    }
                    if (!takesValue.Contains(name) && eq > 0)
                    {
                        throw new UsageException(name + " takes no value");
                    }
                    _options[name] = takesValue.Contains(name) ? value : null;
                }
                else
                {
                    _positional.Add(a);
                }
            }
        }

        public int Count => _positional.Count;

        public string this[int i] => i < _positional.Count ? _positional[i] : throw new UsageException("missing argument " + (i + 1));

        public bool Flag(string name)
        {
            _used.Add(name);
            return _options.ContainsKey(name);
        }

        public string? Value(string name)
        {
            _used.Add(name);
            return _options.TryGetValue(name, out var v) ? v : null;
        }

        public int Int(string name, int fallback)
        {
            var v = Value(name);
            if (v == null)
            {
                return fallback;
            }
            int mul = 1;
            if (v.EndsWith("K", StringComparison.OrdinalIgnoreCase) || v.EndsWith("KiB", StringComparison.OrdinalIgnoreCase))
            {
                mul = 1024;
                v = v.TrimEnd('B', 'b', 'i', 'I').TrimEnd('K', 'k');
            }
            if (!int.TryParse(v, out var n) || n <= 0 || n > int.MaxValue / mul)
            {
                throw new UsageException(name + " must be a positive number of bytes, not '" + Value(name) + "'");
            }
            return n * mul;
        }

        /// <summary>Fails on options the command did not ask for, and on a wrong number of positionals.</summary>
        public void Done(int minPositional, int maxPositional)
        {
            foreach (var k in _options.Keys)
            {
                if (!_used.Contains(k))
                {
                    throw new UsageException("unknown option " + k);
                }
            }
            if (_positional.Count < minPositional)
            {
                throw new UsageException("missing arguments");
            }
            if (_positional.Count > maxPositional)
            {
                throw new UsageException("unexpected argument '" + _positional[maxPositional] + "'");
            }
        }
    }

    /// <summary>The command line is wrong: exit code 2 with the message and a hint.</summary>
    internal sealed class UsageException : Exception
    {
        public UsageException(string message) : base(message) { }
    }

    /// <summary>The command failed for a reason the user can act on: exit code 1 with the message.</summary>
    internal sealed class CommandException : Exception
    {
        public CommandException(string message) : base(message) { }
    }
}
