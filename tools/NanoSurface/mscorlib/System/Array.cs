// nanoFramework: CoreLibrary nanoFramework.CoreLibrary/System/Array.cs (assembly mscorlib).
// No Array.Empty<T>, Resize, Sort, Fill or the one-argument Clear(Array) in nanoFramework 1.x.
namespace System
{
    public abstract class Array : System.Collections.IList
    {
        public int Length => throw null;
        public static void Copy(Array sourceArray, Array destinationArray, int length) => throw null;
        public static void Copy(Array sourceArray, int sourceIndex, Array destinationArray, int destinationIndex, int length) => throw null;
        public static void Clear(Array array, int index, int length) => throw null;
        public static int IndexOf(Array array, object value) => throw null;
        public static int IndexOf(Array array, object value, int startIndex) => throw null;
        public static int IndexOf(Array array, object value, int startIndex, int count) => throw null;
        public object GetValue(int index) => throw null;
        public void CopyTo(Array array, int index) => throw null;
        public System.Collections.IEnumerator GetEnumerator() => throw null;
        public object SyncRoot => throw null;
        public bool IsReadOnly => throw null;
        public bool IsFixedSize => throw null;
        public bool IsSynchronized => throw null;
        int System.Collections.ICollection.Count => throw null;
        object System.Collections.IList.this[int index] { get => throw null; set => throw null; }
        int System.Collections.IList.Add(object value) => throw null;
        bool System.Collections.IList.Contains(object value) => throw null;
        void System.Collections.IList.Clear() => throw null;
        int System.Collections.IList.IndexOf(object value) => throw null;
        void System.Collections.IList.Insert(int index, object value) => throw null;
        void System.Collections.IList.Remove(object value) => throw null;
        void System.Collections.IList.RemoveAt(int index) => throw null;
    }
}
