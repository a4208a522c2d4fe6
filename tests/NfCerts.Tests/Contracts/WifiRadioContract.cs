using System;
using System.Threading;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Contracts
{
    /// <summary>
    /// What every <see cref="IWifiRadio"/> promises for joining open and WPA2-PSK networks (hal/NfCerts.Hal/IWifiRadio.cs):
    /// success, the failure reasons, and that a connect or disconnect drops the previous link. Run against the host's
    /// SimulatedRadio and the Nano HAL's NanoWifiRadio on both firmware kinds. The networks on the air are the host's
    /// <see cref="AccessPoint"/>s, which the subclass puts in range of the radio under test.
    /// </summary>
    public abstract class WifiRadioContract : IDisposable
    {
        /// <summary>The radio under test, with no access point in range yet.</summary>
        protected abstract IWifiRadio Radio { get; }

        /// <summary>Brings <paramref name="accessPoint"/> into range of <see cref="Radio"/>.</summary>
        protected abstract void AddAccessPoint(AccessPoint accessPoint);

        /// <summary>Releases the radio.</summary>
        public virtual void Dispose()
        {
        }

        /// <summary>An open network request.</summary>
        protected static WifiConnectRequest Open(string ssid)
        {
            return new WifiConnectRequest { Ssid = ssid, Security = WifiSecurity.Open, Timeout = TimeSpan.FromSeconds(10) };
        }

        /// <summary>A WPA2-PSK request.</summary>
        protected static WifiConnectRequest Psk(string ssid, string psk)
        {
            return new WifiConnectRequest { Ssid = ssid, Security = WifiSecurity.Wpa2Psk, Psk = psk, Timeout = TimeSpan.FromSeconds(10) };
        }

        [Fact]
        public void AnOpenNetworkConnectsAndDisconnectDropsItWithoutALinkLoss()
        {
            int lost = 0;
            Radio.LinkLost += (_, _) => Interlocked.Increment(ref lost);
            AddAccessPoint(AccessPoint.Open("cafe"));

            WifiConnectResult result = Radio.Connect(Open("cafe"));
            Assert.True(result.Success, result.Detail);
            Assert.Equal(WifiFailureReason.None, result.Reason);
            Assert.True(Radio.IsConnected);

            Radio.Disconnect();
            Radio.Disconnect();
            Assert.False(Radio.IsConnected);
            Thread.Sleep(50);
            Assert.Equal(0, Volatile.Read(ref lost));
        }

        [Fact]
        public void APskNetworkConnectsWithItsPassphraseOnly()
        {
            AddAccessPoint(AccessPoint.Wpa2Psk("home", "correct horse"));

            WifiConnectResult wrong = Radio.Connect(Psk("home", "battery staple"));
            Assert.Equal(WifiFailureReason.AuthenticationFailed, wrong.Reason);
            Assert.False(Radio.IsConnected);

            Assert.True(Radio.Connect(Psk("home", "correct horse")).Success);
            Assert.True(Radio.IsConnected);
        }

        [Fact]
        public void AnSsidNotOnTheAirIsNetworkNotFoundAndDropsThePreviousLink()
        {
            AddAccessPoint(AccessPoint.Open("cafe"));
            Assert.True(Radio.Connect(Open("cafe")).Success);

            WifiConnectResult result = Radio.Connect(Open("elsewhere"));
            Assert.Equal(WifiFailureReason.NetworkNotFound, result.Reason);
            Assert.False(Radio.IsConnected);
        }

        [Fact]
        public void AnAccessPointThatWentDownIsNotFound()
        {
            var ap = AccessPoint.Open("cafe");
            AddAccessPoint(ap);
            ap.GoDown();
            Assert.Equal(WifiFailureReason.NetworkNotFound, Radio.Connect(Open("cafe")).Reason);
            ap.ComeBack();
            Assert.True(Radio.Connect(Open("cafe")).Success);
        }

        [Theory]
        [InlineData("")]
        [InlineData("123456789012345678901234567890123")]
        public void AnUnusableSsidIsAnInvalidRequest(string ssid)
        {
            Assert.Equal(WifiFailureReason.InvalidRequest, Radio.Connect(Open(ssid)).Reason);
        }

        [Theory]
        [InlineData("short")]
        [InlineData("1234567890123456789012345678901234567890123456789012345678901234")]
        public void APassphraseOutside8To63CharactersIsAnInvalidRequest(string psk)
        {
            AddAccessPoint(AccessPoint.Wpa2Psk("home", "correct horse"));
            Assert.Equal(WifiFailureReason.InvalidRequest, Radio.Connect(Psk("home", psk)).Reason);
            Assert.False(Radio.IsConnected);
        }

        [Fact]
        public void ANullRequestIsAnArgumentException()
        {
            Assert.ThrowsAny<ArgumentException>(() => Radio.Connect(null!));
        }
    }
}
