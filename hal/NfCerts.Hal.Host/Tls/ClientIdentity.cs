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
    /// <remarks>
    /// <para>Memory: a context holds the leaf with its key and the intermediates as OpenSSL objects, about 17 KB outside the
    /// managed heap and 7 KB in it (measured on .NET 10, OpenSSL 3.0, ECDSA P-256 leaf and one intermediate). Once
    /// enrolled, a device's hub, DPS and EST transports present the same credential, so a context is shared by every
    /// <see cref="ClientIdentity"/> of the process that asks for the same chain and key while any of them holds it.</para>
    /// <para>An identity made with <c>keepWhileIdle: false</c> (a transport used now and then: EST, DPS) refers to its
    /// context only while a connection or another identity holds it; once none does, the next connection makes it again.</para>
    /// </remarks>
    public sealed class ClientIdentity
    {
        /// <summary>The process's contexts by the SHA-256 of their chain and of their key: an entry lives as long as an
        /// identity or a connection holds its context.</summary>
        private static readonly WeakTable<SslStreamCertificateContext> Contexts = new WeakTable<SslStreamCertificateContext>();

        private readonly object _gate = new object();
        private readonly bool _keepWhileIdle;
        private byte[]? _chain;
        private byte[]? _keyDigest;
        private SslStreamCertificateContext? _context;
        private WeakReference<SslStreamCertificateContext>? _weak;

        /// <summary>An identity that keeps its last context until the credential changes.</summary>
        public ClientIdentity()
            : this(keepWhileIdle: true)
        {
        }

        /// <summary>An identity that keeps its last context (<paramref name="keepWhileIdle"/>) or only refers to it while
        /// something else holds it (a live connection, another identity).</summary>
        public ClientIdentity(bool keepWhileIdle)
        {
            _keepWhileIdle = keepWhileIdle;
        }

        /// <summary>The context for <paramref name="chainDer"/> (leaf DER followed by its intermediates' DER) with
        /// <paramref name="keyDer"/>: the last one made when both are the same, else one another identity of this process
        /// holds for the same chain and key, else a new one.</summary>
        /// <exception cref="EapCredentialException">A certificate or the key cannot be used (the message holds no key material).</exception>
        public SslStreamCertificateContext For(byte[] chainDer, byte[] keyDer)
        {
            ArgumentNullException.ThrowIfNull(chainDer);
            ArgumentNullException.ThrowIfNull(keyDer);
            byte[] digest = SHA256.HashData(keyDer);
            lock (_gate)
            {
                SslStreamCertificateContext? last = _context;
                if (last == null && _weak != null && !_weak.TryGetTarget(out last))
                {
                    last = null;
                }
                if (last != null && _chain.AsSpan().SequenceEqual(chainDer) && CryptographicOperations.FixedTimeEquals(_keyDigest, digest))
                {
                    return last;
                }
            }
            SslStreamCertificateContext context = Contexts.GetOrMake(Convert.ToHexString(SHA256.HashData(chainDer)) + Convert.ToHexString(digest), () => Make(chainDer, keyDer));
            lock (_gate)
            {
                _chain = (byte[])chainDer.Clone();
                _keyDigest = digest;
                _context = _keepWhileIdle ? context : null;
                _weak = _keepWhileIdle ? null : new WeakReference<SslStreamCertificateContext>(context);
            }
            return context;
        }

        private static SslStreamCertificateContext Make(byte[] chainDer, byte[] keyDer)
        {
            var (leaf, intermediates) = CertificateChain.Load(chainDer, keyDer);
            if (!OperatingSystem.IsLinux())
            {
                // SChannel and Secure Transport cannot present an ephemeral key; a PKCS#12 round trip (once per
                // credential) makes it one they can. OpenSSL takes the key as it is.
                using X509Certificate2 ephemeral = leaf;
                leaf = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
            }
            return SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        }
    }
}
