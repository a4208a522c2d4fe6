using System;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using NfCerts.Core.Hub;
using NfCerts.Emulators.Hub;
using Xunit;
using Xunit.Abstractions;

namespace NfCerts.Tests.HubE2E
{
    /// <summary>
    /// The hub's TLS root migration (Baltimore CyberTrust Root to DigiCert Global Root G2) end to end. The emulator cannot
    /// hold the real roots' keys, so <see cref="HubServerPki"/>'s test roots named like them stand in: the device trusts
    /// them as operator roots in <see cref="HubTrust"/> (what <c>hubRootsToAdd</c> or provisioning puts there), beside the
    /// real roots it ships with, which the emulator's chains never verify against.
    /// </summary>
    public sealed class RootMigrationE2ETests
    {
        private readonly ITestOutputHelper _out;

        public RootMigrationE2ETests(ITestOutputHelper output) => _out = output;

        private static async Task<(E2eDevice, HubServerPki)> UnderBaltimoreAsync(params string[] trusted)
        {
            string dir = Directory.CreateTempSubdirectory("nfcerts-hubpki-").FullName;
            HubServerPki pki = HubServerPki.Open(dir);
            E2eDevice e = await E2eDevice.CreateAsync(trust: log =>
            {
                var trust = new HubTrust(log);
                foreach (string name in trusted)
                {
                    Assert.True(trust.AddRoot(pki.Chains[name][2].RawData));
                }
            });
            await Serve(e, pki, "baltimore", drop: false);
            return (e, pki);
        }

        private static Task Serve(E2eDevice e, HubServerPki pki, string chain, bool drop)
            => e.Hub.Hub.SwitchServerChainAsync(pki.Chains[chain][0], new X509Certificate2Collection(pki.Chains[chain][1]), drop);

        [Fact]
        public async Task A_device_trusting_both_roots_follows_the_switch_to_DigiCert_G2_by_itself()
        {
            var (e, pki) = await UnderBaltimoreAsync("baltimore", "digicert-g2");
            await using (e)
            {
                e.BootConnected();
                int connects = e.Client.Status.Connects;

                await Serve(e, pki, "digicert-g2", drop: true);

                Assert.True(e.Until(() => e.Client.Status.Connects > connects && e.Client.Status.Connected), "no reconnect: " + e.Client.Status.LastError);
                Assert.Contains(e.Hub.Log, l => l.Contains("server chain switched") && l.Contains("Microsoft Azure RSA TLS Issuing CA 03"));
                Assert.True(e.HubSeesDevice());
                Directory.Delete(pki.Directory, true);
            }
        }

        [Fact]
        public async Task A_device_trusting_only_Baltimore_stays_disconnected_after_the_switch_and_says_why()
        {
            var (e, pki) = await UnderBaltimoreAsync("baltimore");
            await using (e)
            {
                e.BootConnected();
                int failed = e.Client.Status.FailedAttempts;

                await Serve(e, pki, "digicert-g2", drop: true);

                Assert.True(e.Until(() => e.Client.Status.FailedAttempts >= failed + 2), "no failed attempts: " + e.Client.Status.LastError);
                e.Idle(TimeSpan.FromMinutes(10));
                Assert.False(e.Client.Status.Connected);
                Assert.False(e.HubSeesDevice());
                string why = e.Client.Status.LastError;
                _out.WriteLine("device's last error: " + why);
                Assert.Contains("the hub's certificate chain is not trusted", why);
                Assert.Contains("Microsoft Azure RSA TLS Issuing CA 03", why);
                Directory.Delete(pki.Directory, true);
            }
        }
    }
}
