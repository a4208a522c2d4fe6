using NfCerts.Hal;
using NfCerts.Hal.Nano;
using NfCerts.Tests.Contracts;

namespace NfCerts.Nano.Tests
{
    /// <summary>The board's TLS connector (SslStream over a socket, mbedTLS's parsing rules in the stand-in) through the
    /// connector contract the host connector passes too, at TLS 1.2.</summary>
    public sealed class NanoTlsConnectorTests : TlsConnectorContract
    {
        private readonly NanoTlsConnector _tls = new();

        protected override ITlsConnector Tls => _tls;

        protected override string[] OpenSslProtocols => new[] { "-tls1_2" };
    }
}
