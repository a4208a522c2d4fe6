using Microsoft.CodeAnalysis;

namespace NfCerts.Analyzers
{
    /// <summary>
    /// The portability rules, one per feature family that .NET nanoFramework 1.x cannot run.
    /// Every rule is an error: portable code that breaks one would compile on desktop .NET and then
    /// fail to build or to load on the device. Each message takes one argument, a short description
    /// of the offending construct as written (or as the compiler inferred it), and states the reason.
    /// </summary>
    /// <remarks>
    /// IDs are stable: never renumber or reuse one. New rules take the next free number and go into
    /// AnalyzerReleases.Unshipped.md.
    /// </remarks>
    public static class Rules
    {
        /// <summary>The category shown by IDEs and in .editorconfig.</summary>
        public const string Category = "nanoFramework.Portability";

        /// <summary>NF0001: a type parameter list on a class, struct, interface, delegate, method or local function.</summary>
        public static readonly DiagnosticDescriptor GenericDefinition = Create(
            "NF0001",
            "Generic definitions are not portable to nanoFramework 1.x",
            "{0} declares type parameters; nanoFramework 1.x has no generics. Use object, ArrayList, Hashtable or typed arrays instead.",
            "The nanoFramework 1.x runtime and its metadata processor do not support generic types or methods (generics exist only in the incompatible 2.0 preview).");

        /// <summary>NF0002: any use of a constructed generic type or generic method, written or inferred.</summary>
        public static readonly DiagnosticDescriptor GenericUse = Create(
            "NF0002",
            "Generic types and methods are not portable to nanoFramework 1.x",
            "{0} uses generics; nanoFramework 1.x has no generic types or methods. Use ArrayList, Hashtable, typed arrays or named delegates instead.",
            "Covers written instantiations (List<int>, Func<int>, Array.Empty<byte>()) and the ones the compiler infers: generic method calls without type arguments, " +
            "'var' and anonymous types, foreach over a generic enumerator, and arguments converted to a generic parameter type of an API.");

        /// <summary>NF0003: nullable value types (System.Nullable&lt;T&gt;), written or produced by '?.'.</summary>
        public static readonly DiagnosticDescriptor NullableValueType = Create(
            "NF0003",
            "Nullable value types are not portable to nanoFramework 1.x",
            "{0} is a nullable value type (System.Nullable<T>), a generic type that nanoFramework 1.x lacks. Use a sentinel value or a separate bool flag.",
            "Nullable reference annotations such as 'string?' are fine: they are compile-time only. 'int?', 'DateTime?' and '?.' on a value-typed member produce System.Nullable<T>.");

        /// <summary>NF0004: collection expressions ([1, 2, 3], [.. other]).</summary>
        public static readonly DiagnosticDescriptor CollectionExpression = Create(
            "NF0004",
            "Collection expressions are not portable to nanoFramework 1.x",
            "{0} is a collection expression; depending on its target type the compiler builds it with spans, List<T> or generic builder methods, which nanoFramework 1.x lacks. Write 'new T[] {{ ... }}' or fill an ArrayList.",
            "An array target compiles to a plain array, but the same syntax silently switches to Span<T>, List<T> or generic builders when the target type changes, so portable code does not use it.");

        /// <summary>NF0005: LINQ, in query syntax or through System.Linq.</summary>
        public static readonly DiagnosticDescriptor Linq = Create(
            "NF0005",
            "LINQ is not portable to nanoFramework 1.x",
            "{0} uses LINQ; nanoFramework 1.x has no System.Linq (it is built on generics). Write a loop.",
            "Query expressions, 'using System.Linq', System.Linq types and calls to LINQ operators are all reported.");

        /// <summary>NF0006: async/await, async lambdas, Task and ValueTask.</summary>
        public static readonly DiagnosticDescriptor Async = Create(
            "NF0006",
            "async/await and Task are not portable to nanoFramework 1.x",
            "{0} uses async/await or tasks; nanoFramework 1.x has no System.Threading.Tasks. Use a Thread, a Timer or an event.",
            "async methods and lambdas, 'await', 'await foreach'/'await using', and the Task, ValueTask and async-enumerable types are reported.");

        /// <summary>NF0007: tuple types, tuple literals, deconstruction and positional patterns.</summary>
        public static readonly DiagnosticDescriptor Tuple = Create(
            "NF0007",
            "Tuples and deconstruction are not portable to nanoFramework 1.x",
            "{0} uses tuples or deconstruction; nanoFramework 1.x has no System.ValueTuple (a generic type), and portable code does not deconstruct either. Use out parameters or a small class.",
            "Tuple types, tuple literals, deconstructing declarations and assignments, and positional patterns are reported. Deconstructing a class into existing variables can compile without ValueTuple, " +
            "but the expression's value is a tuple, so portable code avoids the syntax altogether.");

        /// <summary>NF0008: record classes and record structs.</summary>
        public static readonly DiagnosticDescriptor Record = Create(
            "NF0008",
            "Records are not portable to nanoFramework 1.x",
            "{0} is a record; records need IEquatable<T>, init-only setters and compiler-generated members that nanoFramework 1.x lacks. Write a plain class or struct.",
            "Both 'record' / 'record class' and 'record struct' are reported.");

        /// <summary>NF0009: the dynamic type.</summary>
        public static readonly DiagnosticDescriptor Dynamic = Create(
            "NF0009",
            "dynamic is not portable to nanoFramework 1.x",
            "{0} uses 'dynamic'; nanoFramework 1.x has no dynamic language runtime or Microsoft.CSharp binder. Use object and explicit casts.",
            "Any reference to the dynamic type, written or inferred by 'var', is reported.");

        /// <summary>NF0010: multidimensional (rectangular) arrays.</summary>
        public static readonly DiagnosticDescriptor MultidimensionalArray = Create(
            "NF0010",
            "Multidimensional arrays are not portable to nanoFramework 1.x",
            "{0} is a multidimensional array; nanoFramework 1.x supports only single-dimensional arrays. Use a jagged array (T[][]) or compute the index.",
            "Rectangular array types (int[,]) and creations (new int[2, 3], new[,] { ... }) are reported; jagged arrays are fine.");

        /// <summary>NF0011: Span, ReadOnlySpan, Memory, ReadOnlyMemory, stackalloc and ref structs.</summary>
        public static readonly DiagnosticDescriptor SpanLike = Create(
            "NF0011",
            "Span, Memory, stackalloc and ref structs are not portable to nanoFramework 1.x",
            "{0} uses Span/Memory, stackalloc or a ref struct; nanoFramework 1.x has none of them (they rely on generics and byref-like runtime support). Use arrays with offset and count.",
            "Span<T>, ReadOnlySpan<T>, Memory<T>, ReadOnlyMemory<T>, any other byref-like type, 'stackalloc' and 'ref struct' declarations are reported.");

        /// <summary>NF0012: interface members with bodies (default interface methods) and static interface members.</summary>
        public static readonly DiagnosticDescriptor DefaultInterfaceMember = Create(
            "NF0012",
            "Default interface members are not portable to nanoFramework 1.x",
            "{0} gives an interface member a body or makes it static; nanoFramework 1.x only supports abstract instance members in interfaces. Move the code to a class.",
            "Default interface methods, properties, indexers and events, and static members (fields, methods, operators, constructors) in interfaces need runtime support that nanoFramework 1.x lacks.");

        /// <summary>NF0013: unsafe code and pointers.</summary>
        public static readonly DiagnosticDescriptor Unsafe = Create(
            "NF0013",
            "Unsafe code is not portable to nanoFramework 1.x",
            "{0} is unsafe code; nanoFramework 1.x does not run unverifiable IL (pointers, fixed, function pointers). Use arrays and BitConverter.",
            "The 'unsafe' modifier and block, pointer and function pointer types, 'fixed' statements and fixed-size buffers are reported.");

        private static DiagnosticDescriptor Create(string id, string title, string messageFormat, string description)
        {
            return new DiagnosticDescriptor(
                id,
                title,
                messageFormat,
                Category,
                DiagnosticSeverity.Error,
                isEnabledByDefault: true,
                description: description);
        }
    }
}
