// nanoFramework: CoreLibrary nanoFramework.CoreLibrary/System/String.cs (assembly mscorlib).
// Deliberately absent because nanoFramework 1.x lacks them: CompareOrdinal, Replace, Join, Split(string...),
// StartsWith/EndsWith with StringComparison, Trim(params char[]) is present but not declared (not needed).
namespace System
{
    public sealed class String
    {
        public static readonly string Empty;

        public String(char[] value) { }
        public String(char[] value, int startIndex, int length) { }
        public String(char c, int count) { }

        public int Length => throw null;
        public char this[int index] => throw null;

        public override bool Equals(object obj) => throw null;
        public static bool Equals(string a, string b) => throw null;
        public static bool operator ==(string a, string b) => throw null;
        public static bool operator !=(string a, string b) => throw null;

        public static bool IsNullOrEmpty(string value) => throw null;

        public char[] ToCharArray() => throw null;
        public string Substring(int startIndex) => throw null;
        public string Substring(int startIndex, int length) => throw null;
        public int IndexOf(char value) => throw null;
        public int IndexOf(char value, int startIndex) => throw null;
        public int IndexOf(string value) => throw null;
        public int IndexOf(string value, int startIndex) => throw null;
        public int LastIndexOf(char value) => throw null;
        public bool StartsWith(string value) => throw null;
        public bool EndsWith(string value) => throw null;
        public string Trim() => throw null;
        public string ToLower() => throw null;
        public string ToUpper() => throw null;
        public string[] Split(params char[] separator) => throw null;

        public static string Concat(object arg0) => throw null;
        public static string Concat(object arg0, object arg1) => throw null;
        public static string Concat(object arg0, object arg1, object arg2) => throw null;
        public static string Concat(params object[] args) => throw null;
        public static string Concat(string str0, string str1) => throw null;
        public static string Concat(string str0, string str1, string str2) => throw null;
        public static string Concat(string str0, string str1, string str2, string str3) => throw null;
        public static string Concat(params string[] values) => throw null;

        public static string Format(string format, params object[] args) => throw null;

        public override string ToString() => throw null;
    }
}
