using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NfCerts.Analyzers
{
    /// <summary>
    /// Multidimensional arrays (NF0010): rectangular array types (int[,]) and creations
    /// (new int[2, 3], new[,] { { 1 } }). Jagged arrays (byte[][]) are fine. A rectangular array
    /// that only the compiler knows (var m = Api()) is found by <see cref="TypeReferenceRules"/>.
    /// </summary>
    internal static class ArrayRules
    {
        public static void Register(AnalysisContext context)
        {
            context.RegisterSyntaxNodeAction(AnalyzeArrayType, SyntaxKind.ArrayType);
            context.RegisterSyntaxNodeAction(AnalyzeImplicitArrayCreation, SyntaxKind.ImplicitArrayCreationExpression);
        }

        private static void AnalyzeArrayType(SyntaxNodeAnalysisContext context)
        {
            var arrayType = (ArrayTypeSyntax)context.Node;
            foreach (var rank in arrayType.RankSpecifiers)
            {
                if (rank.Rank > 1)
                {
                    var reported = arrayType.Parent is ArrayCreationExpressionSyntax creation ? (SyntaxNode)creation : arrayType;
                    var what = reported == arrayType ? "array type '" : "array creation '";
                    context.ReportDiagnostic(Diagnostic.Create(Rules.MultidimensionalArray, reported.GetLocation(), what + Describe.Code(reported) + "'"));
                    return;
                }
            }
        }

        private static void AnalyzeImplicitArrayCreation(SyntaxNodeAnalysisContext context)
        {
            var creation = (ImplicitArrayCreationExpressionSyntax)context.Node;
            if (creation.Commas.Count > 0)
            {
                context.ReportDiagnostic(Diagnostic.Create(Rules.MultidimensionalArray, creation.GetLocation(), "array creation '" + Describe.Code(creation) + "'"));
            }
        }
    }
}
