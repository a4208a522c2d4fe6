using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Emulators.Pki;

namespace NfCerts.Tests.Tls
{
    /// <summary>The certificates the TLS and EST client tests share: a server root with a 127.0.0.1 server, a device root
    /// with an intermediate, and helpers for the DER forms the HAL takes.</summary>
    internal sealed class TlsPki
    {
        public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

        public DevCredential ServerRoot { get; } = DevPki.Root("CN=TLS Test Server Root", Now.AddDays(-1), Now.AddYears(5));
        public DevCredential OtherRoot { get; } = DevPki.Root("CN=Someone Else's Root", Now.AddDays(-1), Now.AddYears(5));
        public DevCredential DeviceRoot { get; } = DevPki.Root("CN=TLS Test Device Root", Now.AddDays(-1), Now.AddYears(5));
        public DevCredential Server { get; }
        public DevCredential DeviceIntermediate { get; }

        public TlsPki()
        {
            Server = DevPki.Server(ServerRoot, new[] { "localhost" }, Now.AddDays(-1), Now.AddYears(1));
            DeviceIntermediate = DevPki.Intermediate(DeviceRoot, "CN=TLS Test Device Issuing CA", Now.AddDays(-1), Now.AddYears(2));
        }

        public DevCredential Device(string subject = "CN=device-001", DevCredential? issuer = null, DateTimeOffset? notAfter = null)
            => DevPki.Client(issuer ?? DeviceIntermediate, subject, Now.AddDays(-1), notAfter ?? Now.AddDays(30));

        public static byte[] KeyDer(DevCredential c)
            => (c.Certificate.GetECDsaPrivateKey() as AsymmetricAlgorithm ?? c.Certificate.GetRSAPrivateKey()!).ExportPkcs8PrivateKey();

        public static byte[] Chain(params DevCredential[] certificates)
        {
            var all = new System.Collections.Generic.List<byte>();
            foreach (DevCredential c in certificates)
            {
                all.AddRange(c.Der);
            }
            return all.ToArray();
        }

        public static X509Certificate2Collection Roots(params DevCredential[] roots)
        {
            var collection = new X509Certificate2Collection();
            foreach (DevCredential r in roots)
            {
                collection.Add(X509CertificateLoader.LoadCertificate(r.Der));
            }
            return collection;
        }
    }
}
