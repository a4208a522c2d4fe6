using Microsoft.CodeAnalysis;

namespace NfCerts.Analyzers
{
    /// <summary>
    /// Decides whether a type cannot exist on nanoFramework 1.x, and which rule says so. Every rule
    /// that meets a type (written, inferred by 'var', returned by an API, taken by a parameter)
    /// asks this class, so one type is always judged the same way.
    /// </summary>
    /// <remarks>
    /// Types are matched by namespace and metadata name, never by looking them up in the
    /// compilation: the same sources are compiled against .NET and against the nanoFramework
    /// surface, where most of these types do not exist at all. Error types (unresolved names) are
    /// never reported: the compiler already fails on them.
    /// </remarks>
    internal static class ForbiddenTypes
    {
        /// <summary>
        /// The rule that forbids <paramref name="type"/>, or null when nanoFramework 1.x can have it.
        /// The most specific family wins: Task&lt;int&gt; is an async problem, int? a nullable one,
        /// Span&lt;byte&gt; a span one; only other generic types fall back to <see cref="Rules.GenericUse"/>.
        /// </summary>
        public static DiagnosticDescriptor? Classify(ITypeSymbol? type)
        {
            if (type == null)
            {
                return null;
            }

            switch (type.TypeKind)
            {
                case TypeKind.Error:
                case TypeKind.TypeParameter: // the generic definition that introduced it is reported
                    return null;
                case TypeKind.Dynamic:
                    return Rules.Dynamic;
                case TypeKind.Pointer:
                case TypeKind.FunctionPointer:
                    return Rules.Unsafe;
                case TypeKind.Array:
                    var array = (IArrayTypeSymbol)type;
                    return array.Rank > 1 ? Rules.MultidimensionalArray : Classify(array.ElementType);
            }

            if (!(type is INamedTypeSymbol named))
            {
                return null;
            }

            if (named.IsTupleType || IsIn(named, "System") && (named.MetadataName.StartsWith("ValueTuple", System.StringComparison.Ordinal)
                                                                || named.MetadataName.StartsWith("Tuple", System.StringComparison.Ordinal)))
            {
                return Rules.Tuple;
            }

            if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
            {
                return Rules.NullableValueType;
            }

            if (IsInOrUnder(named, "System.Linq"))
            {
                return Rules.Linq;
            }

            if (IsAsyncType(named))
            {
                return Rules.Async;
            }

            if (IsSpanLike(named))
            {
                return Rules.SpanLike;
            }

            // IsGenericType is also true for a type nested in a generic one (List<int>.Enumerator).
            if (named.IsGenericType || named.IsAnonymousType)
            {
                return Rules.GenericUse;
            }

            return null;
        }

        /// <summary>True when <see cref="Classify"/> finds a rule for <paramref name="type"/>.</summary>
        public static bool IsForbidden(ITypeSymbol? type)
        {
            return Classify(type) != null;
        }

        /// <summary>True for types in <paramref name="ns"/> or any namespace below it (e.g. System.Linq.Expressions).</summary>
        public static bool IsInOrUnder(ISymbol symbol, string ns)
        {
            var name = symbol.ContainingNamespace?.ToDisplayString();
            return name != null && (name == ns || name.StartsWith(ns + ".", System.StringComparison.Ordinal));
        }

        private static bool IsIn(ISymbol symbol, string ns)
        {
            return symbol.ContainingNamespace?.ToDisplayString() == ns;
        }

        private static bool IsAsyncType(INamedTypeSymbol type)
        {
            if (IsInOrUnder(type, "System.Threading.Tasks"))
            {
                return true;
            }

            var name = type.OriginalDefinition.MetadataName;
            if (IsIn(type, "System.Collections.Generic"))
            {
                return name == "IAsyncEnumerable`1" || name == "IAsyncEnumerator`1";
            }

            if (IsIn(type, "System"))
            {
                return name == "IAsyncDisposable";
            }

            return IsIn(type, "System.Runtime.CompilerServices") && (name.StartsWith("Async", System.StringComparison.Ordinal)
                                                                    || name.StartsWith("ConfiguredTaskAwaitable", System.StringComparison.Ordinal)
                                                                    || name.StartsWith("ConfiguredValueTaskAwaitable", System.StringComparison.Ordinal)
                                                                    || name.StartsWith("TaskAwaiter", System.StringComparison.Ordinal)
                                                                    || name.StartsWith("ValueTaskAwaiter", System.StringComparison.Ordinal));
        }

        private static bool IsSpanLike(INamedTypeSymbol type)
        {
            if (type.IsRefLikeType)
            {
                return true;
            }

            if (!IsIn(type, "System"))
            {
                return false;
            }

            var name = type.OriginalDefinition.MetadataName;
            return name == "Span`1" || name == "ReadOnlySpan`1" || name == "Memory`1" || name == "ReadOnlyMemory`1";
        }
    }
}
