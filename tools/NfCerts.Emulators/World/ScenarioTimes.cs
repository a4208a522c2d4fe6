using System;
using System.Collections.Generic;
using System.Globalization;
using NfCerts.Emulators.Est;

namespace NfCerts.Emulators.World;

/// <summary>The instants a scenario names, resolved against its start and its anchors.</summary>
public static class ScenarioTimes
{
    /// <summary>The anchor of events relative to the RADIUS root's expiry.</summary>
    public const string RadiusRootExpiryAnchor = "radiusRootExpiry";

    /// <summary>The world's start, in UTC.</summary>
    public static DateTimeOffset Start(Scenario s) => s.Start.ToUniversalTime();

    /// <summary>The world's end (<paramref name="years"/> overrides the file's duration).</summary>
    public static DateTimeOffset End(Scenario s, int? years = null)
        => (years is int y ? IsoDuration.OfYears(y) : IsoDuration.Parse(s.Duration)).From(Start(s));

    /// <summary>When RootCA1 (and the RADIUS server certificate under it) expires.</summary>
    public static DateTimeOffset RadiusRootExpiry(Scenario s) => IsoDuration.Parse(s.Lifetimes.RadiusRootCa).From(Start(s));

    /// <summary>When RootCA2 expires.</summary>
    public static DateTimeOffset RadiusRoot2Expiry(Scenario s) => IsoDuration.Parse(s.Lifetimes.RadiusRootCa2).From(RadiusRootExpiry(s));

    /// <summary>When <paramref name="e"/> happens.</summary>
    public static DateTimeOffset At(Scenario s, ScenarioEvent e)
        => Instant(e.At, e.From == RadiusRootExpiryAnchor ? RadiusRootExpiry(s) : Start(s));

    /// <summary>An instant written as a duration from <paramref name="anchor"/> or as a date-time.</summary>
    public static DateTimeOffset Instant(string text, DateTimeOffset anchor)
    {
        if (IsoDuration.TryParse(text, out IsoDuration d))
        {
            return d.From(anchor);
        }
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();
    }

    /// <summary>The length of a duration counted from <paramref name="anchor"/>.</summary>
    public static TimeSpan Length(string text, DateTimeOffset anchor) => IsoDuration.Parse(text).LengthFrom(anchor);

    /// <summary>What the schema cannot say: instants before the start, a client lifetime longer than its CA's, backdating
    /// beyond <see cref="EstServerControls.MaxBackdate"/>.</summary>
    internal static List<(string Pointer, string Message)> Check(Scenario s)
    {
        var problems = new List<(string, string)>();
        DateTimeOffset start = Start(s);
        for (int i = 0; i < s.Events.Count; i++)
        {
            if (At(s, s.Events[i]) < start)
            {
                problems.Add(("/events/" + i + "/at", "the event falls before the start (" + start.ToString("u", CultureInfo.InvariantCulture)
                    + "); allowed: an instant at or after the start"));
            }
        }
        for (int i = 0; i < s.Servers.Est.Deferrals.Count; i++)
        {
            if (Instant(s.Servers.Est.Deferrals[i].At, start) < start)
            {
                problems.Add(("/servers/est/deferrals/" + i + "/at", "before the start; allowed: an instant at or after the start"));
            }
        }
        for (int i = 0; i < s.Servers.Est.Outages.Count; i++)
        {
            if (Instant(s.Servers.Est.Outages[i].At, start) < start)
            {
                problems.Add(("/servers/est/outages/" + i + "/at", "before the start; allowed: an instant at or after the start"));
            }
        }
        if (Length(s.Servers.Est.Backdate, start) > EstServerControls.MaxBackdate)
        {
            problems.Add(("/servers/est/backdate", "longer than two days; allowed: PT0S to P2D (the CA/Browser Forum's limit on backdating)"));
        }
        if (Length(s.Lifetimes.ClientCertificate, start) < TimeSpan.FromDays(2))
        {
            problems.Add(("/lifetimes/clientCertificate", "shorter than two days; allowed: P2D or longer (the device checks daily)"));
        }
        if (Length(s.Lifetimes.ClientCertificate, start) >= Length(s.Lifetimes.EstCa, start))
        {
            problems.Add(("/lifetimes/clientCertificate", "not shorter than the EST CA's lifetime; allowed: less than lifetimes/estCa"));
        }
        return problems;
    }
}
