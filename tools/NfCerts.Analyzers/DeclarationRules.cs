using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NfCerts.Analyzers
{
    /// <summary>
    /// Type declarations nanoFramework 1.x cannot load: records (NF0008), ref structs (NF0011),
    /// interface members with a body or the static modifier (NF0012), and stackalloc (NF0011),
    /// which only makes sense with spans.
    /// </summary>
    internal static class DeclarationRules
    {
        public static void Register(AnalysisContext context)
        {
            context.RegisterSyntaxNodeAction(AnalyzeRecord, SyntaxKind.RecordDeclaration, SyntaxKind.RecordStructDeclaration);
            context.RegisterSyntaxNodeAction(AnalyzeStruct, SyntaxKind.StructDeclaration);
            context.RegisterSyntaxNodeAction(AnalyzeInterface, SyntaxKind.InterfaceDeclaration);
            context.RegisterSyntaxNodeAction(AnalyzeStackAlloc, SyntaxKind.StackAllocArrayCreationExpression, SyntaxKind.ImplicitStackAllocArrayCreationExpression);
        }

        private static void AnalyzeRecord(SyntaxNodeAnalysisContext context)
        {
            var record = (RecordDeclarationSyntax)context.Node;
            var what = record.IsKind(SyntaxKind.RecordStructDeclaration) ? "record struct '" : "record '";
            context.ReportDiagnostic(Diagnostic.Create(Rules.Record, record.Identifier.GetLocation(), what + record.Identifier.ValueText + "'"));
        }

        private static void AnalyzeStruct(SyntaxNodeAnalysisContext context)
        {
            var declaration = (StructDeclarationSyntax)context.Node;
            foreach (var modifier in declaration.Modifiers)
            {
                if (modifier.IsKind(SyntaxKind.RefKeyword))
                {
                    context.ReportDiagnostic(Diagnostic.Create(Rules.SpanLike, modifier.GetLocation(), "ref struct '" + declaration.Identifier.ValueText + "'"));
                }
            }
        }

        private static void AnalyzeStackAlloc(SyntaxNodeAnalysisContext context)
        {
            context.ReportDiagnostic(Diagnostic.Create(Rules.SpanLike, context.Node.GetLocation(), "'" + Describe.Code(context.Node) + "'"));
        }

        /// <summary>Only abstract instance members are portable: methods, properties, indexers and events without bodies.</summary>
        private static void AnalyzeInterface(SyntaxNodeAnalysisContext context)
        {
            var declaration = (InterfaceDeclarationSyntax)context.Node;
            foreach (var member in declaration.Members)
            {
                var problem = Problem(member);
                if (problem != null)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        Rules.DefaultInterfaceMember, NameLocation(member), "'" + declaration.Identifier.ValueText + "." + problem));
                }
            }
        }

        /// <summary>What is wrong with an interface member ("M' (default interface method)"), or null.</summary>
        private static string? Problem(MemberDeclarationSyntax member)
        {
            var isStatic = member.Modifiers.Any(SyntaxKind.StaticKeyword);
            switch (member)
            {
                case MethodDeclarationSyntax method:
                    if (method.Body != null || method.ExpressionBody != null)
                    {
                        return method.Identifier.ValueText + "' (default interface method)";
                    }

                    return isStatic ? method.Identifier.ValueText + "' (static interface method)" : null;
                case BasePropertyDeclarationSyntax property:
                    var name = property is PropertyDeclarationSyntax p ? p.Identifier.ValueText
                             : property is EventDeclarationSyntax e ? e.Identifier.ValueText : "this[]";
                    if (HasBody(property))
                    {
                        return name + "' (default interface member)";
                    }

                    return isStatic ? name + "' (static interface member)" : null;
                case EventFieldDeclarationSyntax eventField:
                    return isStatic ? Names(eventField.Declaration) + "' (static interface event)" : null;
                case FieldDeclarationSyntax field:
                    return Names(field.Declaration) + "' (interface field)";
                case OperatorDeclarationSyntax op:
                    return "operator " + op.OperatorToken.ValueText + "' (interface operator)";
                case ConversionOperatorDeclarationSyntax conversion:
                    return "operator " + Describe.Code(conversion.Type) + "' (interface conversion operator)";
                case ConstructorDeclarationSyntax constructor:
                    return constructor.Identifier.ValueText + "' (interface static constructor)";
                default:
                    return null; // nested types are plain metadata
            }
        }

        private static string Names(VariableDeclarationSyntax declaration)
        {
            var names = new string[declaration.Variables.Count];
            for (var i = 0; i < names.Length; i++)
            {
                names[i] = declaration.Variables[i].Identifier.ValueText;
            }

            return string.Join(", ", names);
        }

        private static bool HasBody(BasePropertyDeclarationSyntax property)
        {
            if (property is PropertyDeclarationSyntax p && p.ExpressionBody != null
                || property is IndexerDeclarationSyntax i && i.ExpressionBody != null)
            {
                return true;
            }

            if (property.AccessorList == null)
            {
                return false;
            }

            if (property is EventDeclarationSyntax)
            {
                return true; // event with add/remove accessors
            }

            foreach (var accessor in property.AccessorList.Accessors)
            {
                if (accessor.Body != null || accessor.ExpressionBody != null)
                {
                    return true;
                }
            }

            return false;
        }

        private static Location NameLocation(MemberDeclarationSyntax member)
        {
            switch (member)
            {
                case MethodDeclarationSyntax m: return m.Identifier.GetLocation();
                case PropertyDeclarationSyntax p: return p.Identifier.GetLocation();
                case EventDeclarationSyntax e: return e.Identifier.GetLocation();
                case IndexerDeclarationSyntax i: return i.ThisKeyword.GetLocation();
                case OperatorDeclarationSyntax o: return o.OperatorToken.GetLocation();
                case ConstructorDeclarationSyntax c: return c.Identifier.GetLocation();
                default: return member.GetLocation();
            }
        }
    }
}
