using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace NfCerts.Emulators.World;

/// <summary>
/// An ISO 8601 duration as scenario files write them (<c>P90D</c>, <c>P2Y6M</c>, <c>PT12H</c>, <c>-P14D</c>): years and
/// months are calendar steps from the date they are added to, weeks and days are 24-hour days, and the time part is exact.
/// </summary>
public readonly partial struct IsoDuration
{
    private IsoDuration(bool negative, int years, int months, int days, TimeSpan time, string text)
    {
        Negative = negative;
        Years = years;
        Months = months;
        Days = days;
        Time = time;
        Text = text;
    }

    /// <summary>True for a duration written with a leading minus (before its anchor).</summary>
    public bool Negative { get; }

    /// <summary>Calendar years.</summary>
    public int Years { get; }

    /// <summary>Calendar months.</summary>
    public int Months { get; }

    /// <summary>Days (weeks counted as 7).</summary>
    public int Days { get; }

    /// <summary>The time part.</summary>
    public TimeSpan Time { get; }

    /// <summary>As written.</summary>
    public string Text { get; }

    /// <summary>Years only (<c>--years</c>).</summary>
    public static IsoDuration OfYears(int years) => new(false, years, 0, 0, TimeSpan.Zero, "P" + years.ToString(CultureInfo.InvariantCulture) + "Y");

    /// <summary>The instant this duration after (or, when negative, before) <paramref name="anchor"/>.</summary>
    public DateTimeOffset From(DateTimeOffset anchor)
    {
        int sign = Negative ? -1 : 1;
        return anchor.AddYears(sign * Years).AddMonths(sign * Months).AddDays(sign * Days).Add(Negative ? -Time : Time);
    }

    /// <summary>The length from <paramref name="anchor"/> (calendar years and months counted from there).</summary>
    public TimeSpan LengthFrom(DateTimeOffset anchor) => From(anchor) - anchor;

    /// <summary>Parses <paramref name="text"/>; false when it is not an ISO 8601 duration.</summary>
    public static bool TryParse(string? text, out IsoDuration duration)
    {
        duration = default;
        Match m = text == null ? Match.Empty : Pattern().Match(text);
        if (!m.Success || text == "P" || text == "-P" || text!.EndsWith('T'))
        {
            return false;
        }
        int N(string group) => m.Groups[group].Success ? int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        double seconds = m.Groups["s"].Success ? double.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture) : 0;
        TimeSpan time = TimeSpan.FromHours(N("h")) + TimeSpan.FromMinutes(N("min")) + TimeSpan.FromSeconds(seconds);
        duration = new IsoDuration(m.Groups["neg"].Success, N("y"), N("mo"), N("w") * 7 + N("d"), time, text);
        return true;
    }

    /// <summary>Parses <paramref name="text"/> or throws <see cref="FormatException"/>.</summary>
    public static IsoDuration Parse(string text) =>
        TryParse(text, out IsoDuration d) ? d : throw new FormatException("'" + text + "' is not an ISO 8601 duration such as P90D or PT12H");

    /// <inheritdoc/>
    public override string ToString() => Text;

    /// <summary>The same regular expression as <c>$defs/duration</c> in scenarios/schema.json.</summary>
    [GeneratedRegex(@"^(?<neg>-)?P(?:(?<y>\d+)Y)?(?:(?<mo>\d+)M)?(?:(?<w>\d+)W)?(?:(?<d>\d+)D)?(?:T(?:(?<h>\d+)H)?(?:(?<min>\d+)M)?(?:(?<s>\d+(?:\.\d+)?)S)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
