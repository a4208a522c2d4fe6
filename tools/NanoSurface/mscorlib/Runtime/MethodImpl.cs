// nanoFramework: CoreLibrary nanoFramework.CoreLibrary/System/Runtime/CompilerServices/MethodImplAttribute.cs and
// MethodImplOptions.cs (assembly mscorlib). What an interop declaration needs:
// [MethodImpl(MethodImplOptions.InternalCall)] static extern. MethodImplAttribute's MethodCodeType field and the
// (short) constructor exist too but are not declared (nothing here uses them).
namespace System.Runtime.CompilerServices
{
    [Flags]
    public enum MethodImplOptions
    {
        Unmanaged = 4,
        NoInlining = 8,
        ForwardRef = 16,
        Synchronized = 32,
        NoOptimization = 64,
        PreserveSig = 128,
        AggressiveInlining = 256,
        AggressiveOptimization = 512,
        InternalCall = 4096,
    }

    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor, Inherited = false)]
    public sealed class MethodImplAttribute : Attribute
    {
        public MethodImplAttribute() { }
        public MethodImplAttribute(MethodImplOptions methodImplOptions) { }
        public MethodImplOptions Value => throw null;
    }
}
