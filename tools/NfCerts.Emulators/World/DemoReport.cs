using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace NfCerts.Emulators.World;

/// <summary>
/// The demo's HTML report: one self-contained page (inline CSS, SVG and a small script; no external resource) with an SVG
/// timeline of each certificate's validity window (the part it sat in the store darker), the network in use, the outages
/// and the events, each with hover details (SVG <c>title</c>, and a details line the script fills on hover), then the
/// figures and the full timeline as a table.
/// </summary>
public static class DemoReport
{
    private const int Left = 230;
    private const int Width = 1000;
    private const int Row = 22;

    /// <summary>The page for <paramref name="r"/>.</summary>
    public static string Html(DemoResult r)
    {
        DateTimeOffset from = r.Start;
        DateTimeOffset to = new[] { r.End, r.Timeline.Count > 0 ? r.Timeline[^1].Time : r.End }.Max();
        double span = Math.Max(1, (to - from).TotalSeconds);
        double X(DateTimeOffset t) => Left + Math.Clamp((t - from).TotalSeconds / span, 0, 1) * Width;
        var svg = new StringBuilder();
        int y = 30;
        // Year ticks.
        for (var year = new DateTimeOffset(from.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero); year < to; year = year.AddYears(1))
        {
            svg.Append(Fmt("<line class=\"tick\" x1=\"{0}\" y1=\"20\" x2=\"{0}\" y2=\"100%\"/><text class=\"axis\" x=\"{0}\" y=\"14\">{1}</text>", X(year), year.Year));
        }
        svg.Append(Fmt("<text class=\"axis\" x=\"{0}\" y=\"14\">{1}</text>", Left, from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        foreach (CertificateWindow c in r.Certificates)
        {
            string detail = c.Ids + ": " + c.Subject + ", valid " + Day(c.NotBefore) + " to " + Day(c.NotAfter) + ", in the store " + Day(c.FirstSeen) + " to " + Day(c.LastSeen);
            string kind = c.Ids.Contains("Client", StringComparison.Ordinal) || c.Ids.Contains("Bootstrap", StringComparison.Ordinal) ? "client" : "root";
            svg.Append(Fmt("<text class=\"label\" x=\"{0}\" y=\"{1}\">{2}</text>", Left - 6, y + 14, E(Short(c.Ids + " " + c.Subject, 30))));
            svg.Append(Fmt("<rect class=\"cert {5}\" x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{3}\" data-detail=\"{4}\"><title>{4}</title></rect>",
                X(c.NotBefore), y + 3, Math.Max(1, X(c.NotAfter) - X(c.NotBefore)), Row - 8, E(detail), kind));
            svg.Append(Fmt("<rect class=\"stored\" x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{3}\" data-detail=\"{4}\"><title>{4}</title></rect>",
                X(c.FirstSeen), y + 6, Math.Max(1, X(c.LastSeen) - X(c.FirstSeen)), Row - 14, E(detail)));
            y += Row;
        }
        y += 8;
        svg.Append(Fmt("<text class=\"label\" x=\"{0}\" y=\"{1}\">network in use</text>", Left - 6, y + 14));
        foreach (NetworkSpan n in r.Networks)
        {
            string detail = n.Network + " from " + Time(n.From) + " to " + Time(n.To);
            svg.Append(Fmt("<rect class=\"net {5}\" x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{3}\" data-detail=\"{4}\"><title>{4}</title></rect>",
                X(n.From), y + 3, Math.Max(1, X(n.To) - X(n.From)), Row - 8, E(detail), n.Network == "Network2" ? "n2" : "n1"));
        }
        y += Row;
        svg.Append(Fmt("<text class=\"label\" x=\"{0}\" y=\"{1}\">outages</text>", Left - 6, y + 14));
        foreach (Outage o in r.Outages)
        {
            string detail = "outage " + Time(o.From) + " for " + Math.Round(o.Length.TotalHours, 1).ToString(CultureInfo.InvariantCulture) + " h: " + o.Cause;
            svg.Append(Fmt("<rect class=\"outage\" x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{3}\" data-detail=\"{4}\"><title>{4}</title></rect>",
                X(o.From), y + 3, Math.Max(3, X(o.To) - X(o.From)), Row - 8, E(detail)));
        }
        y += Row;
        svg.Append(Fmt("<text class=\"label\" x=\"{0}\" y=\"{1}\">events</text>", Left - 6, y + 14));
        foreach (TimelineEntry e in r.Timeline.Where(e => e.Kind == TimelineKind.Event || e.Kind == TimelineKind.Breach))
        {
            string detail = Time(e.Time) + ": " + e.Text;
            svg.Append(Fmt("<g class=\"event {3}\" data-detail=\"{2}\"><title>{2}</title><line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{4}\"/><circle cx=\"{0}\" cy=\"{1}\" r=\"5\"/></g>",
                X(e.Time), y + 11, E(detail), e.Kind == TimelineKind.Breach ? "breach" : "", 24));
        }
        y += Row + 10;
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>nfcerts demo: ").Append(E(r.Scenario)).Append("</title>\n<style>")
            .Append("body{font:14px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}svg{background:#fafafa;border:1px solid #ddd}")
            .Append(".tick{stroke:#ddd}.axis{font-size:11px;fill:#666}.label{font-size:11px;text-anchor:end;fill:#333}")
            .Append(".cert.root{fill:#b9d3ee}.cert.client{fill:#c9e7c0}.stored{fill:#2f6f9f;opacity:.75}.net.n1{fill:#6a9fd8}.net.n2{fill:#d89a4a}")
            .Append(".outage{fill:#d33}.event line{stroke:#555}.event circle{fill:#fff;stroke:#333;stroke-width:1.5}.event.breach circle{fill:#d33}")
            .Append("[data-detail]:hover{opacity:.6;cursor:pointer}#detail{min-height:1.4em;margin:8px 0;padding:4px 8px;background:#eef;font-family:monospace}")
            .Append("table{border-collapse:collapse;font-size:12px}td,th{border-bottom:1px solid #eee;padding:2px 8px;text-align:left}.Breach{color:#c00;font-weight:bold}.Outage{color:#a60}.Event{font-weight:bold}")
            .Append(".ok{color:#070;font-weight:bold}.bad{color:#c00;font-weight:bold}</style></head><body>\n");
        page.Append("<h1>nfcerts demo: ").Append(E(r.Scenario)).Append("</h1>\n<p>").Append(E(Day(r.Start) + " to " + Day(r.End) + ", RADIUS: " + r.Radius)).Append("</p>\n");
        page.Append(r.Passed ? "<p class=\"ok\">Every invariant held: no stranded device, no lost certificate, no key in a log.</p>\n"
            : "<p class=\"bad\">Invariants broke:</p><ul>" + string.Concat(r.Breaches.Select(b => "<li class=\"bad\">" + E(b) + "</li>")) + "</ul>\n");
        page.Append(Fmt("<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\">", Left + Width + 20, y)).Append(svg).Append("</svg>\n");
        page.Append("<div id=\"detail\">hover over the timeline for details</div>\n<table>");
        Figure(page, "connectivity", r.ConnectivityPercent.ToString("0.00", CultureInfo.InvariantCulture) + " % of hourly samples connected to the hub");
        Figure(page, "outages", string.Join("; ", r.Outages.Select(o => Time(o.From) + " " + Math.Round(o.Length.TotalHours, 1).ToString(CultureInfo.InvariantCulture) + " h (" + o.Cause + ")")));
        Figure(page, "renewals", r.Renewals + " (" + r.EstIssued + " certificates issued by EST)");
        Figure(page, "root CA rotations", r.RootRotations.ToString(CultureInfo.InvariantCulture));
        Figure(page, "TLS handshakes", r.Handshakes.Total + " (hub " + r.Handshakes.Hub + ", EAP-TLS " + r.Handshakes.Eap + ", EST " + r.Handshakes.Est + ", DPS " + r.Handshakes.Dps + ")");
        Figure(page, "flash", r.FlashBytesProgrammed + " bytes programmed, " + r.FlashErases + " erases");
        Figure(page, "wall time", r.WallTime.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s");
        page.Append("</table>\n<h2>Timeline</h2>\n<table><tr><th>date</th><th>network</th><th>client days</th><th>root days</th><th>what</th></tr>\n");
        foreach (TimelineEntry e in r.Timeline)
        {
            page.Append("<tr class=\"").Append(e.Kind).Append("\"><td>").Append(E(Time(e.Time))).Append("</td><td>").Append(E(e.Network)).Append("</td><td>")
                .Append(e.ClientDaysLeft?.ToString(CultureInfo.InvariantCulture) ?? "-").Append("</td><td>").Append(e.RootDaysLeft?.ToString(CultureInfo.InvariantCulture) ?? "-")
                .Append("</td><td>").Append(E(e.Text)).Append("</td></tr>\n");
        }
        page.Append("</table>\n<script>\n(function () {\n  var out = document.getElementById('detail');\n  var items = document.querySelectorAll('#timeline [data-detail]');\n")
            .Append("  for (var i = 0; i < items.length; i++) {\n    items[i].addEventListener('mouseenter', function (ev) { out.textContent = ev.currentTarget.getAttribute('data-detail'); });\n  }\n")
            .Append("  document.body.setAttribute('data-timeline-items', String(items.length));\n})();\n</script>\n</body></html>\n");
        return page.ToString();
    }

    internal static void Figure(StringBuilder page, string name, string value)
        => page.Append("<tr><th>").Append(E(name)).Append("</th><td>").Append(E(value)).Append("</td></tr>\n");

    internal static string Fmt(string format, params object[] args)
        => string.Format(CultureInfo.InvariantCulture, format, args.Select(a => a is double d ? d.ToString("0.##", CultureInfo.InvariantCulture) : a).ToArray());

    internal static string E(string s) => WebUtility.HtmlEncode(s);

    internal static string Day(DateTimeOffset t) => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string Time(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Short(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
