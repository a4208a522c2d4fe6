using System;
using System.Threading;
using NfCerts.Hal;
using NfCerts.Hal.Host;
using NfCerts.Hal.Nano;
using NfCerts.NanoStandIn;
using NfCerts.Tests.Contracts;
using Xunit;

namespace NfCerts.Nano.Tests
{
    /// <summary>NanoWifiRadio through the radio contracts, on a freshly booted board with or without the interop library.</summary>
    public abstract class NanoWifiRadioContractTests : WifiLinkContract
    {
        private readonly NanoWifiRadio _radio;

        protected NanoWifiRadioContractTests(bool withInterop)
        {
            Firmware.Boot(withInterop);
            _radio = new NanoWifiRadio();
        }

        protected override IWifiRadio Radio => _radio;

        protected override void AddAccessPoint(AccessPoint accessPoint) => Board.AddAccessPoint(accessPoint);

        public override void Dispose() => _radio.Dispose();
    }

    /// <summary>NanoWifiRadio on a firmware image with the interop library: the native EAP-capable station.</summary>
    public sealed class InteropWifiRadioContractTests : NanoWifiRadioContractTests
    {
        public InteropWifiRadioContractTests() : base(withInterop: true)
        {
        }
    }

    /// <summary>NanoWifiRadio on stock nanoFramework (issue 9, finding 7): open and PSK networks through System.Device.Wifi,
    /// the link watched through System.Net's NetworkChange.</summary>
    public sealed class StockWifiRadioContractTests : NanoWifiRadioContractTests
    {
        public StockWifiRadioContractTests() : base(withInterop: false)
        {
        }
    }

    /// <summary>What is particular to the stock firmware's station.</summary>
    public sealed class StockWifiRadioTests
    {
        public StockWifiRadioTests()
        {
            Firmware.Boot(withInterop: false);
        }

        private static WifiConnectRequest Open(string ssid) =>
            new WifiConnectRequest { Ssid = ssid, Security = WifiSecurity.Open, Timeout = TimeSpan.FromSeconds(10) };

        [Fact]
        public void ConnectSucceedsOnlyOnceDhcpHasGivenTheStationItsAddress()
        {
            Board.AddAccessPoint(AccessPoint.Open("cafe"));
            WifiAir.DhcpTime = TimeSpan.FromMilliseconds(300);
            var radio = new NanoWifiRadio();

            Assert.True(radio.Connect(Open("cafe")).Success);

            Assert.NotEqual(WifiAir.NoAddress, WifiAir.StationAddress);
        }

        [Fact]
        public void AnAssociationWithoutAnAddressIsATimeoutAndLeavesTheNetwork()
        {
            Board.AddAccessPoint(AccessPoint.Open("cafe"));
            WifiAir.DhcpAnswers = false;
            var radio = new NanoWifiRadio();

            WifiConnectResult result = radio.Connect(new WifiConnectRequest { Ssid = "cafe", Security = WifiSecurity.Open, Timeout = TimeSpan.FromMilliseconds(800) });

            Assert.Equal(WifiFailureReason.Timeout, result.Reason);
            Assert.Contains("IP address", result.Detail);
            Assert.False(radio.IsConnected);
            Assert.Null(WifiAir.AssociatedSsid);
        }

        [Fact]
        public void AfterALinkLossTheFirmwareDoesNotRejoinBehindTheCallersBack()
        {
            var ap = AccessPoint.Open("cafe");
            Board.AddAccessPoint(ap);
            var radio = new NanoWifiRadio();
            int lost = 0;
            radio.LinkLost += (_, _) => Interlocked.Increment(ref lost);
            Assert.True(radio.Connect(Open("cafe")).Success);

            ap.GoDown();
            Assert.True(RealTime.Eventually(() => Volatile.Read(ref lost) == 1));
            ap.ComeBack();

            Assert.Null(WifiAir.AssociatedSsid);
            Assert.Equal(0, WifiAir.AutomaticReconnects);
            Assert.False(radio.IsConnected);
        }

        [Fact]
        public void TheOffEventOfTheLinkAConnectReplacedIsNotALinkLoss()
        {
            Board.AddAccessPoint(AccessPoint.Open("cafe"));
            Board.AddAccessPoint(AccessPoint.Open("library"));
            var radio = new NanoWifiRadio();
            int lost = 0;
            radio.LinkLost += (_, _) => Interlocked.Increment(ref lost);
            Assert.True(radio.Connect(Open("cafe")).Success);

            // The event thread is busy: the new association's address is there before cafe's off has been delivered.
            NetworkEvents.Held = true;
            WifiConnectResult? second = null;
            var connecting = new Thread(() => second = radio.Connect(Open("library")));
            connecting.Start();
            Assert.True(RealTime.Eventually(() => WifiAir.AssociatedSsid == "library" && WifiAir.StationAddress != WifiAir.NoAddress));
            connecting.Join(1500); // a station trusting the address alone has returned by now (it looks every 500 ms)
            NetworkEvents.Held = false;

            Assert.True(connecting.Join(TimeSpan.FromSeconds(10)));
            Assert.True(second!.Success);
            Assert.True(NetworkEvents.Drain());
            Assert.Equal(0, Volatile.Read(ref lost));
            Assert.True(radio.IsConnected);
            Assert.Equal("library", WifiAir.AssociatedSsid);
        }

        [Fact]
        public void TheSoftApGoingDownIsNotTheStationsLink()
        {
            Board.AddAccessPoint(AccessPoint.Open("cafe"));
            var radio = new NanoWifiRadio();
            int lost = 0;
            radio.LinkLost += (_, _) => Interlocked.Increment(ref lost);
            Assert.True(radio.Connect(Open("cafe")).Success);

            NetworkEvents.Post(NetworkEvents.AvailabilityChanged, false, NetworkEvents.SoftApIndex);

            Assert.True(NetworkEvents.Drain());
            Assert.Equal(0, Volatile.Read(ref lost));
            Assert.True(radio.IsConnected);
        }

        [Fact]
        public void EapTlsIsReportedAsNeedingTheInteropFirmwareWithoutTouchingTheStation()
        {
            Board.AddAccessPoint(AccessPoint.Open("corp"));
            var radio = new NanoWifiRadio();
            var request = new WifiConnectRequest
            {
                Ssid = "corp",
                Security = WifiSecurity.Wpa2EapTls,
                EapIdentity = "device-001",
                ClientCertificate = new byte[] { 0x30, 1 },
                ClientKey = new byte[] { 0x30, 2, 0x42, 0x43 },
                TrustedRoots = new[] { new byte[] { 0x30, 3 } },
            };

            WifiConnectResult result = radio.Connect(request);

            Assert.Equal(WifiFailureReason.NotSupportedByFirmware, result.Reason);
            Assert.Contains("interop", result.Detail);
            Assert.Contains("firmware/native/esp32", result.Detail);
            Assert.Equal(0, WifiAir.ConnectCalls);
            Assert.False(radio.IsConnected);
        }

        [Fact]
        public void DisconnectStopsTheFirmwareFromRejoiningByItself()
        {
            var ap = AccessPoint.Wpa2Psk("home", "correct horse");
            Board.AddAccessPoint(ap);
            var radio = new NanoWifiRadio();
            Assert.True(radio.Connect(new WifiConnectRequest { Ssid = "home", Security = WifiSecurity.Wpa2Psk, Psk = "correct horse" }).Success);
            Assert.Equal("home", WifiAir.AssociatedSsid);

            radio.Disconnect();
            ap.GoDown();
            ap.ComeBack();

            Assert.Null(WifiAir.AssociatedSsid);
            Assert.Equal(0, WifiAir.AutomaticReconnects);
        }

        [Fact]
        public void AnAttemptLongerThanTheRequestsTimeoutIsAbandonedAsTimeout()
        {
            Board.AddAccessPoint(AccessPoint.Open("slow"));
            WifiAir.AssociationTime = TimeSpan.FromSeconds(3);
            var radio = new NanoWifiRadio();

            var started = DateTime.UtcNow;
            WifiConnectResult result = radio.Connect(new WifiConnectRequest { Ssid = "slow", Security = WifiSecurity.Open, Timeout = TimeSpan.FromMilliseconds(200) });

            Assert.Equal(WifiFailureReason.Timeout, result.Reason);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2.5), "Connect waited for the firmware's own 20 s limit");
            Assert.False(radio.IsConnected);
            Assert.Null(WifiAir.AssociatedSsid);
        }
    }
}
