using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace NfCerts.Portability.Tests
{
    /// <summary>
    /// Check (b): each construct nanoFramework 1.x cannot run, written in otherwise valid C#
    /// (it compiles against .NET without errors), makes the analyzer report its rule exactly
    /// where the [| |] marker says. The implicit forms (inferred generic calls, 'var', foreach
    /// through a generic enumerator, '?.' yielding int?, ...) prove the semantic checks.
    /// </summary>
    public class AnalyzerRuleTests
    {
        /// <summary>Wraps class members in a class, with using System and System.Collections.</summary>
        private static string Members(string body)
        {
            return "using System;\nusing System.Collections;\n\npublic class Snippet\n{\n" + body + "\n}\n";
        }

        private const string Bag = @"
public class Bag : System.Collections.Generic.IEnumerable<int>
{
    public System.Collections.Generic.IEnumerator<int> GetEnumerator() { yield return 1; }
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() { return GetEnumerator(); }
}";

        private const string Point = @"
public class Point
{
    public int X; public int Y;
    public void Deconstruct(out int x, out int y) { x = X; y = Y; }
}";

        public static TheoryData<string, string, string> Violations => new TheoryData<string, string, string>
        {
            // NF0001 generic definitions
            { "NF0001", "generic class", Members("public class Box[|<T>|] { public T Value = default!; }") },
            { "NF0001", "generic struct", Members("public struct Pair[|<TA, TB>|] { }") },
            { "NF0001", "generic interface", "public interface ISource[|<T>|] { T Next(); }" },
            { "NF0001", "generic delegate", "public delegate void Handler[|<T>|](T value);" },
            { "NF0001", "generic method", Members("public static T Id[|<T>|](T x) { return x; }") },
            { "NF0001", "generic local function", Members("public void M() { int Twice[|<T>|](T x) { return 2; } Twice(1); }") },

            // NF0002 generic instantiations, written
            { "NF0002", "constructed generic type", "using System.Collections.Generic;\npublic class C { private [|List<int>|] _items = new List<int>(); }" },
            { "NF0002", "qualified generic type", Members("private System.Collections.Generic.[|Dictionary<string, int>|]? _map;") },
            { "NF0002", "generic delegate type", Members("private System.[|Func<int>|]? _f;") },
            { "NF0002", "explicit generic method call Array.Empty<T>()", Members("public byte[] M() { return Array.[|Empty<byte>|](); }") },
            { "NF0002", "unbound generic in typeof", Members("public Type T = typeof(System.Collections.Generic.[|List<>|]);") },
            { "NF0002", "generic base interface", "public class Ints : System.Collections.Generic.[|IEnumerable<int>|] { public System.Collections.Generic.IEnumerator<int> GetEnumerator() { yield break; } System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() { return GetEnumerator(); } }" },

            // NF0002 generic instantiations, implicit
            { "NF0002", "inferred generic method call (own)", Members("static T Id<T>(T x) { return x; }\npublic int M() { return [|Id|](1); }") },
            { "NF0002", "inferred generic method call (BCL)", Members("public void M() { int[] a = new int[2]; Array.[|Resize|](ref a, 4); }") },
            { "NF0002", "inferred generic method group", Members("public delegate int IntMap(int x);\nstatic T Id<T>(T x) { return x; }\npublic IntMap M() { IntMap map = [|Id|]; return map; }") },
            { "NF0002", "foreach over IEnumerable<T> implementation", Members("public int M() { int sum = 0; [|foreach|] (int x in new Bag()) { sum += x; } return sum; }") + Bag },
            { "NF0002", "var inferring a generic type", Members("public void M() { [|var|] files = System.IO.Directory.EnumerateFiles(\".\"); }") },
            { "NF0002", "API returning a generic type", Members("public object M() { return [|System.IO.Directory.EnumerateFiles(\".\")|]; }") },
            { "NF0002", "argument converted to IEnumerable<T>", Members("public void M(string[] lines) { System.IO.File.AppendAllLines(\"log.txt\", [|lines|]); }") },
            { "NF0002", "lambda converted to Func<T>", Members("public void M() { System.Threading.SpinWait.SpinUntil([|() => true|]); }") },
            { "NF0002", "var with a lambda's natural type", Members("public void M() { [|var|] f = (int x) => x + 1; f(1); }") },
            { "NF0002", "anonymous type", Members("public object M() { return [|new { Id = 1, Name = \"a\" }|]; }") },

            // NF0003 nullable value types
            { "NF0003", "int?", Members("public [|int?|] Count;") },
            { "NF0003", "DateTime?", Members("public [|DateTime?|] LastSync;") },
            { "NF0003", "Nullable<T> written", Members("public [|Nullable<long>|] Ticks;") },
            { "NF0003", "var inferring int?", Members("public void M(string? s) { [|var|] n = s?.Length; }") },
            { "NF0003", "?. on a value-typed member", Members("public bool M(string? s) { return [|s?.Length|] > 2; }") },

            // NF0004 collection expressions
            { "NF0004", "collection expression", Members("public int[] M() { int[] a = [|[1, 2, 3]|]; return a; }") },
            { "NF0004", "collection expression with spread", Members("public int[] M(int[] a) { int[] b = [|[.. a, 4]|]; return b; }") },

            // NF0005 LINQ
            { "NF0005", "using System.Linq", "[|using System.Linq;|]\npublic class C { }" },
            { "NF0005", "query expression", "using System.Linq;\npublic class C { public object M(int[] a) { return [|from x in a where x > 1 select x|]; } }" },
            { "NF0005", "LINQ extension call", "using System.Linq;\npublic class C { public int M(int[] a) { return a.[|Count|](); } }" },
            { "NF0005", "LINQ through Enumerable", Members("public object M() { return System.Linq.[|Enumerable|].Range(0, 3); }") },
            { "NF0005", "LINQ type", Members("public System.Linq.[|IQueryable|]? Query;") },

            // NF0006 async/await and Task
            { "NF0006", "async method", Members("public [|async|] System.Threading.Tasks.Task M() { await System.Threading.Tasks.Task.Yield(); }") },
            { "NF0006", "await", Members("public async void M() { [|await|] System.Threading.Tasks.Task.Delay(1); }") },
            { "NF0006", "async lambda", Members("public void M() { Func<System.Threading.Tasks.Task> f = [|async|] () => await System.Threading.Tasks.Task.Yield(); }") },
            { "NF0006", "Task type", Members("public System.Threading.Tasks.[|Task|]? Pending;") },
            { "NF0006", "Task<T> type", Members("public System.Threading.Tasks.[|Task<int>|]? Pending;") },
            { "NF0006", "ValueTask type", Members("public System.Threading.Tasks.[|ValueTask|] Pending;") },
            { "NF0006", "var inferring Task", Members("public void M() { [|var|] t = System.Threading.Tasks.Task.CompletedTask; }") },
            { "NF0006", "await foreach", Members("public async System.Threading.Tasks.Task M(System.Collections.Generic.IAsyncEnumerable<int> items) { [|await|] foreach (var i in items) { } }") },

            // NF0007 tuples
            { "NF0007", "tuple type", Members("public [|(int, string)|] Pair;") },
            { "NF0007", "tuple literal", Members("public object M() { return [|(1, \"a\")|]; }") },
            { "NF0007", "deconstructing declaration", Members("public int M() { [|var (a, b)|] = (1, 2); return a + b; }") },
            { "NF0007", "deconstructing assignment", Members("public void M(int a, int b) { [|(a, b)|] = (b, a); }") },
            { "NF0007", "deconstruction of a class", Members("public int M(Point p) { [|var (x, y)|] = p; return x + y; }") + Point },
            { "NF0007", "positional pattern", Members("public bool M(Point p) { return p is [|(1, 2)|]; }") + Point },
            { "NF0007", "ValueTuple written", Members("public [|ValueTuple<int, int>|] Pair;") },
            { "NF0007", "var inferring a tuple", Members("public int M() { [|var|] t = Math.DivRem(7, 2); return t.Quotient; }") },

            // NF0008 records
            { "NF0008", "record", "public record [|Reading|](int Value);" },
            { "NF0008", "record class", "public record class [|Reading|] { public int Value { get; init; } }" },
            { "NF0008", "record struct", "public record struct [|Reading|](int Value);" },

            // NF0009 dynamic
            { "NF0009", "dynamic", Members("public [|dynamic|]? Value;") },
            { "NF0009", "var inferring dynamic", Members("public void M(object o) { [|var|] d = (dynamic)o; }") },

            // NF0010 multidimensional arrays
            { "NF0010", "rectangular array type", Members("public [|int[,]|]? Grid;") },
            { "NF0010", "rectangular array creation", Members("public object M() { return [|new int[2, 3]|]; }") },
            { "NF0010", "implicit rectangular array creation", Members("public object M() { return [|new[,] { { 1, 2 }, { 3, 4 } }|]; }") },
            { "NF0010", "var inferring a rectangular array", Members("public void M(Array a) { [|var|] g = (byte[,,])a; }") },

            // NF0011 Span, Memory, stackalloc, ref struct
            { "NF0011", "Span<T>", Members("public void M() { [|Span<byte>|] s = new byte[4]; }") },
            { "NF0011", "ReadOnlySpan<T>", Members("public int M([|ReadOnlySpan<char>|] s) { return s.Length; }") },
            { "NF0011", "Memory<T>", Members("public [|Memory<byte>|] Buffer;") },
            { "NF0011", "stackalloc", Members("public int M() { Span<byte> b = [|stackalloc byte[4]|]; return b.Length; }") },
            { "NF0011", "ref struct", "public [|ref|] struct Cursor { public int Position; }" },
            { "NF0011", "var inferring ReadOnlySpan", Members("public int M(string s) { [|var|] span = s.AsSpan(); return span.Length; }") },
            { "NF0011", "API returning a span", Members("public int M() { return [|System.Text.Encoding.UTF8.Preamble|].Length; }") },

            // NF0012 default interface members
            { "NF0012", "default interface method", "public interface ISensor { int [|Read|]() { return 0; } }" },
            { "NF0012", "default interface property", "public interface ISensor { int [|Scale|] => 1; }" },
            { "NF0012", "static interface method", "public interface ISensor { static abstract ISensor [|Create|](); }" },
            { "NF0012", "interface field", "public interface ISensor { [|static int Count;|] }" },

            // NF0013 unsafe code
            { "NF0013", "unsafe method", Members("public [|unsafe|] void M() { }") },
            { "NF0013", "unsafe block", Members("public void M() { [|unsafe|] { } }") },
            { "NF0013", "pointer type", Members("public unsafe int M() { int x = 1; [|int*|] p = &x; return *p; }") },
            { "NF0013", "fixed statement", Members("public unsafe byte M(byte[] a) { [|fixed|] (byte* p = a) { return *p; } }") },
            { "NF0013", "fixed-size buffer", "public unsafe struct Frame { public [|fixed|] byte Data[8]; }" },
            { "NF0013", "function pointer", Members("public unsafe void M() { [|delegate*<void>|] f = null; }") },
            { "NF0013", "var inferring a pointer", Members("public unsafe void M() { int x = 1; [|var|] p = &x; }") },
        };

        [Theory]
        [MemberData(nameof(Violations))]
        public async Task Analyzer_reports_the_rule_at_the_construct(string id, string construct, string marked)
        {
            var (code, span) = Harness.Unmark(marked);
            var compilation = Harness.Compile(Harness.DotNetReferences, code);
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, construct + ": the snippet must be valid C# for .NET:\n" + Harness.Format(errors));

            var diagnostics = await Harness.AnalyzeAsync(compilation);

            var found = diagnostics.FirstOrDefault(d => d.Id == id && d.Location.SourceSpan == span);
            Assert.True(
                found != null,
                construct + ": expected " + id + " at [" + code.Substring(span.Start, span.Length) + "], got:\n" + Harness.Format(diagnostics));
            Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, found!.Severity);
            var message = found.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains("nanoFramework 1.x", message, System.StringComparison.Ordinal);
            Assert.DoesNotContain("{0}", message, System.StringComparison.Ordinal); // the format string formatted
        }

        [Fact]
        public void Every_rule_has_a_violation_row()
        {
            var covered = Violations.Select(row => (string)row[0]).ToHashSet();
            var rules = new NfCerts.Analyzers.PortabilityAnalyzer().SupportedDiagnostics.Select(d => d.Id);

            var uncovered = rules.Where(id => !covered.Contains(id)).ToList();
            Assert.True(uncovered.Count == 0, "Rules without a violation row: " + string.Join(", ", uncovered));
        }
    }
}
