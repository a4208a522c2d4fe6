using System;
using System.Threading;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Contracts
{
    /// <summary>
    /// The rest of the <see cref="IWifiRadio"/> contract, for radios that watch their link: a link that goes down without
    /// <see cref="IWifiRadio.Disconnect"/> raises <see cref="IWifiRadio.LinkLost"/> once, and EAP-TLS requests without
    /// their material are refused. Every radio passes it, NanoWifiRadio on stock firmware included (it watches the link
    /// through System.Net's NetworkChange).
    /// </summary>
    public abstract class WifiLinkContract : WifiRadioContract
    {
        [Fact]
        public void ALinkThatDropsRaisesLinkLostOnce()
        {
            int lost = 0;
            WifiFailureReason reason = WifiFailureReason.None;
            Radio.LinkLost += (_, r) =>
            {
                reason = r;
                Interlocked.Increment(ref lost);
            };
            var ap = AccessPoint.Open("cafe");
            AddAccessPoint(ap);
            Assert.True(Radio.Connect(Open("cafe")).Success);

            ap.GoDown();

            Assert.True(RealTime.Eventually(() => Volatile.Read(ref lost) == 1));
            Assert.Equal(WifiFailureReason.LinkLost, reason);
            Assert.False(Radio.IsConnected);
            Thread.Sleep(50);
            Assert.Equal(1, Volatile.Read(ref lost));
        }

        [Fact]
        public void AfterDisconnectALinkThatGoesAwayIsNotReported()
        {
            int lost = 0;
            Radio.LinkLost += (_, _) => Interlocked.Increment(ref lost);
            var ap = AccessPoint.Open("cafe");
            AddAccessPoint(ap);
            Assert.True(Radio.Connect(Open("cafe")).Success);
            Radio.Disconnect();

            ap.GoDown();
            Thread.Sleep(50);
            Assert.Equal(0, Volatile.Read(ref lost));
        }

        [Theory]
        [InlineData("cert")]
        [InlineData("key")]
        [InlineData("roots")]
        public void AnEapTlsRequestWithoutItsMaterialIsInvalid(string missing)
        {
            var request = new WifiConnectRequest
            {
                Ssid = "corp",
                Security = WifiSecurity.Wpa2EapTls,
                EapIdentity = "device-001",
                ClientCertificate = missing == "cert" ? null : new byte[] { 0x30, 1 },
                ClientKey = missing == "key" ? null : new byte[] { 0x30, 2, 0x42, 0x43 },
                TrustedRoots = missing == "roots" ? null : new[] { new byte[] { 0x30, 3 } },
            };
            Assert.Equal(WifiFailureReason.InvalidRequest, Radio.Connect(request).Reason);
            Assert.False(Radio.IsConnected);
        }
    }
}
