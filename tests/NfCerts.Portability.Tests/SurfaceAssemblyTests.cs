using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NfCerts.Portability.Tests
{
    /// <summary>
    /// tools/NanoSurface holds only what NuGet does not serve: one stand-in per nanoFramework assembly, named as the real
    /// one, compiled against the real core library. These hold it to that, so that types resolve to the assembly they
    /// come from on the device and nothing the real corlib defines is declared a second time (and possibly wrongly).
    /// </summary>
    public class SurfaceAssemblyTests
    {
        [Fact]
        public void Every_surface_folder_builds_an_assembly_named_as_the_folder()
        {
            string folder = Path.Combine(Harness.RepoRoot, "tools", "NanoSurface");
            var folders = Directory.GetDirectories(folder).Select(d => Path.GetFileName(d)!)
                .Where(name => name != "bin" && name != "obj")
                .OrderBy(name => name, StringComparer.Ordinal)
                .ToList();
            var built = NanoAssemblies.Surface.Select(a => a.Name).OrderBy(name => name, StringComparer.Ordinal).ToList();

            Assert.Contains("System.IO.Streams", folders);
            Assert.Equal(folders, built);
            Assert.DoesNotContain("mscorlib", folders);
        }

        [Fact]
        public void No_surface_type_duplicates_a_type_the_real_corlib_defines()
        {
            var problems = new StringBuilder();
            var seen = new System.Collections.Generic.Dictionary<string, string>(StringComparer.Ordinal);
            foreach (IAssemblySymbol surface in NanoAssemblies.Surface)
            {
                foreach (INamedTypeSymbol type in NanoAssemblies.Types(surface).Where(t => !t.IsImplicitlyDeclared && t.Name != "<Module>" && !NanoAssemblies.IsCompilerEmbedded(t)))
                {
                    string name = MetadataName(type);
                    if (type.DeclaredAccessibility == Accessibility.Public && NanoAssemblies.Corlib.GetTypeByMetadataName(name) != null)
                    {
                        problems.AppendLine(surface.Name + " declares " + name + ", which the real mscorlib.dll defines: delete the declaration.");
                    }

                    if (seen.TryGetValue(name, out string? other))
                    {
                        problems.AppendLine(name + " is declared by both " + other + " and " + surface.Name + ".");
                    }
                    else
                    {
                        seen.Add(name, surface.Name);
                    }
                }
            }

            Assert.True(seen.Count > 10, "The surface declares suspiciously few types: " + seen.Count);
            Assert.True(problems.Length == 0, Environment.NewLine + problems);
        }

        [Fact]
        public void Surface_assemblies_reference_only_nanoFramework_assemblies()
        {
            var allowed = NanoAssemblies.Surface.Select(a => a.Name).Append("mscorlib").ToHashSet(StringComparer.Ordinal);
            var problems = new StringBuilder();
            foreach (IAssemblySymbol surface in NanoAssemblies.Surface)
            {
                foreach (AssemblyIdentity reference in surface.Modules.Single().ReferencedAssemblies)
                {
                    if (!allowed.Contains(reference.Name))
                    {
                        problems.AppendLine(surface.Name + " references " + reference.GetDisplayName());
                    }
                    else if (reference.Name == "mscorlib" && reference.Version != NanoAssemblies.Corlib.Identity.Version)
                    {
                        problems.AppendLine(surface.Name + " references mscorlib " + reference.Version + ", not the real " + NanoAssemblies.Corlib.Identity.Version);
                    }
                }
            }

            Assert.True(problems.Length == 0, Environment.NewLine + problems);
        }

        /// <summary>Where nanoFramework 1.x ships the types portable code uses (a type in the wrong assembly would not resolve on the device).</summary>
        [Theory]
        [InlineData("System.IO.Stream", "System.IO.Streams")]
        [InlineData("System.IO.SeekOrigin", "System.IO.Streams")]
        [InlineData("System.IO.MemoryStream", "System.IO.Streams")]
        [InlineData("System.IO.FileStream", "System.IO.FileSystem")]
        [InlineData("System.IO.IOException", "mscorlib")]
        [InlineData("System.Collections.ArrayList", "mscorlib")]
        [InlineData("System.Collections.Hashtable", "nanoFramework.System.Collections")]
        [InlineData("System.Text.StringBuilder", "nanoFramework.System.Text")]
        [InlineData("System.Text.Encoding", "nanoFramework.System.Text")]
        [InlineData("System.Math", "System.Math")]
        [InlineData("System.Environment", "nanoFramework.Runtime.Native")]
        [InlineData("System.Threading.Timer", "mscorlib")]
        [InlineData("System.Console", "mscorlib")]
        public void Types_resolve_to_the_assembly_they_ship_in(string type, string assembly)
        {
            var owners = NanoAssemblies.Surface.Prepend(NanoAssemblies.Corlib)
                .Where(a => a.GetTypeByMetadataName(type) is { DeclaredAccessibility: Accessibility.Public })
                .Select(a => a.Name)
                .ToList();

            Assert.Equal(new[] { assembly }, owners);
        }

        private static string MetadataName(INamedTypeSymbol type)
        {
            string name = type.MetadataName;
            for (INamedTypeSymbol? outer = type.ContainingType; outer != null; outer = outer.ContainingType)
            {
                name = outer.MetadataName + "+" + name;
                type = outer;
            }

            string ns = type.ContainingNamespace.ToDisplayString();
            return type.ContainingNamespace.IsGlobalNamespace ? name : ns + "." + name;
        }
    }
}
