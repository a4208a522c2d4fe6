using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using NfCerts.NanoStandIn;
using Xunit;

namespace NfCerts.Nano.Tests
{
    /// <summary>The stand-ins declare what the real APIs declare, so the Nano HAL compiled against them is the code the
    /// device runs: a member added to or changed in the interop assembly or the surface fails here, not on the board.</summary>
    public sealed class StandInParityTests
    {
        private static readonly Regex Constant = new Regex(@"public const int (\w+) = (-?\d+);");
        private static readonly Regex Extern = new Regex(@"public static extern ([\w\[\]]+) (\w+)\(([^)]*)\);");
        private static readonly Regex SurfaceMethod = new Regex(@"public (?:static )?[\w\[\]]+ (\w+)\(([^)]*)\) =>");

        public static TheoryData<string> ManagedInteropFiles()
        {
            var data = new TheoryData<string>();
            foreach (string file in Directory.GetFiles(Path.Combine(Repo.Root, "firmware", "native", "esp32", "managed"), "*.cs"))
            {
                data.Add(Path.GetFileName(file));
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(ManagedInteropFiles))]
        public void EachInteropClassHasTheSameConstantsAndNativeSignatures(string file)
        {
            string source = File.ReadAllText(Path.Combine(Repo.Root, "firmware", "native", "esp32", "managed", file));
            Type standIn = typeof(Board).Assembly.GetType("NfCerts.Esp32." + Path.GetFileNameWithoutExtension(file))!;
            Assert.NotNull(standIn);

            var expectedConstants = Constant.Matches(source).Select(m => m.Groups[1].Value + "=" + m.Groups[2].Value).OrderBy(x => x);
            var actualConstants = standIn.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral)
                .Select(f => f.Name + "=" + f.GetRawConstantValue()).OrderBy(x => x);
            Assert.Equal(expectedConstants, actualConstants);

            var expectedMethods = Extern.Matches(source).Select(m => m.Groups[1].Value + " " + m.Groups[2].Value + "(" + Parameters(m.Groups[3].Value) + ")").OrderBy(x => x);
            var actualMethods = standIn.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => !m.IsSpecialName)
                .Select(m => CSharp(m.ReturnType) + " " + m.Name + "(" + string.Join(", ", m.GetParameters().Select(p => CSharp(p.ParameterType) + " " + p.Name)) + ")")
                .OrderBy(x => x);
            Assert.Equal(expectedMethods, actualMethods);
        }

        [Fact]
        public void TheWifiStandInHasEveryMethodTheSurfaceDeclares()
        {
            string surface = File.ReadAllText(Path.Combine(Repo.Root, "tools", "NanoSurface", "System.Device.Wifi", "Wifi.cs"));
            Type adapter = typeof(Board).Assembly.GetType("System.Device.Wifi.WifiAdapter")!;
            var declared = SurfaceMethod.Matches(surface).Select(m => m.Groups[1].Value + "(" + Parameters(m.Groups[2].Value) + ")").OrderBy(x => x).ToList();
            Assert.NotEmpty(declared);
            var standIn = adapter.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Select(m => m.Name + "(" + string.Join(", ", m.GetParameters().Select(p => CSharp(p.ParameterType) + " " + p.Name)) + ")");
            Assert.All(declared, d => Assert.Contains(d, standIn));
        }

        [Fact]
        public void TheNetworkShimDeclaresEveryTypeAndMemberTheSystemNetSurfaceDeclares()
        {
            string surface = File.ReadAllText(Path.Combine(Repo.Root, "tools", "NanoSurface", "System.Net", "NetworkInformation.cs"));
            Assembly hal = typeof(NfCerts.Hal.Nano.NanoWifiRadio).Assembly;
            var members = new Regex(@"public (?:static )?(?:event )?[\w\[\]]+ (\w+)(?:\(| =>| \{)");
            string type = "";
            int checkedMembers = 0;
            foreach (string line in surface.Split('\n'))
            {
                Match declared = Regex.Match(line, @"public (?:static )?(?:class|delegate void) (\w+)");
                if (declared.Success)
                {
                    type = declared.Groups[1].Value;
                    Assert.True(hal.GetType("System.Net.NetworkInformation." + type) != null, type + " is not in the shim");
                    continue;
                }

                Match member = members.Match(line);
                if (member.Success)
                {
                    Type shim = hal.GetType("System.Net.NetworkInformation." + type)!;
                    const BindingFlags all = BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance;
                    Assert.True(shim.GetMember(member.Groups[1].Value, all).Length > 0, type + "." + member.Groups[1].Value + " is not in the shim");
                    checkedMembers++;
                }
            }

            Assert.True(checkedMembers >= 4, "the surface's members were not read");
        }

        private static string Parameters(string list)
        {
            return string.Join(", ", list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        private static string CSharp(Type t)
        {
            if (t.IsArray)
            {
                return CSharp(t.GetElementType()!) + "[]";
            }

            var names = new Dictionary<Type, string> { [typeof(int)] = "int", [typeof(byte)] = "byte", [typeof(void)] = "void", [typeof(string)] = "string" };
            return names.TryGetValue(t, out string? name) ? name : t.Name;
        }
    }
}
