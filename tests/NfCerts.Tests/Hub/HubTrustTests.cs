using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NfCerts.Core.Certificates;
using NfCerts.Core.Hub;
using NfCerts.Core.Storage;
using NfCerts.Emulators.Pki;
using NfCerts.Hal.Host;
using NfCerts.Tests.Support;
using Xunit;

namespace NfCerts.Tests.Hub
{
    public class HubTrustTests
    {
        /// <summary>The table of reference-facts.md (seed 002 and the Azure CA details page).</summary>
        public static TheoryData<int, string, string> Shipped => new()
        {
            { 0, "d4de20d05e66fc53fe1a50882c78db2852cae474", "CN=Baltimore CyberTrust Root, OU=CyberTrust, O=Baltimore, C=IE" },
            { 1, "df3c24f9bfd666761b268073fe06d1cc8d4f82a4", "CN=DigiCert Global Root G2, OU=www.digicert.com, O=DigiCert Inc, C=US" },
            { 2, "73a5e64a3bff8316ff0edccc618a906e4eae4d74", "CN=Microsoft RSA Root Certificate Authority 2017, O=Microsoft Corporation, C=US" },
        };

        private static (NorFlash, RecordLog, HubTrust) Fresh()
        {
            var flash = new NorFlash(32 * 4096, 4096);
            RecordLog.Format(flash, CertStore.MaxEntrySize);
            var log = RecordLog.Mount(flash, CertStore.MaxEntrySize);
            return (flash, log, new HubTrust(log, new VirtualClock(DateTime.UtcNow)));
        }

        [Theory]
        [MemberData(nameof(Shipped))]
        public void TheShippedRootsAreDebiansByteForByteWithTheKnownThumbprints(int index, string sha1, string subject)
        {
            string file = Path.Combine("/usr/share/ca-certificates/mozilla", HubRoots.SourceFiles()[index]);
            Assert.True(File.Exists(file), file + " is missing: install Debian's ca-certificates");
            Assert.Equal(File.ReadAllBytes(file), Encoding.ASCII.GetBytes(HubRoots.GetAll()[index]));
            var (_, _, trust) = Fresh();
            byte[] der = trust.GetRoots()[index];
            Assert.Equal(sha1, Convert.ToHexStringLower(SHA1.HashData(der)));
            using var cert = X509CertificateLoader.LoadCertificate(der);
            Assert.Equal(subject, cert.Subject);
        }

        [Fact]
        public void OperatorRootsAreTrustedWithTheShippedOnesAndRemovedByThumbprint()
        {
            var (flash, log, trust) = Fresh();
            var root = TestPki.Root("Operator Hub Root");
            var changes = 0;
            trust.Changed += s => changes++;
            Assert.True(trust.AddRoot(Encoding.ASCII.GetBytes(root.Pem)));
            Assert.False(trust.AddRoot(root.Der));
            Assert.False(trust.AddRoot(trust.GetRoots()[1]));
            Assert.Equal(1, changes);
            var reopened = new HubTrust(RecordLog.Mount(flash, CertStore.MaxEntrySize));
            var roots = reopened.GetRoots();
            Assert.Equal(4, roots.Length);
            Assert.Equal(root.Der, roots[3]);
            string sha256 = Convert.ToHexStringLower(SHA256.HashData(root.Der));
            Assert.Equal(sha256, reopened.GetOperatorThumbprints().Single());
            Assert.False(reopened.RemoveRoot(Convert.ToHexStringLower(SHA256.HashData(roots[0]))));
            Assert.True(reopened.RemoveRoot(sha256.ToUpperInvariant()));
            Assert.Equal(3, reopened.GetRoots().Length);
            Assert.False(reopened.RemoveRoot(sha256));
        }

        [Fact]
        public void WhatIsNotASelfSignedValidCaIsRefusedWithTheReasonAndNothingChanges()
        {
            var (_, log, trust) = Fresh();
            var now = DateTimeOffset.UtcNow;
            var devRoot = DevPki.Root("CN=Dev Root", now.AddDays(-1), now.AddYears(5));
            var intermediate = DevPki.Intermediate(devRoot, "CN=Hub TLS CA 01", now.AddDays(-1), now.AddYears(2));
            var leaf = TestPki.Client(TestPki.Root("Some CA"), "device-001");
            var expired = TestPki.Root("Old Root", now.AddYears(-10), now.AddDays(-1));
            var cases = new (byte[] Input, string Reason)[]
            {
                (intermediate.Der, "not self-signed"),
                (leaf.Der, "not a CA"),
                (expired.Der, "expired"),
                (Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"), "refused"),
                (new byte[] { 0x30, 0x03, 0x02, 0x01 }, "refused"),
                (new byte[20000], "refused"),
            };
            foreach (var (input, reason) in cases)
            {
                var e = Assert.Throws<ArgumentException>(() => trust.AddRoot(input));
                Assert.Contains(reason, e.Message);
            }
            Assert.Equal(3, trust.GetRoots().Length);
            Assert.Empty(log.GetKeys(HubTrust.KeyPrefix));
        }

        [Fact]
        public void TheOperatorsRootsAreBounded()
        {
            var (_, _, trust) = Fresh();
            for (int i = 0; i < HubTrust.MaxOperatorRoots; i++)
            {
                Assert.True(trust.AddRoot(TestPki.Root("Root " + i).Der));
            }
            var e = Assert.Throws<ArgumentException>(() => trust.AddRoot(TestPki.Root("One too many").Der));
            Assert.Contains("remove one first", e.Message);
            Assert.Equal(3 + HubTrust.MaxOperatorRoots, trust.GetRoots().Length);
        }

        /// <summary>A power cut at every write of an add leaves the set without or with the new root, never damaged.</summary>
        [Fact]
        public void APowerCutDuringAnAddKeepsTheOldOrTheNewSet()
        {
            var first = TestPki.Root("First Operator Root");
            var second = TestPki.Root("Second Operator Root");
            int runs = 0;
            for (int n = 0; ; n++)
            {
                var (flash, _, trust) = Fresh();
                trust.AddRoot(first.Der);
                flash.ArmPowerCut(n, seed: n);
                bool cut = false;
                try
                {
                    trust.AddRoot(second.Der);
                }
                catch (ArgumentException) when (flash.PowerLost)
                {
                    cut = true;
                }
                runs++;
                flash.PowerOn();
                var roots = new HubTrust(RecordLog.Mount(flash, CertStore.MaxEntrySize)).GetRoots();
                Assert.Equal(first.Der, roots[3]);
                if (!cut)
                {
                    Assert.Equal(second.Der, roots[4]);
                    break;
                }
                Assert.True(roots.Length == 4 || roots.Length == 5 && roots[4].SequenceEqual(second.Der), $"n={n}: {roots.Length} roots");
                Assert.True(n < 1000);
            }
            Assert.True(runs > 2);
        }
    }
}
