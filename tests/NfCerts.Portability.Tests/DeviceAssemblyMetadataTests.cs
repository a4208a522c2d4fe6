using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Xml.Linq;
using Xunit;

namespace NfCerts.Portability.Tests
{
    /// <summary>
    /// What the C# compiler puts into the device assembly besides our code, held against what nanoFramework's metadata
    /// processor (MDP) is known to turn into a working .pe image. With nullable annotations on, the compiler embeds
    /// NullableAttribute, NullableContextAttribute, RefSafetyRulesAttribute and EmbeddedAttribute (the real corlib lacks
    /// them) and applies them all over the assembly. MDP has no special case for any of them: it keeps the types and
    /// writes their applications on types, fields, methods (and, since metadata-processor#246, properties) into the
    /// image like any attribute's. nanoFramework's own mscorlib.dll 1.17.11 is compiled the same way and ships with
    /// these types and with NullableAttribute(byte), NullableContextAttribute(byte) applications, so those forms are
    /// proven. NullableAttribute(byte[]) is not: MDP wrote array arguments wrongly until metadata-processor#236 and
    /// nanoCLR could not parse them until nf-interpreter#3352 (both May 2026). tools/NanoCheck compiles the device's
    /// sources with the device project's settings; its output stands for the device assembly here.
    /// </summary>
    public class DeviceAssemblyMetadataTests
    {
        private const string NfprojRelative = "firmware/NfCerts.Device/NfCerts.Device.nfproj";
        private static readonly XNamespace Msb = "http://schemas.microsoft.com/developer/msbuild/2003";

        /// <summary>Owners whose attributes MDP writes into the image; those on parameters, return values, events,
        /// interface implementations and the module it drops.</summary>
        private static readonly HandleKind[] WrittenOwners =
        {
            HandleKind.TypeDefinition, HandleKind.FieldDefinition, HandleKind.MethodDefinition, HandleKind.PropertyDefinition,
        };

        [Fact]
        public void Compiler_attributes_in_the_device_assembly_take_only_forms_the_real_corlib_ships()
        {
            var shipped = CompilerAttributeForms(Harness.NanoCorlibPath).Keys.ToHashSet(StringComparer.Ordinal);
            var device = CompilerAttributeForms(Harness.NanoCheckAssemblyPath);
            Assert.Contains("System.Runtime.CompilerServices.NullableContextAttribute(System.Byte) on MethodDefinition", shipped);
            Assert.Contains("System.Runtime.CompilerServices.NullableContextAttribute(System.Byte) on MethodDefinition", device.Keys);

            var problems = new StringBuilder();
            foreach (var form in device.Where(f => !shipped.Contains(f.Key)).OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                problems.AppendLine(form.Key + ", e.g. on " + string.Join(", ", form.Value.Take(3))
                    + ": nanoFramework's own corlib never ships this form through the metadata processor. "
                    + "Change the declaration (for NullableAttribute(System.Byte[]): make the annotations of that one type uniform, or the member oblivious).");
            }

            Assert.True(problems.Length == 0, Environment.NewLine + problems);
        }

        [Fact]
        public void Types_the_compiler_embeds_in_the_device_assembly_are_ones_the_real_corlib_carries()
        {
            var shipped = EmbeddedTypes(Harness.NanoCorlibPath);
            var device = EmbeddedTypes(Harness.NanoCheckAssemblyPath);
            Assert.Contains("System.Runtime.CompilerServices.NullableAttribute", shipped);

            Assert.True(device.IsSubsetOf(shipped),
                "The compiler embedded types nanoFramework's corlib does not carry: " + string.Join(", ", device.Except(shipped))
                + ". Avoid the construct that needs them (readonly struct, in parameters, scoped, params collections, nint, ...).");
        }

        [Theory]
        [InlineData("LangVersion")]
        [InlineData("Nullable")]
        public void NanoCheck_compiles_with_the_device_projects_language_settings(string property)
        {
            string device = XDocument.Load(Path.Combine(Harness.RepoRoot, NfprojRelative)).Descendants(Msb + property).Single().Value;
            string check = XDocument.Load(Path.Combine(Harness.RepoRoot, "tools", "NanoCheck", "NanoCheck.csproj")).Descendants(property).Single().Value;

            Assert.Equal(device, check);
        }

        [Fact]
        public void The_real_corlib_is_the_version_the_device_pins()
        {
            string pinned = XDocument.Load(Path.Combine(Harness.RepoRoot, "firmware", "NfCerts.Device", "packages.config")).Root!
                .Elements("package").Single(p => (string?)p.Attribute("id") == "nanoFramework.CoreLibrary").Attribute("version")!.Value;
            string central = XDocument.Load(Path.Combine(Harness.RepoRoot, "Directory.Packages.props")).Descendants("PackageVersion")
                .Single(p => (string?)p.Attribute("Include") == "nanoFramework.CoreLibrary").Attribute("Version")!.Value;

            Assert.Equal(pinned, central);
            Assert.Equal(new Version(pinned + ".0"), NanoAssemblies.Corlib.Identity.Version);
        }

        /// <summary>"Type(parameters) on OwnerKind" for every application of an attribute type in System.Runtime.CompilerServices
        /// or Microsoft.CodeAnalysis defined by the assembly itself, on an owner MDP writes, with a few owners of each.</summary>
        private static Dictionary<string, List<string>> CompilerAttributeForms(string path)
        {
            var forms = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            Read(path, reader =>
            {
                foreach (CustomAttributeHandle handle in reader.CustomAttributes)
                {
                    CustomAttribute attribute = reader.GetCustomAttribute(handle);
                    if (attribute.Constructor.Kind != HandleKind.MethodDefinition || !WrittenOwners.Contains(attribute.Parent.Kind))
                    {
                        continue;
                    }

                    MethodDefinition constructor = reader.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor);
                    string type = FullName(reader, constructor.GetDeclaringType());
                    if (!type.StartsWith("System.Runtime.CompilerServices.", StringComparison.Ordinal) && !type.StartsWith("Microsoft.CodeAnalysis.", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var signature = constructor.DecodeSignature(new TypeNames(), null);
                    string form = type + "(" + string.Join(", ", signature.ParameterTypes) + ") on " + attribute.Parent.Kind;
                    if (!forms.TryGetValue(form, out List<string>? owners))
                    {
                        forms.Add(form, owners = new List<string>());
                    }

                    owners.Add(OwnerName(reader, attribute.Parent));
                }
            });
            return forms;
        }

        /// <summary>The types the assembly marks [Microsoft.CodeAnalysis.Embedded]: those the compiler generated into it.</summary>
        private static HashSet<string> EmbeddedTypes(string path)
        {
            var types = new HashSet<string>(StringComparer.Ordinal);
            Read(path, reader =>
            {
                foreach (TypeDefinitionHandle handle in reader.TypeDefinitions)
                {
                    foreach (CustomAttributeHandle attributeHandle in reader.GetTypeDefinition(handle).GetCustomAttributes())
                    {
                        EntityHandle constructor = reader.GetCustomAttribute(attributeHandle).Constructor;
                        if (constructor.Kind == HandleKind.MethodDefinition
                            && FullName(reader, reader.GetMethodDefinition((MethodDefinitionHandle)constructor).GetDeclaringType()) == "Microsoft.CodeAnalysis.EmbeddedAttribute")
                        {
                            types.Add(FullName(reader, handle));
                        }
                    }
                }
            });
            return types;
        }

        private static void Read(string path, Action<MetadataReader> read)
        {
            Assert.True(File.Exists(path), path + " is not built.");
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            read(pe.GetMetadataReader());
        }

        private static string FullName(MetadataReader reader, TypeDefinitionHandle handle)
        {
            TypeDefinition type = reader.GetTypeDefinition(handle);
            string name = reader.GetString(type.Name);
            if (type.GetDeclaringType() is { IsNil: false } outer)
            {
                return FullName(reader, outer) + "+" + name;
            }

            string ns = reader.GetString(type.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        private static string OwnerName(MetadataReader reader, EntityHandle owner)
        {
            switch (owner.Kind)
            {
                case HandleKind.TypeDefinition:
                    return FullName(reader, (TypeDefinitionHandle)owner);
                case HandleKind.FieldDefinition:
                    FieldDefinition field = reader.GetFieldDefinition((FieldDefinitionHandle)owner);
                    return FullName(reader, field.GetDeclaringType()) + "." + reader.GetString(field.Name);
                case HandleKind.MethodDefinition:
                    MethodDefinition method = reader.GetMethodDefinition((MethodDefinitionHandle)owner);
                    return FullName(reader, method.GetDeclaringType()) + "." + reader.GetString(method.Name);
                default:
                    PropertyDefinition property = reader.GetPropertyDefinition((PropertyDefinitionHandle)owner);
                    return reader.GetString(property.Name);
            }
        }

        /// <summary>Names the types of an attribute constructor's parameters (primitives, arrays of them, System.Type, enums).</summary>
        private sealed class TypeNames : ISignatureTypeProvider<string, object?>
        {
            public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "System." + typeCode switch
            {
                PrimitiveTypeCode.Boolean => "Boolean",
                PrimitiveTypeCode.Byte => "Byte",
                PrimitiveTypeCode.SByte => "SByte",
                PrimitiveTypeCode.Char => "Char",
                PrimitiveTypeCode.Int16 => "Int16",
                PrimitiveTypeCode.UInt16 => "UInt16",
                PrimitiveTypeCode.Int32 => "Int32",
                PrimitiveTypeCode.UInt32 => "UInt32",
                PrimitiveTypeCode.Int64 => "Int64",
                PrimitiveTypeCode.UInt64 => "UInt64",
                PrimitiveTypeCode.Single => "Single",
                PrimitiveTypeCode.Double => "Double",
                PrimitiveTypeCode.String => "String",
                PrimitiveTypeCode.Object => "Object",
                PrimitiveTypeCode.Void => "Void",
                _ => typeCode.ToString(),
            };

            public string GetSZArrayType(string elementType) => elementType + "[]";

            public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => FullName(reader, handle);

            public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
            {
                TypeReference type = reader.GetTypeReference(handle);
                return reader.GetString(type.Namespace) + "." + reader.GetString(type.Name);
            }

            public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
                reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

            public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + new string(',', shape.Rank - 1) + "]";

            public string GetByReferenceType(string elementType) => elementType + "&";

            public string GetPointerType(string elementType) => elementType + "*";

            public string GetPinnedType(string elementType) => elementType;

            public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType + "<" + string.Join(",", typeArguments) + ">";

            public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;

            public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;

            public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

            public string GetFunctionPointerType(MethodSignature<string> signature) => "method";
        }
    }
}
