using System;
using NfCerts.Core.Renewal;
using NfCerts.Core.Wifi;
using NfCerts.Tests.Support;
using NfCerts.Tests.Wifi;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.Renewal
{
    /// <summary>
    /// The crash rules <see cref="IRenewalEffects"/> states, held against <see cref="RenewalDriver"/> on the NOR flash model
    /// one effect at a time: a power cut after every flash write of the effect, then a remount, leaves a state the next start
    /// can finish from, and running the effect again there (as the engine does from its journal) ends where an uncut run ends.
    /// </summary>
    public class RenewalDriverTests
    {
        private readonly ITestOutputHelper _out;
        public RenewalDriverTests(ITestOutputHelper output) => _out = output;

        private static readonly Issued Candidate = TestPki.Client(WifiDevice.ClientCa, "device-001");

        private static RenewalDriver Driver(WifiDevice w) => new(w.Store, w.Config, w.Manager, null, new RenewalOptions());

        private static IssuedCredential Credential() => new(Candidate.Der, Candidate.Pkcs8);

        private static string Network1Client(WifiDevice w) => w.Config.GetNetwork(w.Config.GetNetworkIdByConfigName("Network1")).ClientCertId;

        /// <summary>
        /// Runs <paramref name="setup"/>, then <paramref name="effect"/> with a power cut after its n-th flash write for n = 0,
        /// 1, ... until a run completes uncut. After each cut: remount, check <paramref name="afterCut"/> (what any cut may
        /// leave), then <paramref name="recover"/> (what the engine's next start runs) and <paramref name="done"/>.
        /// </summary>
        private int CutAtEveryWrite(Action<WifiDevice, RenewalDriver> setup, Action<RenewalDriver> effect, Action<WifiDevice> afterCut,
            Action<RenewalDriver> recover, Action<WifiDevice> done)
        {
            for (int n = 0; ; n++)
            {
                using var w = new WifiDevice(AuthKind.InProcessTls);
                setup(w, Driver(w));
                w.Flash.ArmPowerCut(n, seed: 4000 + n);
                try
                {
                    effect(Driver(w));
                }
                catch (Exception) when (w.Flash.PowerLost)
                {
                }
                string what = $"cut after write n={n} (seed {4000 + n})";
                try
                {
                    if (!w.Flash.PowerLost)
                    {
                        w.Flash.Disarm();
                        done(w);
                        return n + 1;
                    }
                    w.Flash.PowerOn();
                    w.Flash.Disarm();
                    w.Boot();
                    afterCut(w);
                    recover(Driver(w));
                    w.Boot();
                    done(w);
                }
                catch (Exception e) when (e is not Xunit.Sdk.XunitException || !e.Message.StartsWith("cut after"))
                {
                    throw new Xunit.Sdk.XunitException(what + ": " + e.Message);
                }
                Assert.True(n < 100, "the effect never completed");
            }
        }

        private static void AssertPristineClient(WifiDevice w)
        {
            Assert.Equal(WifiDevice.Client1.Der, w.Store.GetCertificate("ClientCert1"));
            Assert.False(w.Store.ContainsCertificate("ClientCert2"), "ClientCert2 left behind");
            Assert.Equal("ClientCert1", Network1Client(w));
        }

        /// <summary>A cut may leave ClientCert2 and the trial pointer, but never touches ClientCert1, and the pointer never
        /// names a ClientCert2 that is not there.</summary>
        private static void AssertOldCredentialIntact(WifiDevice w)
        {
            Assert.Equal(WifiDevice.Client1.Der, w.Store.GetCertificate("ClientCert1"));
            if (Network1Client(w) == "ClientCert2")
            {
                Assert.Equal(Candidate.Der, w.Store.GetCertificate("ClientCert2"));
            }
        }

        [Fact]
        public void InstallCandidateCutAnywhereIsUndoneByRollBack()
        {
            int runs = CutAtEveryWrite(
                (w, d) => { },
                d => Assert.True(d.InstallCandidate(Credential(), out _)),
                AssertOldCredentialIntact,
                d => d.RollBackCandidate(),
                w =>
                {
                    // Uncut: ClientCert2 in place and Network1 pointing at it on flash; cut: back to the old credential.
                    if (w.Store.ContainsCertificate("ClientCert2"))
                    {
                        Assert.Equal(Candidate.Der, w.Store.GetCertificate("ClientCert2"));
                        w.Boot();
                        Assert.Equal("ClientCert2", Network1Client(w));
                        Assert.Equal(WifiDevice.Client1.Der, w.Store.GetCertificate("ClientCert1"));
                    }
                    else
                    {
                        AssertPristineClient(w);
                    }
                });
            _out.WriteLine($"InstallCandidate: {runs} runs");
            Assert.True(runs >= 3, "ClientCert2 and the pointer are two commits");
        }

        [Fact]
        public void InstallCandidateRefusesAnUnusableCredentialWithoutWriting()
        {
            using var w = new WifiDevice(AuthKind.InProcessTls);
            byte[] before = w.Flash.Snapshot();
            var wrongKey = TestPki.Client(WifiDevice.ClientCa, "device-001");
            Assert.False(Driver(w).InstallCandidate(new IssuedCredential(Candidate.Der, wrongKey.Pkcs8), out string refusal));
            Assert.NotEqual("", refusal);
            Assert.Equal(before, w.Flash.Snapshot());
        }

        [Fact]
        public void RollBackCutAnywhereIsFinishedByRunningItAgain()
        {
            int runs = CutAtEveryWrite(
                (w, d) => Assert.True(d.InstallCandidate(Credential(), out _)),
                d => d.RollBackCandidate(),
                AssertOldCredentialIntact,
                d => d.RollBackCandidate(),
                AssertPristineClient);
            _out.WriteLine($"RollBackCandidate: {runs} runs");
            Assert.True(runs >= 3);
        }

        [Fact]
        public void PromoteCutAnywhereIsFinishedByRunningItAgain()
        {
            int runs = CutAtEveryWrite(
                (w, d) => Assert.True(d.InstallCandidate(Credential(), out _)),
                d => d.PromoteCandidate(),
                w =>
                {
                    // Before the move: both certificates as they were; after it: the new one under ClientCert1. Never neither.
                    byte[] c1 = w.Store.GetCertificate("ClientCert1");
                    Assert.True(c1.AsSpan().SequenceEqual(Candidate.Der) || (c1.AsSpan().SequenceEqual(WifiDevice.Client1.Der)
                        && w.Store.ContainsCertificate("ClientCert2")), "neither the old nor the new certificate is usable");
                },
                d => d.PromoteCandidate(),
                w =>
                {
                    Assert.Equal(Candidate.Der, w.Store.GetCertificate("ClientCert1"));
                    Assert.False(w.Store.ContainsCertificate("ClientCert2"), "ClientCert2 left behind");
                    var n1 = w.Config.GetNetwork(w.Config.GetNetworkIdByConfigName("Network1"));
                    Assert.Equal("ClientCert1", n1.ClientCertId);
                    Assert.True(n1.Enabled, "Network1 left disabled");
                });
            _out.WriteLine($"PromoteCandidate: {runs} runs");
            Assert.True(runs >= 3);
        }

        [Fact]
        public void PrepareRootCaCutAnywhereIsRedoneFromTheNotice()
        {
            int runs = CutAtEveryWrite(
                (w, d) => { },
                d => d.PrepareRootCa(WifiDevice.RootCa2.Der),
                w => Assert.Equal(WifiDevice.RootCa1.Der, w.Store.GetCertificate("RootCA1")),
                d => d.PrepareRootCa(WifiDevice.RootCa2.Der),
                w =>
                {
                    Assert.Equal(WifiDevice.RootCa1.Der, w.Store.GetCertificate("RootCA1"));
                    Assert.Equal(WifiDevice.RootCa2.Der, w.Store.GetCertificate("RootCA2"));
                    var n2 = w.Config.GetNetwork(w.Config.GetNetworkIdByConfigName("Network2"));
                    Assert.Equal("RootCA2", n2.RootCaId);
                    Assert.True(n2.Enabled);
                    Assert.Equal(2, w.Config.GetStoredNetworkCount());
                });
            _out.WriteLine($"PrepareRootCa: {runs} runs");
            Assert.True(runs >= 3);
        }

        [Fact]
        public void PromoteRootCaCutAnywhereIsFinishedByRunningItAgain()
        {
            int runs = CutAtEveryWrite(
                (w, d) => d.PrepareRootCa(WifiDevice.RootCa2.Der),
                d => d.PromoteRootCa(),
                w =>
                {
                    byte[] r1 = w.Store.GetCertificate("RootCA1");
                    Assert.True(r1.AsSpan().SequenceEqual(WifiDevice.RootCa2.Der) || w.Store.ContainsCertificate("RootCA2"),
                        "the new root CA is gone");
                },
                d => d.PromoteRootCa(),
                w =>
                {
                    Assert.Equal(WifiDevice.RootCa2.Der, w.Store.GetCertificate("RootCA1"));
                    Assert.False(w.Store.ContainsCertificate("RootCA2"));
                    Assert.Throws<WifiConfigException>(() => w.Config.GetNetworkIdByConfigName("Network2"));
                    Assert.Equal("RootCA1", w.Config.GetNetwork(w.Config.GetNetworkIdByConfigName("Network1")).RootCaId);
                });
            _out.WriteLine($"PromoteRootCa: {runs} runs");
            Assert.True(runs >= 2);
        }
    }
}
