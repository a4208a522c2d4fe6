using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NfCerts.Analyzers
{
    /// <summary>
    /// Unsafe code (NF0013): the 'unsafe' modifier on any declaration, unsafe blocks, pointer and
    /// function pointer types, 'fixed' statements and fixed-size buffers. Pointer operators
    /// (&amp;x, *p, p->x) only compile inside an unsafe context, which is already reported; a
    /// pointer type inferred by 'var' is found by <see cref="TypeReferenceRules"/>.
    /// </summary>
    internal static class UnsafeRules
    {
        public static void Register(AnalysisContext context)
        {
            context.RegisterSyntaxNodeAction(
                AnalyzeModifiers,
                SyntaxKind.ClassDeclaration,
                SyntaxKind.StructDeclaration,
                SyntaxKind.InterfaceDeclaration,
                SyntaxKind.RecordDeclaration,
                SyntaxKind.RecordStructDeclaration,
                SyntaxKind.DelegateDeclaration,
                SyntaxKind.MethodDeclaration,
                SyntaxKind.ConstructorDeclaration,
                SyntaxKind.DestructorDeclaration,
                SyntaxKind.OperatorDeclaration,
                SyntaxKind.ConversionOperatorDeclaration,
                SyntaxKind.PropertyDeclaration,
                SyntaxKind.IndexerDeclaration,
                SyntaxKind.EventDeclaration,
                SyntaxKind.EventFieldDeclaration,
                SyntaxKind.FieldDeclaration,
                SyntaxKind.LocalFunctionStatement);
            context.RegisterSyntaxNodeAction(AnalyzeUnsafeBlock, SyntaxKind.UnsafeStatement);
            context.RegisterSyntaxNodeAction(AnalyzeFixed, SyntaxKind.FixedStatement);
            context.RegisterSyntaxNodeAction(AnalyzePointerType, SyntaxKind.PointerType, SyntaxKind.FunctionPointerType);
        }

        private static void AnalyzeModifiers(SyntaxNodeAnalysisContext context)
        {
            var modifiers = context.Node is LocalFunctionStatementSyntax function
                ? function.Modifiers
                : ((MemberDeclarationSyntax)context.Node).Modifiers;
            foreach (var modifier in modifiers)
            {
                if (modifier.IsKind(SyntaxKind.UnsafeKeyword))
                {
                    context.ReportDiagnostic(Diagnostic.Create(Rules.Unsafe, modifier.GetLocation(), "'unsafe' modifier"));
                }
                else if (modifier.IsKind(SyntaxKind.FixedKeyword))
                {
                    context.ReportDiagnostic(Diagnostic.Create(Rules.Unsafe, modifier.GetLocation(), "fixed-size buffer '" + Describe.Code(context.Node) + "'"));
                }
            }
        }

        private static void AnalyzeUnsafeBlock(SyntaxNodeAnalysisContext context)
        {
            var block = (UnsafeStatementSyntax)context.Node;
            context.ReportDiagnostic(Diagnostic.Create(Rules.Unsafe, block.UnsafeKeyword.GetLocation(), "'unsafe' block"));
        }

        private static void AnalyzeFixed(SyntaxNodeAnalysisContext context)
        {
            var statement = (FixedStatementSyntax)context.Node;
            context.ReportDiagnostic(Diagnostic.Create(Rules.Unsafe, statement.FixedKeyword.GetLocation(), "'fixed' statement"));
        }

        private static void AnalyzePointerType(SyntaxNodeAnalysisContext context)
        {
            if (context.Node.Parent is PointerTypeSyntax)
            {
                return; // int** is one report
            }

            context.ReportDiagnostic(Diagnostic.Create(Rules.Unsafe, context.Node.GetLocation(), "pointer type '" + Describe.Code(context.Node) + "'"));
        }
    }
}
