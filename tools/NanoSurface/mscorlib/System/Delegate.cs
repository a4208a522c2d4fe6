// nanoFramework: CoreLibrary nanoFramework.CoreLibrary/System/Delegate.cs and MulticastDelegate.cs (assembly mscorlib).
// Combine/Remove are what the compiler uses for event accessors and +=/-= on delegates. Action/Func exist only in
// later nanoFramework versions as generic types and are not declared: portable code uses named delegates.
namespace System
{
    public abstract class Delegate
    {
        public override bool Equals(object obj) => throw null;
        public static Delegate Combine(Delegate a, Delegate b) => throw null;
        public static Delegate Remove(Delegate source, Delegate value) => throw null;
        public static bool operator ==(Delegate d1, Delegate d2) => throw null;
        public static bool operator !=(Delegate d1, Delegate d2) => throw null;
    }

    public abstract class MulticastDelegate : Delegate
    {
        public override bool Equals(object obj) => throw null;
        public static bool operator ==(MulticastDelegate d1, MulticastDelegate d2) => throw null;
        public static bool operator !=(MulticastDelegate d1, MulticastDelegate d2) => throw null;
    }
}
