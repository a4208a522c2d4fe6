using System;
using System.IO;

namespace NfCerts.Hal
{
    /// <summary>Why a TLS connection failed.</summary>
    public enum TlsFailure
    {
        /// <summary>The host name could not be resolved.</summary>
        HostNotFound = 1,
        /// <summary>The TCP connection was refused or reset.</summary>
        ConnectFailed = 2,
        /// <summary>The server's chain does not lead to any of the trusted roots, is outside its validity, or does not match the host name.</summary>
        ServerCertificateNotTrusted = 3,
        /// <summary>The server refused the client certificate.</summary>
        ClientCertificateRejected = 4,
        /// <summary>No answer in time.</summary>
        Timeout = 5,
        /// <summary>Any other handshake failure (protocol version, cipher).</summary>
        HandshakeFailed = 6,
    }

    /// <summary>A TLS connection could not be made.</summary>
    public class TlsException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public TlsException(TlsFailure failure, string message) : base(message)
        {
            Failure = failure;
        }

        /// <summary>Why it failed.</summary>
        public TlsFailure Failure { get; private set; }
    }

    /// <summary>Opens TLS 1.2+ client connections (EST, IoT Hub on devices without MQTT offload).</summary>
    /// <remarks>
    /// <para>The server's chain must lead to one of <c>trustedRoots</c> (DER each; only those, never a
    /// system store) and match <c>host</c>. A client certificate is presented when
    /// <c>clientCertificate</c> and <c>clientKey</c> are given (DER; the key never leaves the
    /// TLS stack). <c>clientCertificate</c> is a chain: the leaf's DER, optionally followed back to back by the DER of its
    /// intermediates (leaf first), all presented in the handshake. The returned stream is owned by the caller, who closes it. Failures throw <see cref="TlsException"/>.</para>
    /// </remarks>
    public interface ITlsConnector
    {
        /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/> and completes the handshake within <paramref name="timeout"/>.</summary>
        Stream Connect(string host, int port, byte[][] trustedRoots, byte[]? clientCertificate, byte[]? clientKey, TimeSpan timeout);
    }
}
