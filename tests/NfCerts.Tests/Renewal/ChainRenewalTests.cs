using System;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Core.Certificates;
using NfCerts.Core.Storage;
using NfCerts.Emulators.Pki;
using NfCerts.Hal.Host;
using NfCerts.Tests.Support;
using NfCerts.Tests.Wifi;
using Xunit;

namespace NfCerts.Tests.Renewal
{
    /// <summary>An issuer that signs from an intermediate CA (as EST servers do): its chain is installed with ClientCert2 and
    /// carried onto ClientCert1, and the RADIUS server, which trusts only the root, accepts the renewed certificate.</summary>
    public class ChainRenewalTests
    {
        [Fact]
        public void ARenewalFromAnIntermediateKeepsTheIssuersChainAndProvesItOnTheNetwork()
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(60));
            var now = DateTimeOffset.UtcNow;
            var issuing = DevPki.Intermediate(new DevCredential(WifiDevice.ClientCa.WithKey), "CN=Device Issuing CA,O=nf.Certs Tests",
                now.AddDays(-2), now.AddYears(5));
            d.Issuer.Intermediate = new Issued { Certificate = issuing.Certificate, Key = issuing.Certificate.GetECDsaPrivateKey()! };

            d.Days(33);

            Assert.Equal(1, d.Issuer.Calls);
            Assert.Equal(1, d.Engine.Status.Renewals);
            Assert.Equal(0, d.Engine.Status.Rollbacks);
            Assert.Equal("Network1", d.W.ConnectedName);
            var store = new CertStore(RecordLog.Mount(d.W.Flash, CertStore.MaxEntrySize), new HostKeyVault());
            Assert.Equal(d.Issuer.LastIssued!.Der, store.GetCertificate("ClientCert1"));
            Assert.Equal(2, store.GetCertificateChainCount("ClientCert1"));
            Assert.Equal(CertificateChain.Join(d.Issuer.LastIssued.Der, issuing.Der), store.GetCertificateChain("ClientCert1"));
            Assert.False(store.ContainsCertificate("ClientCert2"));
        }
    }
}
