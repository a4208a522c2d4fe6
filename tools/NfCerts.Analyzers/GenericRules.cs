using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace NfCerts.Analyzers
{
    /// <summary>
    /// Generics: definitions (NF0001) and the uses that no written type name shows (NF0002,
    /// NF0003, NF0004). Written names (List&lt;int&gt;, int?, 'var') are <see cref="TypeReferenceRules"/>'.
    /// </summary>
    /// <remarks>
    /// The implicit forms found here:
    /// <list type="bullet">
    /// <item>generic method calls and method groups whose type arguments the compiler infers (Array.Resize(ref a, 4));</item>
    /// <item>foreach over a collection whose enumerator, or element, is generic (a class implementing IEnumerable&lt;T&gt;);</item>
    /// <item>anonymous types, which compile to generic classes;</item>
    /// <item>collection expressions ([1, 2, 3]);</item>
    /// <item>'?.' on a value-typed member, which yields Nullable&lt;T&gt;;</item>
    /// <item>an API from another assembly that returns a forbidden type, or takes one and gets an argument converted to it
    /// (string.Join(",", names) with IEnumerable&lt;string&gt;, a lambda passed as Func&lt;int&gt;).</item>
    /// </list>
    /// Members declared in the compilation itself are not re-reported at each use: their declaration
    /// already is. Nor is a use through a receiver whose type is already forbidden (list.Add(1)).
    /// </remarks>
    internal static class GenericRules
    {
        public static void Register(AnalysisContext context)
        {
            context.RegisterSyntaxNodeAction(AnalyzeTypeParameterList, SyntaxKind.TypeParameterList);
            context.RegisterSyntaxNodeAction(AnalyzeAnonymousObject, SyntaxKind.AnonymousObjectCreationExpression);
            context.RegisterSyntaxNodeAction(AnalyzeCollectionExpression, SyntaxKind.CollectionExpression);
            context.RegisterSyntaxNodeAction(AnalyzeForEach, SyntaxKind.ForEachStatement, SyntaxKind.ForEachVariableStatement);
            context.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
            context.RegisterOperationAction(AnalyzeMethodReference, OperationKind.MethodReference);
            context.RegisterOperationAction(AnalyzeMemberReference, OperationKind.PropertyReference, OperationKind.FieldReference, OperationKind.EventReference);
            context.RegisterOperationAction(AnalyzeArgument, OperationKind.Argument);
            context.RegisterOperationAction(AnalyzeConditionalAccess, OperationKind.ConditionalAccess);
        }

        private static void AnalyzeTypeParameterList(SyntaxNodeAnalysisContext context)
        {
            var list = (TypeParameterListSyntax)context.Node;
            string what;
            switch (list.Parent)
            {
                case ClassDeclarationSyntax c: what = "class '" + c.Identifier.ValueText; break;
                case StructDeclarationSyntax s: what = "struct '" + s.Identifier.ValueText; break;
                case InterfaceDeclarationSyntax i: what = "interface '" + i.Identifier.ValueText; break;
                case RecordDeclarationSyntax r: what = "record '" + r.Identifier.ValueText; break;
                case DelegateDeclarationSyntax d: what = "delegate '" + d.Identifier.ValueText; break;
                case MethodDeclarationSyntax m: what = "method '" + m.Identifier.ValueText; break;
                case LocalFunctionStatementSyntax f: what = "local function '" + f.Identifier.ValueText; break;
                default: what = "declaration '"; break;
            }

            context.ReportDiagnostic(Diagnostic.Create(Rules.GenericDefinition, list.GetLocation(), "Generic " + what + list + "'"));
        }

        private static void AnalyzeAnonymousObject(SyntaxNodeAnalysisContext context)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Rules.GenericUse, context.Node.GetLocation(), "anonymous type '" + Describe.Code(context.Node) + "' (compiled to a generic class)"));
        }

        private static void AnalyzeCollectionExpression(SyntaxNodeAnalysisContext context)
        {
            context.ReportDiagnostic(Diagnostic.Create(Rules.CollectionExpression, context.Node.GetLocation(), "'" + Describe.Code(context.Node) + "'"));
        }

        /// <summary>foreach binds GetEnumerator by pattern: a non-generic collection can still hand out a generic enumerator.</summary>
        private static void AnalyzeForEach(SyntaxNodeAnalysisContext context)
        {
            var statement = (CommonForEachStatementSyntax)context.Node;
            var collectionType = context.SemanticModel.GetTypeInfo(statement.Expression, context.CancellationToken).Type;
            if (collectionType == null || collectionType.TypeKind == TypeKind.Error || ForbiddenTypes.IsForbidden(collectionType))
            {
                return; // reported where the collection's type was written or inferred
            }

            var info = context.SemanticModel.GetForEachStatementInfo(statement);
            var getEnumerator = info.GetEnumeratorMethod;
            ITypeSymbol? offending = null;
            if (getEnumerator != null && ForbiddenTypes.IsForbidden(getEnumerator.ReturnType))
            {
                offending = getEnumerator.ReturnType;
            }
            else if (getEnumerator != null && ForbiddenTypes.IsForbidden(getEnumerator.ContainingType))
            {
                offending = getEnumerator.ContainingType;
            }
            else if (ForbiddenTypes.IsForbidden(info.ElementType))
            {
                offending = info.ElementType;
            }

            if (offending != null)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    ForbiddenTypes.Classify(offending)!,
                    statement.ForEachKeyword.GetLocation(),
                    "foreach over '" + Describe.Type(collectionType) + "' (enumerates through '" + Describe.Type(offending) + "')"));
            }
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (invocation.IsImplicit)
            {
                return; // compiler-made calls (string interpolation handlers, query clauses, initializers)
            }

            var method = invocation.TargetMethod;
            if (ForbiddenTypes.IsInOrUnder(method, "System.Linq"))
            {
                return; // LinqRules
            }

            var name = InvokedName(invocation.Syntax);
            if (method.IsGenericMethod)
            {
                if (!(name is GenericNameSyntax))
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        Rules.GenericUse,
                        (name ?? invocation.Syntax).GetLocation(),
                        "call to generic method '" + Describe.Member(method) + "' (type arguments inferred)"));
                }

                return;
            }

            ReportForeignMember(context, method, method.ReturnType, invocation.Syntax, " returning '");
        }

        private static void AnalyzeMethodReference(OperationAnalysisContext context)
        {
            var reference = (IMethodReferenceOperation)context.Operation;
            var method = reference.Method;
            if (reference.IsImplicit || !method.IsGenericMethod || ForbiddenTypes.IsInOrUnder(method, "System.Linq"))
            {
                return;
            }

            var name = InvokedName(reference.Syntax);
            if (!(name is GenericNameSyntax))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Rules.GenericUse,
                    reference.Syntax.GetLocation(),
                    "method group '" + Describe.Member(method) + "' (type arguments inferred)"));
            }
        }

        private static void AnalyzeMemberReference(OperationAnalysisContext context)
        {
            var reference = (IMemberReferenceOperation)context.Operation;
            if (reference.IsImplicit)
            {
                return;
            }

            ITypeSymbol? type;
            switch (reference.Member)
            {
                case IPropertySymbol p: type = p.Type; break;
                case IFieldSymbol f: type = f.Type; break;
                case IEventSymbol e: type = e.Type; break;
                default: return;
            }

            ReportForeignMember(context, reference.Member, type, reference.Syntax, " of type '");
        }

        /// <summary>
        /// An argument implicitly converted to a forbidden parameter type of an API from another
        /// assembly. Arguments that fill a params parameter are left alone: overload resolution picks
        /// the params overload of each platform (object[] on the device, a span on .NET 9+).
        /// </summary>
        private static void AnalyzeArgument(OperationAnalysisContext context)
        {
            var argument = (IArgumentOperation)context.Operation;
            var parameter = argument.Parameter;
            if (argument.ArgumentKind != ArgumentKind.Explicit || parameter == null || argument.Parent == null || argument.Parent.IsImplicit)
            {
                return;
            }

            var owner = parameter.ContainingSymbol;
            if (IsDeclaredHere(context, owner)
                || owner is IMethodSymbol { IsGenericMethod: true } // reported at the call
                || ForbiddenTypes.IsInOrUnder(owner, "System.Linq")
                || ForbiddenTypes.IsForbidden(owner.ContainingType))
            {
                return;
            }

            var rule = ForbiddenTypes.Classify(parameter.Type);
            if (rule == null)
            {
                return;
            }

            var value = argument.Value;
            if (value is IConversionOperation conversion && conversion.IsImplicit)
            {
                value = conversion.Operand;
            }
            else if (value is IDelegateCreationOperation creation && creation.IsImplicit)
            {
                value = creation.Target; // a lambda or method group: it has no type of its own
            }

            if (value is IInterpolatedStringHandlerCreationOperation || ForbiddenTypes.IsForbidden(value.Type))
            {
                return; // a .NET-only string builder (the device formats a string), or a value reported where it was made
            }

            context.ReportDiagnostic(Diagnostic.Create(
                rule,
                argument.Syntax.GetLocation(),
                "argument '" + Describe.Code(argument.Syntax) + "' converted to '" + Describe.Type(parameter.Type) + "' for '" + Describe.Member(owner) + "'"));
        }

        /// <summary>s?.Length has type int?: Nullable&lt;T&gt; with nothing written.</summary>
        private static void AnalyzeConditionalAccess(OperationAnalysisContext context)
        {
            var access = (IConditionalAccessOperation)context.Operation;
            var type = access.Type;
            if (!access.IsImplicit && type != null && type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Rules.NullableValueType,
                    access.Syntax.GetLocation(),
                    "'" + Describe.Code(access.Syntax) + "' (conditional access yields '" + Describe.Type(type) + "')"));
            }
        }

        /// <summary>
        /// A member of another assembly whose type is forbidden, reached through a type that is not:
        /// Directory.EnumerateFiles(".") returns IEnumerable&lt;string&gt;.
        /// </summary>
        private static void ReportForeignMember(OperationAnalysisContext context, ISymbol member, ITypeSymbol type, SyntaxNode syntax, string relation)
        {
            if (IsDeclaredHere(context, member) || ForbiddenTypes.IsForbidden(member.ContainingType))
            {
                return;
            }

            var rule = ForbiddenTypes.Classify(type);
            if (rule != null)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    rule, syntax.GetLocation(), "'" + Describe.Member(member) + "'" + relation + Describe.Type(type) + "'"));
            }
        }

        private static bool IsDeclaredHere(OperationAnalysisContext context, ISymbol symbol)
        {
            return SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, context.Compilation.Assembly);
        }

        /// <summary>The name being called or referenced: M in M(), x.M(), x?.M(), M&lt;int&gt;.</summary>
        internal static SimpleNameSyntax? InvokedName(SyntaxNode syntax)
        {
            var expression = syntax is InvocationExpressionSyntax invocation ? invocation.Expression : syntax;
            switch (expression)
            {
                case SimpleNameSyntax simple: return simple;
                case MemberAccessExpressionSyntax access: return access.Name;
                case MemberBindingExpressionSyntax binding: return binding.Name;
                default: return null;
            }
        }
    }
}
