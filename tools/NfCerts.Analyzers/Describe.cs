using System.Text;
using Microsoft.CodeAnalysis;

namespace NfCerts.Analyzers
{
    /// <summary>Short, readable descriptions of code and symbols for diagnostic messages.</summary>
    internal static class Describe
    {
        private const int MaxCodeLength = 60;

        private static readonly SymbolDisplayFormat MemberFormat = new SymbolDisplayFormat(
            typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameOnly,
            genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
            memberOptions: SymbolDisplayMemberOptions.IncludeContainingType,
            miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

        /// <summary>A type as C# writes it: List&lt;int&gt;, int?, (int, string).</summary>
        public static string Type(ITypeSymbol type)
        {
            if (type is IArrayTypeSymbol array)
            {
                return Type(array.ElementType) + "[" + new string(',', array.Rank - 1) + "]"; // not byte[*,*]
            }

            return type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
        }

        /// <summary>A member with its containing type and type arguments: Enumerable.Where&lt;int&gt;.</summary>
        public static string Member(ISymbol symbol)
        {
            return symbol.ToDisplayString(MemberFormat);
        }

        /// <summary>The source text of <paramref name="node"/> on one line, shortened to about 60 characters.</summary>
        public static string Code(SyntaxNode node)
        {
            var text = new StringBuilder();
            var lastWasSpace = false;
            foreach (var c in node.ToString())
            {
                var isSpace = char.IsWhiteSpace(c);
                if (isSpace && lastWasSpace)
                {
                    continue;
                }

                text.Append(isSpace ? ' ' : c);
                lastWasSpace = isSpace;
            }

            return text.Length <= MaxCodeLength ? text.ToString() : text.ToString(0, MaxCodeLength - 3) + "...";
        }
    }
}
