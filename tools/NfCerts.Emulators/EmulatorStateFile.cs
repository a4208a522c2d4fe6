using System.IO;
using System.Text.Json.Nodes;

namespace NfCerts.Emulators;

/// <summary>
/// The emulators' state files: one JSON object with a <c>format</c> member naming its layout, rewritten whole after every
/// change through a temporary file and a rename, so a crash leaves the old file or the new one, never half of one.
/// </summary>
internal static class EmulatorStateFile
{
    /// <summary>The state at <paramref name="path"/>, or null when there is none yet.</summary>
    /// <param name="path">The file.</param>
    /// <param name="format">The layout it must be in.</param>
    /// <param name="what">What it is, for the messages ("the hub state file").</param>
    /// <exception cref="InvalidDataException">Not a JSON object, or another format.</exception>
    public static JsonObject? Read(string path, string format, string what)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        JsonObject root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidDataException(what + " " + path + " is not a JSON object");
        if ((string?)root["format"] != format)
        {
            throw new InvalidDataException(what + " " + path + " is not in format " + format);
        }
        return root;
    }

    /// <summary>Writes <paramref name="state"/> (its <c>format</c> member set to <paramref name="format"/>) atomically.</summary>
    public static void Write(string path, string format, JsonObject state)
    {
        state["format"] = format;
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, state.ToJsonString());
        File.Move(temporary, path, overwrite: true);
    }
}
