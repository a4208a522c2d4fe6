using System;
using System.Diagnostics;
using System.Threading;
using NfCerts.Core.Device;
using NfCerts.Hal;
using Xunit;

namespace NfCerts.Tests.Device
{
    /// <summary>A radio driver that hangs in a connect must not hold the caller (issue 9, finding 5).</summary>
    public class BoundedRadioTests
    {
        /// <summary>A driver whose connect blocks until released, as a wedged Wi-Fi stack does, then succeeds.</summary>
        private sealed class WedgedRadio : IWifiRadio
        {
            public readonly ManualResetEventSlim Release = new(false);
            public int Calls;
            public bool Connected;
#pragma warning disable CS0067
            public event WifiLinkLostHandler? LinkLost;
#pragma warning restore CS0067

            public WifiConnectResult Connect(WifiConnectRequest request)
            {
                Interlocked.Increment(ref Calls);
                Release.Wait();
                Connected = true;
                return new WifiConnectResult(WifiFailureReason.None, -1, null, null);
            }

            public void Disconnect() => Connected = false;
            public bool IsConnected => Connected;
        }

        private static WifiConnectRequest Request() => new WifiConnectRequest { Ssid = "corp-wifi", Timeout = TimeSpan.FromMilliseconds(100) };

        [Fact]
        public void HungConnectIsCutAtItsBoundAndLaterConnectsFailFastUntilTheDriverReturns()
        {
            var driver = new WedgedRadio();
            var radio = new BoundedRadio(driver, TimeSpan.FromMilliseconds(200));
            var watch = Stopwatch.StartNew();
            var first = radio.Connect(Request());
            Assert.InRange(watch.ElapsedMilliseconds, 250, 5000);
            Assert.Equal(WifiFailureReason.RadioError, first.Reason);
            Assert.Contains("did not return", first.Detail);
            Assert.True(radio.IsDriverStuck);
            Assert.False(radio.IsConnected);
            // No second thread is sent into the wedged driver.
            watch.Restart();
            var second = radio.Connect(Request());
            Assert.InRange(watch.ElapsedMilliseconds, 0, 200);
            Assert.Equal(WifiFailureReason.RadioError, second.Reason);
            Assert.Equal(1, driver.Calls);
            // The driver comes back: connects go through again.
            driver.Release.Set();
            for (int i = 0; i < 100 && radio.IsDriverStuck; i++)
            {
                Thread.Sleep(10);
            }
            Assert.False(radio.IsDriverStuck);
            Assert.True(radio.Connect(Request()).Success);
            Assert.Equal(2, driver.Calls);
        }

        [Fact]
        public void DriverExceptionBecomesARadioError()
        {
            var radio = new BoundedRadio(new ThrowingRadio(), TimeSpan.FromSeconds(1));
            var r = radio.Connect(Request());
            Assert.Equal(WifiFailureReason.RadioError, r.Reason);
            Assert.Contains("esp_wifi_connect failed", r.Detail);
            Assert.False(radio.IsDriverStuck);
        }

        private sealed class ThrowingRadio : IWifiRadio
        {
#pragma warning disable CS0067
            public event WifiLinkLostHandler? LinkLost;
#pragma warning restore CS0067
            public WifiConnectResult Connect(WifiConnectRequest request) => throw new InvalidOperationException("esp_wifi_connect failed");
            public void Disconnect() { }
            public bool IsConnected => false;
        }
    }
}
