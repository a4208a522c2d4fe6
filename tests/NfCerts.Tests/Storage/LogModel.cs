using System;
using System.Collections.Generic;
using System.Linq;
using NfCerts.Core.Storage;
using NfCerts.Hal;
using NfCerts.Hal.Host;

namespace NfCerts.Tests.Storage
{
    /// <summary>One step of a scenario: a transaction of operations, applied both to the log and to the model.</summary>
    public sealed class Step
    {
        public readonly List<(char Op, string Key, string Key2, byte[]? Value)> Ops = new();

        public Step Put(string key, byte[] value) { Ops.Add(('P', key, "", value)); return this; }
        public Step Delete(string key) { Ops.Add(('D', key, "", null)); return this; }
        public Step Move(string src, string dst) { Ops.Add(('M', src, dst, null)); return this; }

        public void Apply(RecordLog log)
        {
            var t = log.Begin();
            foreach (var (op, k, k2, v) in Ops)
            {
                if (op == 'P') t.Put(k, v!);
                else if (op == 'D') t.Delete(k);
                else t.Move(k, k2);
            }
            t.Commit();
        }

        public void Apply(Dictionary<string, byte[]> model)
        {
            foreach (var (op, k, k2, v) in Ops)
            {
                if (op == 'P') model[k] = v!;
                else if (op == 'D') model.Remove(k);
                else { model[k2] = model[k]; model.Remove(k); }
            }
        }

        public override string ToString() => string.Join("; ", Ops.Select(o => o.Op + " " + o.Key + (o.Op == 'M' ? "->" + o.Key2 : "") + (o.Value != null ? " (" + o.Value.Length + "B)" : "")));
    }

    public static class LogModel
    {
        public static byte[] Bytes(int length, int seed)
        {
            var b = new byte[length];
            new Random(seed).NextBytes(b);
            return b;
        }

        public static Dictionary<string, byte[]> Read(RecordLog log)
        {
            var d = new Dictionary<string, byte[]>();
            foreach (var k in log.GetKeys(""))
            {
                Xunit.Assert.True(log.TryGet(k, out var v));
                d[k] = v;
            }
            return d;
        }

        public static bool Same(Dictionary<string, byte[]> a, Dictionary<string, byte[]> b)
            => a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v.AsSpan().SequenceEqual(kv.Value));

        public static string Describe(Dictionary<string, byte[]> d)
            => "{" + string.Join(", ", d.OrderBy(k => k.Key, StringComparer.Ordinal).Select(kv => kv.Key + ":" + kv.Value.Length + "B/" + Convert.ToHexString(kv.Value.Take(4).ToArray()))) + "}";
    }
}
