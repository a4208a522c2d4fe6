using System.Collections.Generic;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace NfCerts.Emulators.Hub.Rest;

/// <summary>Query results in pages as IoT Hub's and DPS's service APIs give them: <c>x-ms-max-item-count</c> asks for a page
/// size, <c>x-ms-continuation</c> (an offset this emulator gave) for the next page, and the answer carries
/// <c>x-ms-item-type</c> and, when more follow, <c>x-ms-continuation</c>.</summary>
internal static class RestPaging
{
    public const int DefaultPageSize = 100, MaxPageSize = 1000;

    /// <summary>The page of <paramref name="all"/> the request asks for, with the response headers set; or null and the
    /// reason in <paramref name="error"/> when a paging header is bad.</summary>
    public static JsonArray? Page<T>(HttpContext c, IReadOnlyList<T> all, string itemType, out string error) where T : JsonNode
    {
        error = "";
        int size = DefaultPageSize;
        string? max = c.Request.Headers["x-ms-max-item-count"];
        if (max != null && !(int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out size) && size >= 1 && size <= MaxPageSize))
        {
            error = "x-ms-max-item-count must be 1 to " + MaxPageSize;
            return null;
        }
        int offset = 0;
        string? continuation = c.Request.Headers["x-ms-continuation"];
        if (!string.IsNullOrEmpty(continuation) && !int.TryParse(continuation, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            error = "x-ms-continuation is not a continuation this emulator gave";
            return null;
        }
        var page = new JsonArray();
        for (int i = offset; i < all.Count && i < offset + size; i++)
        {
            page.Add(all[i].DeepClone());
        }
        c.Response.Headers["x-ms-item-type"] = itemType;
        if (offset + size < all.Count)
        {
            c.Response.Headers["x-ms-continuation"] = (offset + size).ToString(CultureInfo.InvariantCulture);
        }
        return page;
    }
}
