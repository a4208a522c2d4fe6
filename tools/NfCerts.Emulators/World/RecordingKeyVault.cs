using System.Collections.Generic;
using NfCerts.Hal;

namespace NfCerts.Emulators.World;

/// <summary>The board's key vault as the world watches it: every call goes to the inner vault; the private keys it generates
/// are kept (in memory only) so that the run's logs and outputs can be scanned for them.</summary>
public sealed class RecordingKeyVault : IKeyVault
{
    private readonly IKeyVault _inner;
    private readonly List<byte[]> _generated = new();
    private readonly object _gate = new();

    /// <summary>Watches <paramref name="inner"/>.</summary>
    public RecordingKeyVault(IKeyVault inner) => _inner = inner;

    /// <summary>The private keys (PKCS#8 DER) generated so far.</summary>
    public IReadOnlyList<byte[]> Generated
    {
        get { lock (_gate) { return _generated.ToArray(); } }
    }

    /// <inheritdoc/>
    public bool CanSealKeys => _inner.CanSealKeys;
    /// <inheritdoc/>
    public byte[] Sha1(byte[] data, int offset, int count) => _inner.Sha1(data, offset, count);
    /// <inheritdoc/>
    public byte[] Sha256(byte[] data, int offset, int count) => _inner.Sha256(data, offset, count);
    /// <inheritdoc/>
    public bool KeyMatchesCertificate(byte[] certificate, byte[] privateKey) => _inner.KeyMatchesCertificate(certificate, privateKey);
    /// <inheritdoc/>
    public byte[] DecryptPrivateKey(byte[] encryptedPkcs8, string password) => _inner.DecryptPrivateKey(encryptedPkcs8, password);
    /// <inheritdoc/>
    public byte[] CreateCertificateRequest(byte[] privateKey, string subject) => _inner.CreateCertificateRequest(privateKey, subject);
    /// <inheritdoc/>
    public byte[] CreateCertificateRequest(byte[] privateKey, string subject, byte[]? attributes) => _inner.CreateCertificateRequest(privateKey, subject, attributes);
    /// <inheritdoc/>
    public bool VerifySignature(byte[] certificate, byte[] data, byte[] signature) => _inner.VerifySignature(certificate, data, signature);
    /// <inheritdoc/>
    public byte[] SealPrivateKey(byte[] privateKey) => _inner.SealPrivateKey(privateKey);
    /// <inheritdoc/>
    public byte[] UnsealPrivateKey(byte[] sealedKey) => _inner.UnsealPrivateKey(sealedKey);

    /// <inheritdoc/>
    public byte[] GenerateKey(KeyAlgorithm algorithm)
    {
        byte[] key = _inner.GenerateKey(algorithm);
        lock (_gate)
        {
            _generated.Add((byte[])key.Clone());
        }
        return key;
    }
}
