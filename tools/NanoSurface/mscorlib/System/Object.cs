// nanoFramework: CoreLibrary nanoFramework.CoreLibrary/System/Object.cs (assembly mscorlib).
// GetType() exists only in reflection-enabled builds and is left out on purpose.
namespace System
{
    public class Object
    {
        public Object() { }
        public virtual bool Equals(object obj) => throw null;
        public static bool Equals(object objA, object objB) => throw null;
        public static bool ReferenceEquals(object objA, object objB) => throw null;
        public virtual int GetHashCode() => throw null;
        public virtual string ToString() => throw null;
        protected object MemberwiseClone() => throw null;
    }

    public abstract class ValueType { }

    public abstract class Enum : ValueType { }

    public struct Void { }

    public struct IntPtr { }

    // CoreLibrary System/UIntPtr.cs: the compiler needs it to index an array with a uint (arr[u]).
    public struct UIntPtr { }

    public struct RuntimeFieldHandle { }

    public interface IDisposable
    {
        void Dispose();
    }
}
