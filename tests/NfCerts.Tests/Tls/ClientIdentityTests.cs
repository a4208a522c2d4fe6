using System;
using System.Linq;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using NfCerts.Emulators.Pki;
using NfCerts.Hal.Host;
using Xunit;

namespace NfCerts.Tests.Tls
{
    /// <summary>What a device's TLS client identity costs the emulator: one context per credential for the whole process,
    /// and none held by a transport that is used now and then (EST, DPS) while no connection needs it.</summary>
    public sealed class ClientIdentityTests
    {
        private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
        private static readonly DevCredential Root = DevPki.Root("CN=Identity Test Root", Now.AddDays(-1), Now.AddYears(2));
        private static readonly DevCredential Intermediate = DevPki.Intermediate(Root, "CN=Identity Test CA", Now.AddDays(-1), Now.AddYears(2));

        [Fact]
        public void The_hub_DPS_and_EST_transports_of_a_device_share_one_context_for_its_credential()
        {
            var (chain, key) = Credential("CN=dev-shared");
            var hub = new ClientIdentity();
            var dps = new ClientIdentity(keepWhileIdle: false);
            var est = new ClientIdentity(keepWhileIdle: false);

            SslStreamCertificateContext first = hub.For(chain, key);

            Assert.Same(first, dps.For(chain, key));
            Assert.Same(first, est.For(chain, key));
            Assert.Equal("CN=dev-shared", first.TargetCertificate.Subject);
            Assert.Equal(new[] { "CN=Identity Test CA" }, first.IntermediateCertificates.Select(c => c.Subject).ToArray());
        }

        [Fact]
        public void A_renewed_credential_gets_its_own_context()
        {
            var (chain, key) = Credential("CN=dev-renewed");
            var (renewedChain, renewedKey) = Credential("CN=dev-renewed");
            var identity = new ClientIdentity();

            SslStreamCertificateContext before = identity.For(chain, key);
            SslStreamCertificateContext after = identity.For(renewedChain, renewedKey);

            Assert.NotSame(before, after);
            Assert.Equal(renewedChain.Take(after.TargetCertificate.RawData.Length), after.TargetCertificate.RawData);
        }

        [Fact]
        public void An_occasional_transport_lets_its_context_go_while_no_connection_holds_it()
        {
            var (chain, key) = Credential("CN=dev-occasional");
            var occasional = new ClientIdentity(keepWhileIdle: false);
            var always = new ClientIdentity();
            var (otherChain, otherKey) = Credential("CN=dev-always");

            WeakReference released = Use(occasional, chain, key);
            WeakReference kept = Use(always, otherChain, otherKey);
            Collect();

            Assert.False(released.IsAlive, "an EST/DPS transport's context outlived its use");
            Assert.True(kept.IsAlive, "the hub transport's context was let go");
            Assert.Equal("CN=dev-occasional", occasional.For(chain, key).TargetCertificate.Subject);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference Use(ClientIdentity identity, byte[] chain, byte[] key) => new WeakReference(identity.For(chain, key));

        private static void Collect()
        {
            for (int i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }

        private static (byte[] Chain, byte[] Key) Credential(string subject)
        {
            DevCredential leaf = DevPki.Client(Intermediate, subject, Now.AddDays(-1), Now.AddYears(1));
            byte[] key = leaf.Certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKey();
            return (leaf.Der.Concat(Intermediate.Der).ToArray(), key);
        }
    }
}
