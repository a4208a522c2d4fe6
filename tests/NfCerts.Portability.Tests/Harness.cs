using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using NfCerts.Analyzers;
using Xunit;

namespace NfCerts.Portability.Tests
{
    /// <summary>
    /// Compiles C# with Roslyn against either the nanoFramework 1.x reference set (the real core library,
    /// nanoFramework.CoreLibrary's mscorlib.dll, and tools/NanoSurface's stand-ins for the other nanoFramework
    /// assemblies, and nothing else) or the .NET reference set of the running runtime, and runs the portability
    /// analyzer over the result.
    /// </summary>
    internal static class Harness
    {
        private static readonly Lazy<string> LazyRepoRoot = new Lazy<string>(FindRepoRoot);
        private static readonly Lazy<ImmutableArray<MetadataReference>> LazyDotNetReferences = new Lazy<ImmutableArray<MetadataReference>>(LoadDotNetReferences);

        /// <summary>The folder holding nf.Certs.sln, found by walking up from the test binaries.</summary>
        public static string RepoRoot => LazyRepoRoot.Value;

        /// <summary>The build configuration of this test assembly (Debug or Release): the surface was built with the same one.</summary>
        public static string Configuration =>
            typeof(Harness).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

        /// <summary>tools/NanoSurface/bin/&lt;Configuration&gt;/net10.0/surface: the surface assemblies and a copy of the real mscorlib.dll.</summary>
        public static string NanoSurfaceDirectory =>
            Path.Combine(RepoRoot, "tools", "NanoSurface", "bin", Configuration, "net10.0", "surface");

        /// <summary>The real nanoFramework core library, as tools/NanoSurface copied it from the NuGet package.</summary>
        public static string NanoCorlibPath => Path.Combine(NanoSurfaceDirectory, "mscorlib.dll");

        /// <summary>tools/NanoCheck's output: the device image's sources compiled against the nanoFramework reference set.</summary>
        public static string NanoCheckAssemblyPath =>
            Path.Combine(RepoRoot, "tools", "NanoCheck", "bin", Configuration, "net10.0", "NfCerts.NanoCheck.dll");

        /// <summary>The surface assemblies tools/NanoSurface built, without the real mscorlib.dll.</summary>
        public static IReadOnlyList<string> NanoSurfaceAssemblyPaths
        {
            get
            {
                Assert.True(File.Exists(NanoCorlibPath), "The nanoFramework surface is not built: " + NanoCorlibPath);
                return Directory.GetFiles(NanoSurfaceDirectory, "*.dll")
                    .Where(p => !string.Equals(Path.GetFileName(p), "mscorlib.dll", StringComparison.Ordinal))
                    .OrderBy(p => p, StringComparer.Ordinal)
                    .ToList();
            }
        }

        /// <summary>The nanoFramework reference set (real mscorlib.dll plus the surface assemblies) as the only references.</summary>
        public static ImmutableArray<MetadataReference> NanoSurfaceReferences =>
            NanoSurfaceAssemblyPaths.Prepend(NanoCorlibPath)
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .ToImmutableArray();

        /// <summary>Every assembly of the shared .NET runtime this test runs on.</summary>
        public static ImmutableArray<MetadataReference> DotNetReferences => LazyDotNetReferences.Value;

        public static CSharpParseOptions ParseOptions { get; } = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Parse);

        public static CSharpCompilation Compile(IEnumerable<MetadataReference> references, params string[] sources)
        {
            return Compile(references, sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, "Snippet" + i + ".cs")));
        }

        public static CSharpCompilation Compile(IEnumerable<MetadataReference> references, IEnumerable<SyntaxTree> trees)
        {
            var options = new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: true,
                concurrentBuild: false);
            return CSharpCompilation.Create("Probe", trees, references, options);
        }

        /// <summary>Compiler errors, including those only found while emitting (missing members the compiler needs).</summary>
        public static ImmutableArray<Diagnostic> CompileErrors(Compilation compilation)
        {
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
            if (!errors.IsEmpty)
            {
                return errors;
            }

            using var peStream = new MemoryStream();
            var emitted = compilation.Emit(peStream);
            return emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        }

        /// <summary>The portability analyzer's diagnostics, sorted by position. An analyzer crash fails the test.</summary>
        public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation)
        {
            var crashes = new List<string>();
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                (exception, analyzer, diagnostic) => { lock (crashes) { crashes.Add(exception.ToString()); } },
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false);
            var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new PortabilityAnalyzer()), options);
            var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
            Assert.True(crashes.Count == 0, "The analyzer threw:\n" + string.Join("\n", crashes));
            return diagnostics
                .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
                .ThenBy(d => d.Location.SourceSpan.Start)
                .ToImmutableArray();
        }

        /// <summary>One line per diagnostic: file(line,col): ID message, for assertion messages.</summary>
        public static string Format(IEnumerable<Diagnostic> diagnostics)
        {
            var text = new StringBuilder();
            foreach (var diagnostic in diagnostics)
            {
                var span = diagnostic.Location.GetLineSpan();
                text.Append(Path.GetFileName(span.Path)).Append('(').Append(span.StartLinePosition.Line + 1).Append(',')
                    .Append(span.StartLinePosition.Character + 1).Append("): ").Append(diagnostic.Id).Append(' ')
                    .Append(diagnostic.GetMessage()).Append(" [").Append(diagnostic.Location.SourceTree?.GetText().ToString(diagnostic.Location.SourceSpan))
                    .AppendLine("]");
            }

            return text.Length == 0 ? "(none)" : text.ToString();
        }

        /// <summary>Removes one [| |] marker pair from <paramref name="marked"/> and returns the code and the marked span.</summary>
        public static (string Code, TextSpan Span) Unmark(string marked)
        {
            var start = marked.IndexOf("[|", StringComparison.Ordinal);
            var end = marked.IndexOf("|]", StringComparison.Ordinal);
            Assert.True(start >= 0 && end > start, "The snippet has no [| |] marker.");
            Assert.True(marked.IndexOf("[|", start + 2, StringComparison.Ordinal) < 0, "The snippet has more than one marker.");
            var code = marked.Substring(0, start) + marked.Substring(start + 2, end - start - 2) + marked.Substring(end + 2);
            return (code, TextSpan.FromBounds(start, end - 2));
        }

        private static string FindRepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "nf.Certs.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("nf.Certs.sln not found above " + AppContext.BaseDirectory);
        }

        private static ImmutableArray<MetadataReference> LoadDotNetReferences()
        {
            var runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
            var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty).Split(Path.PathSeparator);
            return trusted
                .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
                            && string.Equals(Path.GetDirectoryName(p), runtimeDir, StringComparison.Ordinal))
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .ToImmutableArray();
        }
    }
}
