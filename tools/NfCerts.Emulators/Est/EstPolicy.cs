using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NfCerts.Emulators.Est;

/// <summary>
/// What the CA accepts and what it puts in a certificate. Keys: ECDSA (P-256, P-384, P-521) or RSA of 2048 bits and more.
/// Re-enrollment: subject and SAN identical to the certificate being renewed (RFC 7030 4.2.2). Issued leaves are end
/// entities (CA:false) with digitalSignature (+ keyEncipherment for RSA), the requested EKUs among serverAuth/clientAuth
/// (clientAuth when none), the requested SAN as sent, SKI and AKI; other requested extensions are not honoured.
/// </summary>
internal static class EstPolicy
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private const string SanOid = "2.5.29.17";
    private const string EkuOid = "2.5.29.37";

    /// <summary>Why <paramref name="csr"/> is refused, with the HTTP status in <paramref name="status"/>; null when accepted.</summary>
    public static string? Check(CertificateRequest csr, string op, EstCaller caller, EstCsrAttributes? attributes, out int status)
    {
        status = 400;
        string? key = CheckKey(csr.PublicKey);
        if (key != null)
        {
            return key;
        }
        X509Extension? san = Find(csr.CertificateExtensions, SanOid);
        if (csr.SubjectName.RawData.Length <= 2 && san == null)
        {
            return "the request has neither a subject nor a subjectAltName";
        }
        if (op == "simplereenroll" && caller.Certificate != null)
        {
            X509Certificate2 current = caller.Certificate;
            bool sameSubject = csr.SubjectName.RawData.AsSpan().SequenceEqual(current.SubjectName.RawData)
                || csr.SubjectName.Name == current.SubjectName.Name;
            X509Extension? currentSan = current.Extensions[SanOid];
            bool sameSan = (san == null && currentSan == null)
                || (san != null && currentSan != null && san.RawData.AsSpan().SequenceEqual(currentSan.RawData));
            if (!sameSubject || !sameSan)
            {
                status = 403;
                return "re-enrollment must keep the subject and subjectAltName of the certificate being renewed ("
                    + current.Subject + ")";
            }
        }
        return attributes == null ? null : CheckAttributes(csr, attributes, san, out status);
    }

    private static string? CheckAttributes(CertificateRequest csr, EstCsrAttributes attributes, X509Extension? san, out int status)
    {
        status = 400;
        if (attributes.RequireChallengePassword)
        {
            string? password = EstWire.ChallengePassword(csr);
            if (password == null)
            {
                return "the request needs a challengePassword attribute (see /csrattrs)";
            }
            if (attributes.ChallengePassword != null && password != attributes.ChallengePassword)
            {
                status = 403;
                return "wrong challengePassword";
            }
        }
        if (attributes.RequireRequestedExtensions)
        {
            foreach (string oid in attributes.RequestedExtensions)
            {
                if (Find(csr.CertificateExtensions, oid) == null)
                {
                    return "the request must ask for the extension " + oid + " (see /csrattrs)";
                }
            }
        }
        return null;
    }

    private static string? CheckKey(PublicKey key)
    {
        using ECDsa? ec = key.GetECDsaPublicKey();
        if (ec != null)
        {
            return ec.KeySize is 256 or 384 or 521 ? null : "unsupported EC curve";
        }
        using RSA? rsa = key.GetRSAPublicKey();
        if (rsa != null)
        {
            return rsa.KeySize >= 2048 ? null : "RSA keys must have at least 2048 bits";
        }
        return "unsupported key algorithm " + key.Oid.Value;
    }

    /// <summary>A new key of the kind of <paramref name="like"/> (serverkeygen): the same EC curve, or RSA of the same size.</summary>
    public static AsymmetricAlgorithm NewKeyLike(PublicKey like)
    {
        using ECDsa? ec = like.GetECDsaPublicKey();
        if (ec != null)
        {
            return ECDsa.Create(ec.ExportParameters(false).Curve);
        }
        using RSA? rsa = like.GetRSAPublicKey();
        return RSA.Create(rsa?.KeySize ?? 2048);
    }

    /// <summary>Puts the end-entity extensions on <paramref name="issued"/>, honouring what <paramref name="csr"/> asks
    /// within policy.</summary>
    public static void AddLeafExtensions(CertificateRequest issued, CertificateRequest csr)
    {
        bool rsa = issued.PublicKey.Oid.Value == "1.2.840.113549.1.1.1";
        issued.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        issued.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | (rsa ? X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.None), true));
        var ekus = new OidCollection();
        X509Extension? requested = Find(csr.CertificateExtensions, EkuOid);
        if (requested != null)
        {
            foreach (Oid oid in new X509EnhancedKeyUsageExtension(new AsnEncodedData(requested.Oid, requested.RawData), false).EnhancedKeyUsages)
            {
                if (oid.Value is ServerAuth or ClientAuth)
                {
                    ekus.Add(oid);
                }
            }
        }
        if (ekus.Count == 0)
        {
            ekus.Add(new Oid(ClientAuth));
        }
        issued.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(ekus, false));
        X509Extension? san = Find(csr.CertificateExtensions, SanOid);
        if (san != null)
        {
            issued.CertificateExtensions.Add(new X509Extension(san.Oid!, san.RawData, san.Critical));
        }
        issued.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(issued.PublicKey, false));
    }

    private static X509Extension? Find(System.Collections.ObjectModel.Collection<X509Extension> extensions, string oid)
    {
        foreach (X509Extension e in extensions)
        {
            if (e.Oid?.Value == oid)
            {
                return e;
            }
        }
        return null;
    }
}
