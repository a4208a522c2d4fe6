using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using NfCerts.Hal.Nano;
using NfCerts.NanoStandIn;
using Xunit;

namespace NfCerts.Nano.Tests
{
    /// <summary>EAP-TLS through the interop station: NanoWifiRadio hands the whole profile (identity, certificate, key,
    /// roots) to the natives, and a real TLS handshake on the other side judges it.</summary>
    public sealed class InteropEapTlsTests : IDisposable
    {
        private static readonly Lazy<Pki> Keys = new Lazy<Pki>(() => new Pki());
        private readonly NanoWifiRadio _radio;

        public InteropEapTlsTests()
        {
            Firmware.Boot(withInterop: true);
            _radio = new NanoWifiRadio();
        }

        public void Dispose() => _radio.Dispose();

        private static WifiConnectRequest Request(byte[] root)
        {
            Pki pki = Keys.Value;
            return new WifiConnectRequest
            {
                Ssid = "corp",
                Security = WifiSecurity.Wpa2EapTls,
                EapIdentity = "device-001",
                ClientCertificate = pki.Client.RawData,
                ClientKey = pki.ClientKey,
                TrustedRoots = new[] { root },
                Timeout = TimeSpan.FromSeconds(10),
            };
        }

        [Fact]
        public void TheDeviceJoinsWhenItTrustsTheServersRootAndIsRefusedWhenNot()
        {
            Pki pki = Keys.Value;
            using var server = new TlsEapAuthenticator(pki.Server, null, new X509Certificate2Collection(pki.Root));
            Board.AddAccessPoint(AccessPoint.EapTls("corp", server));
            Assert.True(_radio.SupportsEapTls);

            WifiConnectResult wrongRoot = _radio.Connect(Request(pki.OtherRoot.RawData));
            Assert.Equal(WifiFailureReason.ServerCertificateNotTrusted, wrongRoot.Reason);
            Assert.False(_radio.IsConnected);

            WifiConnectResult joined = _radio.Connect(Request(pki.Root.RawData));
            Assert.True(joined.Success, joined.Detail);
            Assert.True(_radio.IsConnected);
        }

        /// <summary>A root, a server and a client certificate from it, and an unrelated root.</summary>
        private sealed class Pki
        {
            public Pki()
            {
                DateTimeOffset from = DateTimeOffset.UtcNow.AddDays(-1);
                DateTimeOffset to = DateTimeOffset.UtcNow.AddDays(30);
                using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                Root = CreateRoot("CN=Nano Test Root", rootKey, from, to);
                using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                OtherRoot = CreateRoot("CN=Unrelated Root", otherKey, from, to);

                using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                Server = Issue("CN=radius.example.com", serverKey, "1.3.6.1.5.5.7.3.1", from, to).CopyWithPrivateKey(serverKey);
                using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                Client = Issue("CN=device-001", clientKey, "1.3.6.1.5.5.7.3.2", from, to);
                ClientKey = clientKey.ExportPkcs8PrivateKey();
            }

            public X509Certificate2 Root { get; }

            public X509Certificate2 OtherRoot { get; }

            public X509Certificate2 Server { get; }

            public X509Certificate2 Client { get; }

            public byte[] ClientKey { get; }

            private static X509Certificate2 CreateRoot(string name, ECDsa key, DateTimeOffset from, DateTimeOffset to)
            {
                var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
                request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
                request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
                return request.CreateSelfSigned(from, to);
            }

            private X509Certificate2 Issue(string name, ECDsa key, string usage, DateTimeOffset from, DateTimeOffset to)
            {
                var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
                request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid(usage) }, false));
                request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Root, true, false));
                return request.Create(Root, from, to, RandomNumberGenerator.GetBytes(8));
            }
        }
    }
}
