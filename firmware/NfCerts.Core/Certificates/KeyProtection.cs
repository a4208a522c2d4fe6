namespace NfCerts.Core.Certificates
{
    /// <summary>How a store entry's private key lies in flash (<see cref="CertStore.GetKeyProtection"/>).</summary>
    public enum KeyProtection
    {
        /// <summary>The entry is a root CA certificate: it has no private key.</summary>
        None = 0,
        /// <summary>Sealed under the device key (AES-256-GCM): a dump of the flash does not show it.</summary>
        Sealed = 1,
        /// <summary>In clear, written where no device key was at hand (a store image prepared on the desktop): a device
        /// that can seal keys seals it at boot (<see cref="CertStore.SealPendingKeys"/>).</summary>
        PendingSeal = 2,
        /// <summary>In clear, on a device without a device key (stock firmware): a dump of the flash shows it.</summary>
        Unsealed = 3,
        /// <summary>The key cannot be read: its flash record fails its CRC, or its seal does not verify (altered, or
        /// sealed by another device). Only a vault that can seal tells a good seal from a bad one.</summary>
        Unreadable = 4,
    }
}
