using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NfCerts.Portability.Tests
{
    /// <summary>
    /// The nanoFramework reference set read as metadata (Roslyn symbols over the DLLs, nothing is loaded or run):
    /// the real core library (nanoFramework.CoreLibrary's mscorlib.dll) and tools/NanoSurface's assemblies.
    /// </summary>
    internal static class NanoAssemblies
    {
        private static readonly Lazy<(IAssemblySymbol Corlib, ImmutableArray<IAssemblySymbol> Surface)> LazySymbols =
            new Lazy<(IAssemblySymbol, ImmutableArray<IAssemblySymbol>)>(Load);

        /// <summary>The real mscorlib.dll.</summary>
        public static IAssemblySymbol Corlib => LazySymbols.Value.Corlib;

        /// <summary>The surface assemblies, one per folder of tools/NanoSurface.</summary>
        public static ImmutableArray<IAssemblySymbol> Surface => LazySymbols.Value.Surface;

        /// <summary>
        /// Whether <paramref name="assembly"/> itself defines what a documentation-comment ID names: "N:" a namespace,
        /// "T:" a type (metadata name, e.g. System.Collections.Generic.List`1), "M:"/"F:"/"P:" a member, any overload
        /// unless the ID gives a parameter list.
        /// </summary>
        public static bool Defines(IAssemblySymbol assembly, string id)
        {
            string kind = id.Substring(0, 2);
            string name = id.Substring(2);
            if (kind == "N:")
            {
                INamespaceSymbol? ns = assembly.GlobalNamespace;
                foreach (string part in name.Split('.'))
                {
                    ns = ns?.GetNamespaceMembers().FirstOrDefault(n => n.Name == part);
                }

                return ns != null && ns.GetTypeMembers().Length + ns.GetNamespaceMembers().Count() > 0;
            }

            if (kind == "T:")
            {
                return assembly.GetTypeByMetadataName(name) != null;
            }

            int paren = name.IndexOf('(');
            string member = paren < 0 ? name : name.Substring(0, paren);
            int dot = member.LastIndexOf('.');
            INamedTypeSymbol? type = assembly.GetTypeByMetadataName(member.Substring(0, dot));
            if (type == null)
            {
                return false;
            }

            return type.GetMembers(member.Substring(dot + 1)).Any(m => paren < 0 || WithoutReturnType(DocumentationCommentId.CreateDeclarationId(m) ?? "") == id);
        }

        /// <summary>Roslyn appends "~ReturnType" to the IDs of some metadata methods; the IDs used here never carry it.</summary>
        private static string WithoutReturnType(string id)
        {
            int tilde = id.IndexOf('~');
            return tilde < 0 ? id : id.Substring(0, tilde);
        }

        /// <summary>Every type an assembly defines, nested ones included.</summary>
        public static IEnumerable<INamedTypeSymbol> Types(IAssemblySymbol assembly)
        {
            var pending = new Stack<INamespaceOrTypeSymbol>();
            pending.Push(assembly.GlobalNamespace);
            while (pending.Count > 0)
            {
                foreach (ISymbol member in pending.Pop().GetMembers())
                {
                    if (member is INamedTypeSymbol type)
                    {
                        yield return type;
                        pending.Push(type);
                    }
                    else if (member is INamespaceSymbol ns)
                    {
                        pending.Push(ns);
                    }
                }
            }
        }

        /// <summary>Types the compiler generated into an assembly (marked [Microsoft.CodeAnalysis.Embedded]).</summary>
        public static bool IsCompilerEmbedded(INamedTypeSymbol type)
        {
            return type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "Microsoft.CodeAnalysis.EmbeddedAttribute");
        }

        private static (IAssemblySymbol, ImmutableArray<IAssemblySymbol>) Load()
        {
            var corlibReference = MetadataReference.CreateFromFile(Harness.NanoCorlibPath);
            var surfaceReferences = Harness.NanoSurfaceAssemblyPaths.Select(p => MetadataReference.CreateFromFile(p)).ToList();
            var compilation = CSharpCompilation.Create("Lookup", references: surfaceReferences.Prepend(corlibReference));
            var corlib = (IAssemblySymbol)compilation.GetAssemblyOrModuleSymbol(corlibReference)!;
            var surface = surfaceReferences.Select(r => (IAssemblySymbol)compilation.GetAssemblyOrModuleSymbol(r)!).ToImmutableArray();
            return (corlib, surface);
        }
    }
}
