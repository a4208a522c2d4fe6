using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;

namespace NfCerts.Core.Provisioning
{
    /// <summary>Where and how the device provisions: one value in the flash log (key <see cref="LogKey"/>), written by the
    /// desktop tool or the operator and read at every provisioning attempt.</summary>
    /// <remarks>Layout: <see cref="FieldRecord"/> version 1 with the fields global endpoint, port, ID scope, identity
    /// certificate ID, intermediate IDs (comma-separated, may be empty), trusted root IDs (comma-separated), in that order.
    /// About 200 bytes.</remarks>
    public sealed class DpsSettings
    {
        /// <summary>Log key.</summary>
        public const string LogKey = "Pdps.cfg";
        /// <summary>The public DPS endpoint.</summary>
        public const string DefaultGlobalEndpoint = "global.azure-devices-provisioning.net";
        private const byte Version = 1;

        /// <summary>DPS device endpoint host name.</summary>
        public string GlobalEndpoint = DefaultGlobalEndpoint;
        /// <summary>MQTT over TLS port.</summary>
        public int Port = 8883;
        /// <summary>The DPS instance's ID scope (<c>0ne...</c>).</summary>
        public string IdScope = "";
        /// <summary>Store ID of the identity certificate and key (the EST-issued one, e.g. <c>ClientCert1</c>).</summary>
        public string IdentityCertificateId = "ClientCert1";
        /// <summary>Store IDs of intermediate CA certificates sent after the leaf in the TLS handshake, in order (leaf's issuer first).</summary>
        public string[] IntermediateIds = new string[0];
        /// <summary>Store IDs of the roots trusted for the DPS endpoint's chain.</summary>
        public string[] TrustedRootIds = new string[0];

        /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the first bad field.</summary>
        public void Validate()
        {
            if (!HostNames.IsHostName(GlobalEndpoint))
            {
                throw new ArgumentException("DPS endpoint '" + GlobalEndpoint + "' is not a host name");
            }
            if (Port < 1 || Port > 65535)
            {
                throw new ArgumentException("DPS port " + Port.ToString() + " is out of range");
            }
            if (IdScope.Length < 1 || IdScope.Length > 64 || IdScope.IndexOf('/') >= 0 || IdScope.IndexOf(' ') >= 0)
            {
                throw new ArgumentException("DPS ID scope '" + IdScope + "' is empty, too long or holds '/' or a space");
            }
            CheckIds(new string[] { IdentityCertificateId }, "identity certificate");
            CheckIds(IntermediateIds, "intermediate");
            if (TrustedRootIds.Length == 0)
            {
                throw new ArgumentException("no trusted root is named for the DPS endpoint");
            }
            CheckIds(TrustedRootIds, "trusted root");
        }

        /// <summary>Reads the settings; false when there are none.</summary>
        /// <exception cref="StorageException">The value does not decode (<see cref="StorageError.Corrupt"/>).</exception>
        public static bool TryLoad(RecordLog log, out DpsSettings settings)
        {
            settings = new DpsSettings();
            byte[] d;
            if (!log.TryGet(LogKey, out d))
            {
                return false;
            }
            string[] f = FieldRecord.Decode(d, Version, 6, "the DPS settings");
            settings.GlobalEndpoint = f[0];
            settings.Port = (int)FieldRecord.Number(f[1], "the DPS settings");
            settings.IdScope = f[2];
            settings.IdentityCertificateId = f[3];
            settings.IntermediateIds = Split(f[4]);
            settings.TrustedRootIds = Split(f[5]);
            return true;
        }

        /// <summary>Validates and writes the settings in one atomic commit.</summary>
        public void Save(RecordLog log)
        {
            Validate();
            var t = log.Begin();
            t.Put(LogKey, FieldRecord.Encode(Version, new string[]
            {
                GlobalEndpoint, Port.ToString(), IdScope, IdentityCertificateId, Join(IntermediateIds), Join(TrustedRootIds),
            }));
            t.Commit();
        }

        private static void CheckIds(string[] ids, string what)
        {
            for (int i = 0; i < ids.Length; i++)
            {
                if (!CertStore.IsValidIdentifier(ids[i]))
                {
                    throw new ArgumentException(what + " ID '" + ids[i] + "' is not a valid store identifier");
                }
            }
        }

        private static string[] Split(string s)
        {
            return s.Length == 0 ? new string[0] : s.Split(',');
        }

        private static string Join(string[] ids)
        {
            string s = "";
            for (int i = 0; i < ids.Length; i++)
            {
                s = i == 0 ? ids[i] : s + "," + ids[i];
            }
            return s;
        }
    }
}
