using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NfCerts.Analyzers
{
    /// <summary>
    /// Tuples (NF0007): tuple types, tuple literals, deconstruction (var (a, b) = ..., (a, b) = ...,
    /// foreach (var (k, v) in ...)) and positional patterns (p is (1, 2)). A tuple type that only
    /// the compiler knows (var t = Api()) is found by <see cref="TypeReferenceRules"/> and
    /// <see cref="GenericRules"/>.
    /// </summary>
    internal static class TupleRules
    {
        public static void Register(AnalysisContext context)
        {
            context.RegisterSyntaxNodeAction(AnalyzeTupleType, SyntaxKind.TupleType);
            context.RegisterSyntaxNodeAction(AnalyzeTupleExpression, SyntaxKind.TupleExpression);
            context.RegisterSyntaxNodeAction(AnalyzeDesignation, SyntaxKind.ParenthesizedVariableDesignation);
            context.RegisterSyntaxNodeAction(AnalyzePositionalPattern, SyntaxKind.PositionalPatternClause);
        }

        private static void AnalyzeTupleType(SyntaxNodeAnalysisContext context)
        {
            if (context.Node.Parent is TupleElementSyntax)
            {
                return; // the outer tuple type is reported
            }

            context.ReportDiagnostic(Diagnostic.Create(Rules.Tuple, context.Node.GetLocation(), "tuple type '" + Describe.Code(context.Node) + "'"));
        }

        private static void AnalyzeTupleExpression(SyntaxNodeAnalysisContext context)
        {
            var tuple = (TupleExpressionSyntax)context.Node;
            if (tuple.Parent is ArgumentSyntax && tuple.Parent.Parent is TupleExpressionSyntax)
            {
                return; // nested: the outer tuple is reported
            }

            var what = tuple.Parent is AssignmentExpressionSyntax assignment && assignment.Left == tuple
                ? "deconstruction '" + Describe.Code(assignment) + "'"
                : tuple.Parent is ForEachVariableStatementSyntax ? "deconstruction in foreach '" + Describe.Code(tuple) + "'" : "tuple literal '" + Describe.Code(tuple) + "'";
            context.ReportDiagnostic(Diagnostic.Create(Rules.Tuple, tuple.GetLocation(), what));
        }

        private static void AnalyzeDesignation(SyntaxNodeAnalysisContext context)
        {
            var designation = (ParenthesizedVariableDesignationSyntax)context.Node;
            if (designation.Parent is ParenthesizedVariableDesignationSyntax)
            {
                return; // nested: the outer one is reported
            }

            var reported = designation.Parent is DeclarationExpressionSyntax declaration ? (SyntaxNode)declaration : designation;
            context.ReportDiagnostic(Diagnostic.Create(Rules.Tuple, reported.GetLocation(), "deconstruction '" + Describe.Code(reported) + "'"));
        }

        private static void AnalyzePositionalPattern(SyntaxNodeAnalysisContext context)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Rules.Tuple, context.Node.GetLocation(), "positional pattern '" + Describe.Code(context.Node) + "' (deconstructs like a tuple)"));
        }
    }
}
