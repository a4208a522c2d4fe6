using System;
using NfCerts.Core.Certificates;
using NfCerts.Core.Est;
using NfCerts.Core.Storage;
using NfCerts.Emulators.Pki;
using NfCerts.Hal.Host;
using NfCerts.Tests.Est.Server;

namespace NfCerts.Tests.Est.Client
{
    /// <summary>A device's store on a NOR flash model with the EST server's root as explicit anchor (<c>EstRoot</c>), the
    /// fixture's bootstrap certificate (<c>Bootstrap</c>), and an <see cref="EstIssuer"/> over the host TLS connector.</summary>
    internal sealed class ClientDevice
    {
        public ClientDevice(EstServerFixture est, bool bootstrap = true, bool basic = true)
        {
            Flash = new NorFlash(64 * 4096, 4096);
            RecordLog.Format(Flash, CertStore.MaxEntrySize);
            Store = new CertStore(RecordLog.Mount(Flash, CertStore.MaxEntrySize), Vault);
            Store.InstallRootCACertificate("EstRoot", est.Server.Ca.Root.RawData);
            if (bootstrap)
            {
                Store.InstallClientCertificate("Bootstrap", est.Bootstrap.Der, KeyDer(est.Bootstrap), null);
            }
            Settings = new EstSettings
            {
                Url = "https://127.0.0.1:" + est.Server.Port,
                TrustAnchorIds = new[] { "EstRoot" },
                BootstrapCertificateId = bootstrap ? "Bootstrap" : "",
                User = basic ? EstServerFixture.User : "",
                Password = basic ? EstServerFixture.Password : "",
                Subject = "CN=device-001",
            };
            Issuer = new EstIssuer(Store, Settings, Vault, new HostTlsConnector(Clock), Clock);
        }

        public HostKeyVault Vault { get; } = new();
        public SystemClock Clock { get; } = new();
        public NorFlash Flash { get; }
        public CertStore Store { get; }
        public EstSettings Settings { get; }
        public EstIssuer Issuer { get; }

        public static byte[] KeyDer(DevCredential c) => NfCerts.Tests.Tls.TlsPki.KeyDer(c);
    }
}
