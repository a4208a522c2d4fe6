using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NfCerts.Emulators.Hub;

/// <summary>
/// The part of IoT Hub's query language the emulator runs: <c>SELECT * FROM devices</c> with an optional <c>WHERE</c> of
/// comparisons (<c>= != &lt;&gt; &lt; &gt; &lt;= &gt;=</c>) between a twin path (<c>deviceId</c>,
/// <c>properties.reported.a.b</c>, <c>connectionState</c>, ...) and a literal (<c>'text'</c>, a number, true, false,
/// null), joined by AND and OR (AND binds tighter), and <c>IS_DEFINED(path)</c>. Anything else is refused with 400.
/// </summary>
internal sealed partial class HubQuery
{
    private readonly List<List<Func<JsonObject, bool>>> _anyOf;

    private HubQuery(List<List<Func<JsonObject, bool>>> anyOf)
    {
        _anyOf = anyOf;
    }

    [GeneratedRegex(@"^\s*SELECT\s+\*\s+FROM\s+devices(?:\s+WHERE\s+(?<where>.+?))?\s*$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Statement();

    [GeneratedRegex(@"^\s*(?:IS_DEFINED\(\s*(?<defined>[A-Za-z0-9_$.\-]+)\s*\)|(?<path>[A-Za-z0-9_$.\-]+)\s*(?<op>=|!=|<>|<=|>=|<|>)\s*(?<literal>'(?:[^']|'')*'|[^\s']+))\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Condition();

    [GeneratedRegex(@"\s+OR\s+(?=(?:[^']*'[^']*')*[^']*$)", RegexOptions.IgnoreCase)]
    private static partial Regex Or();

    [GeneratedRegex(@"\s+AND\s+(?=(?:[^']*'[^']*')*[^']*$)", RegexOptions.IgnoreCase)]
    private static partial Regex And();

    /// <summary>Parses <paramref name="query"/>; throws <see cref="HubServiceException"/> 400 for what it does not support.</summary>
    public static HubQuery Parse(string query)
    {
        Match statement = Statement().Match(query ?? "");
        if (!statement.Success)
        {
            throw new HubServiceException(400, "unsupported query '" + query + "': expected SELECT * FROM devices [WHERE ...]");
        }
        var anyOf = new List<List<Func<JsonObject, bool>>>();
        if (!statement.Groups["where"].Success)
        {
            anyOf.Add(new List<Func<JsonObject, bool>>());
            return new HubQuery(anyOf);
        }
        foreach (string alternative in Or().Split(statement.Groups["where"].Value))
        {
            var allOf = new List<Func<JsonObject, bool>>();
            foreach (string condition in And().Split(alternative))
            {
                allOf.Add(ParseCondition(condition));
            }
            anyOf.Add(allOf);
        }
        return new HubQuery(anyOf);
    }

    /// <summary>True when the service twin <paramref name="twin"/> matches.</summary>
    public bool Matches(JsonObject twin) => _anyOf.Exists(allOf => allOf.TrueForAll(c => c(twin)));

    private static Func<JsonObject, bool> ParseCondition(string text)
    {
        Match m = Condition().Match(text);
        if (!m.Success)
        {
            throw new HubServiceException(400, "unsupported condition '" + text.Trim() + "'");
        }
        if (m.Groups["defined"].Success)
        {
            string definedPath = m.Groups["defined"].Value;
            return twin => Resolve(twin, definedPath) != null;
        }
        string path = m.Groups["path"].Value;
        string op = m.Groups["op"].Value;
        JsonNode? literal = Literal(m.Groups["literal"].Value);
        return twin => Compare(Resolve(twin, path), op, literal);
    }

    private static JsonNode? Literal(string text)
    {
        if (text.StartsWith('\''))
        {
            return JsonValue.Create(text.Substring(1, text.Length - 2).Replace("''", "'"));
        }
        if (text.Equals("null", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        if (bool.TryParse(text, out bool b))
        {
            return JsonValue.Create(b);
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
        {
            return JsonValue.Create(d);
        }
        throw new HubServiceException(400, "unsupported literal '" + text + "'");
    }

    private static JsonNode? Resolve(JsonObject twin, string path)
    {
        JsonNode? node = twin;
        foreach (string part in path.Split('.'))
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(part, out JsonNode? child) ? child : null;
            if (node == null)
            {
                return null;
            }
        }
        return node;
    }

    private static bool Compare(JsonNode? value, string op, JsonNode? literal)
    {
        int? order = Order(value, literal);
        return op switch
        {
            "=" => order == 0,
            "!=" or "<>" => order != 0,
            "<" => order < 0,
            ">" => order > 0,
            "<=" => order <= 0,
            ">=" => order >= 0,
            _ => false,
        };
    }

    /// <summary>Compares like with like (text, number, boolean, null); null when they cannot be compared.</summary>
    private static int? Order(JsonNode? a, JsonNode? b)
    {
        if (a == null || b == null)
        {
            return a == null && b == null ? 0 : null;
        }
        if (a is not JsonValue va || b is not JsonValue vb)
        {
            return null;
        }
        JsonValueKind ka = va.GetValueKind();
        JsonValueKind kb = vb.GetValueKind();
        if (ka == JsonValueKind.String && kb == JsonValueKind.String)
        {
            return string.CompareOrdinal(va.GetValue<string>(), vb.GetValue<string>()) switch { < 0 => -1, > 0 => 1, _ => 0 };
        }
        if (ka == JsonValueKind.Number && kb == JsonValueKind.Number)
        {
            return va.GetValue<double>().CompareTo(vb.GetValue<double>());
        }
        if (ka is JsonValueKind.True or JsonValueKind.False && kb is JsonValueKind.True or JsonValueKind.False)
        {
            return ka == kb ? 0 : null;
        }
        return null;
    }
}
