// nanoFramework: System.Net nanoFramework.System.Net/X509Certificates/{X509Certificate,X509Certificate2}.cs and
// nanoFramework.System.Net/Security/CertificateManager.cs (assembly System.Net, package nanoFramework.System.Net 1.11).
// Only what hal/NfCerts.Hal.Nano/NanoHubTransport.cs, NanoTlsConnector.cs and NanoMqttTransport.cs use: a certificate
// from DER or NUL-terminated PEM (a PEM bundle is parsed whole by mbedtls_x509_crt_parse), a client certificate with its
// key (DER or NUL-terminated PEM; the key array is kept by reference and parsed natively), and the CA bundle, which
// replaces the stored one as a whole.
namespace System.Security.Cryptography.X509Certificates
{
    public class X509Certificate
    {
        public X509Certificate() { }
        public X509Certificate(byte[] certificate) { }
        public virtual byte[] GetRawCertData() => throw null;
    }

    public class X509Certificate2 : X509Certificate
    {
        public X509Certificate2(byte[] rawData, byte[] key, string password) { }
    }
}

namespace System.Net.Security
{
    public static class CertificateManager
    {
        public static extern bool AddCaCertificateBundle(byte[] ca);
    }
}
