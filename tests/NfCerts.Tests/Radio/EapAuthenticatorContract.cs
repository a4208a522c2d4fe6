using System;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.Radio
{
    /// <summary>
    /// What every authenticator behind an EAP-TLS access point must do, run against each implementation by a derived
    /// class. Each test starts with the server on the RootCA1 certificate and running, and leaves it so.
    /// </summary>
    public abstract class EapAuthenticatorContract
    {
        protected const string Ssid = "Network1";

        protected EapAuthenticatorContract(IEapAuthenticator authenticator, ITestOutputHelper output)
        {
            Auth = authenticator;
            Output = output;
            Pki = TestPki.Instance;
            if (!Auth.IsServerRunning)
            {
                Auth.StartServer();
            }
            if (!ReferenceEquals(Auth.ServerCertificate, Pki.Server1))
            {
                Auth.ChangeServerCertificate(Pki.Server1);
            }
            Clock = new ManualClock(DateTime.UtcNow);
            Radio = new SimulatedRadio(Clock);
            AccessPoint = AccessPoint.EapTls(Ssid, Auth);
            Radio.AddAccessPoint(AccessPoint);
        }

        protected IEapAuthenticator Auth { get; }
        protected ITestOutputHelper Output { get; }
        protected TestPki Pki { get; }
        protected ManualClock Clock { get; }
        protected SimulatedRadio Radio { get; }
        protected AccessPoint AccessPoint { get; }

        [Fact]
        public void ServerFromRootCA1AndDeviceTrustingRootCA1Connects()
        {
            var request = TestPki.Request(Ssid, Pki.Client, Pki.RootCA1);
            var result = Radio.Connect(request);
            AssertSuccess(result);
            Assert.True(Radio.IsConnected);
            Assert.Same(AccessPoint, Radio.ConnectedAccessPoint);
            AssertNoKeyMaterial(result, request);
        }

        [Fact]
        public void ServerSwitchedToRootCA2FailsForRootCA1DevicesAndConnectsRootCA2Devices()
        {
            try
            {
                Auth.ChangeServerCertificate(Pki.Server2);
                Assert.Same(Pki.Server2, Auth.ServerCertificate);

                var network1 = TestPki.Request(Ssid, Pki.Client, Pki.RootCA1);
                var failed = Radio.Connect(network1);
                Assert.Equal(WifiFailureReason.ServerCertificateNotTrusted, failed.Reason);
                Assert.Equal(0, failed.CertDepth);
                Assert.Equal(TestPki.Server2Subject, failed.CertSubject);
                Assert.Contains("unable to get local issuer certificate", failed.Detail);
                Assert.False(Radio.IsConnected);
                AssertNoKeyMaterial(failed, network1);

                var network2 = TestPki.Request(Ssid, Pki.Client, Pki.RootCA2);
                AssertSuccess(Radio.Connect(network2));
                Assert.True(Radio.IsConnected);

                var both = TestPki.Request(Ssid, Pki.Client, Pki.RootCA1, Pki.RootCA2);
                AssertSuccess(Radio.Connect(both));
            }
            finally
            {
                Auth.ChangeServerCertificate(Pki.Server1);
            }
            AssertSuccess(Radio.Connect(TestPki.Request(Ssid, Pki.Client, Pki.RootCA1)));
        }

        [Fact]
        public void UntrustedServerIsReportedWithTheSameSubjectStyleAsOpenSsl()
        {
            // Server1's subject has a comma inside O: both authenticators must escape it the RFC 2253 way.
            var request = TestPki.Request(Ssid, Pki.Client, Pki.RootCA2);
            var result = Radio.Connect(request);
            Assert.Equal(WifiFailureReason.ServerCertificateNotTrusted, result.Reason);
            Assert.Equal(0, result.CertDepth);
            Assert.Equal(TestPki.Server1Subject, result.CertSubject);
            Assert.Equal(TestPki.Server1Subject, DistinguishedNames.Subject(Pki.Server1));
        }

        [Fact]
        public void IntermediatesSentByTheServerCompleteTheChainAndMissingOnesBreakIt()
        {
            try
            {
                Auth.ChangeServerCertificate(Pki.Server1ViaIntermediate, new X509Certificate2Collection(Pki.Intermediate1));
                AssertSuccess(Radio.Connect(TestPki.Request(Ssid, Pki.Client, Pki.RootCA1)));

                Auth.ChangeServerCertificate(Pki.Server1ViaIntermediate);
                var result = Radio.Connect(TestPki.Request(Ssid, Pki.Client, Pki.RootCA1));
                Assert.Equal(WifiFailureReason.ServerCertificateNotTrusted, result.Reason);
                Assert.Equal(0, result.CertDepth);
                Assert.Equal("CN=radius3.example.com,O=nf.Certs Tests", result.CertSubject);
            }
            finally
            {
                Auth.ChangeServerCertificate(Pki.Server1);
            }
        }

        [Fact]
        public void AClientIssuedByAnIntermediateConnectsWithItsChainAndIsRejectedWithTheLeafAlone()
        {
            // The server trusts only the device root (ClientCA): the intermediate has to come from the device.
            var chained = TestPki.Request(Ssid, Pki.ClientViaIntermediate, Pki.RootCA1);
            chained.ClientCertificate = Concat(Pki.ClientViaIntermediate.RawData, Pki.ClientIntermediate.RawData);
            var ok = Radio.Connect(chained);
            AssertSuccess(ok);
            AssertNoKeyMaterial(ok, chained);

            var leafOnly = TestPki.Request(Ssid, Pki.ClientViaIntermediate, Pki.RootCA1);
            var refused = Radio.Connect(leafOnly);
            Assert.Equal(WifiFailureReason.ClientCertificateRejected, refused.Reason);
            Assert.Contains("unable to get local issuer certificate", refused.Detail);
            Assert.Equal(0, refused.CertDepth);
            Assert.Equal("CN=device-chained,O=nf.Certs Tests", refused.CertSubject);
            Assert.False(Radio.IsConnected);
        }

        [Fact]
        public void AClientChainWithBytesThatAreNoCertificateIsAnInvalidRequest()
        {
            var request = TestPki.Request(Ssid, Pki.Client, Pki.RootCA1);
            request.ClientCertificate = Concat(Pki.Client.RawData, new byte[] { 0x04, 0x01, 0x00 });
            var result = Radio.Connect(request);
            Assert.Equal(WifiFailureReason.InvalidRequest, result.Reason);
            Assert.Contains("after certificate #1", result.Detail);
        }

        private static byte[] Concat(byte[] a, byte[] b)
        {
            var all = new byte[a.Length + b.Length];
            a.CopyTo(all, 0);
            b.CopyTo(all, a.Length);
            return all;
        }

        [Fact]
        public void ExpiredClientCertificateIsRejected()
        {
            var request = TestPki.Request(Ssid, Pki.ExpiredClient, Pki.RootCA1);
            var result = Radio.Connect(request);
            Assert.Equal(WifiFailureReason.ClientCertificateRejected, result.Reason);
            Assert.Contains("expired", result.Detail);
            Assert.False(Radio.IsConnected);
            AssertNoKeyMaterial(result, request);
        }

        [Fact]
        public void ClientCertificateFromAnUntrustedCaIsRejected()
        {
            var request = TestPki.Request(Ssid, Pki.RogueClient, Pki.RootCA1);
            var result = Radio.Connect(request);
            Assert.Equal(WifiFailureReason.ClientCertificateRejected, result.Reason);
            Assert.Contains("unable to get local issuer certificate", result.Detail);
            Assert.Equal(0, result.CertDepth);
            Assert.Equal("CN=device-rogue,O=Elsewhere", result.CertSubject);
            AssertNoKeyMaterial(result, request);
        }

        [Theory]
        [InlineData(false, TestPki.KeyFormat.Pkcs8)]
        [InlineData(false, TestPki.KeyFormat.Raw)]
        [InlineData(true, TestPki.KeyFormat.Pkcs8)]
        [InlineData(true, TestPki.KeyFormat.Raw)]
        public void ClientKeysInPkcs8Sec1AndPkcs1DerAllWork(bool rsa, TestPki.KeyFormat format)
        {
            var client = rsa ? Pki.RsaClient : Pki.Client;
            var request = TestPki.Request(Ssid, client, Pki.RootCA1);
            request.ClientKey = TestPki.KeyDer(client, format);
            AssertSuccess(Radio.Connect(request));
        }

        [Fact]
        public void ServerDomainIsMatchedAsASuffix()
        {
            var request = TestPki.Request(Ssid, Pki.Client, Pki.RootCA1);
            request.ServerDomain = "example.com";
            AssertSuccess(Radio.Connect(request));
            request.ServerDomain = "radius.example.com";
            AssertSuccess(Radio.Connect(request));

            request.ServerDomain = "dius.example.com";
            var result = Radio.Connect(request);
            Assert.Equal(WifiFailureReason.ServerCertificateNotTrusted, result.Reason);
            Assert.Equal(0, result.CertDepth);
            Assert.Equal(TestPki.Server1Subject, result.CertSubject);
            Assert.Contains("Domain suffix mismatch", result.Detail);
        }

        [Fact]
        public void KeyThatDoesNotBelongToTheCertificateIsAnInvalidRequest()
        {
            var request = TestPki.Request(Ssid, Pki.Client, Pki.RootCA1);
            request.ClientKey = TestPki.KeyDer(Pki.RogueClient, TestPki.KeyFormat.Pkcs8);
            var result = Auth.Authenticate(request, Clock.UtcNow);
            Assert.Equal(WifiFailureReason.InvalidRequest, result.Reason);
            AssertNoKeyMaterial(result, request);
        }

        [Fact]
        public void AccessPointDownIsNetworkNotFoundWithoutAnAuthenticationAndComingBackConnects()
        {
            AssertSuccess(Radio.Connect(TestPki.Request(Ssid, Pki.Client, Pki.RootCA1)));
            int lost = 0;
            Radio.LinkLost += (s, reason) =>
            {
                Assert.Equal(WifiFailureReason.LinkLost, reason);
                lost++;
            };
            AccessPoint.GoDown();
            Assert.Equal(1, lost);
            Assert.False(Radio.IsConnected);

            long before = AccessPoint.AuthenticationCount;
            var result = Radio.Connect(TestPki.Request(Ssid, Pki.Client, Pki.RootCA1));
            Assert.Equal(WifiFailureReason.NetworkNotFound, result.Reason);
            Assert.Equal(before, AccessPoint.AuthenticationCount);

            AccessPoint.ComeBack();
            AssertSuccess(Radio.Connect(TestPki.Request(Ssid, Pki.Client, Pki.RootCA1)));
            Assert.Equal(before + 1, AccessPoint.AuthenticationCount);
            Assert.Equal(1, lost);
        }

        [Fact]
        public void StoppedServerTimesOutAndAnswersAgainAfterStart()
        {
            var request = TestPki.Request(Ssid, Pki.Client, Pki.RootCA1);
            request.Timeout = TimeSpan.FromSeconds(1);
            try
            {
                Auth.StopServer();
                Assert.False(Auth.IsServerRunning);
                var watch = Stopwatch.StartNew();
                var result = Radio.Connect(request);
                watch.Stop();
                Assert.Equal(WifiFailureReason.Timeout, result.Reason);
                Assert.False(Radio.IsConnected);
                Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(8));
            }
            finally
            {
                Auth.StartServer();
            }
            Assert.True(Auth.IsServerRunning);
            AssertSuccess(Radio.Connect(request));
        }

        [Fact]
        public void TimePerAuthentication()
        {
            var request = TestPki.Request(Ssid, Pki.Client, Pki.RootCA1);
            var rejected = TestPki.Request(Ssid, Pki.RogueClient, Pki.RootCA1);
            var ok = RadioBench.Measure(Auth, request, Clock, BenchRuns, WifiFailureReason.None);
            var bad = RadioBench.Measure(Auth, rejected, Clock, BenchRuns, WifiFailureReason.ClientCertificateRejected);
            Output.WriteLine(Auth.Name + ": success " + ok + "; client rejected " + bad);
            Console.WriteLine("[radio bench] " + Auth.Name + ": success " + ok + "; client rejected " + bad);
        }

        protected abstract int BenchRuns { get; }

        protected static void AssertSuccess(WifiConnectResult result)
        {
            Assert.True(result.Success, "expected success, got " + result.Reason + ": " + result.Detail);
            Assert.Equal(-1, result.CertDepth);
            Assert.Null(result.CertSubject);
        }

        /// <summary>Neither the key's DER (as base64 or hex) nor a PEM key marker appears in what the result says.</summary>
        protected static void AssertNoKeyMaterial(WifiConnectResult result, WifiConnectRequest request)
        {
            var text = (result.Detail ?? "") + "|" + (result.CertSubject ?? "");
            Assert.DoesNotContain("PRIVATE KEY", text);
            var key = request.ClientKey!;
            var b64 = Convert.ToBase64String(key);
            var hex = Convert.ToHexString(key);
            for (int i = 0; i + 16 <= b64.Length; i += 8)
            {
                Assert.DoesNotContain(b64.Substring(i, 16), text);
            }
            for (int i = 0; i + 16 <= hex.Length; i += 8)
            {
                Assert.DoesNotContain(hex.Substring(i, 16), text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    /// <summary>Measures authentications: <c>RadioBench.Measure</c> runs one authenticator n times and gives the mean.</summary>
    public static class RadioBench
    {
        public sealed class Figures
        {
            public int Runs;
            public double MeanMs;
            public double MinMs;
            public double MaxMs;

            public override string ToString()
            {
                return FormattableString.Invariant($"mean {MeanMs:0.0} ms (min {MinMs:0.0}, max {MaxMs:0.0}, n={Runs})");
            }
        }

        /// <summary>Runs <paramref name="runs"/> authentications after one warm-up; every one must end in <paramref name="expected"/>.</summary>
        public static Figures Measure(IEapAuthenticator authenticator, WifiConnectRequest request, IClock clock, int runs, WifiFailureReason expected)
        {
            Assert.Equal(expected, authenticator.Authenticate(request, clock.UtcNow).Reason);
            var f = new Figures { Runs = runs, MinMs = double.MaxValue };
            double total = 0;
            for (int i = 0; i < runs; i++)
            {
                var watch = Stopwatch.StartNew();
                var result = authenticator.Authenticate(request, clock.UtcNow);
                double ms = watch.Elapsed.TotalMilliseconds;
                Assert.Equal(expected, result.Reason);
                total += ms;
                f.MinMs = Math.Min(f.MinMs, ms);
                f.MaxMs = Math.Max(f.MaxMs, ms);
            }
            f.MeanMs = total / runs;
            return f;
        }
    }
}
