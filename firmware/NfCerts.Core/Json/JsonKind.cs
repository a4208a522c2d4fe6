namespace NfCerts.Core.Json
{
    /// <summary>The kind of a JSON value.</summary>
    public enum JsonKind
    {
        /// <summary><c>null</c>.</summary>
        Null = 0,
        /// <summary><c>true</c> or <c>false</c>.</summary>
        Boolean = 1,
        /// <summary>A number (kept as its text).</summary>
        Number = 2,
        /// <summary>A string.</summary>
        String = 3,
        /// <summary>An array.</summary>
        Array = 4,
        /// <summary>An object.</summary>
        Object = 5,
    }
}
