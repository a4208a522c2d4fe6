using System;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Emulators.Pki;

namespace NfCerts.Emulators.Est;

/// <summary>
/// The EST server's CA and TLS credential, kept in the server's directory: <c>ca-root.crt/.key</c>, optionally
/// <c>ca-issuing.crt/.key</c> (the intermediate that issues), <c>server.crt/.key</c> (TLS, SANs localhost and 127.0.0.1,
/// issued by the root) and <c>cacerts.pem</c> (the CA certificates, for clients to trust). Made on first use, loaded after.
/// </summary>
public sealed class EstCa
{
    private const string RootName = "ca-root";
    private const string IssuingName = "ca-issuing";
    private const string ServerName = "server";

    private EstCa(DevCredential root, DevCredential issuing, DevCredential server, string caFile)
    {
        Root = root.Certificate;
        Issuing = issuing.Certificate;
        Server = server.Certificate;
        CaFile = caFile;
    }

    /// <summary>The root CA certificate (with its key).</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The certificate that signs enrollments: the intermediate, or the root when there is none.</summary>
    public X509Certificate2 Issuing { get; }

    /// <summary>True when an intermediate issues.</summary>
    public bool HasIntermediate => !ReferenceEquals(Issuing, Root);

    /// <summary>The TLS server certificate (with its key).</summary>
    public X509Certificate2 Server { get; }

    /// <summary>Path of <c>cacerts.pem</c>: the root, then the intermediate if any.</summary>
    public string CaFile { get; }

    /// <summary>The CA certificates as <c>/cacerts</c> sends them: the intermediate (if any), then the root.</summary>
    public X509Certificate2Collection CaCertificates()
    {
        var c = new X509Certificate2Collection();
        if (HasIntermediate)
        {
            c.Add(X509CertificateLoader.LoadCertificate(Issuing.RawData));
        }
        c.Add(X509CertificateLoader.LoadCertificate(Root.RawData));
        return c;
    }

    /// <summary>Loads the CA from <paramref name="directory"/>, or makes one there (ECDSA P-256 unless <paramref name="rsa"/>,
    /// 20 years as in the seed's test server) when it has none.</summary>
    public static EstCa LoadOrCreate(string directory, bool rsa, bool intermediate, DateTimeOffset now)
    {
        Directory.CreateDirectory(directory);
        DevCredential root;
        if (File.Exists(Path.Combine(directory, RootName + ".crt")))
        {
            root = DevCredential.Load(directory, RootName);
        }
        else
        {
            root = DevPki.Root("CN=nf.Certs EST Root CA,O=nf.Certs", now.AddDays(-1), now.AddYears(20), rsa);
            root.Save(directory, RootName);
            if (intermediate)
            {
                DevPki.Intermediate(root, "CN=nf.Certs EST Issuing CA,O=nf.Certs", now.AddDays(-1), now.AddYears(10), rsa)
                    .Save(directory, IssuingName);
            }
        }
        DevCredential issuing = File.Exists(Path.Combine(directory, IssuingName + ".crt")) ? DevCredential.Load(directory, IssuingName) : root;
        DevCredential server;
        if (File.Exists(Path.Combine(directory, ServerName + ".crt")))
        {
            server = DevCredential.Load(directory, ServerName);
        }
        else
        {
            server = DevPki.Server(root, new[] { "localhost", "127.0.0.1" }, now.AddDays(-1), now.AddYears(10), rsa);
            server.Save(directory, ServerName);
        }
        string caFile = Path.Combine(directory, "cacerts.pem");
        // ExportCertificatePem ends without a line break: without one between them the two blocks run together.
        string pem = root.Pem + "\n" + (ReferenceEquals(issuing, root) ? "" : issuing.Pem + "\n");
        File.WriteAllText(caFile, pem);
        return new EstCa(root, issuing, server, caFile);
    }

    /// <summary>Signs a certificate for <paramref name="request"/> (its subject, public key and extensions, already put
    /// within policy by the caller) valid from <paramref name="notBefore"/> to <paramref name="notAfter"/> (cut at the
    /// issuing CA's own expiry).</summary>
    public X509Certificate2 Issue(CertificateRequest request, DateTimeOffset notBefore, DateTimeOffset notAfter)
        => Sign(Issuing, request, notBefore, notAfter);

    internal static X509Certificate2 Sign(X509Certificate2 issuer, CertificateRequest request, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        DateTimeOffset caEnd = new DateTimeOffset(issuer.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        if (notAfter > caEnd)
        {
            notAfter = caEnd;
        }
        byte[] serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        serial[0] |= 0x01;
        using ECDsa? ec = issuer.GetECDsaPrivateKey();
        using RSA? rsa = ec == null ? issuer.GetRSAPrivateKey() : null;
        X509SignatureGenerator generator = ec != null
            ? X509SignatureGenerator.CreateForECDsa(ec)
            : X509SignatureGenerator.CreateForRSA(rsa ?? throw new InvalidOperationException("the issuing CA has no private key"), RSASignaturePadding.Pkcs1);
        return request.Create(issuer.SubjectName, generator, notBefore, notAfter, serial);
    }

    /// <summary>A throwaway CA nobody trusts, for <see cref="EstFault.ForeignCa"/>.</summary>
    internal static DevCredential Foreign(DateTimeOffset now) =>
        DevPki.Root("CN=Foreign CA,O=Elsewhere", now.AddDays(-1), now.AddYears(1));
}
