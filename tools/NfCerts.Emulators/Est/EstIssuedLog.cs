using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NfCerts.Emulators.Est;

/// <summary>One certificate the EST server issued, as its log keeps it (never a private key).</summary>
/// <param name="Time">When it was issued (the server's clock).</param>
/// <param name="Operation"><c>simpleenroll</c>, <c>simplereenroll</c> or <c>serverkeygen</c>.</param>
/// <param name="Label">The EST label of the request, or null.</param>
/// <param name="Serial">Serial number, hex.</param>
/// <param name="Subject">Subject, RFC 2253 order.</param>
/// <param name="KeyType">e.g. <c>ECDSA P-256</c>, <c>RSA 2048</c>.</param>
/// <param name="SpkiSha256">SHA-256 of the SubjectPublicKeyInfo, hex.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
/// <param name="AuthenticatedBy">How the client authenticated: <c>basic:USER</c> or <c>cert:SUBJECT</c>.</param>
public sealed record EstIssuedRecord(
    DateTimeOffset Time, string Operation, string? Label, string Serial, string Subject, string KeyType, string SpkiSha256,
    DateTimeOffset NotBefore, DateTimeOffset NotAfter, string AuthenticatedBy);

/// <summary>
/// The issued-certificate log: <c>issued.jsonl</c> in the server's directory, one JSON object per line, appended and
/// flushed per certificate so that a restart (or a crash) keeps every entry written.
/// </summary>
public sealed class EstIssuedLog
{
    /// <summary>File name of the log inside the server's directory.</summary>
    public const string FileName = "issued.jsonl";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private readonly object _gate = new();

    /// <summary>A log in <paramref name="directory"/>.</summary>
    public EstIssuedLog(string directory) => Path = System.IO.Path.Combine(directory, FileName);

    /// <summary>The log file's path.</summary>
    public string Path { get; }

    /// <summary>Appends the record of <paramref name="certificate"/>.</summary>
    public EstIssuedRecord Append(X509Certificate2 certificate, DateTimeOffset time, string operation, string? label, string authenticatedBy)
    {
        var record = new EstIssuedRecord(time, operation, label, certificate.SerialNumber, certificate.Subject,
            KeyTypeOf(certificate.PublicKey), Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo())),
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero), authenticatedBy);
        string line = JsonSerializer.Serialize(record, Json) + "\n";
        lock (_gate)
        {
            using var f = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(line);
            f.Write(bytes);
            f.Flush(true);
        }
        return record;
    }

    /// <summary>Every record, oldest first.</summary>
    public IReadOnlyList<EstIssuedRecord> ReadAll()
    {
        lock (_gate)
        {
            return Read(System.IO.Path.GetDirectoryName(Path)!);
        }
    }

    /// <summary>Every record in the log of the server directory <paramref name="directory"/> (empty when it has none). A
    /// torn last line (a crash mid-append) is skipped.</summary>
    public static IReadOnlyList<EstIssuedRecord> Read(string directory)
    {
        string path = System.IO.Path.Combine(directory, FileName);
        var records = new List<EstIssuedRecord>();
        if (!File.Exists(path))
        {
            return records;
        }
        foreach (string line in File.ReadAllLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }
            try
            {
                EstIssuedRecord? r = JsonSerializer.Deserialize<EstIssuedRecord>(line, Json);
                if (r != null)
                {
                    records.Add(r);
                }
            }
            catch (JsonException)
            {
                // a torn line: skip it
            }
        }
        return records;
    }

    /// <summary><c>ECDSA P-256</c>, <c>RSA 2048</c>, ... for a public key.</summary>
    public static string KeyTypeOf(PublicKey key)
    {
        using ECDsa? ec = key.GetECDsaPublicKey();
        if (ec != null)
        {
            return "ECDSA P-" + ec.KeySize;
        }
        using RSA? rsa = key.GetRSAPublicKey();
        return rsa != null ? "RSA " + rsa.KeySize : key.Oid.Value ?? "unknown";
    }
}
