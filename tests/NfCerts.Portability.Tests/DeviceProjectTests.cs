using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml.Linq;
using Xunit;

namespace NfCerts.Portability.Tests
{
    /// <summary>
    /// Keeps firmware/NfCerts.Device/NfCerts.Device.nfproj in step with the sources: the device project cannot be built
    /// here (Windows + nanoFramework extension only), so drift would otherwise be found on the first flash.
    /// </summary>
    public class DeviceProjectTests
    {
        private const string NfprojRelative = "firmware/NfCerts.Device/NfCerts.Device.nfproj";
        private const string PackagesRelative = "firmware/NfCerts.Device/packages.config";
        private static readonly XNamespace Msb = "http://schemas.microsoft.com/developer/msbuild/2003";

        /// <summary>Folders whose every .cs file the device image must compile, and the Link folder used for them.</summary>
        private static readonly (string Folder, string LinkRoot)[] SharedFolders =
        {
            ("hal/NfCerts.Hal", "Hal"),
            ("firmware/NfCerts.Core", "Core"),
            ("hal/NfCerts.Hal.Nano", "Nano"),
        };

        [Fact]
        public void EveryPortableAndNanoSourceFileIsCompiledByTheDeviceProject()
        {
            string root = RepoRoot();
            HashSet<string> compiled = CompiledFiles(root);

            var problems = new StringBuilder();
            foreach (var (folder, linkRoot) in SharedFolders)
            {
                foreach (string file in SourceFiles(root, folder))
                {
                    if (!compiled.Contains(file))
                    {
                        string rel = Relative(root, file);
                        string inFolder = Path.GetRelativePath(Path.Combine(root, folder), file).Replace('/', '\\');
                        problems.AppendLine($"{rel} is not compiled by the device project. Add to {NfprojRelative}:");
                        problems.AppendLine($"    <Compile Include=\"..\\..\\{rel.Replace('/', '\\')}\">");
                        problems.AppendLine($"      <Link>{linkRoot}\\{inFolder}</Link>");
                        problems.AppendLine("    </Compile>");
                    }
                }
            }

            Assert.True(problems.Length == 0, Environment.NewLine + problems);
        }

        [Fact]
        public void EveryCompileItemOfTheDeviceProjectExists()
        {
            string root = RepoRoot();
            var problems = new StringBuilder();
            foreach (XElement item in CompileItems(root))
            {
                string include = (string)item.Attribute("Include")!;
                string full = ResolveFromProject(root, include);
                if (!File.Exists(full))
                {
                    problems.AppendLine($"{NfprojRelative} compiles {include}, which does not exist ({Relative(root, full)}). "
                        + "Remove that <Compile> item, or fix its path if the file was moved or renamed (paths are case-sensitive here).");
                }
            }

            Assert.True(problems.Length == 0, Environment.NewLine + problems);
        }

        [Fact]
        public void LinkedSourcesHaveADistinctLinkUnderTheirLayerFolder()
        {
            string root = RepoRoot();
            var problems = new StringBuilder();
            var links = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (XElement item in CompileItems(root))
            {
                string include = (string)item.Attribute("Include")!;
                string full = ResolveFromProject(root, include);
                var shared = SharedFolders.FirstOrDefault(s => IsUnder(full, Path.Combine(root, s.Folder)));
                if (shared.Folder == null)
                {
                    continue;
                }

                string expected = shared.LinkRoot + "\\" + Path.GetRelativePath(Path.Combine(root, shared.Folder), full).Replace('/', '\\');
                string? link = item.Element(Msb + "Link")?.Value;
                if (link != expected)
                {
                    problems.AppendLine($"<Compile Include=\"{include}\"> has Link '{link ?? "(none)"}'; use <Link>{expected}</Link>.");
                }
                else if (links.TryGetValue(link, out string? other))
                {
                    problems.AppendLine($"Link {link} is used by both {other} and {include}; remove the duplicate item.");
                }
                else
                {
                    links.Add(link, include);
                }
            }

            Assert.True(problems.Length == 0, Environment.NewLine + problems);
        }

        [Fact]
        public void PackagesConfigAndReferencesAgreeOnVersions()
        {
            string root = RepoRoot();
            var problems = new StringBuilder();

            var packages = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (XElement package in XDocument.Load(Path.Combine(root, PackagesRelative)).Root!.Elements("package"))
            {
                string id = (string)package.Attribute("id")!;
                string version = (string)package.Attribute("version")!;
                if (!packages.TryAdd(id, version))
                {
                    problems.AppendLine($"{PackagesRelative} lists {id} twice; keep one line.");
                }
            }

            XDocument project = XDocument.Load(Path.Combine(root, NfprojRelative));
            var referenced = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (XElement reference in project.Descendants(Msb + "Reference"))
            {
                string include = (string)reference.Attribute("Include")!;
                string? hint = reference.Element(Msb + "HintPath")?.Value;
                if (hint == null)
                {
                    problems.AppendLine($"Reference {include} has no HintPath; point it into ..\\packages\\<id>.<version>\\lib\\.");
                    continue;
                }

                string[] parts = hint.Replace('\\', '/').Split('/');
                int at = Array.IndexOf(parts, "packages");
                if (at < 0 || at + 1 >= parts.Length)
                {
                    problems.AppendLine($"Reference {include}: HintPath {hint} is not under ..\\packages\\.");
                    continue;
                }

                string folder = parts[at + 1];
                var match = packages.Where(p => string.Equals(folder, p.Key + "." + p.Value, StringComparison.OrdinalIgnoreCase)).ToList();
                if (match.Count == 0)
                {
                    var sameId = packages.Where(p => folder.StartsWith(p.Key + ".", StringComparison.OrdinalIgnoreCase)
                        && char.IsDigit(folder[p.Key.Length + 1])).ToList();
                    problems.AppendLine(sameId.Count > 0
                        ? $"Reference {include}: HintPath uses {folder} but {PackagesRelative} has {sameId[0].Key} {sameId[0].Value}; make both the same version."
                        : $"Reference {include}: HintPath uses {folder}, a package {PackagesRelative} does not list; add it there or drop the reference.");
                    continue;
                }

                referenced.Add(match[0].Key);
                string? assemblyVersion = include.Split(',').Select(s => s.Trim())
                    .Where(s => s.StartsWith("Version=", StringComparison.Ordinal)).Select(s => s.Substring(8)).FirstOrDefault();
                if (assemblyVersion != null && MajorMinor(assemblyVersion) != MajorMinor(match[0].Value))
                {
                    problems.AppendLine($"Reference {include} says Version={assemblyVersion} but its package {match[0].Key} is {match[0].Value}; "
                        + "update the Include to the assembly version of that package.");
                }
            }

            foreach (string required in new[] { "nanoFramework.CoreLibrary" })
            {
                if (!referenced.Contains(required))
                {
                    problems.AppendLine($"The device project does not reference {required}.");
                }
            }

            Assert.True(problems.Length == 0, Environment.NewLine + problems);
        }

        private static IEnumerable<XElement> CompileItems(string root)
        {
            return XDocument.Load(Path.Combine(root, NfprojRelative)).Descendants(Msb + "Compile");
        }

        private static HashSet<string> CompiledFiles(string root)
        {
            return new HashSet<string>(
                CompileItems(root).Select(i => ResolveFromProject(root, (string)i.Attribute("Include")!)),
                StringComparer.Ordinal);
        }

        private static IEnumerable<string> SourceFiles(string root, string folder)
        {
            string dir = Path.Combine(root, folder);
            if (!Directory.Exists(dir))
            {
                return Array.Empty<string>();
            }

            return Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
                .Where(f =>
                {
                    string[] segments = Path.GetRelativePath(dir, f).Split(Path.DirectorySeparatorChar);
                    return !segments.Contains("bin") && !segments.Contains("obj");
                })
                .Select(Path.GetFullPath)
                .OrderBy(f => f, StringComparer.Ordinal);
        }

        private static string ResolveFromProject(string root, string include)
        {
            string projectDir = Path.GetDirectoryName(Path.Combine(root, NfprojRelative))!;
            return Path.GetFullPath(Path.Combine(projectDir, include.Replace('\\', Path.DirectorySeparatorChar)));
        }

        private static bool IsUnder(string file, string folder)
        {
            string prefix = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            return file.StartsWith(prefix, StringComparison.Ordinal);
        }

        private static string Relative(string root, string file)
        {
            return Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
        }

        private static string MajorMinor(string version)
        {
            string[] parts = version.Split('.');
            return parts.Length >= 2 ? parts[0] + "." + parts[1] : version;
        }

        private static string RepoRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "nf.Certs.sln")))
            {
                dir = dir.Parent;
            }

            Assert.True(dir != null, "nf.Certs.sln not found above " + AppContext.BaseDirectory);
            return dir!.FullName;
        }
    }
}
