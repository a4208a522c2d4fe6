using System;
using System.Linq;
using NfCerts.Core.Renewal;
using NfCerts.Tests.Wifi;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.Renewal
{
    /// <summary>
    /// Reboots at every step boundary and power cuts at every flash write of both flows: the device always ends connected,
    /// on Network1, with the new credential, and the store holds no leftover Network2 or ClientCert2.
    /// </summary>
    public class RenewalCrashTests
    {
        private readonly ITestOutputHelper _out;
        public RenewalCrashTests(ITestOutputHelper output) => _out = output;

        private static void AssertClientRenewed(RenewalDevice d, string what)
        {
            try
            {
                Assert.Equal("Network1", d.W.ConnectedName);
                var flash = d.OnFlash();
                Assert.Equal(d.Issuer.LastIssued!.Der, flash.ClientCert1);
                Assert.False(flash.HasClientCert2, "ClientCert2 left behind");
                Assert.False(flash.HasNetwork2, "Network2 left behind");
                Assert.Equal("ClientCert1", flash.Network1Client);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException(what + ": " + e.Message + "\nsteps: " + string.Join(", ", d.Steps.TakeLast(14)) + "\nstatus: " + d.Engine.Status.LastResult + " / " + d.Engine.Status.LastReason);
            }
        }

        /// <summary>Brings a device to the eve of its renewal (60-day certificate, due at day 32).</summary>
        private static RenewalDevice EveOfClientRenewal()
        {
            var d = new RenewalDevice(TimeSpan.FromDays(60));
            d.Days(31.5);
            Assert.Equal(0, d.Issuer.Calls);
            return d;
        }

        [Theory]
        [MemberData(nameof(ClientSteps))]
        public void ClientFlowRebootAtEveryStep(string step)
        {
            using var d = EveOfClientRenewal();
            bool armed = true;
            d.CutAtStep = s => { if (armed && s == step) { armed = false; return true; } return false; };
            d.Days(2);
            Assert.False(armed, "step " + step + " was never reached");
            Assert.True(d.W.Flash.PowerLost);
            d.Reboot();
            d.Days(4);
            AssertClientRenewed(d, "reboot at " + step);
        }

        public static TheoryData<string> ClientSteps()
        {
            var t = new TheoryData<string>();
            foreach (var s in ClientRotationTests.SeedSteps) t.Add(s);
            return t;
        }

        [Fact]
        public void ClientFlowPowerCutAtEveryFlashWrite()
        {
            int runs = 0;
            for (int n = 0; ; n++)
            {
                using var d = EveOfClientRenewal();
                d.W.Flash.ArmPowerCut(n, seed: 1000 + n);
                d.Days(2);
                runs++;
                if (!d.W.Flash.PowerLost)
                {
                    AssertClientRenewed(d, "no cut");
                    break;
                }
                d.Reboot();
                d.Days(4);
                AssertClientRenewed(d, $"power cut after write n={n} (seed {1000 + n})");
                Assert.True(n < 200, "the flow never completed");
            }
            _out.WriteLine($"client flow: {runs} runs");
            Assert.True(runs > 10);
        }

        // ---- root CA flow ----

        private static void DeliverNotice(RenewalDevice d)
        {
            try
            {
                d.Engine.BeginRootCaRotation(WifiDevice.RootCa2.Der);
            }
            catch (Exception) when (d.W.Flash.PowerLost)
            {
            }
        }

        /// <summary>Runs the root flow from the notice, with the RADIUS server switching after a few days; recovers and
        /// re-delivers the notice if power went before it was saved (as the cloud does through the twin).</summary>
        private static void RunRootFlow(RenewalDevice d)
        {
            DeliverNotice(d);
            d.Days(2);
            if (d.W.Flash.PowerLost)
            {
                d.Reboot();
                d.Days(1);
            }
            if (d.Engine.Journal.Root == RootRotationStep.Idle && d.W.Store.GetCertificate("RootCA1").AsSpan().SequenceEqual(WifiDevice.RootCa1.Der))
            {
                DeliverNotice(d);
                d.Days(1);
            }
            d.W.Authenticator.ChangeServerCertificate(WifiDevice.Server2.WithKey);
            d.W.Radio.DropLink();
            d.Days(2);
            if (d.W.Flash.PowerLost)
            {
                d.Reboot();
            }
            d.Days(2);
            if (d.W.Flash.PowerLost)
            {
                d.Reboot();
                d.Days(1);
            }
        }

        [Theory]
        [MemberData(nameof(RootSteps))]
        public void RootFlowRebootAtEveryStep(string step)
        {
            using var d = new RenewalDevice(TimeSpan.FromDays(365));
            d.Days(1);
            bool armed = true;
            d.CutAtStep = s => { if (armed && s == step) { armed = false; return true; } return false; };
            RunRootFlow(d);
            Assert.False(armed, "step " + step + " was never reached");
            RootRotationTests.AssertRotated(d);
        }

        public static TheoryData<string> RootSteps()
        {
            var t = new TheoryData<string>();
            foreach (var s in RootRotationTests.SeedSteps) t.Add(s);
            return t;
        }

        [Fact]
        public void RootFlowPowerCutAtEveryFlashWrite()
        {
            int runs = 0;
            for (int n = 0; ; n++)
            {
                using var d = new RenewalDevice(TimeSpan.FromDays(365));
                d.Days(1);
                d.W.Flash.ArmPowerCut(n, seed: 2000 + n);
                RunRootFlow(d);
                runs++;
                try
                {
                    RootRotationTests.AssertRotated(d);
                }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"power cut after write n={n} (seed {2000 + n}): {e.Message}\nsteps: {string.Join(", ", d.Steps.TakeLast(12))}");
                }
                if (d.W.Flash.PowerCuts == 0)
                {
                    break;
                }
                Assert.True(n < 200, "the flow never completed");
            }
            _out.WriteLine($"root flow: {runs} runs");
            Assert.True(runs > 10);
        }
    }
}
