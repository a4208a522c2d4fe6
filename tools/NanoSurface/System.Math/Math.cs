// nanoFramework: System.Math nanoFramework.System.Math/Math.cs (assembly System.Math, package nanoFramework.System.Math;
// mscorlib only has the internal MathInternal). There are no long overloads: Math.Min(long, long) binds to the double
// overload, exactly as it does on the device.
namespace System
{
    public static class Math
    {
        public static int Max(int val1, int val2) => throw null;
        public static int Min(int val1, int val2) => throw null;
        public static int Abs(int val) => throw null;
        public static double Max(double x, double y) => throw null;
        public static double Min(double x, double y) => throw null;
        public static double Abs(double val) => throw null;
    }
}
