using System;
using System.Security.Authentication;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.Radio
{
    public sealed class TlsAuthenticatorFixture : IDisposable
    {
        public TlsAuthenticatorFixture()
        {
            var pki = TestPki.Instance;
            Authenticator = new TlsEapAuthenticator(pki.Server1, null, pki.ClientCAs());
        }

        public TlsEapAuthenticator Authenticator { get; }

        public void Dispose()
        {
            Authenticator.Dispose();
        }
    }

    /// <summary>The contract against the in-process TLS authenticator, plus what only it can do: judge validity at the virtual clock's time.</summary>
    public sealed class TlsEapAuthenticatorTests : EapAuthenticatorContract, IClassFixture<TlsAuthenticatorFixture>
    {
        private readonly TlsEapAuthenticator _tls;

        public TlsEapAuthenticatorTests(TlsAuthenticatorFixture fixture, ITestOutputHelper output)
            : base(fixture.Authenticator, output)
        {
            _tls = fixture.Authenticator;
            _tls.Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        }

        protected override int BenchRuns { get { return 50; } }

        [Fact]
        public void ValidityIsJudgedAtTheVirtualClocksTime()
        {
            Assert.True(_tls.UsesSuppliedTime);
            var request = TestPki.Request(Ssid, Pki.Client, Pki.RootCA1);

            // Two years on, the server certificate has expired; the device checks it before the server sees the client's.
            Clock.UtcNow = Pki.Now.AddYears(2);
            var late = Radio.Connect(request);
            Assert.Equal(WifiFailureReason.ServerCertificateNotTrusted, late.Reason);
            Assert.Equal(0, late.CertDepth);
            Assert.Equal(TestPki.Server1Subject, late.CertSubject);
            Assert.Contains("certificate has expired", late.Detail);

            Clock.UtcNow = Pki.Now.AddDays(-900);
            var early = Radio.Connect(request);
            Assert.Equal(WifiFailureReason.ServerCertificateNotTrusted, early.Reason);
            Assert.Contains("certificate is not yet valid", early.Detail);

            Clock.UtcNow = Pki.Now;
            AssertSuccess(Radio.Connect(request));
        }

        [Fact]
        public void ExpiredClientCertificateIsAcceptedWhileTheClockIsInsideItsValidity()
        {
            var request = TestPki.Request(Ssid, Pki.ExpiredClient, Pki.RootCA1);
            Clock.UtcNow = Pki.Now.AddDays(-500);
            AssertSuccess(Radio.Connect(request));

            Clock.UtcNow = Pki.Now.AddDays(-300);
            var result = Radio.Connect(request);
            Assert.Equal(WifiFailureReason.ClientCertificateRejected, result.Reason);
            Assert.Contains("certificate has expired", result.Detail);
            Assert.Equal(0, result.CertDepth);
            Assert.Equal("CN=device-expired,O=nf.Certs Tests", result.CertSubject);
        }

        [Theory]
        [InlineData(SslProtocols.Tls12, "Tls12")]
        [InlineData(SslProtocols.Tls13, "Tls13")]
        public void EachTlsVersionAuthenticatesAndRejects(SslProtocols protocols, string name)
        {
            _tls.Protocols = protocols;
            var ok = Radio.Connect(TestPki.Request(Ssid, Pki.Client, Pki.RootCA1));
            AssertSuccess(ok);
            Assert.Contains(name, ok.Detail);
            Assert.Equal(WifiFailureReason.ClientCertificateRejected, Radio.Connect(TestPki.Request(Ssid, Pki.RogueClient, Pki.RootCA1)).Reason);
            Assert.Equal(WifiFailureReason.ServerCertificateNotTrusted, Radio.Connect(TestPki.Request(Ssid, Pki.Client, Pki.RootCA2)).Reason);
        }
    }
}
