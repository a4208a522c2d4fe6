using System;
using NfCerts.Hal;
using NfCerts.Hal.Host;

namespace NfCerts.Tests.Certificates
{
    /// <summary>
    /// A <see cref="HostKeyVault"/> whose work is kept out of the managed-heap count, as on the device, where the crypto
    /// runs in mbedTLS on the native heap: only the arrays a call returns reach the managed heap there.
    /// <see cref="NativeBytes"/> is what the desktop's managed crypto allocated beyond those arrays, to subtract from
    /// <see cref="GC.GetAllocatedBytesForCurrentThread"/>.
    /// </summary>
    internal sealed class NativeCryptoVault : IKeyVault
    {
        private readonly HostKeyVault _inner;

        public NativeCryptoVault(HostKeyVault inner)
        {
            _inner = inner;
        }

        public long NativeBytes { get; private set; }

        private T Native<T>(Func<T> call, Func<T, int> managedResult)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            T result;
            try
            {
                result = call();
            }
            finally
            {
                NativeBytes += GC.GetAllocatedBytesForCurrentThread() - before;
            }
            NativeBytes -= managedResult(result) + 32; // the array and its object header
            return result;
        }

        private byte[] Bytes(Func<byte[]> call) => Native(call, r => r.Length);

        public bool CanSealKeys => _inner.CanSealKeys;
        public byte[] Sha1(byte[] data, int offset, int count) => Bytes(() => _inner.Sha1(data, offset, count));
        public byte[] Sha256(byte[] data, int offset, int count) => Bytes(() => _inner.Sha256(data, offset, count));
        public bool KeyMatchesCertificate(byte[] certificate, byte[] privateKey) => Native(() => _inner.KeyMatchesCertificate(certificate, privateKey), _ => -32);
        public byte[] DecryptPrivateKey(byte[] encryptedPkcs8, string password) => Bytes(() => _inner.DecryptPrivateKey(encryptedPkcs8, password));
        public byte[] GenerateKey(KeyAlgorithm algorithm) => Bytes(() => _inner.GenerateKey(algorithm));
        public byte[] CreateCertificateRequest(byte[] privateKey, string subject) => Bytes(() => _inner.CreateCertificateRequest(privateKey, subject));
        public byte[] CreateCertificateRequest(byte[] privateKey, string subject, byte[]? attributes) => Bytes(() => _inner.CreateCertificateRequest(privateKey, subject, attributes));
        public bool VerifySignature(byte[] certificate, byte[] data, byte[] signature) => Native(() => _inner.VerifySignature(certificate, data, signature), _ => -32);
        /// <summary>The array last handed to <see cref="SealPrivateKey"/>, to check that the store wipes what it decoded.</summary>
        public byte[]? LastSealed { get; private set; }

        public byte[] SealPrivateKey(byte[] privateKey)
        {
            LastSealed = privateKey;
            return Bytes(() => _inner.SealPrivateKey(privateKey));
        }

        public byte[] UnsealPrivateKey(byte[] sealedKey) => Bytes(() => _inner.UnsealPrivateKey(sealedKey));
    }
}
