using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NfCerts.Analyzers
{
    /// <summary>
    /// async/await (NF0006): the 'async' modifier on methods, local functions, lambdas and
    /// anonymous methods, every 'await' (also 'await foreach' and 'await using'). Task, ValueTask
    /// and the async-enumerable types are found by <see cref="TypeReferenceRules"/> and the
    /// implicit checks in <see cref="GenericRules"/>.
    /// </summary>
    internal static class AsyncRules
    {
        public static void Register(AnalysisContext context)
        {
            context.RegisterSyntaxNodeAction(AnalyzeMethod, SyntaxKind.MethodDeclaration);
            context.RegisterSyntaxNodeAction(AnalyzeLocalFunction, SyntaxKind.LocalFunctionStatement);
            context.RegisterSyntaxNodeAction(
                AnalyzeAnonymousFunction, SyntaxKind.SimpleLambdaExpression, SyntaxKind.ParenthesizedLambdaExpression, SyntaxKind.AnonymousMethodExpression);
            context.RegisterSyntaxNodeAction(AnalyzeAwait, SyntaxKind.AwaitExpression);
            context.RegisterSyntaxNodeAction(
                AnalyzeAwaitKeyword, SyntaxKind.ForEachStatement, SyntaxKind.ForEachVariableStatement, SyntaxKind.UsingStatement, SyntaxKind.LocalDeclarationStatement);
        }

        private static void AnalyzeMethod(SyntaxNodeAnalysisContext context)
        {
            var method = (MethodDeclarationSyntax)context.Node;
            ReportAsyncModifier(context, method.Modifiers, "async method '" + method.Identifier.ValueText + "'");
        }

        private static void AnalyzeLocalFunction(SyntaxNodeAnalysisContext context)
        {
            var function = (LocalFunctionStatementSyntax)context.Node;
            ReportAsyncModifier(context, function.Modifiers, "async local function '" + function.Identifier.ValueText + "'");
        }

        private static void AnalyzeAnonymousFunction(SyntaxNodeAnalysisContext context)
        {
            var function = (AnonymousFunctionExpressionSyntax)context.Node;
            if (function.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword))
            {
                var what = function is AnonymousMethodExpressionSyntax ? "async anonymous method" : "async lambda";
                context.ReportDiagnostic(Diagnostic.Create(Rules.Async, function.AsyncKeyword.GetLocation(), what + " '" + Describe.Code(function) + "'"));
            }
        }

        private static void AnalyzeAwait(SyntaxNodeAnalysisContext context)
        {
            var await = (AwaitExpressionSyntax)context.Node;
            context.ReportDiagnostic(Diagnostic.Create(Rules.Async, await.AwaitKeyword.GetLocation(), "'" + Describe.Code(await) + "'"));
        }

        private static void AnalyzeAwaitKeyword(SyntaxNodeAnalysisContext context)
        {
            SyntaxToken keyword;
            string what;
            switch (context.Node)
            {
                case CommonForEachStatementSyntax forEach: keyword = forEach.AwaitKeyword; what = "'await foreach'"; break;
                case UsingStatementSyntax usingStatement: keyword = usingStatement.AwaitKeyword; what = "'await using'"; break;
                case LocalDeclarationStatementSyntax declaration: keyword = declaration.AwaitKeyword; what = "'await using'"; break;
                default: return;
            }

            if (keyword.IsKind(SyntaxKind.AwaitKeyword))
            {
                context.ReportDiagnostic(Diagnostic.Create(Rules.Async, keyword.GetLocation(), what));
            }
        }

        private static void ReportAsyncModifier(SyntaxNodeAnalysisContext context, SyntaxTokenList modifiers, string what)
        {
            foreach (var modifier in modifiers)
            {
                if (modifier.IsKind(SyntaxKind.AsyncKeyword))
                {
                    context.ReportDiagnostic(Diagnostic.Create(Rules.Async, modifier.GetLocation(), what));
                }
            }
        }
    }
}
