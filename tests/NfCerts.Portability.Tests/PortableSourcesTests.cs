using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Portability.Tests
{
    /// <summary>
    /// The real portable sources (hal/NfCerts.Hal, firmware/NfCerts.Core) pass the analyzer. The
    /// build says the same, but this test prints every finding with its location when it fails.
    /// </summary>
    public class PortableSourcesTests
    {
        private static readonly string[] PortableProjects = { Path.Combine("hal", "NfCerts.Hal"), Path.Combine("firmware", "NfCerts.Core") };

        private readonly ITestOutputHelper _output;

        public PortableSourcesTests(ITestOutputHelper output)
        {
            _output = output;
        }

        [Fact]
        public async Task Portable_sources_have_no_portability_diagnostics()
        {
            var files = PortableProjects
                .SelectMany(project => Directory.EnumerateFiles(Path.Combine(Harness.RepoRoot, project), "*.cs", SearchOption.AllDirectories)
                    .Where(file => !IsBuildOutput(Path.GetRelativePath(Path.Combine(Harness.RepoRoot, project), file))))
                .OrderBy(file => file, StringComparer.Ordinal)
                .ToList();
            Assert.Contains(files, f => f.EndsWith("IFlash.cs", StringComparison.Ordinal)); // the search found the HAL
            var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), Harness.ParseOptions, f));
            var compilation = Harness.Compile(Harness.DotNetReferences, trees);
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, "The portable sources must compile for .NET:\n" + Harness.Format(errors));

            var diagnostics = await Harness.AnalyzeAsync(compilation);

            _output.WriteLine("Analyzed " + files.Count + " files:\n" + Harness.Format(diagnostics));
            Assert.True(diagnostics.IsEmpty, "Portability violations in portable code:\n" + Harness.Format(diagnostics));
        }

        private static bool IsBuildOutput(string relativePath)
        {
            var first = relativePath.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)[0];
            return first == "bin" || first == "obj";
        }
    }
}
