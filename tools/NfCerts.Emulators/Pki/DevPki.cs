using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NfCerts.Emulators.Pki;

/// <summary>A certificate and its private key, as the emulators and the fixtures that start them hold them.</summary>
/// <param name="Certificate">The certificate (with its private key attached).</param>
public sealed record DevCredential(X509Certificate2 Certificate)
{
    /// <summary>DER of the certificate.</summary>
    public byte[] Der => Certificate.RawData;

    /// <summary>PEM of the certificate.</summary>
    public string Pem => Certificate.ExportCertificatePem();

    /// <summary>PKCS#8 PEM of the private key (write it only to files the user owns; never log it).</summary>
    public string KeyPem => Certificate.GetECDsaPrivateKey()?.ExportPkcs8PrivateKeyPem()
        ?? Certificate.GetRSAPrivateKey()?.ExportPkcs8PrivateKeyPem()
        ?? throw new InvalidOperationException("the certificate has no private key");

    /// <summary>Writes <c>NAME.crt</c> and <c>NAME.key</c> (PEM) into <paramref name="directory"/>.</summary>
    public void Save(string directory, string name)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, name + ".crt"), Pem);
        string keyPath = Path.Combine(directory, name + ".key");
        File.WriteAllText(keyPath, KeyPem);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    public static DevCredential Load(string directory, string name)
        => new(X509Certificate2.CreateFromPemFile(Path.Combine(directory, name + ".crt"), Path.Combine(directory, name + ".key")));
}

/// <summary>
/// Makes the PKIs the emulators run under on 127.0.0.1 (CAs, servers with SANs for <c>localhost</c> and <c>127.0.0.1</c>,
/// device certificates), with System.Security.Cryptography's <see cref="CertificateRequest"/>. ECDSA P-256 unless RSA 2048
/// is asked for; any validity window, past ones included.
/// </summary>
public static class DevPki
{
    /// <summary>A self-signed CA with the subject <paramref name="subject"/> (RFC 4514, e.g. <c>CN=Test Root,O=nf.Certs</c>).</summary>
    public static DevCredential Root(string subject, DateTimeOffset notBefore, DateTimeOffset notAfter, bool rsa = false)
    {
        using AsymmetricAlgorithm key = NewKey(rsa);
        CertificateRequest req = Request(subject, key);
        AddCaExtensions(req, pathLength: -1);
        return new DevCredential(Exportable(req.CreateSelfSigned(notBefore, notAfter)));
    }

    /// <summary>An intermediate CA issued by <paramref name="issuer"/>.</summary>
    public static DevCredential Intermediate(DevCredential issuer, string subject, DateTimeOffset notBefore, DateTimeOffset notAfter, bool rsa = false)
    {
        using AsymmetricAlgorithm key = NewKey(rsa);
        CertificateRequest req = Request(subject, key);
        AddCaExtensions(req, pathLength: 0);
        return Sign(issuer, req, key, notBefore, notAfter);
    }

    /// <summary>A TLS server certificate for <paramref name="hostNames"/> (DNS names or IP addresses; <c>localhost</c> and
    /// <c>127.0.0.1</c> are always added), CN = the first name.</summary>
    public static DevCredential Server(DevCredential issuer, IEnumerable<string> hostNames, DateTimeOffset notBefore, DateTimeOffset notAfter, bool rsa = false)
    {
        var names = new List<string>(hostNames);
        foreach (string always in new[] { "localhost", "127.0.0.1" })
        {
            if (!names.Contains(always))
            {
                names.Add(always);
            }
        }
        using AsymmetricAlgorithm key = NewKey(rsa);
        CertificateRequest req = Request("CN=" + names[0], key);
        AddLeafExtensions(req, "1.3.6.1.5.5.7.3.1");
        var san = new SubjectAlternativeNameBuilder();
        foreach (string name in names)
        {
            if (IPAddress.TryParse(name, out IPAddress? ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(name);
            }
        }
        req.CertificateExtensions.Add(san.Build());
        return Sign(issuer, req, key, notBefore, notAfter);
    }

    /// <summary>A TLS client (device) certificate with the subject <paramref name="subject"/> (e.g. <c>CN=device-001</c>).</summary>
    public static DevCredential Client(DevCredential issuer, string subject, DateTimeOffset notBefore, DateTimeOffset notAfter, bool rsa = false)
    {
        using AsymmetricAlgorithm key = NewKey(rsa);
        CertificateRequest req = Request(subject, key);
        AddLeafExtensions(req, "1.3.6.1.5.5.7.3.2");
        return Sign(issuer, req, key, notBefore, notAfter);
    }

    private static AsymmetricAlgorithm NewKey(bool rsa) => rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static CertificateRequest Request(string subject, AsymmetricAlgorithm key) => key is ECDsa ec
        ? new CertificateRequest(subject, ec, HashAlgorithmName.SHA256)
        : new CertificateRequest(subject, (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    private static void AddCaExtensions(CertificateRequest req, int pathLength)
    {
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, pathLength >= 0, Math.Max(pathLength, 0), true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
    }

    private static void AddLeafExtensions(CertificateRequest req, string eku)
    {
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid(eku) }, false));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
    }

    private static DevCredential Sign(DevCredential issuer, CertificateRequest req, AsymmetricAlgorithm key, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer.Certificate, true, false));
        byte[] serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        X509SignatureGenerator generator = issuer.Certificate.GetECDsaPrivateKey() is ECDsa iec
            ? X509SignatureGenerator.CreateForECDsa(iec)
            : X509SignatureGenerator.CreateForRSA(issuer.Certificate.GetRSAPrivateKey()
                ?? throw new InvalidOperationException("the issuer has no private key"), RSASignaturePadding.Pkcs1);
        using X509Certificate2 cert = req.Create(issuer.Certificate.SubjectName, generator, notBefore, notAfter, serial);
        X509Certificate2 withKey = key is ECDsa ec ? cert.CopyWithPrivateKey(ec) : cert.CopyWithPrivateKey((RSA)key);
        return new DevCredential(Exportable(withKey));
    }

    /// <summary>A copy whose key can be exported and used by SslStream on every platform (an ephemeral key cannot on some).</summary>
    private static X509Certificate2 Exportable(X509Certificate2 cert)
    {
        byte[] pfx = cert.Export(X509ContentType.Pfx);
        cert.Dispose();
        return X509CertificateLoader.LoadPkcs12(pfx, null, X509KeyStorageFlags.Exportable);
    }
}
