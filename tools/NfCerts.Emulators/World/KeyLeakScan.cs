using System;
using System.Buffers;
using System.Collections.Generic;
using System.Security.Cryptography;

namespace NfCerts.Emulators.World;

/// <summary>
/// Looks for private keys in text: for each key (PKCS#8 DER) its DER in base64 (any 64-character line of its PEM, and the
/// whole), in hex, and its private scalar or exponent in hex and base64, so a key printed in any of the usual encodings is
/// found.
/// </summary>
public sealed class KeyLeakScan
{
    private readonly List<(string Needle, string Key)> _needles = new();

    /// <summary>Adds a key (PKCS#8 DER) under a name used in findings (never the key itself).</summary>
    public void Add(byte[] pkcs8, string name)
    {
        string b64 = Convert.ToBase64String(pkcs8);
        _needles.Add((b64, name));
        for (int i = 0; i + 64 <= b64.Length; i += 64)
        {
            _needles.Add((b64.Substring(i, 64), name));
        }
        _needles.Add((Convert.ToHexString(pkcs8), name));
        byte[]? secret = Secret(pkcs8);
        if (secret != null && secret.Length >= 16)
        {
            _needles.Add((Convert.ToHexString(secret), name));
            _needles.Add((Convert.ToBase64String(secret), name));
        }
    }

    /// <summary>How many keys are watched.</summary>
    public int Count => _needles.Count;

    /// <summary>The names of the keys found in <paramref name="text"/> (empty when none). One pass over the text per
    /// alphabet (hex needles are looked for in the upper-cased text, so lower-case hex is found too).</summary>
    public IReadOnlyList<string> Find(string text)
    {
        var hits = new List<string>();
        var hex = new List<(string Needle, string Key)>();
        var other = new List<(string Needle, string Key)>();
        foreach (var n in _needles)
        {
            (n.Needle.Length > 0 && IsHex(n.Needle) ? hex : other).Add(n);
        }
        Scan(text, other, hits);
        Scan(text.ToUpperInvariant(), hex, hits);
        return hits;
    }

    /// <summary>Every position where some needle starts (a multi-string search), then which needles start there.</summary>
    private static void Scan(string haystack, List<(string Needle, string Key)> needles, List<string> hits)
    {
        if (needles.Count == 0)
        {
            return;
        }
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in needles)
        {
            distinct.Add(n.Needle);
        }
        SearchValues<string> any = SearchValues.Create([.. distinct], StringComparison.Ordinal);
        ReadOnlySpan<char> rest = haystack;
        while (true)
        {
            int i = rest.IndexOfAny(any);
            if (i < 0)
            {
                return;
            }
            rest = rest.Slice(i);
            foreach (var (needle, key) in needles)
            {
                if (rest.StartsWith(needle, StringComparison.Ordinal) && !hits.Contains(key))
                {
                    hits.Add(key);
                }
            }
            rest = rest.Slice(1);
        }
    }

    private static bool IsHex(string s)
    {
        foreach (char c in s)
        {
            if (!Uri.IsHexDigit(c) || char.IsLower(c))
            {
                return false;
            }
        }
        return true;
    }

    private static byte[]? Secret(byte[] pkcs8)
    {
        try
        {
            using var ec = ECDsa.Create();
            ec.ImportPkcs8PrivateKey(pkcs8, out _);
            return ec.ExportParameters(true).D;
        }
        catch (CryptographicException)
        {
        }
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return rsa.ExportParameters(true).D;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
