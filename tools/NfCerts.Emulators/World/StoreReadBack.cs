using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using NfCerts.Core.Certificates;
using NfCerts.Core.Device;
using NfCerts.Core.Storage;
using NfCerts.Core.Wifi;
using NfCerts.Core.X509;
using NfCerts.Hal.Host;

namespace NfCerts.Emulators.World;

/// <summary>A certificate read back from the store.</summary>
/// <param name="Id">Its store ID.</param>
/// <param name="Sha256">SHA-256 of its DER (the leaf's), lowercase hex.</param>
/// <param name="Info">What it says.</param>
public sealed record StoredCertificate(string Id, string Sha256, CertificateInfo Info);

/// <summary>
/// Reads the certificates of a device's store from a copy of its flash, as a person with a flash dump would: the running
/// firmware is not asked and not disturbed (the copy is mounted, so a recovery after a cut writes only to the copy).
/// </summary>
public static class StoreReadBack
{
    /// <summary>Every certificate in <paramref name="flash"/>'s store by ID; empty when the store does not mount.</summary>
    public static Dictionary<string, StoredCertificate> Read(NorFlash flash)
    {
        using NorFlash copy = flash.Clone();
        RecordLog log;
        try
        {
            log = RecordLog.Mount(copy, CertStore.MaxEntrySize);
        }
        catch (StorageException)
        {
            return new Dictionary<string, StoredCertificate>(StringComparer.Ordinal);
        }
        return List(new CertStore(log, new HostKeyVault()));
    }

    /// <summary>Every certificate in the running firmware's own store (its index in RAM, the certificates read from its
    /// flash), under the lock every user of the store takes; empty while the device is off or has no store.</summary>
    public static Dictionary<string, StoredCertificate> Read(DeviceRuntime runtime)
    {
        CertStore? store = runtime.Store;
        ConnectionManager? connection = runtime.Connection;
        if (store == null || connection == null)
        {
            return new Dictionary<string, StoredCertificate>(StringComparer.Ordinal);
        }
        lock (connection.SyncRoot)
        {
            return List(store);
        }
    }

    private static Dictionary<string, StoredCertificate> List(CertStore store)
    {
        var found = new Dictionary<string, StoredCertificate>(StringComparer.Ordinal);
        foreach (string id in store.GetCertificateIdentifiers())
        {
            try
            {
                CertificateInfo info = store.GetCertificateInfo(id);
                found[id] = new StoredCertificate(id, Convert.ToHexStringLower(SHA256.HashData(info.RawData)), info);
            }
            catch (CertStoreException)
            {
                // An entry that does not read is not a certificate the device could use: it is missing.
            }
        }
        return found;
    }
}
