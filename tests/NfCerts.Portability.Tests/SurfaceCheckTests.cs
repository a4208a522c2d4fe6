using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NfCerts.Portability.Tests
{
    /// <summary>
    /// Check (a), the surface check: code compiled against the nanoFramework 1.x reference set (the real core library
    /// and tools/NanoSurface's assemblies, and nothing else) fails on APIs nanoFramework 1.x lacks, with a compiler
    /// error at the construct. This is what tools/NanoCheck does to the real portable sources on every build.
    /// </summary>
    public class SurfaceCheckTests
    {
        /// <summary>
        /// Each row: the construct, the snippet with the expected error marked, and the documentation-comment ID of what
        /// the real mscorlib.dll lacks that makes it fail there (checked by <see cref="Real_corlib_lacks_what_each_missing_api_row_relies_on"/>).
        /// </summary>
        public static TheoryData<string, string, string> MissingApis => new TheoryData<string, string, string>
        {
            { "string.Replace", "public class C { public string M(string s) { return [|s.Replace|](\"a\", \"b\"); } }", "M:System.String.Replace" },
            { "string.Join", "public class C { public string M(string[] s) { return [|string.Join|](\",\", s); } }", "M:System.String.Join" },
            { "string.CompareOrdinal", "public class C { public int M(string a, string b) { return [|string.CompareOrdinal|](a, b); } }", "M:System.String.CompareOrdinal" },
            { "char.IsDigit", "public class C { public bool M(char c) { return [|char.IsDigit|](c); } }", "M:System.Char.IsDigit" },
            { "Array.Sort", "public class C { public void M(int[] a) { [|System.Array.Sort|](a); } }", "M:System.Array.Sort" },
            { "TimeSpan.FromSeconds(double)", "public class C { public System.TimeSpan M() { return System.TimeSpan.FromSeconds([|1.5|]); } }", "M:System.TimeSpan.FromSeconds(System.Double)" },
            { "MethodImplOptions.AggressiveInlining", "using System.Runtime.CompilerServices;\npublic class C { [MethodImpl([|MethodImplOptions.AggressiveInlining|])] public void M() { } }", "F:System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining" },
            { "List<int>", "public class C { private [|System.Collections.Generic.List<int>|]? _items; }", "T:System.Collections.Generic.List`1" },
            { "using System.Collections.Generic", "[|using System.Collections.Generic;|]\npublic class C { }", "N:System.Collections.Generic" },
            { "using System.Linq", "[|using System.Linq;|]\npublic class C { }", "N:System.Linq" },
            { "LINQ query", "public class C { public object M(int[] a) { return [|from x in a select x|]; } }", "N:System.Linq" },
            { "int?", "public class C { private [|int?|] _count; }", "T:System.Nullable`1" },
            { "decimal", "public class C { private [|decimal|] _amount; }", "T:System.Decimal" },
            { "Task", "public class C { private [|System.Threading.Tasks.Task|]? _pending; }", "T:System.Threading.Tasks.Task" },
            { "async method", "public class C { [|public async void M() { }|] }", "T:System.Runtime.CompilerServices.AsyncVoidMethodBuilder" },
            { "tuple literal", "public class C { public object M() { return [|(1, 2)|]; } }", "T:System.ValueTuple`2" },
            { "Span<byte>", "public class C { private [|System.Span<byte>|] _s; }", "T:System.Span`1" },
            { "System.Text.Json", "public class C { public object? M() { return [|System.Text.Json.JsonDocument|].Parse(\"{}\"); } }", "N:System.Text.Json" },
            { "Enum.GetValues", "public class C { public object M() { return [|System.Enum.GetValues|](typeof(C)); } }", "M:System.Enum.GetValues" },
            { "record", "[|public record R(int X);|]", "T:System.Collections.Generic.EqualityComparer`1" },
        };

        [Theory]
        [MemberData(nameof(MissingApis))]
        public void Surface_compile_fails_at_an_api_nanoFramework_lacks(string construct, string marked, string missing)
        {
            var (code, span) = Harness.Unmark(marked);

            var errors = Harness.CompileErrors(Harness.Compile(Harness.NanoSurfaceReferences, code));

            Assert.True(
                errors.Any(e => e.Location.IsInSource && e.Location.SourceSpan.OverlapsWith(span)),
                construct + " (needs " + missing + "): expected a compile error at [" + code.Substring(span.Start, span.Length) + "], got:\n" + Harness.Format(errors));
        }

        /// <summary>
        /// The negative cases above are about the device, not about a hand-written list: each fails because the real
        /// nanoFramework.CoreLibrary lacks the named API, read from its mscorlib.dll, and no surface assembly adds it.
        /// </summary>
        [Theory]
        [MemberData(nameof(MissingApis))]
        public void Real_corlib_lacks_what_each_missing_api_row_relies_on(string construct, string marked, string missing)
        {
            Assert.NotNull(marked);
            Assert.False(NanoAssemblies.Defines(NanoAssemblies.Corlib, missing), construct + ": the real mscorlib.dll defines " + missing);
            foreach (var surface in NanoAssemblies.Surface)
            {
                Assert.False(NanoAssemblies.Defines(surface, missing), construct + ": tools/NanoSurface/" + surface.Name + " declares " + missing);
            }
        }

        /// <summary>The ID lookup the row check relies on finds what the real corlib does define, so its "absent" means absent.</summary>
        [Theory]
        [InlineData("M:System.String.Split")]
        [InlineData("M:System.TimeSpan.FromSeconds(System.Int64)")]
        [InlineData("F:System.Runtime.CompilerServices.MethodImplOptions.InternalCall")]
        [InlineData("T:System.Collections.ArrayList")]
        [InlineData("T:System.Console")]
        [InlineData("N:System.Threading")]
        public void Corlib_lookup_finds_what_the_real_corlib_defines(string id)
        {
            Assert.True(NanoAssemblies.Defines(NanoAssemblies.Corlib, id), id);
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
