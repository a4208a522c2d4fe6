namespace System.Diagnostics
{
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
    public sealed class ConditionalAttribute : Attribute
    {
        public ConditionalAttribute(string conditionString) { }
        public string ConditionString => throw null;
    }

    public static class Debug
    {
        [Conditional("DEBUG")]
        public static void Assert(bool condition) { }
        [Conditional("DEBUG")]
        public static void Assert(bool condition, string message) { }
        [Conditional("DEBUG")]
        public static void Write(string message) { }
        [Conditional("DEBUG")]
        public static void WriteLine(string message) { }
    }
}
