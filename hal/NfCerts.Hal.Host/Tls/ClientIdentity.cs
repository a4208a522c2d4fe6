using System;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Hal.Host.Mqtt;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// A device's TLS client identity as <see cref="SslStream"/> takes it, made once per credential and reused for every
    /// connection until the credential changes (a renewal). Making one parses the chain, imports the key and has .NET order
    /// the chain against the machine's trust store, which costs more than the handshake itself; the board parses its
    /// certificate per connection, but that cost is the host's, not the device's. The key is compared by its SHA-256 only;
    /// no copy of it is kept here.
    /// </summary>
    public sealed class ClientIdentity
    {
        private readonly object _gate = new object();
        private byte[]? _chain;
        private byte[]? _keyDigest;
        private SslStreamCertificateContext? _context;

        /// <summary>The context for <paramref name="chainDer"/> (leaf DER followed by its intermediates' DER) with
        /// <paramref name="keyDer"/>: the last one made when both are the same, else a new one.</summary>
        /// <exception cref="EapCredentialException">A certificate or the key cannot be used (the message holds no key material).</exception>
        public SslStreamCertificateContext For(byte[] chainDer, byte[] keyDer)
        {
            ArgumentNullException.ThrowIfNull(chainDer);
            ArgumentNullException.ThrowIfNull(keyDer);
            byte[] digest = SHA256.HashData(keyDer);
            lock (_gate)
            {
                if (_context != null && _chain.AsSpan().SequenceEqual(chainDer) && CryptographicOperations.FixedTimeEquals(_keyDigest, digest))
                {
                    return _context;
                }
            }
            var (leaf, intermediates) = CertificateChain.Load(chainDer, keyDer);
            if (!OperatingSystem.IsLinux())
            {
                // SChannel and Secure Transport cannot present an ephemeral key; a PKCS#12 round trip (once per
                // credential) makes it one they can. OpenSSL takes the key as it is.
                using X509Certificate2 ephemeral = leaf;
                leaf = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
            }
            var context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
            lock (_gate)
            {
                _chain = (byte[])chainDer.Clone();
                _keyDigest = digest;
                _context = context;
            }
            return context;
        }
    }
}
