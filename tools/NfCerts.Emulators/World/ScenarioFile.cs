using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace NfCerts.Emulators.World;

/// <summary>A scenario file that does not pass: each problem names the line, the field (JSON pointer) and what is allowed.</summary>
public sealed class ScenarioException : Exception
{
    /// <summary>Creates the exception from its problems (one a line, <c>FILE:LINE: /pointer: what; allowed: ...</c>).</summary>
    public ScenarioException(IReadOnlyList<string> problems)
        : base(string.Join("\n", problems)) => Problems = problems;

    /// <summary>Each problem.</summary>
    public IReadOnlyList<string> Problems { get; }
}

/// <summary>
/// Reads scenario files: the JSON is checked against scenarios/schema.json (JSON Schema 2020-12, by JsonSchema.Net, formats
/// asserted) and then read with System.Text.Json. The shipped scenarios and the schema are embedded in this assembly
/// (<see cref="Shipped"/>), so <c>nfcerts demo</c> finds them wherever it is installed.
/// </summary>
public static class ScenarioFile
{
    /// <summary>The names of the shipped scenarios (without <c>.json</c>).</summary>
    public static readonly string[] ShippedNames = { "default", "fleet", "late-notice" };

    private static readonly Lazy<(JsonSchema Schema, JsonNode Node)> SchemaOnce = new(() =>
    {
        string text = ReadResource("schema.json");
        return (JsonSchema.FromText(text), JsonNode.Parse(text)!);
    });

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>The schema's text, as shipped.</summary>
    public static string SchemaText => ReadResource("schema.json");

    /// <summary>The text of a shipped scenario.</summary>
    public static string Shipped(string name) => ReadResource(name + ".json");

    /// <summary>Reads the file <paramref name="pathOrName"/>, or a shipped scenario by name (<c>default</c>, <c>fleet</c>, <c>late-notice</c>).</summary>
    /// <exception cref="ScenarioException">The file is not valid JSON, breaks the schema or names impossible times.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Scenario Load(string pathOrName)
    {
        if (ShippedNames.Contains(pathOrName) && !File.Exists(pathOrName))
        {
            return Parse(Shipped(pathOrName), pathOrName + ".json");
        }
        return Parse(File.ReadAllText(pathOrName), Path.GetFileName(pathOrName));
    }

    /// <summary>Checks and reads the scenario <paramref name="text"/>; <paramref name="name"/> prefixes the messages.</summary>
    /// <exception cref="ScenarioException">Not valid JSON, against the schema, or impossible times.</exception>
    public static Scenario Parse(string text, string name)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new ScenarioException(new[] { name + ":" + ((e.LineNumber ?? 0) + 1) + ": not valid JSON: " + FirstSentence(e.Message) });
        }
        using (document)
        {
            var lines = PointerLines.Of(text);
            var problems = Check(document.RootElement, name, lines);
            if (problems.Count > 0)
            {
                throw new ScenarioException(problems);
            }
            Scenario scenario = document.RootElement.Deserialize<Scenario>(Json)
                ?? throw new ScenarioException(new[] { name + ":1: the scenario is empty" });
            var times = ScenarioTimes.Check(scenario);
            if (times.Count > 0)
            {
                throw new ScenarioException(times.Select(t => name + ":" + lines.LineOf(t.Pointer) + ": " + t.Pointer + ": " + t.Message).ToList());
            }
            return scenario;
        }
    }

    private static List<string> Check(JsonElement root, string name, PointerLines lines)
    {
        var (schema, node) = SchemaOnce.Value;
        EvaluationResults results = schema.Evaluate(root, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        var problems = new List<string>();
        if (results.IsValid)
        {
            return problems;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var all = (results.Details ?? (IEnumerable<EvaluationResults>)Array.Empty<EvaluationResults>()).Prepend(results).ToList();
        // A failure inside a branch that did not decide (an "if", one alternative of an "anyOf" that another satisfied) is
        // not a problem of the file: keep failures whose every enclosing evaluation failed too.
        var passed = all.Where(d => d.IsValid).Select(d => (Path: d.EvaluationPath.ToString(), At: d.InstanceLocation.ToString())).ToList();
        foreach (EvaluationResults detail in all)
        {
            if (detail.Errors == null || detail.Errors.Count == 0)
            {
                continue;
            }
            string path = detail.EvaluationPath.ToString();
            string pointer = detail.InstanceLocation.ToString();
            if (path.Contains("/if", StringComparison.Ordinal)
                || passed.Any(v => path.StartsWith(v.Path + "/", StringComparison.Ordinal) && (pointer == v.At || pointer.StartsWith(v.At + "/", StringComparison.Ordinal))))
            {
                continue;
            }
            string at = pointer.Length == 0 ? "/" : pointer;
            foreach (KeyValuePair<string, string> error in detail.Errors)
            {
                string? allowed = Allowed(node, detail.SchemaLocation, path, error.Key);
                string line = name + ":" + lines.LineOf(pointer) + ": " + at + ": " + (path.EndsWith("/additionalProperties", StringComparison.Ordinal) ? "no such field" : error.Value.TrimEnd('.')) + (allowed == null ? "" : "; allowed: " + allowed);
                if (seen.Add(line))
                {
                    problems.Add(line);
                }
            }
        }
        if (problems.Count == 0)
        {
            problems.Add(name + ":1: /: the scenario does not match the schema");
        }
        return problems;
    }

    /// <summary>What the schema allows where a keyword failed, from the schema's own text.</summary>
    private static string? Allowed(JsonNode schema, Uri location, string evaluationPath, string keyword)
    {
        string fragment = Uri.UnescapeDataString(location.Fragment.TrimStart('#'));
        int extra = fragment.LastIndexOf("/additionalProperties", StringComparison.Ordinal);
        if (evaluationPath.EndsWith("/additionalProperties", StringComparison.Ordinal) && extra >= 0)
        {
            // An extra member fails the "false" schema there: say which members the object takes.
            keyword = "additionalProperties";
            fragment = fragment[..extra] + "/additionalProperties";
        }
        JsonNode? at = Navigate(schema, fragment);
        JsonObject? owner = at as JsonObject;
        if (owner?[keyword] == null && at?.Parent is JsonObject parent)
        {
            owner = parent;
        }
        if (owner == null)
        {
            return null;
        }
        string? description = (string?)owner["description"];
        switch (keyword)
        {
            case "enum":
                return string.Join(", ", owner["enum"]!.AsArray().Select(v => v!.ToJsonString()));
            case "const":
                return owner["const"]!.ToJsonString();
            case "additionalProperties":
                return owner["properties"] is JsonObject p ? string.Join(", ", p.Select(kv => kv.Key)) : description;
            case "required":
                return "an object with " + string.Join(", ", owner["required"]!.AsArray().Select(v => (string?)v));
            case "type":
                return description ?? "a value of type " + owner["type"]!.ToJsonString();
            case "minimum":
            case "maximum":
                return description ?? (keyword == "minimum" ? ">= " : "<= ") + owner[keyword]!.ToJsonString();
            default:
                return description;
        }
    }

    private static JsonNode? Navigate(JsonNode root, string pointer)
    {
        JsonNode? node = root;
        foreach (string raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            string part = Uri.UnescapeDataString(raw).Replace("~1", "/").Replace("~0", "~");
            node = node switch
            {
                JsonObject o => o[part],
                JsonArray a when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i < a.Count => a[i],
                _ => null,
            };
            if (node == null)
            {
                return null;
            }
        }
        return node;
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static string ReadResource(string file)
    {
        using Stream stream = typeof(ScenarioFile).Assembly.GetManifestResourceStream("scenarios/" + file)
            ?? throw new FileNotFoundException("no shipped scenario file " + file);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
