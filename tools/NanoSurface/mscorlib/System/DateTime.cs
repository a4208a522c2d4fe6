// nanoFramework: CoreLibrary nanoFramework.CoreLibrary/System/DateTime.cs (assembly mscorlib).
// nanoFramework differences that matter: MinValue is 1601-01-01 and MaxValue 3000-12-31; DateTimeKind has only Utc
// (Local exists but is [Obsolete(error: true)]; there is no Unspecified); there is no
// DateTime(y, M, d, h, m, s, DateTimeKind) constructor, no AddMonths/AddYears, no ToUniversalTime.
namespace System
{
    public enum DateTimeKind
    {
        Utc = 1,
    }

    public enum DayOfWeek
    {
        Sunday = 0,
        Monday = 1,
        Tuesday = 2,
        Wednesday = 3,
        Thursday = 4,
        Friday = 5,
        Saturday = 6,
    }

    public struct DateTime
    {
        public static readonly DateTime MinValue;
        public static readonly DateTime MaxValue;

        public DateTime(long ticks) { }
        public DateTime(long ticks, DateTimeKind kind) { }
        public DateTime(int year, int month, int day) { }
        public DateTime(int year, int month, int day, int hour, int minute, int second) { }
        public DateTime(int year, int month, int day, int hour, int minute, int second, int millisecond) { }

        public static DateTime UtcNow => throw null;

        public long Ticks => throw null;
        public DateTimeKind Kind => throw null;
        public int Year => throw null;
        public int Month => throw null;
        public int Day => throw null;
        public int Hour => throw null;
        public int Minute => throw null;
        public int Second => throw null;
        public int Millisecond => throw null;
        public DayOfWeek DayOfWeek => throw null;
        public int DayOfYear => throw null;
        public DateTime Date => throw null;
        public TimeSpan TimeOfDay => throw null;

        public DateTime Add(TimeSpan val) => throw null;
        public DateTime AddDays(double val) => throw null;
        public DateTime AddHours(double val) => throw null;
        public DateTime AddMinutes(double val) => throw null;
        public DateTime AddSeconds(double val) => throw null;
        public DateTime AddMilliseconds(double val) => throw null;
        public DateTime AddTicks(long val) => throw null;
        public TimeSpan Subtract(DateTime val) => throw null;
        public DateTime Subtract(TimeSpan val) => throw null;

        public static int Compare(DateTime t1, DateTime t2) => throw null;
        public int CompareTo(object val) => throw null;
        public static int DaysInMonth(int year, int month) => throw null;
        public override bool Equals(object obj) => throw null;
        public static bool Equals(DateTime t1, DateTime t2) => throw null;
        public override int GetHashCode() => throw null;

        public override string ToString() => throw null;
        public string ToString(string format) => throw null;

        public static DateTime operator +(DateTime d, TimeSpan t) => throw null;
        public static DateTime operator -(DateTime d, TimeSpan t) => throw null;
        public static TimeSpan operator -(DateTime d1, DateTime d2) => throw null;
        public static bool operator ==(DateTime d1, DateTime d2) => throw null;
        public static bool operator !=(DateTime t1, DateTime t2) => throw null;
        public static bool operator <(DateTime t1, DateTime t2) => throw null;
        public static bool operator <=(DateTime t1, DateTime t2) => throw null;
        public static bool operator >(DateTime t1, DateTime t2) => throw null;
        public static bool operator >=(DateTime t1, DateTime t2) => throw null;
    }
}
