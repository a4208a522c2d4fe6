using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace NfCerts.Portability.Tests
{
    /// <summary>
    /// Check (c): idiomatic nanoFramework-style code passes. A portability check that flags good
    /// code would be switched off, so these guard against false positives.
    /// </summary>
    public class PositiveControlTests
    {
        /// <summary>
        /// Analyzer only, compiled against .NET (the surface does not declare most of these APIs yet).
        /// It also covers what .NET's overload resolution picks behind the code's back: string.Format
        /// and string.Concat with many arguments bind to params ReadOnlySpan overloads on .NET 9+,
        /// StringBuilder.Append($"...") to an interpolated string handler (a ref struct with generic
        /// methods). On the device the same calls bind to object[] and string overloads, so none of
        /// these may be reported.
        /// </summary>
        private const string Idiomatic = @"
using System;
using System.Collections;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;

namespace Demo
{
    /// <summary>Raised with a new reading. Unlike <see cref=""System.Collections.Generic.List{T}""/>, doc references are only text.</summary>
    public delegate void ReadingHandler(object sender, int value);

    public enum Mode { Idle, Busy }

    public interface ISensor
    {
        int Read();
        string Name { get; }
        event ReadingHandler? Changed;
    }

    public struct Sample
    {
        public Sample(int value, DateTime at) { Value = value; At = at; }
        public int Value { get; private set; }
        public DateTime At { get; private set; }
    }

    public sealed class Sensor : ISensor, IDisposable
    {
        private readonly object _sync = new object();
        private readonly ArrayList _samples = new ArrayList();
        private readonly Hashtable _byName = new Hashtable();
        private readonly Queue _pending = new Queue();
        private readonly byte[][] _frames = new byte[2][];
        private string? _label;
        private Timer? _timer;
        private int _count;

        public event ReadingHandler? Changed;

        public string Name => _label ?? ""sensor"";

        public int Read()
        {
            lock (_sync)
            {
                var count = Interlocked.Increment(ref _count);
                var sample = new Sample(count, DateTime.UtcNow);
                _samples.Add(sample);
                _byName[""last""] = sample;
                _pending.Enqueue(sample);
                Changed?.Invoke(this, count);
                return count;
            }
        }

        public int Sum()
        {
            int sum = 0;
            foreach (Sample s in _samples) { sum += s.Value; }
            foreach (DictionaryEntry e in _byName) { if (e.Key is string k && k.Length > 0) { sum++; } }
            foreach (byte b in Encoding.UTF8.GetBytes(""abc"")) { sum += b; }
            foreach (char c in ""abc"") { sum += c; }
            foreach (var parts in ""a,b"".Split(',')) { sum += parts.Length; }
            for (int i = 0; i < _frames.Length; i++) { if (_frames[i] == null) { _frames[i] = new byte[] { 1, 2 }; } }
            return Math.Max(sum, 0);
        }

        public string Describe(Mode mode, string? label)
        {
            if (label != null && label.Length > 16) { throw new ArgumentOutOfRangeException(nameof(label)); }
            _label = label;
            var text = new StringBuilder();
            text.Append($""{Name}: {_count} samples"");
            text.AppendLine(string.Format(""{0} {1} {2} {3}"", 1, ""two"", 3.0, mode));
            switch (label)
            {
                case ""hot"": text.Append('!'); break;
                case null: break;
                default: text.Append(label.ToUpper()); break;
            }
            string state = mode switch { Mode.Idle => ""idle"", _ => ""busy"" };
            string joined = string.Concat(""a"", ""b"", ""c"", ""d"", ""e"");
            Debug.WriteLine(""state "" + state);
            return text.ToString() + state + joined + $""{_count:X2}"" + _count.ToString(""X2"");
        }

        public void Start()
        {
            _timer = new Timer(OnTick, null, 0, 1000);
            var worker = new Thread(() => Read());
            worker.Start();
            Changed += OnChanged;
        }

        public byte[] Save()
        {
            using (var stream = new MemoryStream())
            {
                var data = Encoding.UTF8.GetBytes(Convert.ToBase64String(BitConverter.GetBytes(_count)));
                var copy = new byte[data.Length];
                Array.Copy(data, 0, copy, 0, data.Length);
                stream.Write(copy, 0, copy.Length);
                return stream.ToArray();
            }
        }

        public bool TryParse(string s, out int value)
        {
            try { return int.TryParse(s, out value); }
            catch (FormatException) { value = 0; return false; }
            finally { _count = 0; }
        }

        public TimeSpan Age(DateTime then) { return DateTime.UtcNow > then ? DateTime.UtcNow - then : TimeSpan.Zero; }

        public void Dispose() { _timer?.Dispose(); }

        private void OnTick(object? state) { Read(); }

        private void OnChanged(object sender, int value) { _label = value.ToString(); }
    }
}
";

        /// <summary>Generated code is not the project's to fix (e.g. obj/*.AssemblyInfo.cs); the analyzer skips it.</summary>
        private const string Generated = @"// <auto-generated/>
public class GeneratedHelper { public System.Collections.Generic.List<int> Items = new System.Collections.Generic.List<int>(); }
";

        [Fact]
        public async Task Idiomatic_nanoFramework_code_has_no_analyzer_diagnostics()
        {
            var compilation = Harness.Compile(Harness.DotNetReferences, Idiomatic, Generated);
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, "The control must be valid C# for .NET:\n" + Harness.Format(errors));

            var diagnostics = await Harness.AnalyzeAsync(compilation);

            Assert.True(diagnostics.IsEmpty, Harness.Format(diagnostics));
        }

        /// <summary>
        /// The same idiomatic code builds against the nanoFramework reference set too (the real corlib and the
        /// surface): what it uses, and what the compiler needs for it (foreach, lock, events, interpolation, using,
        /// the string indexer), is really there.
        /// </summary>
        [Fact]
        public void Idiomatic_nanoFramework_code_builds_against_the_real_corlib_and_the_surface()
        {
            var compilation = Harness.Compile(Harness.NanoSurfaceReferences, Idiomatic);

            var errors = Harness.CompileErrors(compilation);

            Assert.True(errors.IsEmpty, "Expected to build against the nanoFramework reference set:\n" + Harness.Format(errors));
        }

        /// <summary>
        /// Both checks pass: the bare language (Object, String.Length, Int32, Exception(string), enums, structs,
        /// delegates, array indexing) with no library beyond the core.
        /// </summary>
        private const string WithinSurface = @"
namespace Demo
{
    public delegate void Handler(object sender, int value);

    public enum Level { Low, High }

    public interface IProbe { int Measure(string text); }

    public struct Reading
    {
        public int Value;
        public Reading(int value) { Value = value; }
    }

    public class Probe : IProbe
    {
        private readonly byte[][] _frames = new byte[2][];
        private Handler? _handler;
        private string? _name;
        private Level _level = Level.Low;

        public int Measure(string text)
        {
            if (text.Length == 0) { throw new System.Exception(""empty""); }
            int total = 0;
            int[] values = new int[3];
            values[0] = 1;
            for (int i = 0; i < 3; i++) { total += values[i]; }
            for (int i = 0; i < 2; i++) { if (_frames[i] == null) { total++; } }
            var reading = new Reading(total);
            _handler = OnMeasured;
            _handler(this, reading.Value);
            if (_level == Level.High) { total--; }
            return reading.Value + (_name is null ? 0 : _name.Length);
        }

        private void OnMeasured(object sender, int value) { _level = value > 2 ? Level.High : Level.Low; }
    }
}
";

        [Fact]
        public async Task Code_within_the_surface_passes_both_checks()
        {
            var compilation = Harness.Compile(Harness.NanoSurfaceReferences, WithinSurface);

            var errors = Harness.CompileErrors(compilation);
            Assert.True(errors.IsEmpty, "Expected to build against the surface:\n" + Harness.Format(errors));
            var diagnostics = await Harness.AnalyzeAsync(compilation);
            Assert.True(diagnostics.IsEmpty, Harness.Format(diagnostics));
        }
    }
}
