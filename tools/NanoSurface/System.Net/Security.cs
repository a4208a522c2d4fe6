// nanoFramework: System.Net nanoFramework.System.Net/Security/{SslStream,NetworkSecurity}.cs (assembly System.Net,
// package nanoFramework.System.Net 1.11). Only what hal/NfCerts.Hal.Nano/NanoTlsConnector.cs and NanoMqttTransport.cs
// use: an SslStream over a connected socket (it owns the socket), the client handshake with one client certificate and
// one CA certificate (each may be a NUL-terminated PEM bundle: the native layer parses them with mbedtls_x509_crt_parse),
// the verification mode, and the protocol flags. Tls12 has the value of the library's main branch (3072, as .NET's);
// older releases numbered it 0x40. Tls13 is not declared: the pinned 1.11 line is not proven to have it, and M2Mqtt
// refuses TLS 1.3 anyway.
namespace System.Net.Security
{
    [Flags]
    public enum SslProtocols
    {
        None = 0x00,
        Tls12 = 3072,
    }

    public enum SslVerification
    {
        NoVerification = 1,
        VerifyPeer = 2,
        CertificateRequired = 4,
        VerifyClientOnce = 8,
    }

    public class SslStream : System.Net.Sockets.NetworkStream
    {
        public SslStream(System.Net.Sockets.Socket socket) : base(socket, false) { }
        public SslVerification SslVerification { get => throw null; set => throw null; }
        public void AuthenticateAsClient(string targetHost, System.Security.Cryptography.X509Certificates.X509Certificate clientCertificate,
            System.Security.Cryptography.X509Certificates.X509Certificate ca, SslProtocols enabledSslProtocols) => throw null;
    }
}
