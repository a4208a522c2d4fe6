using System;
using System.Text;
using NfCerts.Core.Wifi;
using NfCerts.Emulators.Pki;
using NfCerts.Tests.Wifi;
using Xunit;

namespace NfCerts.Tests.Certificates
{
    /// <summary>
    /// A device certificate issued by an intermediate CA, against a RADIUS server that trusts only the root (as EST servers
    /// and enterprise PKIs issue them): the chain stored with ClientCert1 is what the connection manager presents.
    /// </summary>
    public class StoredChainEapTests
    {
        public static TheoryData<AuthKind> Kinds => ConnectionManagerTests.Kinds;

        private static readonly DevCredential Issuing = DevPki.Intermediate(new DevCredential(WifiDevice.ClientCa.WithKey),
            "CN=Device Issuing CA,O=nf.Certs Tests", DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddYears(3));
        private static readonly DevCredential Device = DevPki.Client(Issuing, "CN=device-001",
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));

        private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

        [Theory]
        [MemberData(nameof(Kinds))]
        public void TheStoredChainAuthenticatesAndTheLeafAloneIsRefusedAsInvalidClientAuth(AuthKind kind)
        {
            using var d = new WifiDevice(kind);
            // As `nfcerts store install-client` gets it from a PKI: one PEM file, leaf first, then the intermediate.
            d.Store.InstallClientCertificate("ClientCert1", Ascii(Device.Pem + "\n" + Issuing.Pem + "\n"), Ascii(Device.KeyPem), null);
            Assert.True(d.Manager.ConnectNow());
            Assert.Equal("Network1", d.ConnectedName);

            d.Store.InstallClientCertificate("ClientCert1", Device.Der, Ascii(Device.KeyPem), null);
            d.Config.ReloadConfig();
            Assert.False(d.Manager.ConnectNow());
            var diag = d.Config.GetNetworkDiagnostics(d.Config.GetNetworkIdByConfigName("Network1"));
            Assert.Equal(WifiNetworkError.AuthenticationFailed, diag.Error);
            Assert.Equal(WifiCertError.InvalidClientAuth, diag.CertError);
            Assert.Equal(0, diag.CertDepth);
            Assert.Equal("CN=device-001", diag.CertSubject);
        }
    }
}
