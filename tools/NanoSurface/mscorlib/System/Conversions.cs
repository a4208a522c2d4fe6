// nanoFramework: CoreLibrary nanoFramework.CoreLibrary/System/{BitConverter,Convert,Random}.cs (assembly mscorlib).
// The float overloads of BitConverter exist in nanoFramework but are not declared (float is not declared).
namespace System
{
    public static class BitConverter
    {
        public static bool IsLittleEndian => throw null;
        public static long DoubleToInt64Bits(double value) => throw null;
        public static double Int64BitsToDouble(long value) => throw null;
        public static byte[] GetBytes(bool value) => throw null;
        public static byte[] GetBytes(char value) => throw null;
        public static byte[] GetBytes(double value) => throw null;
        public static byte[] GetBytes(short value) => throw null;
        public static byte[] GetBytes(int value) => throw null;
        public static byte[] GetBytes(long value) => throw null;
        public static byte[] GetBytes(ushort value) => throw null;
        public static byte[] GetBytes(uint value) => throw null;
        public static byte[] GetBytes(ulong value) => throw null;
        public static bool ToBoolean(byte[] value, int startIndex) => throw null;
        public static char ToChar(byte[] value, int startIndex) => throw null;
        public static double ToDouble(byte[] value, int startIndex) => throw null;
        public static short ToInt16(byte[] value, int startIndex) => throw null;
        public static int ToInt32(byte[] value, int startIndex) => throw null;
        public static long ToInt64(byte[] value, int startIndex) => throw null;
        public static ushort ToUInt16(byte[] value, int startIndex) => throw null;
        public static uint ToUInt32(byte[] value, int startIndex) => throw null;
        public static ulong ToUInt64(byte[] value, int startIndex) => throw null;
        public static string ToString(byte[] value) => throw null;
        public static string ToString(byte[] value, int startIndex) => throw null;
        public static string ToString(byte[] value, int startIndex, int length) => throw null;
    }

    public static class Convert
    {
        public static string ToBase64String(byte[] inArray) => throw null;
        public static byte[] FromBase64String(string inString) => throw null;
    }

    public class Random
    {
        public Random() { }
        public Random(int seed) { }
        public virtual int Next() => throw null;
        public virtual int Next(int maxValue) => throw null;
        public virtual void NextBytes(byte[] buffer) => throw null;
    }
}
