using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace NfCerts.Analyzers
{
    /// <summary>
    /// LINQ (NF0005): query expressions, 'using System.Linq' (and namespaces below it), and calls
    /// to LINQ operators as extension methods (names.Where(...)), whose type arguments are always
    /// inferred so no written name shows them. Types from System.Linq (Enumerable in
    /// Enumerable.Range, IQueryable) are found by <see cref="TypeReferenceRules"/>.
    /// </summary>
    internal static class LinqRules
    {
        private const string LinqNamespace = "System.Linq";

        public static void Register(AnalysisContext context)
        {
            context.RegisterSyntaxNodeAction(AnalyzeQuery, SyntaxKind.QueryExpression);
            context.RegisterSyntaxNodeAction(AnalyzeUsing, SyntaxKind.UsingDirective);
            context.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
            context.RegisterOperationAction(AnalyzeMethodReference, OperationKind.MethodReference);
        }

        private static void AnalyzeQuery(SyntaxNodeAnalysisContext context)
        {
            context.ReportDiagnostic(Diagnostic.Create(Rules.Linq, context.Node.GetLocation(), "query expression '" + Describe.Code(context.Node) + "'"));
        }

        private static void AnalyzeUsing(SyntaxNodeAnalysisContext context)
        {
            var directive = (UsingDirectiveSyntax)context.Node;
            if (directive.NamespaceOrType == null)
            {
                return;
            }

            // A type (using static System.Linq.Enumerable) is reported by its name; here only namespaces.
            var symbol = context.SemanticModel.GetSymbolInfo(directive.NamespaceOrType, context.CancellationToken).Symbol;
            if (symbol is INamespaceSymbol ns)
            {
                var name = ns.ToDisplayString();
                if (name == LinqNamespace || name.StartsWith(LinqNamespace + ".", System.StringComparison.Ordinal))
                {
                    context.ReportDiagnostic(Diagnostic.Create(Rules.Linq, directive.GetLocation(), "'" + Describe.Code(directive) + "'"));
                }
            }
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (invocation.IsImplicit || !ForbiddenTypes.IsInOrUnder(invocation.TargetMethod, LinqNamespace))
            {
                return; // implicit calls come from a query expression, reported as a whole
            }

            var name = GenericRules.InvokedName(invocation.Syntax);
            if (!IsQualifiedByTypeName(invocation.SemanticModel, name, context))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Rules.Linq, (name ?? invocation.Syntax).GetLocation(), "call to LINQ operator '" + Describe.Member(invocation.TargetMethod) + "'"));
            }
        }

        private static void AnalyzeMethodReference(OperationAnalysisContext context)
        {
            var reference = (IMethodReferenceOperation)context.Operation;
            if (reference.IsImplicit || !ForbiddenTypes.IsInOrUnder(reference.Method, LinqNamespace))
            {
                return;
            }

            var name = GenericRules.InvokedName(reference.Syntax);
            if (!IsQualifiedByTypeName(reference.SemanticModel, name, context))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Rules.Linq, reference.Syntax.GetLocation(), "method group of LINQ operator '" + Describe.Member(reference.Method) + "'"));
            }
        }

        /// <summary>Enumerable.Range(...): the type name Enumerable is reported already.</summary>
        private static bool IsQualifiedByTypeName(SemanticModel? model, SimpleNameSyntax? name, OperationAnalysisContext context)
        {
            if (model == null || !(name?.Parent is MemberAccessExpressionSyntax access) || access.Name != name)
            {
                return false;
            }

            return model.GetSymbolInfo(access.Expression, context.CancellationToken).Symbol is INamedTypeSymbol;
        }
    }
}
