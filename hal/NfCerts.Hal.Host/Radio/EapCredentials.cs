using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace NfCerts.Hal.Host
{
    /// <summary>The security material of a <see cref="WifiConnectRequest"/> could not be used (the message never contains key material).</summary>
    public sealed class EapCredentialException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public EapCredentialException(string message) : base(message)
        {
        }
    }

    /// <summary>Turns the DER material of a <see cref="WifiConnectRequest"/> into .NET certificates and PEM files.</summary>
    public static class EapCredentials
    {
        private const string EcPublicKeyOid = "1.2.840.10045.2.1";
        private const string RsaOid = "1.2.840.113549.1.1.1";

        /// <summary>
        /// The reason an EAP-TLS request cannot be attempted (missing or empty client certificate, key or roots, a
        /// non-positive timeout), as an <see cref="WifiFailureReason.InvalidRequest"/> result; null when it can.
        /// </summary>
        public static WifiConnectResult? CheckEapTlsRequest(WifiConnectRequest request)
        {
            ArgumentNullException.ThrowIfNull(request);
            string? problem = null;
            if (request.ClientCertificate == null || request.ClientCertificate.Length == 0)
            {
                problem = "EAP-TLS needs a client certificate";
            }
            else if (request.ClientKey == null || request.ClientKey.Length == 0)
            {
                problem = "EAP-TLS needs the client certificate's private key";
            }
            else if (request.TrustedRoots == null || request.TrustedRoots.Length == 0)
            {
                problem = "EAP-TLS needs at least one trusted root CA for the server";
            }
            else if (Array.Exists(request.TrustedRoots, r => r == null || r.Length == 0))
            {
                problem = "a trusted root is empty";
            }
            else if (request.Timeout <= TimeSpan.Zero)
            {
                problem = "the timeout must be positive";
            }
            return problem == null ? null : new WifiConnectResult(WifiFailureReason.InvalidRequest, -1, null, problem);
        }

        /// <summary>
        /// The client certificate with its private key: <paramref name="chainDer"/> is the request's chain (the leaf's DER,
        /// optionally followed by its intermediates', see <see cref="WifiConnectRequest.ClientCertificate"/>), of which the
        /// leaf is taken; <paramref name="keyDer"/> an unencrypted PKCS#8, SEC1 (EC) or PKCS#1 (RSA) private key, DER, that
        /// matches it. <see cref="LoadIntermediates"/> gives the rest of the chain.
        /// </summary>
        /// <exception cref="EapCredentialException">Either is not DER, cannot be parsed, or the key does not match.</exception>
        public static X509Certificate2 LoadClientCertificate(byte[] chainDer, byte[] keyDer)
        {
            ArgumentNullException.ThrowIfNull(chainDer);
            ArgumentNullException.ThrowIfNull(keyDer);
            byte[] certificateDer = SplitChain(chainDer)[0];
            var certificate = LoadCertificate(certificateDer, "client certificate");
            try
            {
                if (keyDer.Length == 0 || keyDer[0] != 0x30)
                {
                    throw new EapCredentialException("the client key is not DER (PEM or empty?)");
                }
                var algorithm = certificate.PublicKey.Oid.Value;
                if (algorithm == EcPublicKeyOid)
                {
                    using var ec = ECDsa.Create();
                    ImportKey(keyDer, b => { ec.ImportPkcs8PrivateKey(b, out int n); return n == b.Length; }, b => { ec.ImportECPrivateKey(b, out int n); return n == b.Length; });
                    return Attach(() => certificate.CopyWithPrivateKey(ec));
                }
                if (algorithm == RsaOid)
                {
                    using var rsa = RSA.Create();
                    ImportKey(keyDer, b => { rsa.ImportPkcs8PrivateKey(b, out int n); return n == b.Length; }, b => { rsa.ImportRSAPrivateKey(b, out int n); return n == b.Length; });
                    return Attach(() => certificate.CopyWithPrivateKey(rsa));
                }
                throw new EapCredentialException("unsupported client key algorithm " + algorithm + " (EC and RSA are supported)");
            }
            finally
            {
                certificate.Dispose();
            }
        }

        /// <summary>Parses one DER certificate; <paramref name="what"/> names it in the error.</summary>
        /// <exception cref="EapCredentialException">Not DER or not a certificate.</exception>
        public static X509Certificate2 LoadCertificate(byte[] der, string what)
        {
            ArgumentNullException.ThrowIfNull(der);
            if (der.Length == 0 || der[0] != 0x30)
            {
                throw new EapCredentialException("the " + what + " is not DER (PEM or empty?)");
            }
            try
            {
                return X509CertificateLoader.LoadCertificate(der);
            }
            catch (CryptographicException)
            {
                throw new EapCredentialException("the " + what + " cannot be parsed as an X.509 certificate");
            }
        }

        /// <summary>The certificates after the leaf in a request's client chain (empty when it holds the leaf alone).</summary>
        /// <exception cref="EapCredentialException">The chain is not DER certificates back to back.</exception>
        public static X509Certificate2Collection LoadIntermediates(byte[] chainDer)
        {
            byte[][] parts = SplitChain(chainDer);
            var collection = new X509Certificate2Collection();
            for (int i = 1; i < parts.Length; i++)
            {
                collection.Add(LoadCertificate(parts[i], "client chain's certificate #" + (i + 1)));
            }
            return collection;
        }

        /// <summary>Splits DER certificates back to back (<see cref="DerCertificates.Split"/>); the first is the leaf.</summary>
        /// <exception cref="EapCredentialException">Empty, not DER, or bytes that do not tile into DER elements.</exception>
        public static byte[][] SplitChain(byte[] chainDer)
        {
            try
            {
                return DerCertificates.Split(chainDer, "the client certificate chain");
            }
            catch (FormatException e)
            {
                throw new EapCredentialException(e.Message);
            }
        }

        /// <summary>Parses the request's trusted roots.</summary>
        /// <exception cref="EapCredentialException">One is not a DER certificate.</exception>
        public static X509Certificate2Collection LoadRoots(byte[][] roots)
        {
            ArgumentNullException.ThrowIfNull(roots);
            var collection = new X509Certificate2Collection();
            for (int i = 0; i < roots.Length; i++)
            {
                collection.Add(LoadCertificate(roots[i], "trusted root #" + i));
            }
            return collection;
        }

        /// <summary>The private key of <paramref name="certificate"/> as PKCS#8 PEM, ASCII bytes. The caller writes it out and then clears it with <see cref="CryptographicOperations.ZeroMemory(Span{byte})"/>.</summary>
        /// <exception cref="EapCredentialException">The certificate has no exportable EC or RSA key.</exception>
        public static byte[] ExportPrivateKeyPem(X509Certificate2 certificate)
        {
            ArgumentNullException.ThrowIfNull(certificate);
            byte[] pkcs8;
            try
            {
                using AsymmetricAlgorithm? key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey();
                if (key == null)
                {
                    throw new EapCredentialException("the certificate " + DistinguishedNames.Subject(certificate) + " has no EC or RSA private key");
                }
                pkcs8 = key.ExportPkcs8PrivateKey();
            }
            catch (CryptographicException)
            {
                throw new EapCredentialException("the private key of " + DistinguishedNames.Subject(certificate) + " cannot be exported");
            }
            char[] pem = PemEncoding.Write("PRIVATE KEY", pkcs8);
            try
            {
                var bytes = new byte[pem.Length + 1];
                for (int i = 0; i < pem.Length; i++)
                {
                    bytes[i] = (byte)pem[i];
                }
                bytes[pem.Length] = (byte)'\n';
                return bytes;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
                Array.Clear(pem);
            }
        }

        /// <summary>Certificates as concatenated PEM blocks, ASCII bytes.</summary>
        public static byte[] CertificatesPem(IEnumerable<X509Certificate2> certificates)
        {
            ArgumentNullException.ThrowIfNull(certificates);
            var sb = new StringBuilder();
            foreach (var c in certificates)
            {
                sb.Append(c.ExportCertificatePem()).Append('\n');
            }
            return Encoding.ASCII.GetBytes(sb.ToString());
        }

        private delegate bool KeyImport(byte[] der);

        private static void ImportKey(byte[] der, KeyImport pkcs8, KeyImport raw)
        {
            if (TryImport(der, pkcs8) || TryImport(der, raw))
            {
                return;
            }
            throw new EapCredentialException("the client key is neither PKCS#8 nor a raw key of the certificate's algorithm");
        }

        private static bool TryImport(byte[] der, KeyImport import)
        {
            try
            {
                return import(der);
            }
            catch (CryptographicException)
            {
                return false;
            }
        }

        private static X509Certificate2 Attach(Func<X509Certificate2> copy)
        {
            try
            {
                return copy();
            }
            catch (ArgumentException)
            {
                throw new EapCredentialException("the client key does not belong to the client certificate");
            }
            catch (CryptographicException)
            {
                throw new EapCredentialException("the client key cannot be attached to the client certificate");
            }
        }
    }
}
