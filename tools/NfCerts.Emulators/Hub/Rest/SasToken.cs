using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace NfCerts.Emulators.Hub.Rest;

/// <summary>
/// IoT Hub's shared access signature: <c>SharedAccessSignature sr={url-encoded resource}&amp;sig={signature}&amp;se={expiry}&amp;skn={policy}</c>,
/// where the signature is base64(HMAC-SHA256(key, "{url-encoded resource}\n{expiry}")) under the base64-decoded policy key,
/// itself url-encoded in the token, and the expiry is in seconds since 1970-01-01 UTC (Learn: "Control access to IoT Hub with
/// shared access signatures").
/// </summary>
public static class SasToken
{
    /// <summary>The Authorization header's scheme word.</summary>
    public const string Scheme = "SharedAccessSignature";

    /// <summary>A token for <paramref name="resource"/> (e.g. <c>myhub.azure-devices.net</c>) signed with the policy's key.</summary>
    public static string Create(string resource, string policy, string keyBase64, DateTimeOffset expiry)
    {
        string sr = WebUtility.UrlEncode(resource);
        string se = expiry.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        string sig = Sign(keyBase64, sr + "\n" + se);
        return Scheme + " sr=" + sr + "&sig=" + WebUtility.UrlEncode(sig) + "&se=" + se + "&skn=" + WebUtility.UrlEncode(policy);
    }

    /// <summary>base64(HMAC-SHA256(base64-decoded key, <paramref name="stringToSign"/> as UTF-8)).</summary>
    internal static string Sign(string keyBase64, string stringToSign)
        => Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(keyBase64), Encoding.UTF8.GetBytes(stringToSign)));

    /// <summary>Splits a token into its fields (still url-encoded), or explains why it is not one.</summary>
    internal static bool TryParse(string token, out Dictionary<string, string> fields, out string reason)
    {
        fields = new Dictionary<string, string>(StringComparer.Ordinal);
        reason = "";
        if (!token.StartsWith(Scheme + " ", StringComparison.Ordinal))
        {
            reason = "the Authorization header is not a SharedAccessSignature";
            return false;
        }
        foreach (string part in token.Substring(Scheme.Length + 1).Split('&'))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0 || !fields.TryAdd(part.Substring(0, eq), part.Substring(eq + 1)))
            {
                reason = "the SharedAccessSignature has a malformed or repeated field";
                return false;
            }
        }
        foreach (string name in new[] { "sr", "sig", "se" })
        {
            if (!fields.ContainsKey(name))
            {
                reason = "the SharedAccessSignature has no " + name + " field";
                return false;
            }
        }
        return true;
    }
}

/// <summary>
/// Checks a request's SAS token as IoT Hub does: a known policy (<c>skn</c>), an expiry (<c>se</c>) in the future, a signature
/// made with that policy's key over the token's own <c>sr</c> and <c>se</c>, and a resource that covers the request: the
/// token's <c>sr</c> must equal the request's resource or be a prefix of it at a '/' boundary (case-insensitive), so a token
/// for <c>{host}</c> covers every device and one for <c>{host}/devices/dev1</c> only dev1.
/// </summary>
public sealed class SasAuthorizer
{
    private readonly Dictionary<string, string> _policies;
    private readonly Func<DateTimeOffset> _now;

    /// <summary>An authorizer knowing <paramref name="policies"/> (name to base64 key).</summary>
    public SasAuthorizer(IReadOnlyDictionary<string, string> policies, Func<DateTimeOffset>? now = null)
    {
        _policies = new Dictionary<string, string>(policies, StringComparer.Ordinal);
        _now = now ?? (() => DateTimeOffset.UtcNow);
    }

    /// <summary>Null when <paramref name="authorization"/> grants access to <paramref name="resource"/>, else the reason it does not.</summary>
    public string? Check(string? authorization, string resource)
    {
        if (string.IsNullOrEmpty(authorization))
        {
            return "no Authorization header: send a SharedAccessSignature token";
        }
        if (!SasToken.TryParse(authorization, out var fields, out string reason))
        {
            return reason;
        }
        string policy = fields.TryGetValue("skn", out string? skn) ? WebUtility.UrlDecode(skn) : "";
        if (!_policies.TryGetValue(policy, out string? key))
        {
            return policy.Length == 0 ? "the token names no policy (skn)" : "unknown shared access policy '" + policy + "'";
        }
        if (!long.TryParse(fields["se"], NumberStyles.None, CultureInfo.InvariantCulture, out long se))
        {
            return "the token's expiry (se) is not a number of seconds";
        }
        if (se <= _now().ToUnixTimeSeconds())
        {
            return "the token expired at " + DateTimeOffset.FromUnixTimeSeconds(Math.Min(se, 253402300799)).ToString("u", CultureInfo.InvariantCulture);
        }
        byte[] expected = Convert.FromBase64String(SasToken.Sign(key, fields["sr"] + "\n" + fields["se"]));
        byte[] given;
        try
        {
            given = Convert.FromBase64String(WebUtility.UrlDecode(fields["sig"]));
        }
        catch (FormatException)
        {
            return "the token's signature (sig) is not base64";
        }
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return "the token's signature does not match policy '" + policy + "' (wrong key?)";
        }
        string sr = WebUtility.UrlDecode(fields["sr"]).TrimEnd('/');
        if (!Covers(sr, resource))
        {
            return "the token is for '" + sr + "', which does not cover '" + resource + "'";
        }
        return null;
    }

    private static bool Covers(string sr, string resource)
        => resource.Equals(sr, StringComparison.OrdinalIgnoreCase)
            || (resource.Length > sr.Length && resource.StartsWith(sr, StringComparison.OrdinalIgnoreCase) && resource[sr.Length] == '/');
}
