using System;

namespace NfCerts.Core.Renewal
{
    /// <summary>A span of time either as a share of a certificate's lifetime (<c>80%</c>) or absolute (<c>28d</c>, <c>12h</c>, <c>60min</c>, <c>60m</c>, <c>30s</c>).</summary>
    public sealed class LifetimeSpan
    {
        private LifetimeSpan(int percent, TimeSpan absolute, string text)
        {
            Percent = percent;
            Absolute = absolute;
            Text = text;
        }

        /// <summary>The percentage (1-99), or 0 when absolute.</summary>
        public int Percent { get; private set; }
        /// <summary>The absolute span, or zero when a percentage.</summary>
        public TimeSpan Absolute { get; private set; }
        /// <summary>The text it was parsed from.</summary>
        public string Text { get; private set; }
        /// <summary>True for the percentage form.</summary>
        public bool IsPercent { get { return Percent > 0; } }

        /// <summary>The span for a certificate of <paramref name="lifetime"/>.</summary>
        public TimeSpan For(TimeSpan lifetime)
        {
            return IsPercent ? TimeSpan.FromTicks(lifetime.Ticks / 100 * Percent) : Absolute;
        }

        /// <summary>An absolute span.</summary>
        public static LifetimeSpan FromTime(TimeSpan span)
        {
            return new LifetimeSpan(0, span, Format(span));
        }

        /// <summary>Parses <c>N%</c> (0 &lt; N &lt; 100) or <c>N</c> followed by <c>d</c>, <c>h</c>, <c>min</c>/<c>m</c> or <c>s</c>.</summary>
        /// <exception cref="ArgumentException">With a message that says what is accepted.</exception>
        public static LifetimeSpan Parse(string text, string what)
        {
            if (text == null)
            {
                throw new ArgumentException(what + " is missing: use a percentage of the lifetime (80%) or a time (28d, 12h, 60min, 30s)");
            }
            string t = text.Trim();
            int digits = 0;
            while (digits < t.Length && t[digits] >= '0' && t[digits] <= '9')
            {
                digits++;
            }
            string unit = t.Substring(digits);
            if (digits == 0 || digits > 9 || unit.Length == 0)
            {
                throw new ArgumentException(what + " '" + text + "' is not valid: use a percentage of the lifetime (80%) or a time (28d, 12h, 60min, 30s)");
            }
            long n = 0;
            for (int i = 0; i < digits; i++)
            {
                n = n * 10 + (t[i] - '0');
            }
            if (unit == "%")
            {
                if (n <= 0 || n >= 100)
                {
                    throw new ArgumentException(what + " '" + text + "': a percentage must be between 1% and 99%");
                }
                return new LifetimeSpan((int)n, TimeSpan.Zero, t);
            }
            long seconds;
            if (unit == "d")
            {
                seconds = n * 86400;
            }
            else if (unit == "h")
            {
                seconds = n * 3600;
            }
            else if (unit == "min" || unit == "m")
            {
                seconds = n * 60;
            }
            else if (unit == "s")
            {
                seconds = n;
            }
            else
            {
                throw new ArgumentException(what + " '" + text + "': unknown unit '" + unit + "' (use %, d, h, min or m, s)");
            }
            if (seconds < 1)
            {
                throw new ArgumentException(what + " '" + text + "' must be at least 1s");
            }
            return new LifetimeSpan(0, TimeSpan.FromTicks(seconds * TimeSpan.TicksPerSecond), t);
        }

        private static string Format(TimeSpan s)
        {
            long sec = s.Ticks / TimeSpan.TicksPerSecond;
            if (sec % 86400 == 0)
            {
                return (sec / 86400).ToString() + "d";
            }
            if (sec % 3600 == 0)
            {
                return (sec / 3600).ToString() + "h";
            }
            if (sec % 60 == 0)
            {
                return (sec / 60).ToString() + "min";
            }
            return sec.ToString() + "s";
        }
    }

    /// <summary>
    /// When to renew the client certificate and how to retry. Plain data with documented defaults; <see cref="Validate"/>
    /// returns what is wrong, in words.
    /// </summary>
    /// <remarks>
    /// <para><b>Threshold</b> (default <c>28d</c>, the seed's "at least four weeks"): renew when the time left before NotAfter
    /// is at most the threshold (<c>28d</c>), or when the given share of the lifetime has passed (<c>80%</c>).</para>
    /// <para><b>Loop guard</b>: the lifetime counts from the later of NotBefore and the time the certificate was installed, so a
    /// backdated NotBefore does not make a fresh certificate due; and a threshold that would make a certificate due in the
    /// first half of that lifetime (one not below the lifetime, say) is replaced by two thirds of it.</para>
    /// <para><b>Retries</b> after a failed attempt wait <see cref="RetryInitial"/>, doubling each time, capped at
    /// <see cref="Retry"/> (default <c>4%</c> of the lifetime, at least <see cref="RetryInitial"/>), each scaled by a per-device
    /// factor in [0.5, 1) so a fleet does not retry in step; a server's "retry after" is honoured when longer.</para>
    /// <para><b>Daily check</b> at a per-device minute inside [<see cref="WindowStartMinute"/>, <see cref="WindowEndMinute"/>) UTC
    /// (default the whole day), and after every boot.</para>
    /// </remarks>
    public sealed class RenewalPolicy
    {
        /// <summary>Creates the default policy.</summary>
        public RenewalPolicy()
        {
            Threshold = LifetimeSpan.Parse("28d", "threshold");
            Retry = LifetimeSpan.Parse("4%", "retry");
            RetryInitial = TimeSpan.FromMinutes(1);
            WindowStartMinute = 0;
            WindowEndMinute = 24 * 60;
        }

        /// <summary>When a certificate is due.</summary>
        public LifetimeSpan Threshold;
        /// <summary>Longest wait between retries.</summary>
        public LifetimeSpan Retry;
        /// <summary>First wait after a failure.</summary>
        public TimeSpan RetryInitial;
        /// <summary>Start of the daily check window, minutes after midnight UTC.</summary>
        public int WindowStartMinute;
        /// <summary>End of the daily check window (exclusive), minutes after midnight UTC; may be below the start to wrap midnight.</summary>
        public int WindowEndMinute;

        /// <summary>Parses a window <c>HH:MM-HH:MM</c> (UTC) into the two minute fields.</summary>
        public void SetWindow(string window)
        {
            int dash = window == null ? -1 : window.IndexOf('-');
            if (dash < 0)
            {
                throw new ArgumentException("check window '" + window + "' must look like 02:00-04:00 (UTC)");
            }
            int start = ParseClock(window!.Substring(0, dash).Trim(), window);
            int end = ParseClock(window.Substring(dash + 1).Trim(), window);
            if (start == end)
            {
                throw new ArgumentException("check window '" + window + "' is empty");
            }
            WindowStartMinute = start;
            WindowEndMinute = end;
        }

        private static int ParseClock(string s, string whole)
        {
            int colon = s.IndexOf(':');
            int h, m;
            if (colon < 1 || !int.TryParse(s.Substring(0, colon), out h) || !int.TryParse(s.Substring(colon + 1), out m)
                || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0))
            {
                throw new ArgumentException("check window '" + whole + "': '" + s + "' is not a time of day HH:MM");
            }
            return h * 60 + m;
        }

        /// <summary>Empty when the policy is usable, else what is wrong.</summary>
        public string Validate()
        {
            if (Threshold == null || Retry == null)
            {
                return "threshold and retry must be set";
            }
            if (RetryInitial < TimeSpan.FromSeconds(1))
            {
                return "the first retry must wait at least 1s";
            }
            if (!Retry.IsPercent && Retry.Absolute < RetryInitial)
            {
                return "retry (" + Retry.Text + ") must not be shorter than the first retry wait";
            }
            if (WindowStartMinute < 0 || WindowStartMinute > 1440 || WindowEndMinute < 0 || WindowEndMinute > 1440 || WindowStartMinute == WindowEndMinute)
            {
                return "the check window must be a non-empty range of minutes within a day";
            }
            return "";
        }

        /// <summary>When a certificate valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>, installed at
        /// <paramref name="installedUtc"/> (MinValue if unknown), becomes due. Sets <paramref name="clamped"/> when the loop guard applied.</summary>
        public DateTime RenewAt(DateTime notBefore, DateTime notAfter, DateTime installedUtc, out bool clamped)
        {
            DateTime start = installedUtc > notBefore ? installedUtc : notBefore;
            clamped = false;
            if (start >= notAfter)
            {
                // Installed after it expired (or a zero lifetime): due at once; retries pace the attempts.
                return notAfter;
            }
            TimeSpan life = notAfter - start;
            DateTime at = Threshold.IsPercent ? start + Threshold.For(life) : notAfter - Threshold.Absolute;
            DateTime earliest = start + TimeSpan.FromTicks(life.Ticks / 2);
            if (at < earliest)
            {
                clamped = true;
                at = start + TimeSpan.FromTicks(life.Ticks / 3 * 2);
            }
            return at;
        }

        /// <summary>The wait after the <paramref name="failures"/>-th failure in a row for a certificate of <paramref name="lifetime"/>,
        /// scaled by <paramref name="jitter"/> in [0.5, 1), and at least <paramref name="retryAfter"/>.</summary>
        public TimeSpan RetryDelay(int failures, TimeSpan lifetime, double jitter, TimeSpan retryAfter)
        {
            long cap = Retry.For(lifetime).Ticks;
            if (cap < RetryInitial.Ticks)
            {
                cap = RetryInitial.Ticks;
            }
            long d = RetryInitial.Ticks;
            for (int i = 1; i < failures && d < cap; i++)
            {
                d *= 2;
            }
            if (d > cap)
            {
                d = cap;
            }
            var delay = TimeSpan.FromTicks((long)(d * jitter));
            return retryAfter > delay ? retryAfter : delay;
        }
    }
}
