using System;
using System.Collections.Generic;
using System.Net;

namespace NfCerts.Emulators.Hub.Rest;

/// <summary>
/// An IoT Hub (or Device Provisioning Service) service connection string, <c>HostName=H;SharedAccessKeyName=P;SharedAccessKey=K</c>:
/// both services use the same format and the same SAS tokens over <c>sr={HostName}</c>. The real service's
/// host name has no port; the emulator's does (<c>HostName=127.0.0.1:8443</c>): the host name is used as it stands both in
/// the HTTPS address and as the SAS resource, so a client that signs <c>sr={HostName}</c> signs what the emulator checks.
/// </summary>
public sealed class HubConnectionString
{
    private HubConnectionString(string hostName, string policy, string key)
    {
        HostName = hostName;
        PolicyName = policy;
        Key = key;
    }

    /// <summary>The hub's host name, with <c>:port</c> for the emulator.</summary>
    public string HostName { get; }

    /// <summary>The shared access policy, e.g. <c>iothubowner</c>.</summary>
    public string PolicyName { get; }

    /// <summary>The policy's key, base64 (a secret: never print it except where the user asked for the connection string).</summary>
    public string Key { get; }

    /// <summary>The service API's base address, <c>https://{HostName}/</c>.</summary>
    public Uri BaseAddress => new("https://" + HostName + "/");

    /// <summary>True when the hub is this project's emulator: its host is a loopback address or <c>localhost</c>. A real IoT
    /// Hub never is, and the emulator only ever listens there.</summary>
    public bool IsEmulator
    {
        get
        {
            string host = BaseAddress.Host;
            return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
        }
    }

    /// <summary>Builds the string for a host and policy.</summary>
    public static string Format(string hostName, string policy, string key)
        => "HostName=" + hostName + ";SharedAccessKeyName=" + policy + ";SharedAccessKey=" + key;

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> naming the missing or bad part (never the key),
    /// calling it "the <paramref name="service"/> connection string".</summary>
    public static HubConnectionString Parse(string text, string service = "hub")
    {
        string what = "the " + service + " connection string";
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0)
            {
                throw new FormatException(what + " has a part without '=': expected HostName=...;SharedAccessKeyName=...;SharedAccessKey=...");
            }
            parts[part.Substring(0, eq)] = part.Substring(eq + 1);
        }
        foreach (string name in new[] { "HostName", "SharedAccessKeyName", "SharedAccessKey" })
        {
            if (!parts.TryGetValue(name, out string? v) || v.Length == 0)
            {
                throw new FormatException(what + " has no " + name + (name == "SharedAccessKey" && parts.ContainsKey("SharedAccessSignature")
                    ? " (a connection string with a ready-made SharedAccessSignature is not supported)" : ""));
            }
        }
        string host = parts["HostName"];
        if (!Uri.TryCreate("https://" + host + "/", UriKind.Absolute, out Uri? uri) || uri.AbsolutePath != "/" || uri.UserInfo.Length != 0)
        {
            throw new FormatException(what + "'s HostName '" + host + "' is not a host name (with an optional :port)");
        }
        try
        {
            Convert.FromBase64String(parts["SharedAccessKey"]);
        }
        catch (FormatException)
        {
            throw new FormatException(what + "'s SharedAccessKey is not base64");
        }
        return new HubConnectionString(host, parts["SharedAccessKeyName"], parts["SharedAccessKey"]);
    }

    /// <summary>A SAS token for the whole service, valid for <paramref name="lifetime"/>.</summary>
    public string Token(TimeSpan lifetime) => SasToken.Create(HostName, PolicyName, Key, DateTimeOffset.UtcNow.Add(lifetime));
}
