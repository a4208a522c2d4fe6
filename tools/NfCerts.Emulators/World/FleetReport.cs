using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using static NfCerts.Emulators.World.DemoReport;

namespace NfCerts.Emulators.World;

/// <summary>
/// The fleet run's summary (text, deterministic for a seed) and HTML report: one self-contained page with two SVG charts
/// (convergence: devices booted, on the new root and offline per day; load: EST and DPS requests in the busiest minute of each
/// day), the plan's events, and the stranded devices with their reasons.
/// </summary>
public static class FleetReport
{
    /// <summary>The summary: only what the seed decides (the variety, the daily counts, the busiest minutes, the stranded
    /// devices); handshake counts, wall time and memory, which real-network races and the machine move, are in
    /// <see cref="Figures"/>.</summary>
    public static string Summary(FleetResult r)
    {
        var s = new StringBuilder();
        FleetSettings f = r.Settings;
        s.AppendLine("fleet " + r.Scenario + ": " + r.Devices.Count + " devices, seed " + r.Seed + ", " + Day(r.Start) + " to " + Day(r.End));
        s.AppendLine("  variety             offline " + Pct(f.OfflineRate) + " for " + Human(f.OfflineFor) + ", skew up to " + Human(f.Skew) + ", first boots over "
            + Human(f.FirstBootWindow) + ", jitter " + (f.Jitter ? "on" : "off") + ", EST capacity " + (f.EstCapacityPerMinute is int cap ? cap.ToString(CultureInfo.InvariantCulture) + "/min" : "unlimited"));
        foreach (var (at, label) in r.Events)
        {
            s.AppendLine("  " + Time(at) + "    " + label);
        }
        foreach (string skipped in r.Skipped)
        {
            s.AppendLine("  skipped (single-device event): " + skipped);
        }
        FleetDay? last = r.Days.LastOrDefault();
        if (last != null)
        {
            s.AppendLine("  at the end          " + last.OnNewRoot + " of " + last.Booted + " devices on the new root, " + last.Offline + " offline");
        }
        FleetDay? firstNew = r.Days.FirstOrDefault(d => d.OnNewRoot > 0);
        FleetDay? half = r.Days.FirstOrDefault(d => d.Booted > 0 && d.OnNewRoot * 2 >= d.Booted);
        if (firstNew != null)
        {
            s.AppendLine("  convergence         first device on RootCA2 " + Day(firstNew.Date) + ", half the fleet " + (half == null ? "never" : Day(half.Date)));
        }
        s.AppendLine("  peak offline        " + r.Days.Select(d => d.Offline).DefaultIfEmpty().Max() + " devices in a day");
        s.AppendLine("  peak renewing       " + r.Days.Select(d => d.Renewing).DefaultIfEmpty().Max() + " devices enrolling by EST in a day");
        s.AppendLine("  peak load           EST " + Peak(r.Days, d => d.EstPeakPerMinute) + ", DPS " + Peak(r.Days, d => d.DpsPeakPerMinute) + " (jitter " + (f.Jitter ? "on" : "off") + ")");
        s.AppendLine("  requests            EST " + r.Days.Sum(d => d.EstRequests) + ", DPS " + r.Days.Sum(d => d.DpsRequests));
        if (r.Stranded.Count == 0)
        {
            s.Append("  stranded            none: every device reconnected by itself");
        }
        else
        {
            s.Append("  stranded            " + r.Stranded.Count + " devices cannot reconnect without a person:");
            foreach (StrandedDevice d in r.Stranded)
            {
                s.Append("\n    " + d.Id + ": " + d.Reason);
            }
        }
        return s.ToString();
    }

    /// <summary>The machine's figures: real TLS handshakes, wall time, memory.</summary>
    public static string Figures(FleetResult r)
        => "  TLS handshakes      " + r.Handshakes.Total + " (hub " + r.Handshakes.Hub + ", EAP-TLS " + r.Handshakes.Eap + ", EST " + r.Handshakes.Est + ", DPS " + r.Handshakes.Dps + ")\n"
           + "  wall time           " + r.WallTime.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s, peak working set "
           + (r.PeakWorkingSet / 1048576.0).ToString("0", CultureInfo.InvariantCulture) + " MiB";

    private static string Peak(List<FleetDay> days, Func<FleetDay, long> of)
    {
        FleetDay? d = days.OrderByDescending(of).ThenBy(x => x.Date).FirstOrDefault();
        return d == null ? "0/min" : of(d) + "/min (" + Day(d.Date) + ")";
    }

    private static string Pct(double v) => (v * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Human(TimeSpan t) => DemoObserver.Human(t);

    private const int Left = 60;
    private const int Width = 1000;
    private const int Height = 220;

    /// <summary>The page for <paramref name="r"/>.</summary>
    public static string Html(FleetResult r)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>nfcerts fleet: ").Append(E(r.Scenario)).Append("</title>\n<style>")
            .Append("body{font:14px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}svg{background:#fafafa;border:1px solid #ddd}")
            .Append(".tick{stroke:#ddd}.axis{font-size:11px;fill:#666}.curve{fill:none;stroke-width:2}.booted{stroke:#888}.newroot{stroke:#2a7}.offline{stroke:#d33}")
            .Append(".est{stroke:#36c}.dps{stroke:#c80}.event line{stroke:#555;stroke-dasharray:3 3}[data-detail]:hover{opacity:.6;cursor:pointer}")
            .Append("#detail{min-height:1.4em;margin:8px 0;padding:4px 8px;background:#eef;font-family:monospace}table{border-collapse:collapse;font-size:12px}")
            .Append("td,th{border-bottom:1px solid #eee;padding:2px 8px;text-align:left}.ok{color:#070;font-weight:bold}.bad{color:#c00;font-weight:bold}</style></head><body>\n");
        page.Append("<h1>nfcerts fleet: ").Append(E(r.Scenario)).Append("</h1>\n<pre>").Append(E(Summary(r))).Append("\n").Append(E(Figures(r))).Append("</pre>\n");
        page.Append(r.NoneStranded ? "<p class=\"ok\">No stranded device.</p>\n" : "<p class=\"bad\">" + r.Stranded.Count + " stranded devices (see the list below).</p>\n");
        page.Append("<h2>Convergence</h2>\n");
        Chart(page, "convergence", r, new[]
        {
            ("booted", "devices booted", (Func<FleetDay, double>)(d => d.Booted)),
            ("newroot", "devices on the new root", d => d.OnNewRoot),
            ("offline", "devices offline", d => d.Offline),
        });
        page.Append("<h2>Load</h2>\n");
        Chart(page, "load", r, new[]
        {
            ("est", "EST requests in the busiest minute", (Func<FleetDay, double>)(d => d.EstPeakPerMinute)),
            ("dps", "DPS requests in the busiest minute", d => d.DpsPeakPerMinute),
        });
        page.Append("<div id=\"detail\">hover over a chart for details</div>\n<h2>Stranded devices</h2>\n<table id=\"stranded\"><tr><th>device</th><th>first boot</th><th>offline</th><th>reason</th></tr>\n");
        var plans = r.Devices.ToDictionary(d => d.Id, StringComparer.Ordinal);
        foreach (StrandedDevice s in r.Stranded)
        {
            FleetDevicePlan p = plans[s.Id];
            string off = p.OfflineFrom is DateTimeOffset a && p.OfflineTo is DateTimeOffset b ? Time(a) + " to " + Time(b) : "-";
            page.Append("<tr class=\"stranded\"><td>").Append(E(s.Id)).Append("</td><td>").Append(E(Time(p.BootAt))).Append("</td><td>").Append(E(off))
                .Append("</td><td>").Append(E(s.Reason)).Append("</td></tr>\n");
        }
        page.Append("</table>\n<script>\n(function () {\n  var out = document.getElementById('detail');\n  var items = document.querySelectorAll('svg [data-detail]');\n")
            .Append("  for (var i = 0; i < items.length; i++) {\n    items[i].addEventListener('mouseenter', function (ev) { out.textContent = ev.currentTarget.getAttribute('data-detail'); });\n  }\n")
            .Append("  document.body.setAttribute('data-chart-items', String(items.length));\n})();\n</script>\n</body></html>\n");
        return page.ToString();
    }

    private static void Chart(StringBuilder page, string id, FleetResult r, (string Css, string Name, Func<FleetDay, double> Of)[] series)
    {
        double max = Math.Max(1, r.Days.Count == 0 ? 1 : series.Max(s => r.Days.Max(s.Of)));
        double span = Math.Max(1, (r.End - r.Start).TotalSeconds);
        double X(DateTimeOffset t) => Left + Math.Clamp((t - r.Start).TotalSeconds / span, 0, 1) * Width;
        double Y(double v) => 20 + (1 - v / max) * Height;
        var svg = new StringBuilder();
        for (var year = new DateTimeOffset(r.Start.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero); year < r.End; year = year.AddYears(1))
        {
            svg.Append(Fmt("<line class=\"tick\" x1=\"{0}\" y1=\"20\" x2=\"{0}\" y2=\"{2}\"/><text class=\"axis\" x=\"{0}\" y=\"{3}\">{1}</text>", X(year), year.Year, 20 + Height, 36 + Height));
        }
        svg.Append(Fmt("<text class=\"axis\" x=\"4\" y=\"24\">{0}</text><text class=\"axis\" x=\"4\" y=\"{1}\">0</text>", max, 20 + Height));
        foreach (var (at, label) in r.Events)
        {
            svg.Append(Fmt("<g class=\"event\" data-detail=\"{1}\"><title>{1}</title><line x1=\"{0}\" y1=\"20\" x2=\"{0}\" y2=\"{2}\"/></g>", X(at), E(Time(at) + ": " + label), 20 + Height));
        }
        int legend = 0;
        foreach (var (css, name, of) in series)
        {
            var points = string.Join(" ", r.Days.Select(d => Fmt("{0},{1}", X(d.Date), Y(of(d)))));
            FleetDay? top = r.Days.OrderByDescending(of).FirstOrDefault();
            string detail = name + (top == null ? "" : ": at most " + of(top).ToString(CultureInfo.InvariantCulture) + " on " + Day(top.Date));
            svg.Append(Fmt("<polyline class=\"curve {0}\" points=\"{1}\" data-detail=\"{2}\"><title>{2}</title></polyline>", css, points, E(detail)));
            svg.Append(Fmt("<text class=\"axis\" x=\"{0}\" y=\"{1}\">{2}</text><line class=\"curve {3}\" x1=\"{4}\" y1=\"{5}\" x2=\"{6}\" y2=\"{5}\"/>",
                Left + 40 + legend * 260, 58 + Height, E(name), css, Left + 10 + legend * 260, 54 + Height, Left + 34 + legend * 260));
            legend++;
        }
        page.Append(Fmt("<svg id=\"{0}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{1}\" height=\"{2}\" viewBox=\"0 0 {1} {2}\">", id, Left + Width + 20, Height + 70))
            .Append(svg).Append("</svg>\n");
    }
}
