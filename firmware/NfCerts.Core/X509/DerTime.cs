using System;

namespace NfCerts.Core.X509
{
    /// <summary>UTCTime and GeneralizedTime in the forms RFC 5280 section 4.1.2.5 allows.</summary>
    internal static class DerTime
    {
        private const long TicksPerSecond = 10000000L;
        private const long TicksPerDay = 864000000000L;

        /// <summary>Parses YYMMDDHHMMSSZ (UTCTime) or YYYYMMDDHHMMSSZ (GeneralizedTime) into a clamped UTC DateTime.</summary>
        public static DateTime Parse(byte[] buffer, int tag, int offset, int length)
        {
            int yearDigits = tag == DerTag.UtcTime ? 2 : 4;
            if (length != yearDigits + 11 || buffer[offset + length - 1] != (byte)'Z')
            {
                throw Bad(tag, offset, "is not in the form " + (yearDigits == 2 ? "YYMMDDHHMMSSZ" : "YYYYMMDDHHMMSSZ"));
            }

            int year = Digits(buffer, offset, yearDigits, tag);
            int p = offset + yearDigits;
            int month = Digits(buffer, p, 2, tag);
            int day = Digits(buffer, p + 2, 2, tag);
            int hour = Digits(buffer, p + 4, 2, tag);
            int minute = Digits(buffer, p + 6, 2, tag);
            int second = Digits(buffer, p + 8, 2, tag);
            if (yearDigits == 2)
            {
                year += year >= 50 ? 1900 : 2000;
            }

            if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            {
                throw Bad(tag, offset, "names no real date and time");
            }

            if (year < 1601)
            {
                return DerReader.MinTime;
            }

            if (year > 3000)
            {
                return DerReader.MaxTime;
            }

            long days = DaysBeforeYear(year) + DaysBeforeMonth(year, month) + day - 1;
            long ticks = (days * TicksPerDay) + ((((hour * 60L) + minute) * 60L) + second) * TicksPerSecond;
            return new DateTime(ticks, DateTimeKind.Utc);
        }

        private static int Digits(byte[] buffer, int offset, int count, int tag)
        {
            int value = 0;
            for (int i = 0; i < count; i++)
            {
                int d = buffer[offset + i] - '0';
                if (d < 0 || d > 9)
                {
                    throw Bad(tag, offset, "has a non-digit where a digit is required");
                }

                value = (value * 10) + d;
            }

            return value;
        }

        private static bool IsLeap(int year)
        {
            return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        }

        private static int DaysInMonth(int year, int month)
        {
            switch (month)
            {
                case 2: return IsLeap(year) ? 29 : 28;
                case 4:
                case 6:
                case 9:
                case 11: return 30;
                default: return 31;
            }
        }

        private static long DaysBeforeYear(int year)
        {
            long y = year - 1;
            return (y * 365) + (y / 4) - (y / 100) + (y / 400);
        }

        private static int DaysBeforeMonth(int year, int month)
        {
            int days = 0;
            for (int m = 1; m < month; m++)
            {
                days += DaysInMonth(year, m);
            }

            return days;
        }

        private static CertificateFormatException Bad(int tag, int offset, string what)
        {
            return new CertificateFormatException(
                CertificateFormatError.BadTime,
                (tag == DerTag.UtcTime ? "UTCTime" : "GeneralizedTime") + " at offset " + offset.ToString() + " " + what);
        }
    }
}
