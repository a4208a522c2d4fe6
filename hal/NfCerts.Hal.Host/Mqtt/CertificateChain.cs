using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;

namespace NfCerts.Hal.Host.Mqtt
{
    /// <summary>The HAL's client certificate chains (leaf DER followed back to back by its intermediates' DER) as .NET
    /// certificates.</summary>
    public static class CertificateChain
    {
        /// <summary>The leaf with its private key, and the intermediates to send after it.</summary>
        /// <exception cref="EapCredentialException">A certificate or the key cannot be used (the message holds no key material).</exception>
        public static (X509Certificate2 Leaf, X509Certificate2Collection Intermediates) Load(byte[] chain, byte[] key)
        {
            byte[][] parts = EapCredentials.SplitChain(chain);
            var leaf = EapCredentials.LoadClientCertificate(parts[0], key);
            var intermediates = new X509Certificate2Collection();
            for (int i = 1; i < parts.Length; i++)
            {
                intermediates.Add(EapCredentials.LoadCertificate(parts[i], "intermediate #" + i));
            }
            return (leaf, intermediates);
        }
    }
}
