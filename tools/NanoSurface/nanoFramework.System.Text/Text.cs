// nanoFramework: System.Text nanoFramework.System.Text/Text/StringBuilder.cs (checked member by member) and
// Text/Encoding.cs, Text/UTF8Encoding.cs (assembly nanoFramework.System.Text, package nanoFramework.System.Text).
// Encoding.cs/UTF8Encoding.cs are listed as Compile items of nanoFramework.System.Text.nfproj but their text is not in the
// public index used here; the members below are the ones the library's own tests call (Tests/NFUnitTestEncoding/
// EncodingTests.cs: Encoding.UTF8.GetBytes(string), GetBytes(string, int, int, byte[], int), GetString(byte[], int, int)).
// Not declared: GetString(byte[]) (not confirmed), a public UTF8Encoding constructor (not confirmed; use Encoding.UTF8).
namespace System.Text
{
    public sealed class StringBuilder
    {
        public StringBuilder() { }
        public StringBuilder(int capacity) { }
        public StringBuilder(string value) { }
        public StringBuilder(string value, int capacity) { }
        public int Length { get => throw null; set => throw null; }
        public int Capacity { get => throw null; set => throw null; }
        public char this[int index] { get => throw null; set => throw null; }
        public StringBuilder Clear() => throw null;
        public StringBuilder Append(bool value) => throw null;
        public StringBuilder Append(byte value) => throw null;
        public StringBuilder Append(char value) => throw null;
        public StringBuilder Append(char value, int repeatCount) => throw null;
        public StringBuilder Append(char[] value) => throw null;
        public StringBuilder Append(short value) => throw null;
        public StringBuilder Append(int value) => throw null;
        public StringBuilder Append(long value) => throw null;
        public StringBuilder Append(ushort value) => throw null;
        public StringBuilder Append(uint value) => throw null;
        public StringBuilder Append(ulong value) => throw null;
        public StringBuilder Append(double value) => throw null;
        public StringBuilder Append(object value) => throw null;
        public StringBuilder Append(string value) => throw null;
        public StringBuilder Append(string value, int startIndex, int count) => throw null;
        public StringBuilder AppendLine() => throw null;
        public StringBuilder AppendLine(string str) => throw null;
        public StringBuilder Remove(int startIndex, int length) => throw null;
        public StringBuilder Replace(char oldChar, char newChar) => throw null;
        public StringBuilder Replace(string oldValue, string newValue) => throw null;
        public override string ToString() => throw null;
        public string ToString(int startIndex, int length) => throw null;
    }

    public abstract class Encoding
    {
        public static Encoding UTF8 => throw null;
        public abstract byte[] GetBytes(string s);
        public abstract int GetBytes(string s, int charIndex, int charCount, byte[] bytes, int byteIndex);
        public virtual string GetString(byte[] bytes, int index, int count) => throw null;
    }

    public class UTF8Encoding : Encoding
    {
        internal UTF8Encoding() { }
        public override byte[] GetBytes(string s) => throw null;
        public override int GetBytes(string s, int charIndex, int charCount, byte[] bytes, int byteIndex) => throw null;
    }
}
