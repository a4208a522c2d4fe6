using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NfCerts.Portability.Tests
{
    /// <summary>
    /// Check (a), the surface check: code compiled against tools/NanoSurface's mscorlib.dll, and
    /// nothing else, fails on APIs nanoFramework 1.x lacks, with a compiler error at the construct.
    /// This is what tools/NanoCheck does to the real portable sources on every build.
    /// </summary>
    public class SurfaceCheckTests
    {
        public static TheoryData<string, string> MissingApis => new TheoryData<string, string>
        {
            { "Console.WriteLine", "public class C { public void M() { [|System.Console.WriteLine(\"x\")|]; } }" },
            { "List<int>", "public class C { private [|System.Collections.Generic.List<int>|]? _items; }" },
            { "using System.Collections.Generic", "[|using System.Collections.Generic;|]\npublic class C { }" },
            { "using System.Linq", "[|using System.Linq;|]\npublic class C { }" },
            { "LINQ query", "public class C { public object M(int[] a) { return [|from x in a select x|]; } }" },
            { "int?", "public class C { private [|int?|] _count; }" },
            { "Task", "public class C { private [|System.Threading.Tasks.Task|]? _pending; }" },
            { "async method", "public class C { [|public async void M() { }|] }" },
            { "tuple literal", "public class C { public object M() { return [|(1, 2)|]; } }" },
            { "Span<byte>", "public class C { private [|System.Span<byte>|] _s; }" },
            { "System.Text.Json", "public class C { public object? M() { return [|System.Text.Json.JsonDocument|].Parse(\"{}\"); } }" },
            { "Enum.GetValues", "public class C { public object M() { return [|System.Enum.GetValues|](typeof(C)); } }" },
            { "record", "[|public record R(int X);|]" },
        };

        [Theory]
        [MemberData(nameof(MissingApis))]
        public void Surface_compile_fails_at_an_api_nanoFramework_lacks(string construct, string marked)
        {
            var (code, span) = Harness.Unmark(marked);

            var errors = Harness.CompileErrors(Harness.Compile(Harness.NanoSurfaceReferences, code));

            Assert.True(
                errors.Any(e => e.Location.IsInSource && e.Location.SourceSpan.OverlapsWith(span)),
                construct + ": expected a compile error at [" + code.Substring(span.Start, span.Length) + "], got:\n" + Harness.Format(errors));
        }

        private const string Point = "public class Point { public int X; public int Y; public void Deconstruct(out int x, out int y) { x = X; y = Y; } }\n";

        /// <summary>
        /// Why the analyzer exists: these compile and emit cleanly against the surface, because the
        /// compiler needs no library support for them, yet nanoFramework 1.x cannot run them.
        /// </summary>
        public static TheoryData<string, string, string> SurfaceBlindSpots => new TheoryData<string, string, string>
        {
            { "NF0001", "generic class", "public class Box[|<T>|] { public T Value = default!; }" },
            { "NF0002", "inferred generic call", "public class C { static T Id<T>(T x) { return x; } public int M() { return [|Id|](1); } }" },
            { "NF0010", "rectangular array", "public class C { public object M() { return [|new int[2, 3]|]; } }" },
            { "NF0001", "generic delegate", "public delegate void Handler[|<T>|](T value);" },
            { "NF0004", "collection expression into an array", "public class C { public int[] M() { int[] a = [|[1, 2]|]; return a; } }" },
            { "NF0007", "positional pattern", Point + "public class C { public bool M(Point p) { return p is [|(1, 2)|]; } }" },
            { "NF0007", "deconstruction into variables", Point + "public class C { public int M(Point p) { int a, b; [|(a, b)|] = p; return a + b; } }" },
            { "NF0011", "ref struct", "public [|ref|] struct Cursor { public int Position; }" },
            { "NF0013", "pointer", "public class C { public unsafe int M() { int x = 1; [|int*|] p = &x; return *p; } }" },
            { "NF0013", "fixed-size buffer", "public unsafe struct Frame { public [|fixed|] byte Data[8]; }" },
            { "NF0013", "function pointer", "public class C { public unsafe void M() { [|delegate*<void>|] f = null; } }" },
        };

        [Theory]
        [MemberData(nameof(SurfaceBlindSpots))]
        public async Task Analyzer_catches_what_the_surface_lets_through(string id, string construct, string marked)
        {
            var (code, span) = Harness.Unmark(marked);
            var compilation = Harness.Compile(Harness.NanoSurfaceReferences, code);

            var errors = Harness.CompileErrors(compilation);
            Assert.True(errors.IsEmpty, construct + ": expected to build against the surface, got:\n" + Harness.Format(errors));

            var diagnostics = await Harness.AnalyzeAsync(compilation);
            Assert.True(
                diagnostics.Any(d => d.Id == id && d.Location.SourceSpan == span),
                construct + ": expected " + id + " at [" + code.Substring(span.Start, span.Length) + "], got:\n" + Harness.Format(diagnostics));
        }
    }
}
