using System;

namespace NfCerts.Core.Est
{
    /// <summary>Reads an HTTP <c>Retry-After</c> value (RFC 9110 10.2.3): delay-seconds, or an HTTP-date in the
    /// IMF-fixdate form (<c>Sun, 06 Nov 1994 08:49:37 GMT</c>), the one servers must send.</summary>
    public static class RetryAfter
    {
        /// <summary>The longest delay taken from a server (longer ones are cut to it), so a wrong value cannot park the
        /// device for years.</summary>
        public static readonly TimeSpan Max = TimeSpan.FromDays(7);

        private static readonly string[] Months = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

        /// <summary>The delay <paramref name="value"/> asks for, from <paramref name="now"/>; zero when the value is
        /// absent, unreadable or in the past.</summary>
        public static TimeSpan Parse(string? value, DateTime now)
        {
            if (value == null)
            {
                return TimeSpan.Zero;
            }
            string text = value.Trim();
            long seconds = Digits(text, 0, text.Length);
            if (seconds >= 0)
            {
                return Cap(seconds);
            }
            DateTime when;
            if (!TryParseDate(text, out when) || when <= now)
            {
                return TimeSpan.Zero;
            }
            long delta = (when - now).Ticks / TimeSpan.TicksPerSecond;
            return Cap(delta);
        }

        private static TimeSpan Cap(long seconds)
        {
            long max = Max.Ticks / TimeSpan.TicksPerSecond;
            return TimeSpan.FromTicks((seconds > max ? max : seconds) * TimeSpan.TicksPerSecond);
        }

        // "Sun, 06 Nov 1994 08:49:37 GMT": 29 characters at fixed positions.
        private static bool TryParseDate(string text, out DateTime when)
        {
            when = DateTime.MinValue;
            if (text.Length != 29 || text[3] != ',' || text[4] != ' ' || text[7] != ' ' || text[11] != ' ' || text[16] != ' '
                || text[19] != ':' || text[22] != ':' || text.Substring(25) != " GMT")
            {
                return false;
            }
            int month = -1;
            string name = text.Substring(8, 3);
            for (int i = 0; i < Months.Length; i++)
            {
                if (Months[i] == name)
                {
                    month = i + 1;
                }
            }
            long day = Digits(text, 5, 2);
            long year = Digits(text, 12, 4);
            long hour = Digits(text, 17, 2);
            long minute = Digits(text, 20, 2);
            long second = Digits(text, 23, 2);
            if (month < 0 || day < 1 || year < 1970 || hour > 23 || minute > 59 || second > 60 || day > DateTime.DaysInMonth((int)year, month))
            {
                return false;
            }
            long ticks = new DateTime((int)year, month, (int)day, (int)hour, (int)minute, second == 60 ? 59 : (int)second).Ticks;
            when = new DateTime(ticks, DateTimeKind.Utc);
            return true;
        }

        // The number in text[start, start+count) if all are digits (at most 10), else -1.
        private static long Digits(string text, int start, int count)
        {
            if (count == 0 || count > 10)
            {
                return -1;
            }
            long value = 0;
            for (int i = start; i < start + count; i++)
            {
                char c = text[i];
                if (c < '0' || c > '9')
                {
                    return -1;
                }
                value = (value * 10) + (c - '0');
            }
            return value;
        }
    }
}
