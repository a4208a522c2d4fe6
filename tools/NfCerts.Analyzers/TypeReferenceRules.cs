using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NfCerts.Analyzers
{
    /// <summary>
    /// Every name that refers to a type: List&lt;int&gt;, Task, dynamic, an alias, and 'var' (which
    /// names the type the compiler inferred). The type is judged by <see cref="ForbiddenTypes"/>,
    /// so this one check covers the type side of most rule families (NF0002, NF0003, NF0005,
    /// NF0006, NF0007, NF0009, NF0010, NF0011, NF0013).
    /// </summary>
    /// <remarks>
    /// Only simple names are looked at (in System.Collections.Generic.List&lt;int&gt; that is the
    /// last part), so a qualified name is reported once. A name with a type argument list is a
    /// generic instantiation whatever it binds to, even when the compiler cannot resolve it.
    /// Names inside XML documentation (cref) are only text on the device and are skipped.
    /// </remarks>
    internal static class TypeReferenceRules
    {
        public static void Register(AnalysisContext context)
        {
            context.RegisterSyntaxNodeAction(AnalyzeGenericName, SyntaxKind.GenericName);
            context.RegisterSyntaxNodeAction(AnalyzeIdentifierName, SyntaxKind.IdentifierName);
            context.RegisterSyntaxNodeAction(AnalyzeNullableType, SyntaxKind.NullableType);
        }

        private static void AnalyzeGenericName(SyntaxNodeAnalysisContext context)
        {
            var name = (GenericNameSyntax)context.Node;
            if (name.IsPartOfStructuredTrivia())
            {
                return;
            }

            var symbol = Bind(context, name);
            DiagnosticDescriptor rule;
            if (symbol is ITypeSymbol type)
            {
                rule = ForbiddenTypes.Classify(type) ?? Rules.GenericUse;
            }
            else if (symbol is IMethodSymbol method && method.MethodKind == MethodKind.Constructor)
            {
                rule = ForbiddenTypes.Classify(method.ContainingType) ?? Rules.GenericUse; // generic attribute
            }
            else if (symbol != null && ForbiddenTypes.IsInOrUnder(symbol, "System.Linq"))
            {
                rule = Rules.Linq;
            }
            else
            {
                rule = Rules.GenericUse;
            }

            context.ReportDiagnostic(Diagnostic.Create(rule, name.GetLocation(), "'" + Describe.Code(name) + "'"));
        }

        private static void AnalyzeIdentifierName(SyntaxNodeAnalysisContext context)
        {
            var name = (IdentifierNameSyntax)context.Node;
            if (name.IsPartOfStructuredTrivia())
            {
                return;
            }

            if (!(Bind(context, name) is ITypeSymbol type))
            {
                return;
            }

            var rule = ForbiddenTypes.Classify(type);
            if (rule == null || (name.IsVar && name.Parent is DeclarationExpressionSyntax { Designation: ParenthesizedVariableDesignationSyntax }))
            {
                return; // 'var (a, b)' is reported as a deconstruction by TupleRules
            }

            var description = name.IsVar
                ? "'var' (inferred as '" + Describe.Type(type) + "')"
                : "'" + name.Identifier.ValueText + "'" + (name.Identifier.ValueText == Describe.Type(type) ? string.Empty : " ('" + Describe.Type(type) + "')");
            context.ReportDiagnostic(Diagnostic.Create(rule, name.GetLocation(), description));
        }

        /// <summary>int?, DateTime?: System.Nullable&lt;T&gt;. string? is only an annotation and passes.</summary>
        private static void AnalyzeNullableType(SyntaxNodeAnalysisContext context)
        {
            var syntax = (NullableTypeSyntax)context.Node;
            if (syntax.IsPartOfStructuredTrivia())
            {
                return;
            }

            if (Bind(context, syntax) is ITypeSymbol type && type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
            {
                context.ReportDiagnostic(Diagnostic.Create(Rules.NullableValueType, syntax.GetLocation(), "'" + Describe.Code(syntax) + "'"));
            }
        }

        private static ISymbol? Bind(SyntaxNodeAnalysisContext context, SyntaxNode node)
        {
            var info = context.SemanticModel.GetSymbolInfo(node, context.CancellationToken);
            var symbol = info.Symbol;
            if (symbol == null && info.CandidateSymbols.Length == 1)
            {
                symbol = info.CandidateSymbols[0];
            }

            return symbol is IAliasSymbol alias ? alias.Target : symbol;
        }
    }
}
