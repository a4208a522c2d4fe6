using System;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Radio
{
    /// <summary>The radio environment itself, with an authenticator that answers what it is told and counts calls.</summary>
    public class SimulatedRadioTests
    {
        private readonly ManualClock _clock = new ManualClock(new DateTime(2030, 5, 6, 7, 8, 9, DateTimeKind.Utc));
        private readonly ScriptedAuthenticator _eap = new ScriptedAuthenticator();
        private readonly SimulatedRadio _radio;

        public SimulatedRadioTests()
        {
            _radio = new SimulatedRadio(_clock);
        }

        private static WifiConnectRequest Open(string ssid)
        {
            return new WifiConnectRequest { Ssid = ssid, Security = WifiSecurity.Open };
        }

        private static WifiConnectRequest Psk(string ssid, string psk)
        {
            return new WifiConnectRequest { Ssid = ssid, Security = WifiSecurity.Wpa2Psk, Psk = psk };
        }

        private static WifiConnectRequest Eap(string ssid)
        {
            return new WifiConnectRequest
            {
                Ssid = ssid,
                Security = WifiSecurity.Wpa2EapTls,
                EapIdentity = "device-001",
                ClientCertificate = new byte[] { 0x30, 1 },
                ClientKey = new byte[] { 0x30, 2, 0x42, 0x43 },
                TrustedRoots = new[] { new byte[] { 0x30, 3 } },
                ServerDomain = "example.com",
            };
        }

        [Fact]
        public void OpenNetworkConnectsAndMissingSsidIsNetworkNotFound()
        {
            _radio.AddAccessPoint(AccessPoint.Open("cafe"));
            Assert.True(_radio.Connect(Open("cafe")).Success);
            Assert.True(_radio.IsConnected);

            var result = _radio.Connect(Open("elsewhere"));
            Assert.Equal(WifiFailureReason.NetworkNotFound, result.Reason);
            Assert.Contains("elsewhere", result.Detail);
            Assert.False(_radio.IsConnected); // the attempt dropped the previous link first
        }

        [Fact]
        public void WrongPskFailsAuthenticationAndRightOneConnects()
        {
            _radio.AddAccessPoint(AccessPoint.Wpa2Psk("home", "correct horse"));
            Assert.Equal(WifiFailureReason.AuthenticationFailed, _radio.Connect(Psk("home", "battery staple")).Reason);
            Assert.False(_radio.IsConnected);
            Assert.True(_radio.Connect(Psk("home", "correct horse")).Success);
        }

        [Fact]
        public void AnotherSecurityTypeOnTheSsidIsNotTheNetwork()
        {
            _radio.AddAccessPoint(AccessPoint.Wpa2Psk("home", "correct horse"));
            var result = _radio.Connect(Open("home"));
            Assert.Equal(WifiFailureReason.NetworkNotFound, result.Reason);
            Assert.Contains("WPA2-PSK", result.Detail);
        }

        [Fact]
        public void EapTlsIsDelegatedWithTheClocksTimeAndTheAuthenticatorsAnswerIsReturned()
        {
            var ap = AccessPoint.EapTls("corp", _eap);
            _radio.AddAccessPoint(ap);
            _eap.Answer = new WifiConnectResult(WifiFailureReason.ServerCertificateNotTrusted, 0, "CN=x", "untrusted");
            var result = _radio.Connect(Eap("corp"));
            Assert.Same(_eap.Answer, result);
            Assert.Equal(_clock.UtcNow, _eap.LastTime);
            Assert.Equal(1, _eap.Calls);
            Assert.Equal(1, ap.AuthenticationCount);
            Assert.False(_radio.IsConnected);

            _eap.Answer = new WifiConnectResult(WifiFailureReason.None, -1, null, null);
            Assert.True(_radio.Connect(Eap("corp")).Success);
            Assert.True(_radio.IsConnected);
            Assert.Same(ap, _radio.ConnectedAccessPoint);
        }

        [Theory]
        [InlineData("cert")]
        [InlineData("key")]
        [InlineData("roots")]
        [InlineData("emptyroots")]
        [InlineData("emptyroot")]
        [InlineData("timeout")]
        public void EapTlsRequestWithoutItsMaterialIsInvalidAndNeverReachesTheAuthenticator(string missing)
        {
            _radio.AddAccessPoint(AccessPoint.EapTls("corp", _eap));
            var request = Eap("corp");
            switch (missing)
            {
                case "cert": request.ClientCertificate = null; break;
                case "key": request.ClientKey = Array.Empty<byte>(); break;
                case "roots": request.TrustedRoots = null; break;
                case "emptyroots": request.TrustedRoots = new byte[0][]; break;
                case "emptyroot": request.TrustedRoots = new[] { new byte[] { 0x30 }, Array.Empty<byte>() }; break;
                case "timeout": request.Timeout = TimeSpan.Zero; break;
            }
            var result = _radio.Connect(request);
            Assert.Equal(WifiFailureReason.InvalidRequest, result.Reason);
            Assert.Equal(0, _eap.Calls);
            Assert.Equal(1, _radio.GetAttemptCount("corp"));
        }

        [Theory]
        [InlineData("")]
        [InlineData("123456789012345678901234567890123")]
        [InlineData("ääääääääääääääääö")] // 17 characters, 34 bytes of UTF-8
        public void SsidMustBeOneTo32BytesOfUtf8(string ssid)
        {
            Assert.Equal(WifiFailureReason.InvalidRequest, _radio.Connect(Open(ssid)).Reason);
            Assert.Throws<ArgumentException>(() => AccessPoint.Open(ssid));
        }

        [Theory]
        [InlineData("short")]
        [InlineData(null)]
        public void PskOfTheWrongLengthIsInvalid(string? psk)
        {
            _radio.AddAccessPoint(AccessPoint.Wpa2Psk("home", "correct horse"));
            Assert.Equal(WifiFailureReason.InvalidRequest, _radio.Connect(Psk("home", psk!)).Reason);
        }

        [Fact]
        public void NullRequestIsAnArgumentException()
        {
            Assert.Throws<ArgumentException>(() => _radio.Connect(null!));
        }

        [Fact]
        public void AttemptsAreCountedPerSsidAndTheLastRequestKeepsNoSecrets()
        {
            _radio.AddAccessPoint(AccessPoint.EapTls("corp", _eap));
            _radio.Connect(Eap("corp"));
            _radio.Connect(Eap("corp"));
            _radio.Connect(Psk("home", "correct horse"));
            Assert.Equal(2, _radio.GetAttemptCount("corp"));
            Assert.Equal(1, _radio.GetAttemptCount("home"));
            Assert.Equal(0, _radio.GetAttemptCount("nowhere"));
            Assert.Equal(3, _radio.TotalAttempts);

            var last = _radio.LastRequest!;
            Assert.Equal("home", last.Ssid);
            Assert.True(last.HasPsk);
            Assert.Equal(_clock.UtcNow, last.Time);

            var request = Eap("corp");
            _radio.Connect(request);
            last = _radio.LastRequest!;
            Assert.Equal(WifiSecurity.Wpa2EapTls, last.Security);
            Assert.Equal("device-001", last.EapIdentity);
            Assert.Equal("example.com", last.ServerDomain);
            Assert.True(last.HasClientKey);
            Assert.False(last.HasPsk);
            Assert.Equal(request.ClientCertificate, last.ClientCertificate);
            Assert.NotSame(request.ClientCertificate, last.ClientCertificate);
            Assert.Equal(request.TrustedRoots, last.TrustedRoots);
            Assert.DoesNotContain(typeof(WifiRequestRecord).GetProperties(), p => p.Name.Contains("Key") && p.PropertyType != typeof(bool));
        }

        [Fact]
        public void DropLinkRaisesLinkLostOnceAndDisconnectRaisesNothing()
        {
            _radio.AddAccessPoint(AccessPoint.Open("cafe"));
            int lost = 0;
            _radio.LinkLost += (s, r) =>
            {
                Assert.Same(_radio, s);
                Assert.Equal(WifiFailureReason.LinkLost, r);
                lost++;
            };
            Assert.False(_radio.DropLink());
            _radio.Connect(Open("cafe"));
            Assert.True(_radio.DropLink());
            Assert.False(_radio.IsConnected);
            Assert.Equal(1, lost);

            _radio.Connect(Open("cafe"));
            _radio.Disconnect();
            _radio.Disconnect();
            Assert.False(_radio.IsConnected);
            _radio.Connect(Open("cafe"));
            _radio.Connect(Open("cafe")); // reconnecting drops the old link silently
            Assert.Equal(1, lost);
        }

        [Fact]
        public void OnlyTheConnectedAccessPointGoingDownLosesTheLink()
        {
            var cafe = AccessPoint.Open("cafe");
            var other = AccessPoint.Open("other");
            _radio.AddAccessPoint(cafe);
            _radio.AddAccessPoint(other);
            int lost = 0;
            _radio.LinkLost += (s, r) => lost++;
            _radio.Connect(Open("cafe"));
            other.GoDown();
            Assert.True(_radio.IsConnected);
            cafe.GoDown();
            cafe.GoDown();
            Assert.False(_radio.IsConnected);
            Assert.Equal(1, lost);
            Assert.Equal(WifiFailureReason.NetworkNotFound, _radio.Connect(Open("cafe")).Reason);
            cafe.ComeBack();
            Assert.True(_radio.Connect(Open("cafe")).Success);
        }

        [Fact]
        public void RemovingTheAccessPointLosesTheLinkAndStopsListeningToIt()
        {
            var cafe = AccessPoint.Open("cafe");
            _radio.AddAccessPoint(cafe);
            int lost = 0;
            _radio.LinkLost += (s, r) => lost++;
            _radio.Connect(Open("cafe"));
            Assert.True(_radio.RemoveAccessPoint(cafe));
            Assert.False(_radio.RemoveAccessPoint(cafe));
            Assert.Equal(1, lost);
            Assert.Equal(WifiFailureReason.NetworkNotFound, _radio.Connect(Open("cafe")).Reason);
        }

        [Fact]
        public void TheFirstAccessPointUpWithTheSsidAnswers()
        {
            var first = AccessPoint.Wpa2Psk("home", "first passphrase");
            var second = AccessPoint.Wpa2Psk("home", "second passphrase");
            _radio.AddAccessPoint(first);
            _radio.AddAccessPoint(second);
            Assert.True(_radio.Connect(Psk("home", "first passphrase")).Success);
            first.GoDown();
            Assert.True(_radio.Connect(Psk("home", "second passphrase")).Success);
            Assert.Same(second, _radio.ConnectedAccessPoint);
        }

        [Fact]
        public void LinkLostHandlerMayReconnect()
        {
            var a = AccessPoint.Open("a");
            var b = AccessPoint.Open("b");
            _radio.AddAccessPoint(a);
            _radio.AddAccessPoint(b);
            WifiConnectResult? reconnect = null;
            _radio.LinkLost += (s, r) => reconnect = _radio.Connect(Open("b"));
            _radio.Connect(Open("a"));
            a.GoDown();
            Assert.NotNull(reconnect);
            Assert.True(reconnect!.Success);
            Assert.Same(b, _radio.ConnectedAccessPoint);
        }

        [Fact]
        public void AccessPointGoingDownDuringAuthenticationFailsTheAttempt()
        {
            var ap = AccessPoint.EapTls("corp", _eap);
            _radio.AddAccessPoint(ap);
            _eap.During = () => ap.GoDown();
            var result = _radio.Connect(Eap("corp"));
            Assert.Equal(WifiFailureReason.NetworkNotFound, result.Reason);
            Assert.False(_radio.IsConnected);
        }

        [Fact]
        public void DisconnectDuringAuthenticationWinsOverTheAttempt()
        {
            _radio.AddAccessPoint(AccessPoint.EapTls("corp", _eap));
            _eap.During = () => _radio.Disconnect();
            var result = _radio.Connect(Eap("corp"));
            Assert.Equal(WifiFailureReason.RadioError, result.Reason);
            Assert.False(_radio.IsConnected);
        }

        [Fact]
        public void AnAuthenticatorThatThrowsIsARadioErrorNotAnException()
        {
            _radio.AddAccessPoint(AccessPoint.EapTls("corp", _eap));
            _eap.During = () => throw new InvalidOperationException("boom");
            var result = _radio.Connect(Eap("corp"));
            Assert.Equal(WifiFailureReason.RadioError, result.Reason);
            Assert.Contains("boom", result.Detail);
        }

        [Fact]
        public void ConcurrentConnectsDropsAndAccessPointFlapsKeepTheStateConsistent()
        {
            var ap = AccessPoint.Open("cafe");
            _radio.AddAccessPoint(ap);
            int lost = 0;
            _radio.LinkLost += (s, r) => Interlocked.Increment(ref lost);
            int successes = 0;
            Exception? failure = null;
            var threads = new Thread[4];
            for (int t = 0; t < threads.Length; t++)
            {
                int id = t;
                threads[t] = new Thread(() =>
                {
                    try
                    {
                        Churn(ap, id, ref successes);
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref failure, e, null);
                    }
                });
                threads[t].Start();
            }
            foreach (var thread in threads)
            {
                Assert.True(thread.Join(TimeSpan.FromSeconds(30)));
            }
            Assert.Null(failure);
            Assert.Equal(1000, _radio.GetAttemptCount("cafe"));
            Assert.True(successes > 0);
            Assert.True(lost > 0);
            Assert.True(lost <= successes);
            ap.IsUp = true;
            Assert.True(_radio.Connect(Open("cafe")).Success);
            Assert.Same(ap, _radio.ConnectedAccessPoint);
        }

        private void Churn(AccessPoint ap, int id, ref int successes)
        {
            for (int i = 0; i < 500; i++)
            {
                switch ((i + id) % 4)
                {
                    case 0:
                    case 1:
                        if (_radio.Connect(Open("cafe")).Success)
                        {
                            Interlocked.Increment(ref successes);
                        }
                        break;
                    case 2: _radio.DropLink(); break;
                    default: ap.IsUp = !ap.IsUp; break;
                }
            }
        }

        /// <summary>Answers with <see cref="Answer"/> and runs <see cref="During"/> in the middle of the authentication.</summary>
        private sealed class ScriptedAuthenticator : IEapAuthenticator
        {
            public WifiConnectResult Answer = new WifiConnectResult(WifiFailureReason.None, -1, null, null);
            public Action? During;
            public int Calls;
            public DateTime LastTime;

            public string Name { get { return "scripted"; } }
            public bool UsesSuppliedTime { get { return true; } }
            public X509Certificate2 ServerCertificate { get { return TestPki.Instance.Server1; } }
            public bool IsServerRunning { get { return true; } }

            public WifiConnectResult Authenticate(WifiConnectRequest request, DateTime utcNow)
            {
                Calls++;
                LastTime = utcNow;
                During?.Invoke();
                return Answer;
            }

            public void ChangeServerCertificate(X509Certificate2 certificate, X509Certificate2Collection? intermediates = null)
            {
            }

            public void StartServer()
            {
            }

            public void StopServer()
            {
            }

            public void Dispose()
            {
            }
        }
    }
}
