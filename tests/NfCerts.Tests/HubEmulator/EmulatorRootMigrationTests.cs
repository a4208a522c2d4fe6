using System;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using MQTTnet;
using NfCerts.Emulators.Pki;
using NfCerts.Hal;
using NfCerts.Tests.Contracts;
using Xunit;

namespace NfCerts.Tests.HubEmulator
{
    /// <summary>
    /// The 2023 IoT Hub TLS migration (seed 002) on the emulator: the hub serves a chain under a test root named like
    /// Baltimore CyberTrust Root, then switches live to one named like DigiCert Global Root G2 with a new intermediate.
    /// The keys are the test's own (ECDSA P-256, quicker to make than the real roots' RSA); only the names are the real ones.
    /// </summary>
    public sealed class EmulatorRootMigrationTests
    {
        private static readonly DateTimeOffset From = DateTimeOffset.UtcNow.AddDays(-1);
        private static readonly DateTimeOffset To = DateTimeOffset.UtcNow.AddYears(3);

        private sealed class Migration
        {
            public DevCredential Baltimore { get; } = DevPki.Root("CN=Baltimore CyberTrust Root,OU=CyberTrust,O=Baltimore,C=IE", From, To);
            public DevCredential DigiCertG2 { get; } = DevPki.Root("CN=DigiCert Global Root G2,OU=www.digicert.com,O=DigiCert Inc,C=US", From, To);
            public DevCredential OldIntermediate { get; }
            public DevCredential NewIntermediate { get; }
            public DevCredential OldServer { get; }
            public DevCredential NewServer { get; }

            public Migration()
            {
                OldIntermediate = DevPki.Intermediate(Baltimore, "CN=Microsoft RSA TLS CA 01,O=Microsoft Corporation,C=US", From, To);
                NewIntermediate = DevPki.Intermediate(DigiCertG2, "CN=Microsoft Azure RSA TLS Issuing CA 03,O=Microsoft Corporation,C=US", From, To);
                OldServer = DevPki.Server(OldIntermediate, new[] { "localhost" }, From, To);
                NewServer = DevPki.Server(NewIntermediate, new[] { "localhost" }, From, To);
            }

            public Task ServeOld(HubFixture hub) => hub.Hub.SwitchServerChainAsync(OldServer.Certificate, new X509Certificate2Collection(OldIntermediate.Certificate));

            public Task SwitchToNew(HubFixture hub) => hub.Hub.SwitchServerChainAsync(NewServer.Certificate, new X509Certificate2Collection(NewIntermediate.Certificate));
        }

        [Fact]
        public async Task A_device_trusting_both_roots_reconnects_after_the_hub_switches_to_DigiCert_G2()
        {
            var m = new Migration();
            await using HubFixture hub = await HubFixture.StartAsync();
            await m.ServeOld(hub);
            HubDeviceCredential device = await hub.AddDeviceAsync("dev-1");
            using var probe = new TransportProbe();
            probe.Transport.Connect(hub.Options(device, m.Baltimore, m.DigiCertG2));
            probe.Transport.PatchReported("{\"root\":\"baltimore\"}");

            await m.SwitchToNew(hub);
            Assert.True(RealTime.Eventually(() => !probe.Disconnects.IsEmpty), "the switch did not drop the device");
            probe.Transport.Connect(hub.Options(device, m.Baltimore, m.DigiCertG2));

            Assert.True(probe.Transport.IsConnected);
            Assert.Equal(3, probe.Transport.PatchReported("{\"root\":\"digicert-g2\"}"));
        }

        [Fact]
        public async Task A_device_trusting_only_the_old_Baltimore_root_fails_after_the_switch_naming_the_untrusted_chain()
        {
            var m = new Migration();
            await using HubFixture hub = await HubFixture.StartAsync();
            await m.ServeOld(hub);
            HubDeviceCredential device = await hub.AddDeviceAsync("dev-1");
            using var probe = new TransportProbe();
            probe.Transport.Connect(hub.Options(device, m.Baltimore));

            await m.SwitchToNew(hub);
            Assert.True(RealTime.Eventually(() => !probe.Disconnects.IsEmpty));
            var failed = Assert.Throws<HubException>(() => probe.Transport.Connect(hub.Options(device, m.Baltimore)));

            Assert.Equal(HubFailure.Transport, failed.Failure);
            Assert.Contains("not trusted", failed.Message);
            Assert.Contains("unable to get local issuer certificate", failed.Message);
            Assert.Contains("Microsoft Azure RSA TLS Issuing CA 03", failed.Message);
            Assert.False(probe.Transport.IsConnected);
            Assert.Equal(1, hub.Hub.Counters.Connections); // the hub never saw the refused device's CONNECT
        }

        [Fact]
        public async Task A_device_that_pinned_the_old_intermediate_connects_before_the_switch_and_fails_after_it()
        {
            // The pinning device is what seed 002 warns about: code that checks the issuer's thumbprint instead of
            // building a chain to a root. It is an MQTTnet client with such a check, not our transport (see below).
            var m = new Migration();
            await using HubFixture hub = await HubFixture.StartAsync();
            await m.ServeOld(hub);
            HubDeviceCredential device = await hub.AddDeviceAsync("pinned-1", byThumbprint: true);
            string pinned = m.OldIntermediate.Certificate.Thumbprint;

            using IMqttClient before = await PinningClient.ConnectAsync(hub, device, pinned);
            Assert.True(before.IsConnected);
            await m.SwitchToNew(hub);
            Assert.True(RealTime.Eventually(() => !before.IsConnected));
            var failed = await Assert.ThrowsAnyAsync<Exception>(() => PinningClient.ConnectAsync(hub, device, pinned));

            Assert.Contains("The remote certificate was rejected", failed.ToString());
        }

        [Fact]
        public async Task The_transport_never_takes_a_pinned_intermediate_as_a_trust_anchor()
        {
            var m = new Migration();
            await using HubFixture hub = await HubFixture.StartAsync();
            await m.ServeOld(hub);
            HubDeviceCredential device = await hub.AddDeviceAsync("dev-1");
            using var probe = new TransportProbe();

            var refused = Assert.Throws<HubException>(() => probe.Transport.Connect(hub.Options(device, m.OldIntermediate)));

            Assert.Equal(HubFailure.Transport, refused.Failure);
            Assert.Contains("unable to get local issuer certificate (depth 1, CN=Microsoft RSA TLS CA 01", refused.Message);
        }

        [Fact]
        public async Task A_server_certificate_for_another_host_name_is_refused_even_under_a_trusted_root()
        {
            var m = new Migration();
            await using HubFixture hub = await HubFixture.StartAsync();
            X509Certificate2 wrongHost = OtherHostCertificate(m.NewIntermediate);
            await hub.Hub.SwitchServerChainAsync(wrongHost, new X509Certificate2Collection(m.NewIntermediate.Certificate));
            HubDeviceCredential device = await hub.AddDeviceAsync("dev-1");
            HubConnectOptions options = hub.Options(device, m.DigiCertG2);
            using var probe = new TransportProbe();

            var failed = Assert.Throws<HubException>(() => probe.Transport.Connect(options));

            Assert.Equal(HubFailure.Transport, failed.Failure);
            Assert.Contains("does not name host 'localhost'", failed.Message);
        }

        /// <summary>A server certificate for contoso.azure-devices.net only (DevPki always adds localhost).</summary>
        private static X509Certificate2 OtherHostCertificate(DevCredential issuer)
        {
            using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=*.azure-devices.net", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("contoso.azure-devices.net");
            request.CertificateExtensions.Add(san.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new System.Security.Cryptography.OidCollection { new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1") }, false));
            using X509Certificate2 issued = request.Create(issuer.Certificate, From, To, new byte[] { 1, 2, 3, 4 });
            using X509Certificate2 withKey = issued.CopyWithPrivateKey(key);
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        }
    }
}
