using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NfCerts.Hal.Host
{
    /// <summary>
    /// One <see cref="X509Certificate2"/> per distinct certificate for the whole process, for certificates that many
    /// connections trust and none changes: the roots every emulated device's hub connection is judged against are the same
    /// few DER blobs, and each parsed copy costs about 5-7 KB outside the managed heap (OpenSSL's X509). An instance lives as
    /// long as some connection holds it (<see cref="WeakTable{T}"/>).
    /// </summary>
    /// <remarks>The instances returned are shared: callers must neither dispose nor change them (the finalizer frees each
    /// once no one refers to it).</remarks>
    internal static class SharedCertificates
    {
        private static readonly WeakTable<X509Certificate2> Table = new WeakTable<X509Certificate2>();

        /// <summary>The process's instance of the certificate <paramref name="der"/>, parsed now if no one holds one.</summary>
        /// <exception cref="CryptographicException"><paramref name="der"/> is not a certificate (as <see cref="X509CertificateLoader.LoadCertificate(byte[])"/>).</exception>
        public static X509Certificate2 Load(byte[] der)
        {
            ArgumentNullException.ThrowIfNull(der);
            return Table.GetOrMake(Convert.ToHexString(SHA256.HashData(der)), () => X509CertificateLoader.LoadCertificate(der));
        }
    }
}
