using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace NfCerts.Emulators.World;

/// <summary>The line (1-based) where each JSON pointer's value starts in a JSON text, for messages about a file.</summary>
internal sealed class PointerLines
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    private PointerLines()
    {
    }

    /// <summary>Maps every value of <paramref name="text"/> (which must be valid JSON) to its line.</summary>
    public static PointerLines Of(string text)
    {
        var map = new PointerLines();
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        var lineStarts = new List<int> { 0 };
        for (int i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }
        int LineAt(long offset)
        {
            int found = lineStarts.BinarySearch((int)offset);
            return (found >= 0 ? found : ~found - 1) + 1;
        }
        // Each open container: its pointer, and for arrays the next index (-1 for objects).
        var stack = new Stack<(string Pointer, int NextIndex)>();
        string? property = null;
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                property = reader.GetString();
                // A property's line is its name's, so "field": value on one line or split both point at the name.
                string p = (stack.Count == 0 ? "" : stack.Peek().Pointer) + "/" + Escape(property!);
                map._lines.TryAdd(p, LineAt(reader.TokenStartIndex));
                continue;
            }
            if (reader.TokenType == JsonTokenType.EndObject || reader.TokenType == JsonTokenType.EndArray)
            {
                stack.Pop();
                continue;
            }
            string pointer;
            if (stack.Count == 0)
            {
                pointer = "";
            }
            else if (stack.Peek().NextIndex >= 0)
            {
                var (parent, index) = stack.Pop();
                stack.Push((parent, index + 1));
                pointer = parent + "/" + index;
            }
            else
            {
                pointer = stack.Peek().Pointer + "/" + Escape(property!);
            }
            map._lines.TryAdd(pointer, LineAt(reader.TokenStartIndex));
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                stack.Push((pointer, -1));
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                stack.Push((pointer, 0));
            }
        }
        return map;
    }

    /// <summary>The line of <paramref name="pointer"/>, or of its nearest ancestor that has one (1 at worst).</summary>
    public int LineOf(string pointer)
    {
        string p = pointer;
        while (true)
        {
            if (_lines.TryGetValue(p, out int line))
            {
                return line;
            }
            int cut = p.LastIndexOf('/');
            if (cut < 0)
            {
                return 1;
            }
            p = p[..cut];
        }
    }

    private static string Escape(string name) => name.Replace("~", "~0").Replace("/", "~1");
}
