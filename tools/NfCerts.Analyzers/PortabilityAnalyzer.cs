using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NfCerts.Analyzers
{
    /// <summary>
    /// Keeps portable code (firmware/NfCerts.Core, hal/NfCerts.Hal) inside the C# that .NET
    /// nanoFramework 1.x can run. The projects with NfPortable=true load it (Directory.Build.targets),
    /// so a violation fails the desktop build as well as the NanoCheck build against the
    /// nanoFramework surface.
    /// </summary>
    /// <remarks>
    /// The surface check (tools/NanoCheck) catches any API nanoFramework lacks; this analyzer catches
    /// the language features that would still compile against that surface, or that the compiler
    /// would quietly lower to types the device does not have. Each rule family lives in its own
    /// file; <see cref="ForbiddenTypes"/> judges every type they meet.
    /// </remarks>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class PortabilityAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            Rules.GenericDefinition,
            Rules.GenericUse,
            Rules.NullableValueType,
            Rules.CollectionExpression,
            Rules.Linq,
            Rules.Async,
            Rules.Tuple,
            Rules.Record,
            Rules.Dynamic,
            Rules.MultidimensionalArray,
            Rules.SpanLike,
            Rules.DefaultInterfaceMember,
            Rules.Unsafe);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();

            TypeReferenceRules.Register(context);
            GenericRules.Register(context);
            LinqRules.Register(context);
            AsyncRules.Register(context);
            TupleRules.Register(context);
            DeclarationRules.Register(context);
            ArrayRules.Register(context);
            UnsafeRules.Register(context);
        }
    }
}
